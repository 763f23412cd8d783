"""FAQ answer extraction: wrapped lines reflowed, list items kept apart, the relevant sentences."""

from __future__ import annotations

import pytest

from skills.faq import answer_units, extract_answer, reflow

HOURS = ("- Monday to Friday: 10:00-18:00\n- Saturday: 10:00-16:00\n- Sunday: closed\n\n"
         "Opening hours may differ on public holidays; we post changes on our website and "
         "social\nmedia a week in advance.")
SHIPPING = ("We ship to every EU country, including Germany.\nDelivery within the EU takes "
            "4-7 business days after dispatch. We don't ship outside\nEurope at the moment.")


@pytest.mark.parametrize(("text", "blocks"), [
    (SHIPPING, ["We ship to every EU country, including Germany. Delivery within the EU takes "
                "4-7 business days after dispatch. We don't ship outside Europe at the moment."]),
    ("- one\n- two\n  continued\n\n1. first\n2) second", ["one.", "two continued.", "first.",
                                                         "second."]),
    ("Heading-less line\n\n\nAnother: ", ["Heading-less line.", "Another:"]),
])
def test_reflow(text: str, blocks: list[str]) -> None:
    assert reflow(text) == blocks


def test_a_wrapped_sentence_is_never_cut() -> None:
    answer = extract_answer("do you ship to Germany", SHIPPING)
    assert "We don't ship outside Europe at the moment." in answer


def test_the_most_relevant_sentences_are_kept_in_order() -> None:
    text = ("Alpha is first. Beta talks about returns. Gamma is filler. Delta is filler. "
            "Epsilon is filler. Zeta explains refunds for returns.")
    answer = extract_answer("how do returns and refunds work", text)
    assert answer.startswith("Beta talks about returns.")
    assert "Zeta explains refunds for returns." in answer
    assert answer.index("Beta") < answer.index("Zeta")


def test_list_items_stay_separate_sentences() -> None:
    answer = extract_answer("what are your opening hours on sunday", HOURS)
    assert "Sunday: closed." in answer
    assert "Saturday: 10:00-16:00." in answer


PAYMENTS = ("We accept these cards and payment methods:\n\n- Visa, Mastercard and American "
            "Express;\n- MobilePay (Denmark and Finland);\n- PayPal;\n- Klarna (see below);\n"
            "- Fjord & Fell gift cards.\n\nYour card is charged when you place the order. All "
            "payments are handled by our payment\nprovider over an encrypted connection. "
            "Gift cards never expire. Refunds go back to the card you paid with.")


def test_a_list_stays_with_the_sentence_announcing_it() -> None:
    """The items a sentence ending in a colon announces are the answer: they are kept with
    it, even when they share no word with the question."""
    answer = extract_answer("which payment methods do you accept", PAYMENTS)
    assert answer.startswith(
        "We accept these cards and payment methods: Visa, Mastercard and American Express; "
        "MobilePay (Denmark and Finland); PayPal; Klarna (see below); Fjord & Fell gift "
        "cards.")
    assert ";." not in answer


@pytest.mark.parametrize(("text", "units"), [
    ("Email us with:\n\n- your name;\n- your shop.",
     ["Email us with: your name; your shop."]),
    ("Bring:\n- a tent\n- a stove\n\nThen go.", ["Bring: a tent; a stove.", "Then go."]),
    ("Note this:\n\nNothing follows as a list.", ["Note this:", "Nothing follows as a list."]),
    ("- free item;\n- another", ["free item.", "another."]),
])
def test_answer_units(text: str, units: list[str]) -> None:
    assert answer_units(text) == units
