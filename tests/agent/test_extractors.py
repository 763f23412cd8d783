"""Table tests for the rule-based extractors every brain relies on.

Order numbers, one-time codes, emails, phones, yes/no, the change asked for and plain
greetings are found by these functions, never by a model: each row is one message.
"""

from __future__ import annotations

import pytest

from agent.brain.base import Entities
from agent.brain.extractors import (
    extract_change,
    extract_code,
    extract_email,
    extract_entities,
    extract_order_number,
    extract_phone,
    extract_yes_no,
    is_greeting,
    is_sign_off,
    normalise_phone,
)

ORDER_NUMBER_CASES = [
    ("#1042", "1042"),
    ("# 1042", "1042"),
    ("order 1042", "1042"),
    ("Order #1042", "1042"),
    ("order#1042", "1042"),
    ("order no. 1042", "1042"),
    ("Order No 1042", "1042"),
    ("order nr. 1042", "1042"),
    ("Order number: 1042", "1042"),
    ("ORDER NUMBER 1042 please", "1042"),
    ("1042", "1042"),
    ("10421", "10421"),
    ("my order is 1042, thanks", "1042"),
    ("It's 1042.", "1042"),
    ("where is #987", "987"),  # prefixed: three digits are enough
    ("#12345678", "12345678"),
    ("prefixed wins over bare: 5555 and order 1042", "1042"),
    # not order numbers
    ("123456", None),  # a one-time code
    ("123 456", None),
    ("987", None),  # bare three digits
    ("call me on +45 3312 3456", None),
    ("my phone is 3312 3456 7", None),
    ("+4533121042", None),
    ("1042@example.com", None),
    ("write to order1042@shop.example", None),
    ("555-1234", None),
    ("delivered 2026-11-20", None),
    ("I ordered 2 items", None),
    ("where is my order?", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), ORDER_NUMBER_CASES)
def test_extract_order_number(text: str, expected: str | None) -> None:
    assert extract_order_number(text) == expected


CODE_CASES = [
    ("123456", "123456"),
    ("123 456", "123456"),
    ("123-456", "123456"),
    ("my code is 004213", "004213"),
    ("Code: 123456.", "123456"),
    ("the code is 123 456 thanks", "123456"),
    ("order 1042 code 654321", "654321"),
    # not codes
    ("#123456", None),
    ("order 123456", None),
    ("12345", None),
    ("1234567", None),
    ("123  456", None),
    ("123456@example.com", None),
    ("+4533123456", None),
    ("order 1042", None),
    ("no code here", None),
]


@pytest.mark.parametrize(("text", "expected"), CODE_CASES)
def test_extract_code(text: str, expected: str | None) -> None:
    assert extract_code(text) == expected


def test_code_is_not_the_tail_of_a_phone_number() -> None:
    assert extract_code("my number is +45 33 123 456") is None


EMAIL_CASES = [
    ("astrid.nielsen@example.com", "astrid.nielsen@example.com"),
    ("Mail me at Astrid.Nielsen@Example.COM.", "astrid.nielsen@example.com"),
    ("a+tag@shop.co.uk, thanks", "a+tag@shop.co.uk"),
    ("first a@b.dk then c@d.dk", "a@b.dk"),
    ("not an email: astrid@localhost", None),
    ("@example.com", None),
    ("no address", None),
]


@pytest.mark.parametrize(("text", "expected"), EMAIL_CASES)
def test_extract_email(text: str, expected: str | None) -> None:
    assert extract_email(text) == expected


PHONE_CASES = [
    ("+4533123456", "+4533123456"),
    ("+45 33 12 34 56", "+4533123456"),
    ("call me on +45 33-12-34-56 please", "+4533123456"),
    ("(+45) 33 12 34 56", "+4533123456"),
    ("+1 (555) 123-4567", "+15551234567"),
    ("+44 20 7946 0958", "+442079460958"),
    ("4533123456", "+4533123456"),
    ("astrid@example.com +4533123456", "+4533123456"),
    # not phones
    ("33 12 34 56", None),  # eight digits: too short to be E.164 with a country code
    ("order 1042", None),
    ("123456", None),
    ("2026-11-20", None),
    ("no number", None),
]


@pytest.mark.parametrize(("text", "expected"), PHONE_CASES)
def test_extract_phone(text: str, expected: str | None) -> None:
    assert extract_phone(text) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("+45 33 12-34 56", "+4533123456"),
    ("(+45) 33.12.34.56", "+4533123456"),
    ("4533123456", "+4533123456"),
    ("+4533123456", "+4533123456"),
])
def test_normalise_phone(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("text", ["0045 33 12 34 56", "call 0045 3312 3456"])
def test_phone_with_00_international_prefix_is_e164(text: str) -> None:
    assert extract_phone(text) == "+4533123456"


YES_NO_CASES = [
    ("yes", True), ("Yes please", True), ("YES!", True), ("y", True), ("yeah", True),
    ("yep", True), ("yup", True), ("sure", True), ("ok", True), ("Okay, go ahead", True),
    ("please do", True), ("correct", True), ("right", True),
    ("no", False), ("No thanks", False), ("nope", False), ("nah", False), ("n", False),
    ("not really", False), ("don't", False), ("do not cancel", False),
    ("yesterday it arrived", None), ("nothing arrived", None), ("nobody told me", None),
    ("maybe", None), ("Oklahoma", None), ("where is my order", None), ("", None),
]


@pytest.mark.parametrize(("text", "expected"), YES_NO_CASES)
def test_extract_yes_no(text: str, expected: bool | None) -> None:
    assert extract_yes_no(text) is expected


CHANGE_CASES = [
    ("please cancel my order", "cancel"),
    ("Cancellation please", "cancel"),
    ("I want it cancelled", "cancel"),
    ("can you add a hat to my order", "add_item"),
    ("add another shirt", "add_item"),
    ("could you add one more pair", "add_item"),
    ("I need to change the address", "address"),
    ("I moved last week", "address"),
    ("please ship it to my office", "address"),
    ("delivery to my work instead", "address"),
    ("wrong size", "size"),
    ("can I get a smaller one", "size"),
    ("I need a bigger one", "size"),
    ("a different colour please", "color"),
    ("can I have it in navy", "color"),
    ("black not grey", "color"),
    ("change the quantity", "quantity"),
    ("I only need one", "quantity"),
    ("3 instead of 2", "quantity"),
    # priority: cancel first, then the table's order
    ("cancel the size change", "cancel"),
    ("cancel the address change and add a scarf to the order", "cancel"),
    ("change the address and the size", "address"),
    ("a bigger size in blue", "size"),
    # nothing to change
    ("where is my order", None),
    ("I ordered the wrong thing", None),  # "red" inside "ordered" is not a colour
    ("hello", None),
]


@pytest.mark.parametrize(("text", "expected"), CHANGE_CASES)
def test_extract_change(text: str, expected: str | None) -> None:
    assert extract_change(text) == expected


@pytest.mark.parametrize("text", ["I need a large instead of a medium",
                                  "Can I swap the medium for a large?"])
def test_size_words_are_a_size_change(text: str) -> None:
    assert extract_change(text) == "size"


GREETING_CASES = [
    ("hi", True), ("Hi!", True), ("hello", True), ("Hello there!", True), ("hey", True),
    ("hiya!", True), ("Good morning", True), ("good evening.", True), ("  hello  ", True),
    ("Hej!", True), ("hei", True), ("Hallo", True), ("cześć", True), ("CZEŚĆ", True),
    ("czesc", True), ("Dzień dobry", True), ("привіт", True), ("Вітаю!", True), ("你好", True),
    ("您好", True),
    ("hi, where is my order", False), ("hello I want to cancel", False),
    ("hej, hvor er min ordre?", False), ("this", False), ("high", False), ("", False),
]


@pytest.mark.parametrize(("text", "expected"), GREETING_CASES)
def test_is_greeting(text: str, expected: bool) -> None:
    assert is_greeting(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Order #1042, my email is Astrid@Example.com and phone +45 33 12 34 56",
     Entities(order_number="1042", email="astrid@example.com", phone="+4533123456",
              change=None)),
    ("yes, cancel order 1042", Entities(order_number="1042", yes_no=True, change="cancel")),
    ("123 456", Entities(code="123456")),
    ("hi", Entities()),
])
def test_extract_entities(text: str, expected: Entities) -> None:
    assert extract_entities(text) == expected


@pytest.mark.parametrize(("text", "sign_off"), [
    ("thanks!", True), ("Thank you so much", True), ("ok bye", True),
    ("ok great, thank you", True), ("have a nice day", True), ("thanks, bye", True),
    ("cheers :)", True), ("that's all", True),
    ("thanks but where is my order", False), ("no thanks", False),
    ("thanks for nothing", False), ("bye bye order 1043", False), ("ok", False)])
def test_a_bare_thank_you_or_goodbye_is_told_apart(text: str, sign_off: bool) -> None:
    assert is_sign_off(text) is sign_off
