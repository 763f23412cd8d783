"""The grounding check: a composed text states nothing checkable that it was not given.

Every URL, email address, number (order numbers, dates, times, amounts, percentages,
policy figures), English month or weekday name and English number word in a model's
text must appear in the sources it was given: the part's facts, its draft and the cited
passages. Numbers compare by value, so "09:00" grounds "9:00"; anything else found
makes the caller keep the template's text. The prompt asks for numbers in digits,
which is what makes figures in other languages checkable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

URL = re.compile(r"(?:https?://|www\.)[^\s<>()\"'\]]+", re.I)
EMAIL = re.compile(r"[\w.%+*-]+@[\w.-]+\.[A-Za-z]{2,}")
NUMBER = re.compile(r"\d+")
WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
CURRENCY = re.compile(r"(?:[€$£¥]|kr\.?|zł|dkk|eur|usd|gbp|sek|nok|pln)\s*$", re.I)
CURRENCY_AFTER = re.compile(r"^\s*(?:[€$£¥]|kr\b|zł|dkk|eur|usd|gbp|sek|nok|pln)", re.I)
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
MONTH_NUMBER = {**{name: i for i, name in enumerate(MONTHS, start=1)},
                **{name[:3]: i for i, name in enumerate(MONTHS, start=1)}, "sept": 9}
NOT_ONLY_A_MONTH = frozenset({"may", "mar"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50,
    "sixty": 60, "ninety": 90, "hundred": 100,
}
TRAILING = ".,;:!?"


@dataclass(frozen=True)
class Ungrounded:
    """One thing a text states that its sources do not contain."""

    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.kind} not in the facts or passages: {self.value}"


def _number_kind(text: str, start: int, end: int) -> str:
    """What a number in ``text`` most likely is, for the trace."""
    before, after = text[max(0, start - 6):start], text[end:end + 12]
    next_word = WORD.match(after.strip().lower())
    if before.endswith("#"):
        return "order number"
    if after.lstrip().startswith("%"):
        return "percentage"
    if CURRENCY.search(before) or CURRENCY_AFTER.match(after):
        return "amount"
    if (after[:1] in ":/." and after[1:2].isdigit()) or before[-1:] in ":/" \
            or (next_word is not None and next_word.group(0) in MONTH_NUMBER):
        return "date or time"
    return "figure"


def ungrounded(text: str, sources: Sequence[str]) -> list[Ungrounded]:
    """What ``text`` states that none of ``sources`` contains (empty when grounded)."""
    source = "\n".join(sources)
    lowered_source = source.lower()
    found: list[Ungrounded] = []
    for match in URL.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        if url.lower() not in lowered_source:
            found.append(Ungrounded("url", url))
    for match in EMAIL.finditer(text):
        if match.group(0).lower() not in lowered_source:
            found.append(Ungrounded("email", match.group(0)))
    bare = EMAIL.sub(" ", URL.sub(" ", text))
    known_numbers = {int(n) for n in NUMBER.findall(source)}
    for match in NUMBER.finditer(bare):
        if int(match.group(0)) not in known_numbers:
            found.append(Ungrounded(_number_kind(bare, *match.span()), match.group(0)))
    source_words = set(WORD.findall(lowered_source))
    known_months = {MONTH_NUMBER[w] for w in source_words if w in MONTH_NUMBER}
    for word in WORD.findall(bare.lower()):
        month = MONTH_NUMBER.get(word) if word not in NOT_ONLY_A_MONTH else None
        new_month = month is not None and month not in known_months
        if new_month or (word in WEEKDAYS and word not in source_words):
            found.append(Ungrounded("date or time", word))
        elif word in NUMBER_WORDS and word not in source_words \
                and NUMBER_WORDS[word] not in known_numbers:
            found.append(Ungrounded("figure", word))
    return found
