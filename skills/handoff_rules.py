"""When a message must go to a person whatever skill it seems to ask for. Pure rules.

Legal threats, anger, complaints, account or billing problems the skills do not cover,
and plain requests for a person are decided here, in code, before any routing; the reason
becomes the ticket's reason.
"""

from __future__ import annotations

import re

RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("legal_threat", re.compile(
        r"\b(lawyer|attorney|solicitor|sue|suing|lawsuit|legal action|(to|in) court|small claims|"
        r"consumer (protection|ombudsman|council)|chargeback|trading standards)\b", re.I)),
    ("complaint", re.compile(r"\b(complaint|complain|complaining)\b", re.I)),
    ("billing", re.compile(
        r"\b(charged (me )?twice|double charged|charged (me )?two times|overcharged|"
        r"unauthori[sz]ed (charge|payment)|payment (failed|declined) but|billing|invoice "
        r"(is )?wrong)\b", re.I)),
    ("account", re.compile(
        r"\b(can'?t|cannot|unable to) (log ?in|sign ?in|access my account)|"
        r"(account|password) (is )?(locked|hacked|compromised)|delete my account|"
        r"reset (my )?password|gdpr|my (personal )?data\b", re.I)),
    ("anger", re.compile(
        r"\b(ridiculous|unacceptable|useless|furious|disgusting|scam|worst|"
        r"pathetic|fuck\w*|shit\w*|bullshit|wtf|idiots?(?![-\w])|morons?|worthless|crap|"
        r"crooks?|losers?|bastards?|damn (it|you|bot|thing|order|shop|company|parcel)|"
        r"the hell|(i'?ll|i will|i'?m going to|going to|gonna) (come (and |to )?)?"
        r"(smash|burn|beat|hurt|kill)\w*)\b", re.I)),
    ("customer_request", re.compile(
        r"\b((speak|talk|chat) (to|with) (a |an |some(one|body)|your |a real )?"
        r"(person|human|someone|somebody|colleague|manager|supervisor|team|agent|"
        r"representative|rep)\b|escalate|pass me (on )?to|put me through|"
        r"call me back|(request|want|need) a call ?back|get me (a |an )?"
        r"(human|person|manager|supervisor))", re.I)),
)
SHOUTING = re.compile(r"[A-ZÆØÅ]{4,}(?:\W+[A-ZÆØÅ]{2,}){2,}")


def handoff_trigger(text: str) -> str | None:
    """The reason this message must reach a person (legal_threat, complaint, billing,
    account, customer_request, anger), or None."""
    for reason, pattern in RULES:
        if pattern.search(text):
            return reason
    if SHOUTING.search(text) and text.count("!") >= 2:
        return "anger"
    return None
