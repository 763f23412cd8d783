"""The cancel-request warning rule, table-tested: asking the customer to cancel their own
order is flagged; the team cancelling, or saying there is no need to, is not."""

from __future__ import annotations

import pytest

from agent.inbox_cancel_warning import cancel_request_phrase

ASKS_TO_CANCEL = [
    "Please cancel the order yourself and place a new one.",
    "Could you cancel it on your side?",
    "Request a cancellation from your account, then we refund you.",
    "You can cancel the order in your account and reorder.",
    "You’ll need to request a cancellation through the marketplace.",
    "It would be best if you cancel the order.",
    "Can you please submit a cancellation request?",
    "Kindly cancel the purchase.",
    "Just cancel it and buy the blue one instead.",
    "Thanks for waiting. I'd suggest you cancel and order again. Sorry!",
    "you should go ahead and cancel the order from your end",
    "The easiest way is to cancel it yourself in the app.",
]
DOES_NOT_ASK = [
    "We have cancelled your order.",
    "I cancelled the order for you; the refund is on its way.",
    "We can cancel it for you if you like.",
    "Would you like us to cancel it for you?",
    "You don't need to cancel anything, we'll sort it out.",
    "There is no need for you to cancel it yourself.",
    "Cancellation is free within 24 hours.",
    "Your order was cancelled by us this morning.",
    "Cancelled orders are refunded within 5 days.",
    "You can track your order with the link below.",
    "Please note we've already cancelled the duplicate order.",
    "",
]


@pytest.mark.parametrize("text", ASKS_TO_CANCEL)
def test_asking_the_customer_to_cancel_is_flagged(text: str) -> None:
    phrase = cancel_request_phrase(text)
    assert phrase is not None
    assert phrase in text and "cancel" in phrase.lower()


@pytest.mark.parametrize("text", DOES_NOT_ASK)
def test_other_mentions_of_cancelling_pass(text: str) -> None:
    assert cancel_request_phrase(text) is None


def test_the_flagged_sentence_is_the_one_that_asks() -> None:
    text = "Sorry about the mix-up. Could you cancel it on your side? Then we'll refund you."
    assert cancel_request_phrase(text) == "Could you cancel it on your side?"
