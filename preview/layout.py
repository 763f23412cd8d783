"""The console's page shell: Jinja2 templates (autoescaped), navigation, flash messages,
the CSRF field, static URLs and the security headers every console page carries.

Pages call ``render_page(request, "skills.html", {...}, title="Skills", active="skills")``;
templates extend ``layout.html`` (see /tmp/brief/CONSOLE_CONVENTIONS.md for the blocks).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from preview.auth import CSRF_FIELD, active_session

__all__ = ["Markup", "escape", "flash", "render_page"]

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
STATIC_URL = "/console/static/"

NAV: tuple[tuple[str, str, str], ...] = (
    ("preview", "Agent preview", "/console/preview"),
    ("skills", "Skills", "/console/skills"),
    ("content", "Content", "/console/content"),
    ("inbox", "Inbox", "/console/inbox"),
    ("analytics", "Analytics", "/console/analytics"),
    ("team", "Team", "/console/team"),
)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: https:; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'; object-src 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def static(name: str) -> str:
    """The URL of a file in ``preview/static``."""
    return STATIC_URL + name


@functools.cache
def templates() -> Environment:
    """The Jinja2 environment of the console (autoescape on for every template)."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR),
                              autoescape=select_autoescape(default=True,
                                                           default_for_string=True),
                              undefined=StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)
    environment.globals["static"] = static
    return environment


def flash(request: Request, message: str, category: str = "success") -> None:
    """Show ``message`` once on the next page this browser renders."""
    session = active_session(request)
    console = getattr(request.state, "console", None)
    if session is not None and console is not None:
        console.sessions.push_flash(session.token, category, message)


def csrf_token(request: Request) -> str:
    """The signed-in session's CSRF token ('' when signed out)."""
    session = active_session(request)
    return session.csrf_token if session is not None else ""


def csrf_input(token: str) -> Markup:
    """The hidden form field carrying ``token``."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


def render_page(request: Request, template: str, context: dict[str, Any] | None = None, *,
                title: str, active: str | None = None, status_code: int = 200,
                token: str | None = None) -> HTMLResponse:
    """A page rendered inside the layout; ``token`` overrides the CSRF token (sign-in form)."""
    session = active_session(request)
    console = getattr(request.state, "console", None)
    flashes = (console.sessions.pop_flashes(session.token)
               if session is not None and console is not None else [])
    user = session.user if session is not None else None
    csrf = token if token is not None else csrf_token(request)
    values = {"title": title, "active": active, "user": user, "nav": NAV if user else (),
              "flashes": flashes, "csrf_token": csrf, "csrf_field": lambda: csrf_input(csrf),
              "can_configure": bool(user and user.can_configure), **(context or {})}
    html = templates().get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
