"""Find, parse and validate suite files; fill their placeholders.

Every problem is a ``SuiteError`` naming the file, the case (or JSONL line) and the key,
e.g. ``evals/suites/returns.yaml: case 'late-sms' turn 2: expect: unknown key 'skil'``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from agent.commerce.demo import DEMO_CASES
from agent.config import Settings
from evals.placeholders import PlaceholderError, Values, expand, expand_all
from evals.schema_check import validation_errors
from evals.settings import case_settings
from evals.suite import Case, RoutingLine, RoutingThresholds, Shopper, Suite, Turn
from skills.registry import default_skills

SUITE_SUFFIXES = (".yaml", ".yml", ".jsonl")
ARTICLE_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt", ".pdf")
THRESHOLDS_FILE = "thresholds.json"
DEFAULT_CLOCK = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SKILL_KEYS = ("skill", "redirect_to")


class SuiteError(ValueError):
    """A suite file that cannot be run as written."""


def suite_files(paths: Sequence[Path]) -> list[Path]:
    """The suite files under ``paths`` (files, or directories searched recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in SUITE_SUFFIXES
                            and p.is_file())
        elif path.is_file() and path.suffix in SUITE_SUFFIXES:
            found.append(path)
        elif path.exists():
            raise SuiteError(f"{path}: not a suite file (expected {', '.join(SUITE_SUFFIXES)})")
        else:
            raise SuiteError(f"{path}: no such file or directory")
    if not found:
        raise SuiteError(f"no suite files under {', '.join(str(p) for p in paths)}")
    return list(dict.fromkeys(found))


def load_suites(paths: Sequence[Path]) -> list[Suite]:
    """Every suite under ``paths``, validated; suite names must be unique."""
    suites = [load_suite(path) for path in suite_files(paths)]
    seen: dict[str, Path] = {}
    for suite in suites:
        if suite.name in seen:
            raise SuiteError(f"{suite.path}: suite name {suite.name!r} is also used by "
                             f"{seen[suite.name]}")
        seen[suite.name] = suite.path
    return suites


def load_suite(path: Path) -> Suite:
    """One suite file: YAML conversations or JSONL routing lines."""
    if path.suffix == ".jsonl":
        return load_routing(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML: {exc}") from None
    except UnicodeDecodeError:
        raise SuiteError(f"{path}: not UTF-8 text") from None
    errors = validation_errors(data, "suite")
    if errors:
        raise SuiteError(f"{path}: " + "; ".join(_where(data, e.path) + e.message
                                                 for e in errors))
    return _conversation_suite(path, data)


def _where(data: Any, error_path: Sequence[str | int]) -> str:
    """``case 'x' turn 2: `` for a schema error path under ``cases``."""
    if len(error_path) < 2 or error_path[0] != "cases" or not isinstance(error_path[1], int):
        return ""
    case = data["cases"][error_path[1]]
    label = f"case {case['id']!r}" if isinstance(case, dict) and "id" in case \
        else f"case #{error_path[1] + 1}"
    if len(error_path) >= 4 and error_path[2] == "turns" and isinstance(error_path[3], int):
        label += f" turn {error_path[3] + 1}"
    return label + ": "


def _conversation_suite(path: Path, data: dict[str, Any]) -> Suite:
    name = data["suite"]
    defaults = data.get("defaults", {})
    suite = Suite(name=name, kind="conversation", path=path,
                  description=data.get("description", ""),
                  articles=_articles(path, data.get("articles")))
    for raw in data["cases"]:
        case_id = raw["id"]
        if any(c.id == case_id for c in suite.cases):
            raise SuiteError(f"{path}: case {case_id!r}: id is used twice in this suite")
        try:
            suite.cases.append(_case(path, name, {**defaults, **raw}, suite.articles))
        except (PlaceholderError, ValueError) as exc:
            where = " " if str(exc).startswith("turn ") else ": "
            raise SuiteError(f"{path}: case {case_id!r}{where}{exc}") from None
    return suite


def _articles(path: Path, folder: str | None) -> Path | None:
    """The suite's extra knowledge-base folder (relative to the suite file), checked."""
    if folder is None:
        return None
    found = (path.parent / folder).resolve()
    if not found.is_dir():
        raise SuiteError(f"{path}: articles: no such folder {found}")
    if not any(p.suffix in ARTICLE_SUFFIXES for p in found.rglob("*")):
        raise SuiteError(f"{path}: articles: no articles ({', '.join(ARTICLE_SUFFIXES)}) "
                         f"in {found}")
    return found


def _shopper(raw: Any) -> Shopper:
    if raw is None or raw == "anonymous":
        return Shopper()
    demo_case = raw.get("case")
    email, order = raw.get("email"), None
    if demo_case is not None:
        if demo_case not in DEMO_CASES:
            raise ValueError(f"customer.case: no demo case named {demo_case!r} "
                             f"(known: {', '.join(sorted(DEMO_CASES))})")
        case_email, order = DEMO_CASES[demo_case]
        email = email or case_email
    for flag in ("verified", "claimed"):
        if raw.get(flag) and email is None:
            raise ValueError(f"customer.{flag} needs customer.email or customer.case")
    if "order_note" in raw and order is None:
        raise ValueError("customer.order_note needs customer.case (the order it is put on)")
    return Shopper(email=email, order=order, demo_case=demo_case,
                   verified=bool(raw.get("verified")), claimed=bool(raw.get("claimed")),
                   sender=raw.get("sender"), order_note=raw.get("order_note"))


def _case(path: Path, suite: str, raw: Mapping[str, Any], articles: Path | None) -> Case:
    shopper = _shopper(raw.get("customer"))
    context = Values(email=shopper.email, order=shopper.order, cases=DEMO_CASES)
    clock = datetime.fromisoformat(raw["clock"]) if "clock" in raw else DEFAULT_CLOCK
    settings = dict(raw.get("settings", {}))
    _check_settings(settings, path)
    turns = []
    for index, turn in enumerate(raw["turns"], start=1):
        try:
            expect = expand_all(turn.get("expect", {}), context)
            _check_skills(expect)
            say = expand(turn["say"], context) if "say" in turn else None
        except (PlaceholderError, ValueError) as exc:
            raise ValueError(f"turn {index}: {exc}") from None
        turns.append(Turn(say=say, say_code=bool(turn.get("say_code")), expect=expect))
    sender = expand(shopper.sender, context) if shopper.sender else None
    note = expand(shopper.order_note, context) if shopper.order_note else None
    return Case(suite=suite, id=raw["id"], description=raw.get("description", ""),
                tags=tuple(raw.get("tags", ())), channel=raw.get("channel", "webchat"),
                clock=clock, shopper=replace(shopper, sender=sender, order_note=note),
                settings=settings, turns=tuple(turns), path=path, attack=raw.get("attack"),
                articles=articles)


def _check_settings(settings: dict[str, Any], path: Path) -> None:
    """Validate a case's settings overrides now, not halfway through a run."""
    unknown = sorted(set(settings) - set(Settings.model_fields))
    if unknown:
        raise ValueError(f"settings: unknown key {unknown[0]!r}")
    try:
        case_settings(settings, data_dir=path.parent, chroma_dir=path.parent,
                      now=DEFAULT_CLOCK, brain="offline")
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"settings.{key}: {first['msg']}") from None


def skill_names() -> list[str]:
    """The engine's skill names, as ``customer-agent skills --json`` lists them."""
    return [skill.name for skill in default_skills()]


def _check_skills(expect: Mapping[str, Any]) -> None:
    known = skill_names()
    named = [expect[k] for k in SKILL_KEYS if isinstance(expect.get(k), str)]
    named += [s for s in expect.get("skill_in", []) if isinstance(s, str)]
    for name in named:
        if name not in known:
            raise ValueError(f"expect: unknown skill {name!r} (skills: {', '.join(known)})")


def load_routing(path: Path) -> Suite:
    """A routing JSONL file, and the thresholds next to it if there are any."""
    suite = Suite(name=path.stem, kind="routing", path=path,
                  thresholds=load_thresholds(path.parent / THRESHOLDS_FILE))
    known = skill_names()
    for number, line in _lines(path):
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SuiteError(f"{where}: not valid JSON: {exc.msg}") from None
        errors = validation_errors(data, "routingLine")
        if errors:
            label = f" (id {data['id']!r})" if isinstance(data, dict) and "id" in data else ""
            raise SuiteError(f"{where}{label}: {errors[0].message}")
        if data["expected_skill"] not in known:
            raise SuiteError(f"{where}: expected_skill: unknown skill "
                             f"{data['expected_skill']!r} (skills: {', '.join(known)})")
        line_id = data.get("id") or f"{path.stem}-{number}"
        if any(r.id == line_id for r in suite.routing):
            raise SuiteError(f"{where}: id {line_id!r} is used twice in this file")
        suite.routing.append(RoutingLine(suite=suite.name, id=line_id, text=data["text"],
                                         expected_skill=data["expected_skill"], path=path))
    if not suite.routing:
        raise SuiteError(f"{path}: no routing lines")
    return suite


def _lines(path: Path) -> Iterable[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SuiteError(f"{path}: not UTF-8 text") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def load_thresholds(path: Path) -> RoutingThresholds | None:
    """The routing gate in ``path``, or None when there is no such file."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path}: not valid JSON: {exc.msg}") from None
    errors = validation_errors(data, "routingThresholds")
    if errors:
        raise SuiteError(f"{path}: {errors[0].message}")
    return RoutingThresholds(path=path, min_accuracy=data.get("min_accuracy"),
                             min_macro_f1=data.get("min_macro_f1"))
