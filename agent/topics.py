"""Inbox topic labels: the ten topics a merchant sorts conversations by.

Each customer message is compared with example utterances per topic (the same
embedding and calibration as routing). A label is applied only at confidence >= 0.90;
a conversation keeps at most two, the newest first.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.brain.router import EmbeddingRouter, TextEmbedder

TOPIC_THRESHOLD = 0.90
MAX_TOPICS = 2

TOPIC_EXAMPLES: dict[str, tuple[str, ...]] = {
    "Checkout & payment": (
        "my payment didn't go through", "which payment methods do you take",
        "can I pay with Klarna", "checkout keeps failing", "can I pay in DKK",
        "is VAT included at checkout", "my card was declined at checkout"),
    "Edit orders": (
        "I need to change the size on my order", "can I cancel my order",
        "change the shipping address on my order", "I ordered the wrong colour",
        "please cancel order 1043", "can I still edit my order"),
    "Order status": (
        "where is my order", "has my order shipped", "tracking number for my order",
        "my package hasn't arrived", "when will my order be delivered",
        "what's the status of my order"),
    "Pricing & discounts": (
        "do you have a discount code", "is there a student discount",
        "when is your next sale", "how much does the shell jacket cost",
        "can I get a price adjustment", "do you have a newsletter discount"),
    "Product details": (
        "what is the jacket made of", "how do I wash merino wool",
        "is the shell jacket waterproof", "what size should I get in the boots",
        "does the fleece run small", "what colours does the down jacket come in"),
    "Product interest": (
        "is the parka back in stock", "do you have the fleece in medium",
        "can you recommend a jacket for hiking", "what do you suggest as a gift",
        "I'm interested in the expedition parka", "when will the boots be available"),
    "Returns & delivered orders": (
        "I want to return my jacket", "how do I exchange for a bigger size",
        "where is my refund", "the item I received is damaged",
        "can I send the boots back", "I received the wrong item"),
    "Delivery & shipping": (
        "do you ship to Germany", "how long does delivery take",
        "how much is shipping", "do you offer express delivery",
        "which carrier do you use", "is shipping free over 100 euro"),
    "Store information": (
        "what are your opening hours", "where is your shop",
        "how can I contact you", "what is your phone number",
        "are you open on Sunday", "where is the flagship store"),
    "Wholesale": (
        "do you sell wholesale", "I own a shop and want to stock your products",
        "what's the minimum order for retailers", "bulk order for my team",
        "how do I become a stockist", "wholesale price list"),
}


class TopicClassifier:
    """Labels a customer message with the inbox topics it clearly belongs to."""

    def __init__(self, embedder: TextEmbedder,
                 examples: dict[str, tuple[str, ...]] | None = None) -> None:
        self._router = EmbeddingRouter(embedder, examples or TOPIC_EXAMPLES)
        self._topics = list((examples or TOPIC_EXAMPLES).keys())

    def classify(self, text: str) -> tuple[str | None, float]:
        """The best topic for ``text`` and its confidence."""
        route = self._router.route_text(text, self._topics)
        return route.skill, route.confidence


def apply_topic(current: Sequence[str], topic: str | None, confidence: float) -> list[str]:
    """The conversation's labels after one message: newest first, at most two."""
    labels = list(current)
    if topic is None or confidence < TOPIC_THRESHOLD:
        return labels[:MAX_TOPICS]
    return [topic, *[t for t in labels if t != topic]][:MAX_TOPICS]
