"""Visitor context for the team: browser and OS from the User-Agent, and the pages viewed.

Pure functions. The User-Agent is read with a few ordered rules (the first match wins,
which is why Edge and Opera come before Chrome, and Android before Linux); anything
unrecognised is ``Other``. ``Conversation.visitor`` holds ``{"pages": [{"url", "title",
"at"}], "browser", "os", "timezone", "language"}``, keeping the latest pages only.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

MAX_PAGES = 20

_BROWSERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"\b(?:OPR|Opera)/(\d+)")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"\b(?:HeadlessChrome|Chrome|Chromium|CriOS)/(\d+)")),
    ("Safari", re.compile(r"\bVersion/(\d+)[\d.]*(?: Mobile/\S+)? Safari/")),
)

_SYSTEMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Windows", re.compile(r"\bWindows\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("iOS", re.compile(r"\b(?:iPhone|iPad|iPod)\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def browser_of(user_agent: str) -> str:
    """``Chrome 131``, ``Firefox 128``, ``Safari 17`` ... or ``Other``."""
    for name, pattern in _BROWSERS:
        found = pattern.search(user_agent)
        if found:
            return f"{name} {found.group(1)}"
    return "Other"


def os_of(user_agent: str) -> str:
    """``Windows``, ``Android``, ``iOS``, ``ChromeOS``, ``macOS``, ``Linux`` or ``Other``."""
    return next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "Other")


def with_page_view(visitor: dict[str, Any] | None, *, url: str, title: str, at: datetime,
                   user_agent: str, timezone: str | None,
                   language: str | None) -> dict[str, Any]:
    """The visitor context after one more page view (the latest ``MAX_PAGES`` kept)."""
    known = dict(visitor or {})
    pages = [*known.get("pages", []), {"url": url, "title": title, "at": at.isoformat()}]
    known["pages"] = pages[-MAX_PAGES:]
    if user_agent:
        known["browser"], known["os"] = browser_of(user_agent), os_of(user_agent)
    if timezone:
        known["timezone"] = timezone
    if language:
        known["language"] = language
    return known
