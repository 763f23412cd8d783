"""What analytics reads: the conversations started in a date range, as plain facts.

The range is whole days in the store's time zone, both ends included. Agent-preview
conversations (``preview-...``) are left out. Each conversation comes with its messages
(direction, author, time, and for the agent's turn replies the skill and status the turn
ended with), its handoff tickets and its rating, so that ``agent.analytics`` can compute
everything without touching the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.conversations import Conversation, ConversationStore, Message, Ticket
from agent.inbox import PREVIEW_PREFIX

MAX_RANGE_DAYS = 366


class InvalidRange(ValueError):
    """A date range that cannot be reported on; the message says why."""


@dataclass(frozen=True)
class DateRange:
    """Whole days ``start``..``end`` (inclusive) in ``timezone``."""

    start: date
    end: date
    timezone: str = "UTC"

    @classmethod
    def parse(cls, start: str, end: str, timezone: str) -> DateRange:
        """A range from ``YYYY-MM-DD`` strings; InvalidRange when malformed or backwards."""
        try:
            first, last = date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
        except ValueError:
            raise InvalidRange("dates are written YYYY-MM-DD, e.g. 2026-11-01") from None
        if last < first:
            raise InvalidRange("the range ends before it starts")
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            raise InvalidRange(f"a range is at most {MAX_RANGE_DAYS} days")
        return cls(first, last, timezone)

    @classmethod
    def last_days(cls, days: int, now: datetime, timezone: str) -> DateRange:
        """The ``days`` days up to and including today (in ``timezone``)."""
        today = now.astimezone(ZoneInfo(timezone)).date()
        return cls(today - timedelta(days=days - 1), today, timezone)

    def bounds(self) -> tuple[datetime, datetime]:
        """(first instant, first instant after the range)."""
        zone = ZoneInfo(self.timezone)
        return (datetime.combine(self.start, time(), zone),
                datetime.combine(self.end + timedelta(days=1), time(), zone))

    def days(self) -> list[date]:
        """Every day of the range, in order."""
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def day_of(self, instant: datetime) -> date:
        """The day (in the range's time zone) an instant falls on."""
        return instant.astimezone(ZoneInfo(self.timezone)).date()


@dataclass(frozen=True)
class MessageFact:
    """One message: who, when, and for the agent's turn replies how the turn ended."""

    direction: str
    author: str
    at: datetime
    skill: str | None = None
    status: str | None = None
    turn_reply: bool = False
    sent: bool = True


@dataclass(frozen=True)
class TicketFact:
    """One handoff: why and when."""

    reason: str
    at: datetime


@dataclass(frozen=True)
class ConversationFacts:
    """A conversation as analytics sees it."""

    id: str
    channel: str
    created_at: datetime
    topics: list[str] = field(default_factory=list)
    rating: int | None = None
    messages: list[MessageFact] = field(default_factory=list)
    tickets: list[TicketFact] = field(default_factory=list)


def _message_fact(message: Message) -> MessageFact:
    result = message.result or {}
    return MessageFact(direction=message.direction, author=message.author,
                       at=message.created_at, skill=result.get("skill"),
                       status=result.get("status"), turn_reply=bool(message.result),
                       sent=message.delivery_state != "not_sent")


def load_conversations(store: ConversationStore, period: DateRange) -> list[ConversationFacts]:
    """The conversations started in ``period`` (previews left out), oldest first."""
    start, end = period.bounds()
    with Session(store.engine) as session:
        conversations = list(session.scalars(select(Conversation).where(
            Conversation.created_at >= start, Conversation.created_at < end,
            ~Conversation.id.startswith(PREVIEW_PREFIX)).order_by(Conversation.created_at)))
        ids = [c.id for c in conversations]
        messages: dict[str, list[MessageFact]] = defaultdict(list)
        tickets: dict[str, list[TicketFact]] = defaultdict(list)
        if ids:
            for message in session.scalars(select(Message).where(
                    Message.conversation_id.in_(ids)).order_by(Message.id)):
                messages[message.conversation_id].append(_message_fact(message))
            for ticket in session.scalars(select(Ticket).where(
                    Ticket.conversation_id.in_(ids)).order_by(Ticket.created_at)):
                tickets[ticket.conversation_id].append(TicketFact(ticket.reason,
                                                                  ticket.created_at))
    return [ConversationFacts(id=c.id, channel=c.channel, created_at=c.created_at,
                              topics=list(c.topics or []),
                              rating=c.rating, messages=messages[c.id],
                              tickets=tickets[c.id]) for c in conversations]
