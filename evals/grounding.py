"""Grounding: every policy statement a reply makes carries a citation of a retrieved section.

Definitions (also in evals/README.md):

* A **policy sentence** is a sentence of a knowledge-base section with at least
  ``MIN_WORDS`` words, normalised (markdown marks dropped, whitespace collapsed, case
  folded, end punctuation dropped).
* A turn **states** a section when its prose, or a string fact behind one of its text
  parts (what a model rewords from), contains one of that section's policy sentences.
* A turn **makes policy statements** when it states a section or carries a citation.
* The turn's **retrieved** sections are those the knowledge base returned during the turn
  (recorded by the driver) plus any ``section`` named in the trace.
* Such a turn is **grounded** when every stated sentence has one of its sections cited
  and every cited section was retrieved in that turn. Grounding rate = grounded turns /
  turns making policy statements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from evals.reply import citations, prose, strings_in

MIN_WORDS = 6
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
MARKDOWN = re.compile(r"[*_`#>|]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
TRACE_SECTION_KEYS = ("section", "sections", "retrieved")


def normalise(text: str) -> str:
    """Case-folded text without markdown marks, whitespace collapsed."""
    return " ".join(MARKDOWN.sub("", text).split()).casefold()


def policy_sentences(section_text: str) -> list[str]:
    """The normalised sentences of a section that are long enough to be telling."""
    blocks: list[list[str]] = [[]]
    for line in section_text.splitlines():
        if not line.strip() or LIST_ITEM.match(line) or line.lstrip().startswith("|"):
            blocks.append([])
        if line.strip() and not line.lstrip().startswith("|"):
            blocks[-1].append(LIST_ITEM.sub("", line))
    sentences = []
    for block in blocks:
        for sentence in SENTENCE_END.split(" ".join(block)):
            cleaned = normalise(sentence).rstrip(".!?:;")
            if len(cleaned.split()) >= MIN_WORDS:
                sentences.append(cleaned)
    return sentences


@dataclass(frozen=True)
class PolicyIndex:
    """Policy sentences of the knowledge base and the sections each comes from."""

    sentences: dict[str, frozenset[str]]

    @classmethod
    def from_sections(cls, sections: Iterable[tuple[str, str]]) -> PolicyIndex:
        """From ``(section_id, text)`` pairs."""
        found: dict[str, set[str]] = {}
        for section_id, text in sections:
            for sentence in policy_sentences(text):
                found.setdefault(sentence, set()).add(section_id)
        return cls({s: frozenset(ids) for s, ids in found.items()})

    def stated(self, text: str) -> dict[str, frozenset[str]]:
        """The policy sentences ``text`` contains, each with its sections."""
        haystack = normalise(text)
        return {s: ids for s, ids in self.sentences.items() if s in haystack}


def trace_sections(trace: list[dict[str, Any]]) -> set[str]:
    """Section ids the trace names as retrieved (e.g. the FAQ skill's ``section`` fact)."""
    found: set[str] = set()
    for entry in trace:
        for holder in (entry, entry.get("facts") or {}):
            for key in TRACE_SECTION_KEYS:
                found |= set(strings_in(holder.get(key)))
    return found


def grounding_of(result: dict[str, Any], index: PolicyIndex,
                 retrieved: set[str]) -> dict[str, Any]:
    """Whether this turn's policy statements are cited from retrieved sections."""
    facts = [value for part in result.get("parts", []) if part.get("type") == "text"
             for value in strings_in(part.get("facts") or {})]
    stated = index.stated("\n".join([prose(result), *facts]))
    cited = sorted({str(c.get("section_id")) for c in citations(result)})
    available = retrieved | trace_sections(result.get("trace", []))
    uncited = sorted(s for s, ids in stated.items() if not ids & set(cited))
    unretrieved = [c for c in cited if c not in available]
    makes_statements = bool(stated or cited)
    return {
        "stated": sorted({i for ids in stated.values() for i in ids}),
        "cited": cited,
        "retrieved": sorted(available),
        "uncited_sentences": uncited,
        "unretrieved_citations": unretrieved,
        "grounded": (not uncited and not unretrieved) if makes_statements else None,
    }
