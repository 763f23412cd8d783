"""Reading the Skills page's settings forms into validated ``EditableSettings`` values.

Each skill's form carries only that skill's fields (``SKILL_SETTINGS``); values are
checked as a whole (pydantic) and against the catalog (pinned products must exist),
and every problem is reported in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from agent.config import DiscountCode
from preview.console_settings import EditableSettings

SKILL_SETTINGS: dict[str, tuple[str, ...]] = {
    "order_editing": ("order_edit_url_template", "edit_window_hours", "cancel_window_hours"),
    "returns": ("returns_url_template", "return_window_days"),
    "faq": ("pinned_product_ids", "discount_codes"),
}
FIELD_LABELS = {
    "order_edit_url_template": "Self-service order page (URL template)",
    "edit_window_hours": "Edit window (hours after the order)",
    "cancel_window_hours": "Cancellation window (hours after the order)",
    "returns_url_template": "Returns page (URL template)",
    "return_window_days": "Return window (days after delivery)",
    "pinned_product_ids": "Pinned recommendations",
    "discount_codes": "Discount codes",
}
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{2,40}$")
MAX_CODE_ROWS = 50


class SettingsFormError(ValueError):
    """A settings form that cannot be saved; the message says what to fix."""


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _discount_codes(form: FormData, existing: Iterable[DiscountCode]) -> list[dict[str, Any]]:
    expiry = {code.code.upper(): code.expires_at for code in existing}
    codes: list[dict[str, Any]] = []
    for index in range(MAX_CODE_ROWS + 1):
        code = _text(form, f"code_{index}")
        if not code or form.get(f"delete_{index}"):
            continue
        if not CODE_PATTERN.match(code):
            raise SettingsFormError(f"discount code {code!r}: use 2-40 letters, digits, - or _")
        if code.upper() in {c["code"].upper() for c in codes}:
            raise SettingsFormError(f"discount code {code} is listed twice")
        percent = _text(form, f"percent_{index}")
        codes.append({"code": code, "description": _text(form, f"description_{index}")[:200],
                      "shareable": bool(form.get(f"shareable_{index}")),
                      "active": bool(form.get(f"active_{index}")),
                      "percent_off": percent or None,
                      "expires_at": expiry.get(code.upper())})
    return codes


def _readable(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = [str(p) for p in item.get("loc", ())]
        label = FIELD_LABELS.get(where[0], where[0]) if where else "value"
        problems.append(f"{label}: {item.get('msg', 'invalid')}".replace("Value error, ", ""))
    return "; ".join(problems)


def parse_skill_settings(skill: str, form: FormData, current: EditableSettings,
                         catalog_ids: set[str]) -> EditableSettings:
    """The settings with ``skill``'s fields taken from ``form``, validated."""
    fields = SKILL_SETTINGS.get(skill)
    if fields is None:
        raise SettingsFormError(f"the {skill} skill has no settings")
    submitted: dict[str, Any] = {}
    for name in fields:
        if name == "pinned_product_ids":
            pinned = [v for v in form.getlist(name) if isinstance(v, str) and v]
            unknown = sorted(set(pinned) - catalog_ids)
            if unknown:
                raise SettingsFormError(f"no product with id {', '.join(unknown)} in the catalog")
            submitted[name] = list(dict.fromkeys(pinned))
        elif name == "discount_codes":
            submitted[name] = _discount_codes(form, current.discount_codes)
        else:
            submitted[name] = _text(form, name)
    try:
        return EditableSettings.model_validate({**current.model_dump(), **submitted})
    except ValidationError as invalid:
        raise SettingsFormError(_readable(invalid)) from None
