"""The echo check: a composed text does not repeat the instructions the model was given.

The system prompt holds no secret, but a reply that reads it out ("You word the replies of
... Keep each draft's meaning exactly ...") shows the shopper that the model obeyed them
instead of the store. A text that repeats a run of ``RUN_WORDS`` consecutive words of the
instructions is refused unless the same run is in its sources (a policy passage may well
share a phrase with them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.brain.grounding import Ungrounded

RUN_WORDS = 8
WORD = re.compile(r"\w+(?:'\w+)?")

Run = tuple[str, ...]


def _runs(text: str, length: int) -> list[Run]:
    """Every run of ``length`` consecutive words of ``text``, lower-cased, in order."""
    words = WORD.findall(text.lower())
    return [tuple(words[i:i + length]) for i in range(len(words) - length + 1)]


def echoed(text: str, instructions: str, sources: Sequence[str],
           length: int = RUN_WORDS) -> list[Ungrounded]:
    """The first run of ``instructions`` that ``text`` repeats and ``sources`` lack, if any."""
    given = {run for source in sources for run in _runs(source, length)}
    leaked = set(_runs(instructions, length)) - given
    for run in _runs(text, length):
        if run in leaked:
            return [Ungrounded("instructions", " ".join(run))]
    return []
