"""The audit after a load run: nothing lost, nothing twice, read from the database itself.

For every inbound message stored after a given id:

* it has a stored reply of the agent (an outbound message whose ``reply_to`` is its id;
  a silent turn in a human-owned thread is stored too, as ``not_sent``), or
* it was deliberately left unanswered: stored ``no_reply`` (an email auto-reply), or an
  SMS keyword Twilio answers itself (the conversation has a ``keyword`` event), or
* it was handed to a person: processed, in a conversation that has a ticket;

anything else (still ``processing``, ``failed``, processed with nothing to show) is
*unanswered*. And no reply was recorded twice (two agent replies to one inbound message)
or sent twice (two outbox rows of one kind for one reply).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from agent.conversations import Event, Message, Ticket
from agent.outbox import OutboxMessage

DELIBERATE_STATES = frozenset({"no_reply"})


@dataclass
class Audit:
    """What the audit counted and every problem it found (each a small dict)."""

    inbound: int = 0
    replied: int = 0
    deliberately_unanswered: int = 0
    handed_to_person: int = 0
    unanswered: list[dict[str, Any]] = field(default_factory=list)
    duplicate_replies: list[dict[str, Any]] = field(default_factory=list)
    duplicate_sends: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when nothing was lost and nothing was recorded or sent twice."""
        return not (self.unanswered or self.duplicate_replies or self.duplicate_sends)

    def to_json(self) -> dict[str, Any]:
        """The audit as the load report writes it."""
        return {"passed": self.passed, "inbound": self.inbound, "replied": self.replied,
                "deliberately_unanswered": self.deliberately_unanswered,
                "handed_to_person": self.handed_to_person, "unanswered": self.unanswered,
                "duplicate_replies": self.duplicate_replies,
                "duplicate_sends": self.duplicate_sends}


def audit_messages(engine: Engine, after_id: int = 0) -> Audit:
    """Audit every inbound message with an id above ``after_id``."""
    with engine.connect() as connection:
        inbound = connection.execute(
            select(Message.id, Message.conversation_id, Message.delivery_state)
            .where(Message.direction == "in", Message.id > after_id)
            .order_by(Message.id)).all()
        reply_rows = connection.execute(
            select(Message.id, Message.reply_to).where(
                Message.direction == "out", Message.author == "agent",
                Message.reply_to > after_id)).all()
        with_tickets = set(connection.scalars(select(Ticket.conversation_id).distinct()))
        with_keywords = set(connection.scalars(
            select(Event.conversation_id).where(Event.kind == "keyword").distinct()))
        sends = connection.execute(
            select(OutboxMessage.message_id, OutboxMessage.kind, func.count())
            .where(OutboxMessage.message_id > after_id)
            .group_by(OutboxMessage.message_id, OutboxMessage.kind)
            .having(func.count() > 1)).all()
    replies = Counter(reply_to for _, reply_to in reply_rows)
    audit = Audit(inbound=len(inbound))
    for message_id, conversation_id, state in inbound:
        count = replies.get(message_id, 0)
        where = {"message_id": message_id, "conversation_id": conversation_id}
        if count > 1:
            audit.duplicate_replies.append({**where, "replies": count})
        if count:
            audit.replied += 1
        elif state in DELIBERATE_STATES or (
                state == "processed" and conversation_id in with_keywords):
            audit.deliberately_unanswered += 1
        elif state == "processed" and conversation_id in with_tickets:
            audit.handed_to_person += 1
        else:
            audit.unanswered.append({**where, "state": state})
    audit.duplicate_sends = [{"reply_id": reply_id, "kind": kind, "rows": rows}
                             for reply_id, kind, rows in sends]
    return audit
