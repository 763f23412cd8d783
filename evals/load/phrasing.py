"""Many forms of one message: the same request with another opening, ending and sign-off,
as different shoppers write it.

Shoppers rarely send the very same text, and the agent caches what it embedded and
retrieved for a text it has seen; sending each form in turn keeps a measurement from
being served by those caches (there are more forms than the caches hold).
"""

from __future__ import annotations

OPENINGS = ("", "Quick question: ", "Sorry to bother you, ", "Hello there. ", "So ",
            "Hey - ", "One more thing: ", "Good morning. ")
ENDINGS = ("", " please", ", thanks", "?", " - thank you", "??", " :)", " asap")
SIGN_OFFS = ("", " (Anna)", " - Lars", " /Mikkel", " Regards, Ingrid", " Cheers, Jonas",
             " BR Freja", " Thx, Zofia")
FORMS = len(OPENINGS) * len(ENDINGS) * len(SIGN_OFFS)
"""Distinct forms of each message (512)."""


def varied(text: str, variant: int) -> str:
    """``text`` in its ``variant``-th form (form 0 is the text itself)."""
    opening = OPENINGS[variant % len(OPENINGS)]
    ending = ENDINGS[(variant // len(OPENINGS)) % len(ENDINGS)]
    sign_off = SIGN_OFFS[(variant // (len(OPENINGS) * len(ENDINGS))) % len(SIGN_OFFS)]
    return f"{opening}{text}{ending}{sign_off}"
