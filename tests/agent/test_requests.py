"""Splitting a message into the separate requests it makes."""

from __future__ import annotations

import pytest

from agent.requests import split_requests


@pytest.mark.parametrize(("text", "parts"), [
    ("I want to change my order 1043 and also what are your opening hours?",
     ["I want to change my order 1043", "what are your opening hours?"]),
    ("Where is my order? Also do you ship to Germany?",
     ["Where is my order?", "Also do you ship to Germany?"]),
    ("I want to cancel my order, also, how long do refunds take",
     ["I want to cancel my order", "how long do refunds take"]),
    ("Can I return these boots. Btw do you have a student discount?",
     ["Can I return these boots", "do you have a student discount?"]),
    ("where is my order", ["where is my order"]),
    ("Is it waterproof? Yes?", ["Is it waterproof? Yes?"]),
    ("change the size and the colour on my order", ["change the size and the colour on my order"]),
])
def test_split_requests(text: str, parts: list[str]) -> None:
    assert split_requests(text) == parts
