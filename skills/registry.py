"""The default skill set and each skill's status: Live, or Unavailable with reasons."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from skills.base import PrerequisiteEnv, Skill
from skills.faq import FaqSkill
from skills.handoff import HandoffSkill
from skills.order_editing import OrderEditingSkill
from skills.order_status import OrderStatusSkill
from skills.returns import ReturnsSkill


@dataclass(frozen=True)
class SkillStatus:
    """Whether a skill is Live, and the unmet prerequisites in words when it is not.

    ``enabled`` is False when the merchant turned the skill off (it is then not Live).
    """

    name: str
    live: bool
    unmet: tuple[str, ...]
    enabled: bool = True

    def to_json(self) -> dict[str, object]:
        """The form ``customer-agent skills --json`` prints."""
        return {"name": self.name, "status": "live" if self.live else "unavailable",
                "unmet_prerequisites": list(self.unmet)}


class SkillRegistry:
    """The skills of one deployment, by name, with their Live / Unavailable status."""

    def __init__(self, skills: list[Skill]) -> None:
        self._skills = {s.name: s for s in skills}
        self._status: dict[str, SkillStatus] = {}
        self._disabled: set[str] = set()

    def __iter__(self) -> Iterator[Skill]:
        return iter(self._skills.values())

    def get(self, name: str) -> Skill | None:
        """The skill called ``name``."""
        return self._skills.get(name)

    def names(self) -> list[str]:
        """Every skill name, in declaration order."""
        return list(self._skills)

    def set_disabled(self, names: Iterable[str]) -> None:
        """The skills the merchant turned off; applied at the next ``refresh``."""
        self._disabled = {name for name in names if name in self._skills}

    def refresh(self, env: PrerequisiteEnv) -> list[SkillStatus]:
        """Re-check every prerequisite (at start-up and after the content changes)."""
        self._status = {}
        for skill in self._skills.values():
            unmet = tuple(skill.unmet_prerequisites(env))
            enabled = skill.name not in self._disabled
            self._status[skill.name] = SkillStatus(skill.name, enabled and not unmet, unmet,
                                                   enabled)
        return self.statuses()

    def statuses(self) -> list[SkillStatus]:
        """The last checked status of every skill."""
        return [self._status[name] for name in self._skills if name in self._status]

    def is_live(self, name: str) -> bool:
        """Whether ``name`` is a skill that is Live now."""
        status = self._status.get(name)
        return status is not None and status.live

    def live_names(self) -> list[str]:
        """The names of the Live skills."""
        return [s.name for s in self.statuses() if s.live]


def default_skills() -> list[Skill]:
    """The skills every deployment starts with."""
    return [OrderEditingSkill(), ReturnsSkill(), OrderStatusSkill(), FaqSkill(), HandoffSkill()]
