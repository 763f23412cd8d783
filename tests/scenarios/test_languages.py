"""Shoppers writing in the agent's other languages, through the engine on the offline
brain: a request reaches its skill, a message that asks for nothing gets the menu in the
shopper's language, and a chip picked from it carries on in that language."""

from __future__ import annotations

import pytest

from agent.commerce.demo import DEMO_CASES
from agent.runtime import Runtime
from tests.scenarios.chat import Shopper, of_type, text_of


@pytest.mark.parametrize(("text", "skill", "opening"), [
    ("Hvor er min ordre 1043?", "order_status", "For at beskytte dine ordrer"),
    ("Jeg vil gerne returnere min ordre 1011", "returns", "For at beskytte dine ordrer"),
    ("Wo ist meine Bestellung 1043?", "order_status", "Damit Ihre Bestellungen geschützt"),
    ("Chcę anulować zamówienie 1043", "order_editing", "Aby chronić Twoje zamówienia"),
])
def test_an_order_request_in_another_language_asks_who_it_is_in_that_language(
        runtime: Runtime, text: str, skill: str, opening: str) -> None:
    result = Shopper(runtime, "sms").say(text)
    assert result.skill == skill and result.status == "needs_identity"
    assert of_type(result, "login_prompt")[0]["text"].startswith(opening)


def test_a_verified_danish_shopper_gets_the_order_status(runtime: Runtime) -> None:
    email, number = DEMO_CASES["fulfilled"]
    result = Shopper(runtime, "webchat", verified_email=email).say(
        f"Hvornår kommer min pakke? Ordre {number}")
    assert result.skill == "order_status" and result.status == "resolved"


def test_a_question_that_asks_for_nothing_yet_gets_the_menu_in_the_shoppers_language(
        runtime: Runtime) -> None:
    shopper = Shopper(runtime, "webchat")
    first = shopper.say("Kan du hjælpe mig med noget?")
    assert first.skill is None and first.status == "awaiting"
    assert text_of(first).startswith("Jeg vil gerne have det helt rigtigt")
    chips = of_type(first, "quick_replies")[0]["options"]
    where = next(chip for chip in chips if chip["label"] == "Hvor er min ordre?")

    picked = shopper.say(where["value"])
    assert picked.skill == "order_status" and picked.status == "needs_identity"
    assert of_type(picked, "login_prompt")[0]["text"].startswith("For at beskytte dine ordrer")


def test_a_policy_question_the_knowledge_base_cannot_answer_in_danish_offers_a_person(
        runtime: Runtime) -> None:
    result = Shopper(runtime, "webchat").say("Hvor lang tid tager levering til Sverige?")
    assert result.skill == "faq"
    assert text_of(result).startswith("Det er jeg ikke sikker på")
    assert [c["label"] for c in of_type(result, "quick_replies")[0]["options"]] == [
        "Tal med en medarbejder"]
