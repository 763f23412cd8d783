"""``report.json``: the whole run as data, and reading one back as a ``--baseline``.

Its structure is ``evals/schema/report.schema.json``; a baseline that does not match it
is refused with a readable message rather than compared half-way.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

REPORT_SCHEMA_PATH = Path(__file__).parent / "schema" / "report.schema.json"


class BaselineError(ValueError):
    """A ``--baseline`` file that is not a report this runner wrote."""


@cache
def report_validator() -> Draft202012Validator:
    """A validator of report.json's structure."""
    return Draft202012Validator(json.loads(REPORT_SCHEMA_PATH.read_text(encoding="utf-8")))


def report_problems(report: Any) -> list[str]:
    """Where ``report`` breaks the report schema (empty when it fits)."""
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in report_validator().iter_errors(report)]


def write_json(report: dict[str, Any], directory: Path) -> Path:
    """Write ``report.json`` into ``directory``."""
    path = directory / "report.json"
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
    return path


def read_baseline(path: Path) -> dict[str, Any]:
    """A previous report.json, checked against the report schema."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a JSON report ({exc})") from None
    problems = report_problems(data)
    if problems:
        raise BaselineError(f"{path}: not an eval report: {problems[0]}")
    return dict(data)
