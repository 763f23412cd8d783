"""A rule that spots a reply asking the customer to cancel their own order.

Marketplaces penalise sellers who push buyers into cancelling (it counts against the
buyer's record, not the seller's), so the inbox warns before such a reply leaves and lets
the teammate send anyway or edit. The rule is plain code over each sentence: the customer
("you") is asked or told to cancel, or to request a cancellation, themselves. A sentence
saying the team cancelled, or that the customer need not cancel, does not match.
"""

from __future__ import annotations

import re

_CANCEL = r"(?:cancel(?:l?ing)?|request(?:ing)? (?:a |the )?cancell?ation|" \
          r"submit(?:ting)? (?:a |the )?cancell?ation(?: request)?|" \
          r"(?:file|open|raise|place) (?:a |the )?cancell?ation(?: request)?)"
_MODAL = r"(?:can|could|should|may|might|must|need to|have to|will need to|would need to|" \
         r"will have to|are able to|want to|would have to)"
_SOFTENERS = r"(?:please |kindly |just |simply |go ahead and |first |yourself )*"

_RULES: tuple[re.Pattern[str], ...] = (
    # "you can cancel the order ...", "you'll need to request a cancellation"
    re.compile(rf"\byou(?:rself)? {_MODAL} {_SOFTENERS}{_CANCEL}\b"),
    # "could you cancel it", "can you please submit a cancellation request"
    re.compile(rf"\b(?:could|can|would|will) you {_SOFTENERS}{_CANCEL}\b"),
    # "please cancel the order", "kindly request a cancellation"
    re.compile(rf"\b(?:please|kindly) (?:just |simply |go ahead and )?{_CANCEL}\b"),
    # an order to cancel at the start of a sentence: "Cancel it and order again."
    re.compile(rf"^(?:just |simply |go ahead and )?{_CANCEL}\b"),
    # "cancel it yourself", "cancel the order on your side / from your account"
    re.compile(rf"\b{_CANCEL}\b[^.]*?\b(?:yourself|on your (?:side|end)|from your "
               rf"(?:side|end|account|app)|in your (?:account|app|buyer account))\b"),
    # "it's best if you cancel", "I'd suggest you cancel", "ask you to cancel"
    re.compile(rf"\b(?:if|suggest|recommend|ask|need|want|advise) you (?:to )?{_CANCEL}\b"),
)
_NEGATION = re.compile(r"\b(?:don't|do not|no need|not need|never|won't have to|"
                       r"needn't|not have to|doesn't|shouldn't)\b[^.]*$")
_FOR_THE_CUSTOMER = re.compile(r"\bfor you\b")
_SENTENCES = re.compile(r"[^.!?\n]+[.!?]*")


def _normalised(sentence: str) -> str:
    text = sentence.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\byou'(ll|re|d)\b",
                  lambda m: "you " + {"ll": "will", "re": "are", "d": "would"}[m.group(1)], text)
    return re.sub(r"\s+", " ", text).strip()


def _asks_to_cancel(sentence: str) -> bool:
    for rule in _RULES:
        match = rule.search(sentence)
        if match is None:
            continue
        before, after = sentence[:match.start()], sentence[match.end():]
        if _NEGATION.search(before) or _FOR_THE_CUSTOMER.match(after.strip()):
            continue
        return True
    return False


def cancel_request_phrase(text: str) -> str | None:
    """The sentence of ``text`` that asks the customer to cancel their order, or None."""
    for sentence in _SENTENCES.findall(text):
        if _asks_to_cancel(_normalised(sentence)):
            return sentence.strip()
    return None
