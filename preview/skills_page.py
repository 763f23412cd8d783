"""The Skills page: each skill Live, Unavailable (with the unmet prerequisites in words)
or Off; turning skills on and off; each skill's settings. Owners and admins change
things; staff see the page read-only and get 403 on every change.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from preview.auth import Configurer, ConsoleError, Teammate
from preview.console import Console
from preview.console_settings import ALWAYS_ON_SKILLS, EditableSettings, apply_overrides
from preview.layout import flash, render_page
from preview.policy_gaps import policy_gaps
from preview.skill_forms import (
    FIELD_LABELS,
    SKILL_SETTINGS,
    SettingsFormError,
    parse_skill_settings,
)
from preview.users import ConsoleUser

PAGE = "/console/skills"


def skills_router(console: Console) -> APIRouter:
    """The Skills page and its forms."""
    router = APIRouter()
    runtime = console.runtime

    def skill_rows() -> list[dict[str, Any]]:
        statuses = {s.name: s for s in runtime.services.skills.statuses()}
        gaps = policy_gaps(runtime)
        rows = []
        for skill in runtime.services.skills:
            status = statuses.get(skill.name)
            rows.append({
                "name": skill.name, "description": skill.description,
                "live": bool(status and status.live),
                "enabled": status.enabled if status else True,
                "unmet": list(status.unmet) if status else [],
                "always_on": skill.name in ALWAYS_ON_SKILLS,
                "channels": [c.value for c in skill.channels],
                "needs_identity": skill.needs_identity,
                "gaps": [g.query for g in gaps if g.skill == skill.name],
                "settings": SKILL_SETTINGS.get(skill.name, ()),
            })
        return rows

    @router.get(PAGE, response_class=HTMLResponse)
    def skills_page(request: Request, _user: Teammate) -> HTMLResponse:
        products = runtime.services.source.products()
        return render_page(request, "skills.html", {
            "skills": skill_rows(), "values": EditableSettings.current(runtime),
            "labels": FIELD_LABELS, "products": products},
            title="Skills", active="skills")

    @router.post(PAGE + "/{name}/enabled")
    def set_enabled(request: Request, name: str, user: Configurer,
                    enabled: str = Form("")) -> RedirectResponse:
        if runtime.services.skills.get(name) is None:
            raise ConsoleError(404, f"There is no skill called {name}.")
        if name in ALWAYS_ON_SKILLS:
            raise ConsoleError(422, f"The {name} skill cannot be turned off: it is how the "
                                    "agent reaches a person.")
        turn_on = enabled == "1"
        console.overrides.set_skill_enabled(name, turn_on, user.email, console.now())
        apply_overrides(runtime, console.overrides)
        flash(request, f"{name} turned {'on' if turn_on else 'off'}.")
        return RedirectResponse(f"{PAGE}#skill-{name}", status_code=303)

    @router.post(PAGE + "/{name}/settings")
    async def save_settings(request: Request, name: str, user: Configurer) -> RedirectResponse:
        if name not in SKILL_SETTINGS:
            raise ConsoleError(404, f"The {name} skill has no settings.")
        form = await request.form()
        return await run_in_threadpool(store_settings, request, name, form, user)

    def store_settings(request: Request, name: str, form: FormData,
                       user: ConsoleUser) -> RedirectResponse:
        catalog = {p.id for p in runtime.services.source.products()}
        try:
            changed = parse_skill_settings(name, form, EditableSettings.current(runtime),
                                           catalog)
        except SettingsFormError as invalid:
            raise ConsoleError(422, f"Settings not saved: {invalid}.") from None
        console.overrides.save_settings(changed, set(SKILL_SETTINGS[name]), user.email,
                                        console.now())
        apply_overrides(runtime, console.overrides)
        flash(request, f"Settings of {name} saved.")
        return RedirectResponse(f"{PAGE}#skill-{name}", status_code=303)

    return router
