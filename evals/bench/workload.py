"""What the benchmark says to the agent: representative messages per skill, each one new.

The order skills speak to a customer signed in on the storefront (a signed session token)
about one of the demo store's orders, so the skill itself runs rather than asking for a
code. Every generated message is different text (a base utterance in one of the forms of
``evals.load.phrasing``), so neither the embedding cache nor the search memo turns a
turn into a look-up: each measured turn costs what a new shopper's message costs.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.commerce.demo import DEMO_CASES
from evals.load.phrasing import varied


@dataclass(frozen=True)
class TurnSpec:
    """One message to send: the skill it is meant for, its text, who is signed in."""

    skill: str
    text: str
    signed_in_email: str | None


SKILL_UTTERANCES: dict[str, tuple[tuple[str | None, str], ...]] = {
    "faq": tuple((None, text) for text in (
        "how long does shipping take to Sweden", "do you have a student discount",
        "which payment methods do you accept", "what are your opening hours",
        "how do I wash a merino base layer", "do you ship to Germany",
        "can I pay with Klarna", "what size jacket should I get",
        "do you sell wholesale", "how much does shipping cost")),
    "order_status": (
        ("late_in_transit", "where is my order {number}"),
        ("partially_fulfilled", "has order {number} shipped yet"),
        ("editable", "when will order {number} arrive"),
        ("delivered_recent", "what's the status of order {number}"),
        ("late_unfulfilled", "my order {number} hasn't arrived yet")),
    "order_editing": (
        ("editable", "I need to change the size on order {number}"),
        ("editable_with_personalised", "can I change the address on order {number}"),
        ("edit_window_closed", "I want to edit order {number}"),
        ("editable", "please cancel order {number}"),
        ("partially_fulfilled_editable", "change the colour of the jacket on order {number}")),
    "returns": (
        ("delivered_recent", "I want to return the items from order {number}"),
        ("delivered_with_final_sale",
         "I'd like to exchange the boots from order {number} for a bigger size"),
        ("delivered_old", "start a return for order {number}"),
        ("delivered_personalised", "I want a refund for order {number}"),
        ("fulfilled", "the jacket from order {number} doesn't fit, can I send it back")),
    "handoff": tuple((None, text) for text in (
        "I want to talk to a person", "can I speak to a human",
        "connect me with customer service", "I want to file a complaint",
        "I was charged twice on my card")),
}
"""Skill -> (demo case whose customer is signed in, or None for anonymous; message)."""

LANGUAGE_WARM_UP = TurnSpec("faq", "Hej, hvor lang tid tager levering til Sverige?", None)
"""A message not plainly English: the first one a process sees loads the language
detector's models (seconds), so each warm-up takes one before anything is measured."""

CONVERSATION_CUSTOMER = DEMO_CASES["delivered_recent"][0]
CONVERSATION_TURNS: tuple[tuple[str, str], ...] = (
    ("faq", "how long does shipping take to Sweden"),
    ("order_status", "where is my order {partially_fulfilled_pre_order}"),
    ("faq", "do you have a student discount"),
    ("returns", "I want to return the items from order {delivered_recent}"),
    ("faq", "can I pay with Klarna"))
"""A conversation that goes on, signed in as one customer (no handoff: it would silence
the agent for the rest of the conversation)."""


def turn_spec(skill: str, index: int) -> TurnSpec:
    """The ``index``-th message for ``skill``; distinct indexes give distinct texts (up to
    ``evals.load.phrasing.FORMS`` times the skill's base utterances)."""
    bases = SKILL_UTTERANCES[skill]
    case, template = bases[index % len(bases)]
    email, number = DEMO_CASES[case] if case else (None, "")
    return TurnSpec(skill, varied(template.format(number=number), index // len(bases)), email)


def turn_specs(skill: str, count: int, first: int = 0) -> list[TurnSpec]:
    """``count`` messages for ``skill`` starting at index ``first``."""
    return [turn_spec(skill, first + i) for i in range(count)]


def interleaved(skills: tuple[str, ...] | list[str], count: int,
                first: int = 0) -> list[TurnSpec]:
    """``count`` messages per skill, taking the skills in turn (so no skill runs only on a
    cold or only on a warm process)."""
    return [turn_spec(skill, first + i) for i in range(count) for skill in skills]


def conversation(index: int, turns: int) -> list[TurnSpec]:
    """The messages of the ``index``-th conversation that goes on for ``turns`` turns,
    signed in as one customer throughout."""
    numbers = {case: number for case, (_, number) in DEMO_CASES.items()}
    specs = []
    for t in range(index * turns, (index + 1) * turns):
        skill, template = CONVERSATION_TURNS[t % len(CONVERSATION_TURNS)]
        text = varied(template.format(**numbers), t // len(CONVERSATION_TURNS))
        specs.append(TurnSpec(skill, text, CONVERSATION_CUSTOMER))
    return specs
