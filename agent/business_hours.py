"""Business hours: is the team in now, and if not, when is it back. Pure functions.

Hours are written as in settings, e.g. ``Mon-Fri 09:00-17:00`` or
``Mon-Fri 09:00-17:00; Sat 10:00-14:00``, in the store's time zone; holidays are ISO dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
RULE = re.compile(r"^\s*(\w{3})(?:\s*-\s*(\w{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class BusinessHoursError(ValueError):
    """The business hours setting cannot be read."""


@dataclass(frozen=True)
class OpeningHours:
    """Opening and closing time per weekday (0 = Monday); closed days are absent."""

    by_weekday: dict[int, tuple[time, time]]
    holidays: frozenset[date]
    timezone: str

    def is_open(self, instant: datetime) -> bool:
        """Whether the team works at ``instant``."""
        local = instant.astimezone(ZoneInfo(self.timezone))
        span = self.by_weekday.get(local.weekday())
        if span is None or local.date() in self.holidays:
            return False
        return span[0] <= local.time() < span[1]

    def next_opening(self, instant: datetime) -> datetime | None:
        """When the team is next in (None if it is in now); within the coming 14 days."""
        if self.is_open(instant):
            return None
        zone = ZoneInfo(self.timezone)
        local = instant.astimezone(zone)
        for offset in range(15):
            day = local.date() + timedelta(days=offset)
            span = self.by_weekday.get(day.weekday())
            if span is None or day in self.holidays:
                continue
            opening = datetime.combine(day, span[0], tzinfo=zone)
            if opening > local:
                return opening
        return None


def parse_hours(text: str, holidays: list[str], timezone: str) -> OpeningHours:
    """Read ``Mon-Fri 09:00-17:00; Sat 10:00-14:00`` into opening hours."""
    by_weekday: dict[int, tuple[time, time]] = {}
    for rule in filter(None, (part.strip() for part in text.split(";"))):
        match = RULE.match(rule)
        if match is None:
            raise BusinessHoursError(f"cannot read business hours {rule!r}")
        first, last, oh, om, ch, cm = match.groups()
        try:
            start, end = DAYS.index(first.lower()), DAYS.index((last or first).lower())
        except ValueError:
            raise BusinessHoursError(f"unknown weekday in {rule!r}") from None
        for weekday in range(start, end + 1):
            by_weekday[weekday] = (time(int(oh), int(om)), time(int(ch), int(cm)))
    return OpeningHours(by_weekday, frozenset(date.fromisoformat(d) for d in holidays),
                        timezone)


def describe_opening(opening: datetime, now: datetime, timezone: str) -> str:
    """``today at 09:00``, ``tomorrow at 09:00`` or ``on Monday at 09:00`` (store time)."""
    zone = ZoneInfo(timezone)
    day = opening.astimezone(zone).date()
    today = now.astimezone(zone).date()
    clock = opening.astimezone(zone).strftime("%H:%M")
    if day == today:
        return f"today at {clock}"
    if day == today + timedelta(days=1):
        return f"tomorrow at {clock}"
    return f"on {opening.astimezone(zone).strftime('%A')} at {clock}"
