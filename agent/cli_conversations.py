"""``customer-agent conversations``: list, show, close and hand back threads from the terminal.

The merchant console (a later issue) does the same in a page; these commands make a
human-owned conversation reachable today: a person closes it or hands it back to the agent.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from agent.clock import SystemClock
from agent.config import Settings
from agent.conversations import ConversationStore
from agent.db import make_engine
from agent.delivery import UndeliverableReply, deliver_teammate_reply
from agent.runtime import make_outbound
from agent.satisfaction import UnknownConversation, close_conversation

SettingsOf = Callable[[argparse.Namespace], Settings]


def _store(settings: Settings) -> ConversationStore:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return ConversationStore(make_engine(settings.resolved_database_url()))


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    """Conversations, most recently active first."""
    rows: list[dict[str, Any]] = [
        {"id": c.id, "channel": c.channel, "status": c.status, "owner": c.owner,
         "topics": c.topics, "contact_email": c.contact_email, "unread": c.unread,
         "updated_at": c.updated_at.isoformat()} for c in _store(settings).conversations()]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        marker = "*" if row["unread"] else " "
        print(f"{marker} {row['id']:<24} {row['channel']:<9} {row['status']:<7} "
              f"{row['owner']:<6} {', '.join(row['topics'])}")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    """One conversation: its messages and tickets."""
    store = _store(settings)
    conversation = store.conversation(args.id)
    if conversation is None:
        print(f"customer-agent: no conversation {args.id}")
        return 2
    data: dict[str, Any] = {
        "id": conversation.id, "channel": conversation.channel, "status": conversation.status,
        "owner": conversation.owner, "topics": conversation.topics,
        "messages": [{"direction": m["direction"], "text": m["text"], "at": m["at"]}
                     for m in store.transcript(args.id)],
        "tickets": [{"id": t.id, "reason": t.reason, "summary": t.summary,
                     "topics": t.topics, "status": t.status} for t in store.tickets(args.id)],
    }
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    store.update_conversation(args.id, SystemClock().now(), unread=False)
    print(f"{data['id']} ({data['channel']}, {data['status']}, owned by {data['owner']})")
    for message in data["messages"]:
        print(f"  {'>' if message['direction'] == 'in' else '<'} {message['text']}")
    for ticket in data["tickets"]:
        print(f"  ticket {ticket['id']}: {ticket['reason']} [{ticket['status']}]")
    return 0


def _set_owner(args: argparse.Namespace, settings: Settings, **values: str) -> int:
    store = _store(settings)
    if store.conversation(args.id) is None:
        print(f"customer-agent: no conversation {args.id}")
        return 2
    store.update_conversation(args.id, SystemClock().now(), **values)
    print(f"{args.id}: " + ", ".join(f"{k} {v}" for k, v in values.items()))
    return 0


def cmd_reply(args: argparse.Namespace, settings: Settings) -> int:
    """A teammate's reply, sent through the conversation's original channel."""
    store = _store(settings)
    conversation = store.conversation(args.id)
    if conversation is None:
        print(f"customer-agent: no conversation {args.id}")
        return 2
    try:
        clock = SystemClock()
        state = deliver_teammate_reply(store, make_outbound(settings, store, clock),
                                       conversation, args.text, clock.now(),
                                       settings.store_name)
    except UndeliverableReply as exc:
        print(f"customer-agent: {exc}")
        return 2
    print(f"{args.id}: reply {state}")
    return 0


def cmd_close(args: argparse.Namespace, settings: Settings) -> int:
    """Close a conversation; the customer is asked for a rating on its channel."""
    store, clock = _store(settings), SystemClock()
    try:
        ask = close_conversation(store, make_outbound(settings, store, clock), settings,
                                 args.id, clock.now(), "cli")
    except UnknownConversation as exc:
        print(f"customer-agent: {exc}")
        return 2
    asked = f"; rating asked on {ask.channel} ({ask.state})" if ask else ""
    print(f"{args.id}: closed{asked}")
    return 0


def add_conversation_commands(sub: Any, settings_of: SettingsOf) -> None:
    """Register ``conversations list|show|close|hand-back`` on the CLI's sub-parsers."""
    conversations = sub.add_parser("conversations", help="threads, tickets and ownership")
    inner = conversations.add_subparsers(dest="conversations_command", required=True)

    def wire(parser: argparse.ArgumentParser,
             handler: Callable[[argparse.Namespace, Settings], int]) -> None:
        parser.set_defaults(func=lambda args: handler(args, settings_of(args)))

    listing = inner.add_parser("list", help="conversations, newest activity first")
    listing.add_argument("--json", action="store_true")
    wire(listing, cmd_list)
    show = inner.add_parser("show", help="one conversation with messages and tickets")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    wire(show, cmd_show)
    close = inner.add_parser("close", help="close a conversation (the agent answers anew)")
    close.add_argument("id")
    wire(close, cmd_close)
    reply = inner.add_parser("reply", help="answer as a teammate, on the original channel")
    reply.add_argument("id")
    reply.add_argument("text")
    wire(reply, cmd_reply)
    back = inner.add_parser("hand-back", help="hand a human-owned conversation to the agent")
    back.add_argument("id")
    wire(back, lambda a, s: _set_owner(a, s, owner="bot"))
