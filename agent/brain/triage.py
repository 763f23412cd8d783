"""Messages the engine answers by rule, so that no model is asked to understand them.

A one-time code while verification is pending, a short yes or no while a question is
pending, a quick-reply choice among the pending options, an SMS keyword (STOP, HELP)
a bare greeting and a bare thank-you or goodbye are all handled by code; a model could
only get them wrong.
"""

from __future__ import annotations

import re
from typing import Any

from agent.brain.extractors import extract_code, extract_yes_no, is_greeting, is_sign_off

KEYWORD = re.compile(r"^\s*(stop|stopall|unsubscribe|end|quit|start|unstop|help|info)\s*[.!]?\s*$",
                     re.I)
SHORT_ANSWER_WORDS = 3
KEEPS_LANGUAGE = frozenset({"keyword", "one_time_code", "quick_reply", "yes_no"})
"""Rules whose messages say nothing of the shopper's language (codes, keywords, the
engine's own quick-reply labels): the conversation keeps the language it had."""


def handled_by_rule(text: str, pending: dict[str, Any], picks_option: bool) -> str | None:
    """The rule that handles ``text`` given the pending step, or None if none does.

    ``picks_option`` says whether the message picks one of the quick replies offered.
    """
    if KEYWORD.match(text):
        return "keyword"
    kind = pending.get("kind")
    if kind == "identity" and extract_code(text) is not None:
        return "one_time_code"
    if picks_option:
        return "quick_reply"
    if kind and extract_yes_no(text) is not None and len(text.split()) <= SHORT_ANSWER_WORDS:
        return "yes_no"
    if is_greeting(text):
        return "greeting"
    if is_sign_off(text):
        return "sign_off"
    return None
