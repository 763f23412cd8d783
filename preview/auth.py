"""Access to the console: who is signed in, which role may do what, and CSRF/Origin checks.

``session_loader(console)`` is a router-level dependency on every console route: it reads
the signed session cookie and, on every state-changing request, checks that the request
comes from this site (``Origin``/``Referer``) and carries the session's CSRF token (form
field ``csrf_token`` or header ``X-CSRF-Token``). Routes then declare what they need with
the parameter types ``Teammate`` (any signed-in user), ``Configurer`` (owner or admin)
or ``Owner``.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.responses import Response

from preview.console import Console
from preview.sessions import SESSION_COOKIE, ActiveSession
from preview.users import CONFIGURE_ROLES, ConsoleUser, Role

__all__ = ["CONFIGURE_ROLES", "Configurer", "ConsoleError", "Owner", "SignInRequired",
           "Teammate", "require_role", "require_user", "session_loader"]

LOGIN_PATH = "/console/login"
LOGIN_CSRF_COOKIE = "console_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
API_PREFIX = "/console/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ConsoleError(Exception):
    """A console request refused with an HTTP status and a message a person can read."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class SignInRequired(Exception):
    """The request needs a signed-in user (redirect for pages, 401 for the API)."""


def is_api_request(request: Request) -> bool:
    """Whether the path is a JSON endpoint (401/JSON errors rather than pages)."""
    return request.url.path.startswith(API_PREFIX)


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_site(request: Request, console: Console) -> bool:
    """Whether a state-changing request says it comes from this site (or says nothing)."""
    claimed = request.headers.get("origin")
    if claimed is None or claimed == "null":
        referer = request.headers.get("referer")
        if claimed is None and referer is None:
            return True
        claimed = referer or ""
    allowed = {_origin_of(str(request.base_url)),
               _origin_of(console.runtime.settings.public_base_url)}
    return _origin_of(claimed) in allowed


async def _submitted_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def session_loader(console: Console) -> Callable[[Request], Awaitable[None]]:
    """The dependency that loads the session and guards state-changing requests."""

    async def load_session(request: Request) -> None:
        request.state.console = console
        request.state.session = None
        raw = request.cookies.get(SESSION_COOKIE)
        token = console.signer.unsign(raw) if raw else None
        if token is not None:
            request.state.session = console.sessions.find(token, console.now())
        if request.method in SAFE_METHODS:
            return
        if not same_site(request, console):
            raise ConsoleError(403, "request refused: it did not come from this console")
        active: ActiveSession | None = request.state.session
        if active is not None:
            expected = active.csrf_token
        elif request.url.path == LOGIN_PATH:
            expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        else:
            return  # signed out: the route's require_user answers
        submitted = await _submitted_token(request)
        if not expected or not hmac.compare_digest(submitted.encode(), expected.encode()):
            raise ConsoleError(403, "request refused: the form's security token is missing "
                                    "or out of date; reload the page and try again")

    return load_session


def active_session(request: Request) -> ActiveSession | None:
    """The signed-in session of this request, if any."""
    return getattr(request.state, "session", None)


def require_user(request: Request) -> ConsoleUser:
    """Dependency: the signed-in user of any role."""
    active = active_session(request)
    if active is None:
        raise SignInRequired()
    return active.user


def require_role(*roles: str) -> Callable[[Request], ConsoleUser]:
    """Dependency factory: the signed-in user, who must have one of ``roles`` (else 403)."""

    def check(request: Request) -> ConsoleUser:
        user = require_user(request)
        if user.role not in roles:
            raise ConsoleError(403, f"a {user.role} cannot do this; ask an owner or admin")
        return user

    return check


Teammate = Annotated[ConsoleUser, Depends(require_user)]
"""A route parameter: the signed-in user, any role."""
Configurer = Annotated[ConsoleUser, Depends(require_role(*CONFIGURE_ROLES))]
"""A route parameter: the signed-in owner or admin (others get 403)."""
Owner = Annotated[ConsoleUser, Depends(require_role(Role.OWNER.value))]
"""A route parameter: the signed-in owner (others get 403)."""


def set_session_cookie(response: Response, console: Console, session: ActiveSession) -> None:
    """Attach the signed session cookie (HttpOnly, SameSite=Lax, expiring)."""
    response.set_cookie(SESSION_COOKIE, console.signer.sign(session.token),
                        max_age=int(console.session_lifetime.total_seconds()),
                        httponly=True, samesite="lax", secure=console.secure_cookies,
                        path="/console")


def clear_session_cookie(response: Response, console: Console) -> None:
    """Remove the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/console", httponly=True, samesite="lax",
                           secure=console.secure_cookies)
