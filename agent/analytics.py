"""Analytics of a date range: pure computations over ``agent.analytics_data`` facts.

Definitions (the console's analytics page says the same):

- **Automated resolution (deflection)**: a conversation with no handoff ticket and no
  teammate message whose last agent reply ended its turn ``resolved``.
- **Handoff rate**: conversations with at least one ticket; reasons count every ticket.
- **First response**: from the conversation's first customer message to the first reply
  sent after it, by the agent or a teammate (silent turns do not count). **Teammate first
  response**, for handed-off conversations: from the first ticket to the first teammate
  message after it.
- **Within target**: the share of conversations whose response came within
  ``response_time_target_minutes``; one never answered counts as missed.
- Percentiles are nearest-rank: p-th = the ``ceil(p/100 * n)``-th smallest value.
- **CSAT**: the share of ratings 4 or 5 among rated conversations, and the mean rating.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from agent.analytics_data import ConversationFacts, DateRange, MessageFact


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile (0 < p <= 100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Timing:
    """Response times in seconds: how many were answered, p50, p95, and within target."""

    measured: int
    answered: int
    p50: float | None
    p95: float | None
    within_target: float | None


@dataclass(frozen=True)
class Breakdown:
    """Counts for one skill or channel."""

    name: str
    conversations: int
    turns: int = 0
    resolved: int = 0
    handoffs: int = 0

    @property
    def rate(self) -> float | None:
        """Resolved share: of conversations (channels) or of turns (skills)."""
        return share(self.resolved, self.turns or self.conversations)


@dataclass
class Report:
    """Every number on the analytics page for one range."""

    period: DateRange
    target_minutes: float
    conversations: int
    automated: int
    handed_off: int
    reasons: list[tuple[str, int]]
    skills: list[Breakdown]
    channels: list[Breakdown]
    topics: list[tuple[str, int]]
    first_response: Timing
    teammate_response: Timing
    rated: int
    csat: float | None
    mean_rating: float | None
    daily: list[tuple[date, int, int]] = field(default_factory=list)

    @property
    def deflection_rate(self) -> float | None:
        """Automated resolutions per conversation."""
        return share(self.automated, self.conversations)

    @property
    def handoff_rate(self) -> float | None:
        """Handed-off conversations per conversation."""
        return share(self.handed_off, self.conversations)


def agent_replies(conversation: ConversationFacts) -> list[MessageFact]:
    """The agent's turn replies that were sent (silent turns left out)."""
    return [m for m in conversation.messages
            if m.direction == "out" and m.author == "agent" and m.turn_reply and m.sent]


def is_automated(conversation: ConversationFacts) -> bool:
    """Resolved by the agent alone: no ticket, no teammate, last reply ``resolved``."""
    if conversation.tickets or any(m.author == "teammate" for m in conversation.messages):
        return False
    replies = agent_replies(conversation)
    return bool(replies) and replies[-1].status == "resolved"


def first_response_seconds(conversation: ConversationFacts) -> tuple[bool, float | None]:
    """(has a customer message, seconds to the first reply after it or None)."""
    first_in = next((m for m in conversation.messages if m.direction == "in"), None)
    if first_in is None:
        return False, None
    index = conversation.messages.index(first_in)
    for message in conversation.messages[index + 1:]:
        replied = message.author == "teammate" or (message.author == "agent"
                                                   and message.turn_reply)
        if message.direction == "out" and message.sent and replied:
            return True, (message.at - first_in.at).total_seconds()
    return True, None


def teammate_response_seconds(conversation: ConversationFacts) -> float | None:
    """Seconds from the first ticket to the first teammate message after it."""
    handed_at = conversation.tickets[0].at
    for message in conversation.messages:
        if message.author == "teammate" and message.at >= handed_at:
            return (message.at - handed_at).total_seconds()
    return None


def timing(samples: Sequence[float | None], target_seconds: float) -> Timing:
    """Percentiles over the answered samples; the target share over all of them."""
    answered = [s for s in samples if s is not None]
    within = sum(1 for s in answered if s <= target_seconds)
    return Timing(measured=len(samples), answered=len(answered),
                  p50=percentile(answered, 50), p95=percentile(answered, 95),
                  within_target=share(within, len(samples)))


def skill_breakdown(conversations: Sequence[ConversationFacts]) -> list[Breakdown]:
    """Per skill: conversations it answered in, turns, turns resolved, turns handed off."""
    turns: Counter[str] = Counter()
    resolved: Counter[str] = Counter()
    handoffs: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for conversation in conversations:
        skills_here = set()
        for reply in agent_replies(conversation):
            name = reply.skill or "none"
            skills_here.add(name)
            turns[name] += 1
            resolved[name] += reply.status == "resolved"
            handoffs[name] += reply.status == "handoff"
        seen.update(skills_here)
    return [Breakdown(name, seen[name], turns[name], resolved[name], handoffs[name])
            for name in sorted(turns, key=lambda n: (-turns[n], n))]


def channel_breakdown(conversations: Sequence[ConversationFacts]) -> list[Breakdown]:
    """Per channel: conversations, automated resolutions, handoffs."""
    names = sorted({c.channel for c in conversations})
    return [Breakdown(name, conversations=sum(1 for c in conversations if c.channel == name),
                      resolved=sum(1 for c in conversations
                                   if c.channel == name and is_automated(c)),
                      handoffs=sum(1 for c in conversations
                                   if c.channel == name and c.tickets))
            for name in names]


def daily_counts(conversations: Sequence[ConversationFacts],
                 period: DateRange) -> list[tuple[date, int, int]]:
    """(day, conversations started, of them handed off) for every day of the range."""
    started: Counter[date] = Counter()
    handed: Counter[date] = Counter()
    for conversation in conversations:
        day = period.day_of(conversation.created_at)
        started[day] += 1
        handed[day] += bool(conversation.tickets)
    return [(day, started[day], handed[day]) for day in period.days()]


def build_report(conversations: Sequence[ConversationFacts], period: DateRange,
                 target_minutes: float) -> Report:
    """The analytics report of ``conversations`` (already limited to ``period``)."""
    target = target_minutes * 60
    reasons = Counter(t.reason for c in conversations for t in c.tickets)
    topics = Counter(topic for c in conversations for topic in c.topics)
    first = [first_response_seconds(c) for c in conversations]
    handed = [c for c in conversations if c.tickets]
    ratings = [c.rating for c in conversations if c.rating in range(1, 6)]
    return Report(
        period=period, target_minutes=target_minutes, conversations=len(conversations),
        automated=sum(1 for c in conversations if is_automated(c)), handed_off=len(handed),
        reasons=sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
        skills=skill_breakdown(conversations), channels=channel_breakdown(conversations),
        topics=sorted(topics.items(), key=lambda item: (-item[1], item[0])),
        first_response=timing([seconds for asked, seconds in first if asked], target),
        teammate_response=timing([teammate_response_seconds(c) for c in handed], target),
        rated=len(ratings),
        csat=share(sum(1 for r in ratings if r is not None and r >= 4), len(ratings)),
        mean_rating=sum(r for r in ratings if r is not None) / len(ratings) if ratings else None,
        daily=daily_counts(conversations, period))

