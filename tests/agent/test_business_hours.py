"""Business hours: open or closed, next opening, holidays, wording. Table tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.business_hours import BusinessHoursError, describe_opening, parse_hours

CPH = "Europe/Copenhagen"
HOURS = parse_hours("Mon-Fri 09:00-17:00; Sat 10:00-14:00", ["2026-12-24"], CPH)


@pytest.mark.parametrize(("instant", "is_open"), [
    (datetime(2026, 11, 20, 8, 0, tzinfo=UTC), True),     # Fri 09:00 CET: opening minute
    (datetime(2026, 11, 20, 7, 59, tzinfo=UTC), False),   # Fri 08:59 CET
    (datetime(2026, 11, 20, 15, 59, tzinfo=UTC), True),   # Fri 16:59 CET
    (datetime(2026, 11, 20, 16, 0, tzinfo=UTC), False),   # Fri 17:00 CET: closed
    (datetime(2026, 11, 21, 9, 30, tzinfo=UTC), True),    # Sat 10:30 CET
    (datetime(2026, 11, 22, 10, 0, tzinfo=UTC), False),   # Sunday
    (datetime(2026, 12, 24, 10, 0, tzinfo=UTC), False),   # holiday (a Thursday)
    (datetime(2026, 7, 1, 7, 30, tzinfo=UTC), True),      # summer time: 09:30 CEST
])
def test_is_open(instant: datetime, is_open: bool) -> None:
    assert HOURS.is_open(instant) is is_open


@pytest.mark.parametrize(("instant", "opening"), [
    (datetime(2026, 11, 20, 10, 0, tzinfo=UTC), None),
    (datetime(2026, 11, 20, 17, 0, tzinfo=UTC), datetime(2026, 11, 21, 9, 0, tzinfo=UTC)),
    (datetime(2026, 11, 21, 14, 0, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
    (datetime(2026, 12, 23, 17, 0, tzinfo=UTC), datetime(2026, 12, 25, 8, 0, tzinfo=UTC)),
    (datetime(2026, 11, 20, 6, 0, tzinfo=UTC), datetime(2026, 11, 20, 8, 0, tzinfo=UTC)),
])
def test_next_opening(instant: datetime, opening: datetime | None) -> None:
    assert HOURS.next_opening(instant) == opening


@pytest.mark.parametrize(("opening", "now", "words"), [
    (datetime(2026, 11, 20, 8, 0, tzinfo=UTC), datetime(2026, 11, 20, 6, 0, tzinfo=UTC),
     "today at 09:00"),
    (datetime(2026, 11, 21, 9, 0, tzinfo=UTC), datetime(2026, 11, 20, 17, 0, tzinfo=UTC),
     "tomorrow at 10:00"),
    (datetime(2026, 11, 23, 8, 0, tzinfo=UTC), datetime(2026, 11, 21, 14, 0, tzinfo=UTC),
     "on Monday at 09:00"),
])
def test_describe_opening(opening: datetime, now: datetime, words: str) -> None:
    assert describe_opening(opening, now, CPH) == words


@pytest.mark.parametrize("text", ["Mon-Fri 9-17", "Mon-Xyz 09:00-17:00", "every day"])
def test_unreadable_hours_raise(text: str) -> None:
    with pytest.raises(BusinessHoursError):
        parse_hours(text, [], CPH)
