"""Settings changed in the console: stored as overrides, applied on top of ``Settings``.

The ``console_settings`` table holds one JSON value per key: each editable field of
``Settings`` (see ``EditableSettings``) and ``skills.disabled``. ``apply_overrides`` puts
them on a running runtime — at start-up and again right after each change — by setting
those fields on ``runtime.settings`` (the object the skills read), recomputing
``runtime.services.policy`` from it, handing the disabled set to the skill registry and
re-checking every skill.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import JSON, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from agent.config import DiscountCode
from agent.db import Base, UtcDateTime
from agent.runtime import Runtime

DISABLED_SKILLS_KEY = "skills.disabled"
ALWAYS_ON_SKILLS = frozenset({"handoff"})
MAX_TEMPLATE_CHARS = 500


def _check_url_template(template: str) -> str:
    template = template.strip()
    if not template:
        return template
    try:
        filled = template.format(base_url="https://shop.example", order_number="1001")
    except (KeyError, IndexError, ValueError):
        raise ValueError("only the placeholders {base_url} and {order_number} may be "
                         "used") from None
    if not filled.startswith(("https://", "http://")):
        raise ValueError("the address must start with https://, http:// or {base_url}")
    return template


class EditableSettings(BaseModel):
    """The ``Settings`` fields a merchant may change in the console, validated."""

    model_config = {"extra": "forbid"}

    order_edit_url_template: str = Field(default="", max_length=MAX_TEMPLATE_CHARS)
    returns_url_template: str = Field(default="", max_length=MAX_TEMPLATE_CHARS)
    edit_window_hours: float = Field(default=12, ge=0, le=720)
    cancel_window_hours: float = Field(default=24, ge=0, le=720)
    return_window_days: int = Field(default=30, ge=0, le=365)
    pinned_product_ids: list[str] = Field(default_factory=list, max_length=20)
    discount_codes: list[DiscountCode] = Field(default_factory=list, max_length=50)

    _check_templates = field_validator(
        "order_edit_url_template", "returns_url_template")(_check_url_template)

    @classmethod
    def current(cls, runtime: Runtime) -> EditableSettings:
        """The values the runtime runs with now."""
        settings = runtime.settings
        return cls.model_construct(**{name: getattr(settings, name) for name in cls.model_fields})


class ConsoleSetting(Base):
    """One overridden value."""

    __tablename__ = "console_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(254), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ConsoleSettingsStore:
    """Reads and writes of the console's overrides."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        Base.metadata.create_all(engine,
                                 tables=[Base.metadata.tables[ConsoleSetting.__tablename__]])

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def values(self) -> dict[str, Any]:
        """Every stored override, by key."""
        with self._session() as session:
            return {row.key: row.value for row in session.scalars(select(ConsoleSetting))}

    def put(self, values: dict[str, Any], by: str, now: datetime) -> None:
        """Store overrides (JSON-able values), replacing earlier ones of the same keys."""
        with self._session() as session:
            for key, value in values.items():
                row = session.get(ConsoleSetting, key)
                if row is None:
                    session.add(ConsoleSetting(key=key, value=value, updated_by=by,
                                               updated_at=now))
                else:
                    row.value, row.updated_by, row.updated_at = value, by, now
            session.commit()

    def disabled_skills(self) -> set[str]:
        """The skills the merchant turned off."""
        return set(self.values().get(DISABLED_SKILLS_KEY) or [])

    def set_skill_enabled(self, name: str, enabled: bool, by: str, now: datetime) -> None:
        """Turn one skill on or off."""
        disabled = self.disabled_skills()
        disabled = disabled - {name} if enabled else disabled | {name}
        self.put({DISABLED_SKILLS_KEY: sorted(disabled)}, by, now)

    def save_settings(self, changed: EditableSettings, fields: set[str], by: str,
                      now: datetime) -> None:
        """Store the given fields of ``changed`` as overrides."""
        dumped = changed.model_dump(mode="json", include=fields)
        self.put(dumped, by, now)


def apply_overrides(runtime: Runtime, store: ConsoleSettingsStore) -> None:
    """Put the stored overrides on the running runtime and re-check the skills."""
    stored = store.values()
    if not stored:
        return  # nothing changed in the console: the runtime is as built
    fields = {k: v for k, v in stored.items() if k in EditableSettings.model_fields}
    if fields:
        current = EditableSettings.current(runtime).model_dump()
        validated = EditableSettings.model_validate({**current, **fields})
        for name in fields:
            setattr(runtime.settings, name, getattr(validated, name))
        runtime.services.policy = runtime.settings.store_policy()
    disabled = set(stored.get(DISABLED_SKILLS_KEY) or []) - ALWAYS_ON_SKILLS
    runtime.services.skills.set_disabled(disabled)
    runtime.refresh_skills()
