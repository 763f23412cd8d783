"""The console's shared context: the runtime plus the console's own stores, built once.

Every console router factory takes a ``Console``: ``console.runtime`` is the agent,
``console.users`` / ``console.sessions`` the team and its sign-ins, ``console.overrides``
the settings changed in the console, ``console.render`` the channel renderer (injected by
``agent.app`` so this package never imports ``channels``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from agent.runtime import Runtime
from preview.console_settings import ConsoleSettingsStore
from preview.sessions import CookieSigner, SessionStore
from preview.users import UserStore
from skills.parts import Channel, Part

Renderer = Callable[[Sequence[Part], Channel], dict[str, Any]]


@dataclass
class Console:
    """What every console page reads and writes through."""

    runtime: Runtime
    users: UserStore
    sessions: SessionStore
    signer: CookieSigner
    overrides: ConsoleSettingsStore
    render: Renderer

    @classmethod
    def build(cls, runtime: Runtime, render: Renderer) -> Console:
        """The console over ``runtime``'s conversation database and secret key."""
        engine = runtime.services.store.engine
        return cls(runtime=runtime, users=UserStore(engine), sessions=SessionStore(engine),
                   signer=CookieSigner(runtime.settings.resolved_secret_key()),
                   overrides=ConsoleSettingsStore(engine), render=render)

    def now(self) -> datetime:
        """The runtime clock's now (fixed in tests)."""
        return self.runtime.services.clock.now()

    @property
    def session_lifetime(self) -> timedelta:
        """How long a sign-in lasts."""
        return timedelta(hours=self.runtime.settings.console_session_hours)

    @property
    def secure_cookies(self) -> bool:
        """Mark cookies Secure when the console is served over HTTPS."""
        return self.runtime.settings.public_base_url.startswith("https://")

    @property
    def content_dir(self) -> Path:
        """Where articles added or uploaded in the console are kept."""
        settings = self.runtime.settings
        return settings.console_content_dir or settings.data_dir / "content"

    @property
    def eval_dir(self) -> Path:
        """Where preview conversations saved as eval cases are written."""
        settings = self.runtime.settings
        return settings.console_eval_dir or settings.data_dir / "eval_cases"
