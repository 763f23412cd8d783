"""What the load run's shoppers say: short conversations per channel, as shoppers write them.

Each script is the messages of one conversation, sent one after the other, each message
in a new form (``evals.load.phrasing``) unless the script is verbatim. The mix covers
every path the audit must see: plain answers, identity requests (a one-time code goes out
and is never typed), a handoff (a ticket, then a human-owned thread the agent stays silent
in), an SMS keyword, and an email auto-reply that is stored and deliberately not answered.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Script:
    """One conversation: its messages, in order."""

    messages: tuple[str, ...]
    subject: str = ""
    """Email only: the first mail's subject (follow-ups are ``Re:`` it)."""
    as_email: str | None = None
    """Webchat only: the email the shopper claims (the agent then asks for a code)."""
    automatic: bool = False
    """Email only: an auto-reply (RFC 3834) the agent must not answer."""
    verbatim: bool = False
    """Sent exactly as written (a keyword), never in another form."""


WEBCHAT_SCRIPTS: tuple[Script, ...] = (
    Script(("hi, do you ship to Germany?", "how much is shipping there?", "great, thanks!")),
    Script(("where is my order 1043?", "what are your opening hours?"),
           as_email="astrid.nielsen@example.com"),
    Script(("how do I return an item?", "how long do refunds take?",
            "can I exchange it for a bigger size instead?")),
    Script(("I want to talk to a person", "hello? is anyone there?")),
    Script(("do you have a student discount?", "can I use two discount codes on one order?")),
    Script(("which payment methods do you accept?", "can I pay with Klarna?")),
    Script(("how do I wash my merino base layer?", "and the down jacket?")),
)

SMS_SCRIPTS: tuple[Script, ...] = (
    Script(("Hi, has my order shipped yet?", "it's order 1043")),
    Script(("how long does delivery to Sweden take", "ok thanks")),
    Script(("HELP",), verbatim=True),
    Script(("what's your return policy?", "do I pay for the return shipping?")),
    Script(("are you open on saturdays?",)),
)

EMAIL_SCRIPTS: tuple[Script, ...] = (
    Script(("Hi, how long do I have to return a jacket that doesn't fit?\n\nBest, Anna",
            "Thanks. And is an exchange for another size free?"), subject="Return question"),
    Script(("How long does delivery to Germany take?",), subject="Delivery time"),
    Script(("I am out of the office until Monday and will answer your mail then.",),
           subject="Out of office", automatic=True),
    Script(("I would like to speak to someone about a complaint, please.",),
           subject="Complaint"),
    Script(("Do you sell wholesale to shops in Norway?",), subject="Wholesale"),
)

SCRIPTS: dict[str, tuple[Script, ...]] = {
    "webchat": WEBCHAT_SCRIPTS, "sms": SMS_SCRIPTS, "email": EMAIL_SCRIPTS}
"""The scripts of each channel the load run can drive."""
