"""Validation against ``evals/schema/suite.schema.json``, with messages a suite author reads.

The schema is the one editors use; errors come back as (path, message) pairs whose message
names the offending key, e.g. ``expect: unknown key 'skil' (allowed: skill, ...)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

SCHEMA_PATH = Path(__file__).parent / "schema" / "suite.schema.json"
MAX_PROBLEMS = 5


@dataclass(frozen=True)
class SchemaProblem:
    """One place where a document breaks the schema."""

    path: tuple[str | int, ...]
    message: str


@cache
def suite_schema() -> dict[str, Any]:
    """The suite JSON schema."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@cache
def _validator(definition: str) -> Draft202012Validator:
    schema = suite_schema()
    if definition != "suite":
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"],
                  "$ref": f"#/$defs/{definition}"}
    return Draft202012Validator(schema)


def validation_errors(data: Any, definition: str = "suite") -> list[SchemaProblem]:
    """Problems of ``data`` against the schema (or one of its ``$defs``), first few only."""
    errors = sorted(_validator(definition).iter_errors(data),
                    key=lambda e: [str(p) for p in e.absolute_path])
    return [SchemaProblem(tuple(e.absolute_path), _readable(e)) for e in errors[:MAX_PROBLEMS]]


def _key_path(error: ValidationError) -> str:
    """The dotted key path below the case / turn level (``expect.status``)."""
    path = list(error.absolute_path)
    keys = []
    for i, part in enumerate(path):
        indexed = i + 1 < len(path) and isinstance(path[i + 1], int)
        if isinstance(part, int) or (part in ("cases", "turns") and indexed):
            continue
        keys.append(str(part))
    return ".".join(keys)


def _readable(error: ValidationError) -> str:
    where = _key_path(error)
    prefix = f"{where}: " if where else ""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(k for k in error.instance if k not in allowed)
        return f"{prefix}unknown key {unknown[0]!r} (allowed: {', '.join(allowed)})"
    if error.validator == "required":
        return f"{prefix}{error.message.replace('is a required property', 'is required')}"
    if error.validator == "oneOf" and "say_code" in error.schema.get("properties", {}):
        return f"{prefix}a turn needs exactly one of 'say' or 'say_code'"
    if error.validator == "oneOf" and error.context:
        # a mapping broke the mapping branch: its errors, not "'anonymous' was expected"
        specific = [e for e in error.context if e.validator not in ("const", "type")]
        inner = best_match(specific or error.context)
        if inner is not None:
            return _readable(inner)
    if error.validator == "not" and isinstance(error.instance, str):  # propertyNames
        return f"{prefix}{error.instance!r} is set by the runner and cannot be overridden"
    return f"{prefix}{error.message}"
