"""A benchmark figure: a value with its unit, the baseline measured in the same run (so the
figure reads as a ratio), and the target the issue sets for it, if any.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


class MeasurementFailed(RuntimeError):
    """A measurement could not be taken (a request or a process failed); says which."""


@dataclass(frozen=True)
class Target:
    """A limit a figure must stay under (``max``) or reach (``min``)."""

    limit: float
    kind: Literal["max", "min"] = "max"

    def met_by(self, value: float) -> bool:
        """Whether ``value`` meets the target."""
        return value <= self.limit if self.kind == "max" else value >= self.limit

    def to_json(self) -> dict[str, float]:
        """``{"max": 30.0}`` or ``{"min": 50.0}``."""
        return {self.kind: self.limit}


@dataclass(frozen=True)
class Figure:
    """One measured figure. ``value`` is None only when the measurement was skipped (the
    note says why)."""

    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_of: str = ""
    """What the baseline measures, in words."""
    target: Target | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """``value / baseline``, None without both (or with a zero baseline)."""
        if self.value is None or not self.baseline:
            return None
        return round(self.value / self.baseline, 4)

    @property
    def met(self) -> bool | None:
        """Whether the target is met; None when there is no target or no value."""
        if self.target is None or self.value is None:
            return None
        return self.target.met_by(self.value)

    def to_json(self) -> dict[str, Any]:
        """The figure as ``bench --json`` writes it."""
        return {"name": self.name, "value": self.value, "unit": self.unit,
                "target": self.target.to_json() if self.target else None, "met": self.met,
                "baseline": self.baseline, "baseline_of": self.baseline_of,
                "ratio": self.ratio, "note": self.note}


def skipped(name: str, unit: str, why: str, target: Target | None = None) -> Figure:
    """A figure that could not be measured in this run, and why."""
    return Figure(name, None, unit, target=target, note=f"skipped: {why}")
