"""Which messages go straight to a person, and with which reason."""

from __future__ import annotations

import pytest

from skills.handoff_rules import handoff_trigger


@pytest.mark.parametrize(("text", "reason"), [
    ("I'm going to contact my lawyer", "legal_threat"),
    ("I will take you to court over this", "legal_threat"),
    ("I'll report you to consumer protection", "legal_threat"),
    ("I want to file a complaint", "complaint"),
    ("you charged me twice for one jacket", "billing"),
    ("I was double charged", "billing"),
    ("I can't log in to my account", "account"),
    ("please delete my account", "account"),
    ("this is ridiculous", "anger"),
    ("WHERE IS MY ORDER YOU PEOPLE!!", "anger"),
    ("I'd like to speak to someone from your team about it please", "customer_request"),
    ("I'd like to escalate this", "customer_request"),
    ("please pass me to a colleague", "customer_request"),
    ("can someone call me back?", "customer_request"),
    ("this is ridiculous, get me a manager", "anger"),
    ("you stupid idiot bot, you are completely worthless", "anger"),
    ("this is bullshit, where the hell is my damn order", "anger"),
    ("I'm going to come and smash your warehouse", "anger"),
    ("these boots are killing me, can I exchange them?", None),
    ("Hello! Where the parcel is going: Hellerup", None),
    ("another shop has it for €40, can you beat them?", None),
    ("will frost hurt them?", None),
    ("will this spray kill them?", None),
    ("do these candles burn down evenly?", None),
    ("is it idiot-proof?", None),
    ("do you have a smash-proof case?", None),
    ("do you ship to Moroni?", None),
    ("damn comfortable boots, do you have them in brown?", None),
    ("I'll come and burn your shop down", "anger"),
    ("can I talk about sizes with you?", None),
    ("which team designed this jacket?", None),
    ("where is my order", None),
    ("I want to cancel my order", None),
    ("Is the court jacket waterproof?", None),
    ("How do I return my boots?", None),
    ("WHERE is my order!", None),
])
def test_handoff_trigger(text: str, reason: str | None) -> None:
    assert handoff_trigger(text) == reason
