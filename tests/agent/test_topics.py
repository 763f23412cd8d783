"""Inbox topics: the 0.90 threshold, at most two labels, newest first, and the classifier."""

from __future__ import annotations

import pytest

from agent.topics import TOPIC_EXAMPLES, TopicClassifier, apply_topic
from knowledge_base.embedder import Embedder


@pytest.mark.parametrize(("current", "topic", "confidence", "expected"), [
    ([], "Order status", 0.95, ["Order status"]),
    ([], "Order status", 0.89, []),
    (["Order status"], "Wholesale", 0.90, ["Wholesale", "Order status"]),
    (["Wholesale", "Order status"], "Edit orders", 0.99, ["Edit orders", "Wholesale"]),
    (["Wholesale", "Order status"], "Order status", 0.99, ["Order status", "Wholesale"]),
    (["Wholesale", "Order status"], "Edit orders", 0.5, ["Wholesale", "Order status"]),
    (["Wholesale"], None, 1.0, ["Wholesale"]),
])
def test_apply_topic(current: list[str], topic: str | None, confidence: float,
                     expected: list[str]) -> None:
    assert apply_topic(current, topic, confidence) == expected


@pytest.fixture(scope="module")
def classifier(embedder: Embedder) -> TopicClassifier:
    return TopicClassifier(embedder)


@pytest.mark.parametrize(("text", "topic"), [
    ("I need to change the size on order 1043", "Edit orders"),
    ("where is my parcel", "Order status"),
    ("do you ship to Norway", "Delivery & shipping"),
    ("is the parka in stock in large", "Product interest"),
    ("I want to return my boots", "Returns & delivered orders"),
    ("are you open on saturday", "Store information"),
    ("any discount codes?", "Pricing & discounts"),
    ("what is the fleece made of", "Product details"),
])
def test_clear_messages_are_labelled(classifier: TopicClassifier, text: str,
                                     topic: str) -> None:
    assert classifier.classify(text) == (topic, pytest.approx(1.0, abs=0.1))


@pytest.mark.parametrize("text", ["hi", "thanks!", "ok", "I need to speak to a human"])
def test_unclear_messages_get_no_label(classifier: TopicClassifier, text: str) -> None:
    assert classifier.classify(text)[1] < 0.9


def test_there_are_the_ten_inbox_topics() -> None:
    assert list(TOPIC_EXAMPLES) == [
        "Checkout & payment", "Edit orders", "Order status", "Pricing & discounts",
        "Product details", "Product interest", "Returns & delivered orders",
        "Delivery & shipping", "Store information", "Wholesale"]
