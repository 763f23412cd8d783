"""Analytics over a seeded conversation database, against numbers worked out by hand.

The range is 1-3 November 2026 in Copenhagen (UTC+1), so a conversation at 23:30 UTC on
31 October is in it and one at 23:30 UTC on 3 November is not. Response target: 30 min.

  A webchat  Nov 1  in; agent faq resolved +2 s; rated 5          -> automated
  B sms      Nov 1  in; agent returns handoff +4 s (ticket customer_asked); teammate
                    +1800 s after the ticket; rated 2
  C email    Nov 2  in; order_status resolved +10 s; in; order_status needs_identity; rated 4
  D webchat  Nov 2  in; handoff +1 s (ticket low_confidence); no teammate
  E whatsapp Nov 3  in; faq resolved +3 s; a teammate writes 2 h later; rated 5
  G webchat  Oct 31 23:30 UTC (Nov 1 local): in; only a silent (not sent) turn
  H sms      Nov 3 23:30 UTC (Nov 4 local): out of range; preview-x: never counted

First responses (s): A 2, B 4, C 10, D 1, E 3, G none -> sorted 1 2 3 4 10:
p50 = ceil(0.5*5)=3rd = 3; p95 = ceil(0.95*5)=5th = 10; within 30 min 5 of 6.
Teammate: B 1800 (exactly the target: within), D none -> 1 of 2.
CSAT: ratings 5 2 4 5 -> 3 of 4 are 4-5 = 0.75, mean 4.0.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from agent.analytics import build_report, percentile
from agent.analytics_csv import report_csv
from agent.analytics_data import DateRange, InvalidRange, load_conversations
from agent.conversations import ConversationStore
from agent.db import make_engine

ZONE = "Europe/Copenhagen"
PERIOD = DateRange(date(2026, 11, 1), date(2026, 11, 3), ZONE)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


class Seeder:
    """Writes conversations through the store's own methods."""

    def __init__(self, store: ConversationStore) -> None:
        self.store = store

    def start(self, cid: str, channel: str, when: datetime, topics: list[str] | None = None,
              rating: int | None = None) -> None:
        self.store.ensure_conversation(cid, channel, when)
        values: dict[str, Any] = {"topics": topics or []}
        if rating is not None:
            values["rating"] = rating
        self.store.update_conversation(cid, when, **values)

    def say(self, cid: str, channel: str, when: datetime, text: str = "hello") -> int:
        return self.store.record_inbound(cid, channel, text, None, when)

    def agent(self, cid: str, channel: str, reply_to: int, when: datetime, skill: str,
              status: str, state: str = "delivered") -> None:
        self.store.record_outbound(cid, channel, reply_to, "answer", [],
                                   {"skill": skill, "status": status}, state, when)


@pytest.fixture
def store(db_url: str) -> Iterator[ConversationStore]:
    """The seeded store, on SQLite and on PostgreSQL (``db_url`` from tests/agent/conftest)."""
    seeded = ConversationStore(make_engine(db_url))
    seed = Seeder(seeded)
    a = at(1, 10)
    seed.start("A", "webchat", a, ["Shipping"], rating=5)
    seed.agent("A", "webchat", seed.say("A", "webchat", a), a + timedelta(seconds=2),
               "faq", "resolved")
    b = at(1, 11)
    seed.start("B", "sms", b, ["Returns", "Shipping"], rating=2)
    seed.agent("B", "sms", seed.say("B", "sms", b), b + timedelta(seconds=4), "returns",
               "handoff")
    seeded.create_ticket("B", "customer_asked", "wants a person", b + timedelta(seconds=4))
    seeded.record_teammate_reply("B", "sms", "on it", "held", b + timedelta(seconds=1804))
    c = at(2, 9)
    seed.start("C", "email", c, ["Order status"], rating=4)
    seed.agent("C", "email", seed.say("C", "email", c), c + timedelta(seconds=10),
               "order_status", "resolved")
    seed.agent("C", "email", seed.say("C", "email", c + timedelta(minutes=5)),
               c + timedelta(minutes=5, seconds=1), "order_status", "needs_identity")
    d = at(2, 12)
    seed.start("D", "webchat", d)
    seed.agent("D", "webchat", seed.say("D", "webchat", d), d + timedelta(seconds=1),
               "handoff", "handoff")
    seeded.create_ticket("D", "low_confidence", "unsure", d + timedelta(seconds=1))
    e = at(3, 8)
    seed.start("E", "whatsapp", e, rating=5)
    seed.agent("E", "whatsapp", seed.say("E", "whatsapp", e), e + timedelta(seconds=3),
               "faq", "resolved")
    seeded.record_teammate_reply("E", "whatsapp", "anything else?", "held",
                                 e + timedelta(hours=2))
    g = at(31, 23, 30, month=10)
    seed.start("G", "webchat", g)
    seed.agent("G", "webchat", seed.say("G", "webchat", g), g + timedelta(seconds=1),
               "handoff", "handoff", state="not_sent")
    h = at(3, 23, 30)
    seed.start("H", "sms", h, rating=1)
    seed.agent("H", "sms", seed.say("H", "sms", h), h, "faq", "resolved")
    seed.start("preview-x", "webchat", at(2, 10), ["Shipping"], rating=1)
    seed.agent("preview-x", "webchat", seed.say("preview-x", "webchat", at(2, 10)),
               at(2, 10), "faq", "resolved")
    yield seeded
    seeded.engine.dispose()


def test_the_range_takes_whole_local_days_and_leaves_previews_out(
        store: ConversationStore) -> None:
    ids = [c.id for c in load_conversations(store, PERIOD)]
    assert ids == ["G", "A", "B", "C", "D", "E"]


def test_the_summary_numbers_match_the_hand_count(store: ConversationStore) -> None:
    report = build_report(load_conversations(store, PERIOD), PERIOD, target_minutes=30)
    assert (report.conversations, report.automated, report.handed_off) == (6, 1, 2)
    assert report.deflection_rate == pytest.approx(1 / 6)
    assert report.handoff_rate == pytest.approx(1 / 3)
    assert report.reasons == [("customer_asked", 1), ("low_confidence", 1)]
    assert report.topics == [("Shipping", 2), ("Order status", 1), ("Returns", 1)]


def test_first_response_percentiles_and_target_share(store: ConversationStore) -> None:
    report = build_report(load_conversations(store, PERIOD), PERIOD, target_minutes=30)
    first = report.first_response
    assert (first.measured, first.answered, first.p50, first.p95) == (6, 5, 3, 10)
    assert first.within_target == pytest.approx(5 / 6)
    teammate = report.teammate_response
    assert (teammate.measured, teammate.answered, teammate.p50, teammate.p95) == \
        (2, 1, 1800, 1800)
    assert teammate.within_target == pytest.approx(1 / 2)
    tighter = build_report(load_conversations(store, PERIOD), PERIOD, target_minutes=29)
    assert tighter.teammate_response.within_target == 0


def test_satisfaction_counts_ratings_of_four_and_five(store: ConversationStore) -> None:
    report = build_report(load_conversations(store, PERIOD), PERIOD, target_minutes=30)
    assert report.rated == 4
    assert report.csat == pytest.approx(0.75)
    assert report.mean_rating == pytest.approx(4.0)


def test_per_skill_and_per_channel(store: ConversationStore) -> None:
    report = build_report(load_conversations(store, PERIOD), PERIOD, target_minutes=30)
    skills = [(s.name, s.conversations, s.turns, s.resolved, s.handoffs) for s in report.skills]
    assert skills == [("faq", 2, 2, 2, 0), ("order_status", 1, 2, 1, 0),
                      ("handoff", 1, 1, 0, 1), ("returns", 1, 1, 0, 1)]
    channels = [(c.name, c.conversations, c.resolved, c.handoffs) for c in report.channels]
    assert channels == [("email", 1, 0, 0), ("sms", 1, 0, 1), ("webchat", 3, 1, 1),
                        ("whatsapp", 1, 0, 0)]


def test_the_daily_series_uses_local_days(store: ConversationStore) -> None:
    report = build_report(load_conversations(store, PERIOD), PERIOD, target_minutes=30)
    assert report.daily == [(date(2026, 11, 1), 3, 1), (date(2026, 11, 2), 2, 1),
                            (date(2026, 11, 3), 1, 0)]


def test_an_empty_range_has_no_rates_rather_than_zeros(store: ConversationStore) -> None:
    empty = DateRange(date(2025, 1, 1), date(2025, 1, 2), ZONE)
    report = build_report(load_conversations(store, empty), empty, target_minutes=30)
    assert report.conversations == 0
    assert report.deflection_rate is None and report.csat is None
    assert report.first_response.p50 is None and report.mean_rating is None


def test_the_csv_has_every_number_once(store: ConversationStore) -> None:
    report = build_report(load_conversations(store, PERIOD), PERIOD, target_minutes=30)
    lines = report_csv(report).splitlines()
    assert lines[0] == "section,name,metric,value"
    assert "summary,,conversations,6" in lines
    assert "summary,,deflection_rate,0.1667" in lines
    assert "summary,,csat,0.75" in lines
    assert "response,first_response,p95_seconds,10" in lines
    assert "response,teammate_first_response,within_target_share,0.5" in lines
    assert "handoff_reason,customer_asked,tickets,1" in lines
    assert "skill,faq,turns,2" in lines
    assert "channel,webchat,handed_off,1" in lines
    assert "daily,2026-11-01,conversations,3" in lines


@pytest.mark.parametrize(("values", "p", "expected"), [
    ([], 50, None), ([7], 95, 7), ([1, 2, 3, 4], 50, 2), ([1, 2, 3, 4], 95, 4),
    ([5, 1, 4, 2, 3], 50, 3), (list(range(1, 21)), 95, 19), (list(range(1, 101)), 95, 95),
])
def test_nearest_rank_percentiles(values: list[float], p: float,
                                  expected: float | None) -> None:
    assert percentile(values, p) == expected


@pytest.mark.parametrize(("start", "end", "message"), [
    ("2026-11-05", "2026-11-01", "ends before it starts"),
    ("yesterday", "2026-11-01", "YYYY-MM-DD"),
    ("2024-01-01", "2026-01-01", "at most 366 days"),
])
def test_a_bad_range_says_why(start: str, end: str, message: str) -> None:
    with pytest.raises(InvalidRange, match=message):
        DateRange.parse(start, end, ZONE)
