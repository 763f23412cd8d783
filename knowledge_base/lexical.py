"""Lexical side of the hybrid search: tokenisation and an in-memory BM25 index.

Tokens are lowercase words with a small stop-word list removed and a deliberately tiny
stemmer applied (``cancelled``/``cancellation`` -> ``cancel``, ``boots`` -> ``boot``),
so that BM25 matches the obvious inflections MiniLM would match anyway.
"""

from __future__ import annotations

import math
import re

import numpy as np
from rank_bm25 import BM25Okapi

from knowledge_base.store import StoredSection

BM25_B = 0.3
"""Length normalisation: low, because sections are short and their lengths vary a lot."""

STOP_WORDS: frozenset[str] = frozenset(
    """a about am an and any are as at be been but by can could did do does for from had has
    have how i if in into is it its me my of on or our so than that the their them then there
    these they this to us was we were what when where which who why will with would you your
    yours i'm it's don't also just please something anything want need like get got""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "s", "y")


def stem(word: str) -> str:
    """A deliberately tiny stemmer: ``cancelled``/``cancelling``/``cancellation`` -> ``cancel``."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    doubled = len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousl"
    if doubled or (len(word) > 4 and word.endswith("ll")):
        word = word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lowercase, stemmed word tokens without stop words."""
    return [stem(word) for word in _WORD.findall(text.lower()) if word not in STOP_WORDS]


class LexicalIndex:
    """BM25 over every stored section, plus idf-weighted query coverage."""

    def __init__(self, sections: list[StoredSection]) -> None:
        """Index ``sections`` (heading and body text)."""
        self.sections = sections
        corpus = [tokenize(f"{s.heading} {s.text}") for s in sections]
        self.vocabulary: set[str] = {token for doc in corpus for token in doc}
        self.bm25 = BM25Okapi(corpus, b=BM25_B) if self.vocabulary else None
        n = len(corpus)
        df: dict[str, int] = {}
        for doc in corpus:
            for token in set(doc):
                df[token] = df.get(token, 0) + 1
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._unknown_idf = math.log(1 + (n + 0.5) / 0.5)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """Relative BM25 in [0, 1] per section, scaled by the query's coverage."""
        if self.bm25 is None or not query_tokens:
            return np.zeros(len(self.sections))
        raw = np.maximum(np.asarray(self.bm25.get_scores(query_tokens), dtype=float), 0.0)
        best = float(raw.max())
        if best <= 0.0:
            return np.zeros(len(self.sections))
        weights = [self._idf.get(t, self._unknown_idf) for t in query_tokens]
        known = sum(w for t, w in zip(query_tokens, weights, strict=True) if t in self.vocabulary)
        return raw / best * (known / sum(weights))
