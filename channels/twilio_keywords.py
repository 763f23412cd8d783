"""SMS / WhatsApp keywords, recognised before the agent sees a message: opt-out, opt-in, help.

A keyword is a whole message: ``STOP``, ``stop`` and `` Stop! `` are one, "please stop
the order" is not (the agent reads it). Surrounding whitespace and punctuation and the
letter case are ignored, and inner spaces too (``STOP ALL``). ``YES`` opts back in only
when the number has opted out; otherwise it is an answer for the agent.

What to send back is decided here as well: Twilio's own opt-out handling confirms STOP
and START on SMS (and refuses to deliver anything to an opted-out number), so on SMS only
HELP gets a reply from the agent; WhatsApp has no such handling, so there STOP and START
are confirmed by the agent too (the STOP confirmation is sent before the number is
suppressed, and nothing follows it).
"""

from __future__ import annotations

import re
from enum import StrEnum

from skills.parts import Channel


class Keyword(StrEnum):
    """What a keyword message asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL",
                           "OPTOUT", "REVOKE"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
OPT_IN_WHEN_OPTED_OUT = frozenset({"YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")


def keyword_word(text: str) -> str:
    """The message as a candidate keyword: trimmed of punctuation, spaces removed, upper case."""
    return _SPACES.sub("", _EDGES.sub("", text.strip())).upper()


def keyword_of(text: str, *, opted_out: bool) -> Keyword | None:
    """The keyword ``text`` is, or None when it is a message for the agent."""
    word = keyword_word(text)
    if word in OPT_OUT_WORDS:
        return Keyword.OPT_OUT
    if word in OPT_IN_WORDS or (opted_out and word in OPT_IN_WHEN_OPTED_OUT):
        return Keyword.OPT_IN
    if word in HELP_WORDS:
        return Keyword.HELP
    return None


def keyword_reply(keyword: Keyword, channel: Channel, store_name: str,
                  support_email: str) -> str | None:
    """The text the agent answers a keyword with on this channel (None: nothing)."""
    if keyword is Keyword.HELP:
        return (f"{store_name}: for help, write to {support_email} or just reply here. "
                "Reply STOP to opt out, START to opt back in.")
    if channel is not Channel.WHATSAPP:
        return None
    if keyword is Keyword.OPT_OUT:
        return (f"You will get no more messages from {store_name} here. "
                "Reply START to opt back in.")
    return f"You will get messages from {store_name} here again. Reply STOP to opt out."
