"""Signing in and out of the console, and the console's front door.

One failure message for a wrong password and an unknown email alike; five failures per
email within 15 minutes answer 429 until the window passes. The sign-in form is guarded
by a double-submit token (a cookie and a hidden field) since there is no session yet.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from preview.auth import (
    LOGIN_CSRF_COOKIE,
    LOGIN_PATH,
    Teammate,
    active_session,
    clear_session_cookie,
    set_session_cookie,
)
from preview.console import Console
from preview.layout import render_page
from preview.users import TooManyAttempts

FAILED = "That email and password do not match an account."
HOME = "/console/preview"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a console path, never another site."""
    if target and target.startswith("/console") and not target.startswith("//") \
            and "\\" not in target and not target.startswith(LOGIN_PATH):
        return target
    return "/console"


def _login_form(request: Request, console: Console, *, next_url: str, email: str = "",
                error: str | None = None, status_code: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render_page(request, "login.html",
                           {"next": next_url, "email": email, "error": error},
                           title="Sign in", status_code=status_code, token=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True,
                        samesite="strict", secure=console.secure_cookies, path=LOGIN_PATH)
    return response


def login_router(console: Console) -> APIRouter:
    """Sign in, sign out, and the /console entry point."""
    router = APIRouter()

    @router.get("/console", include_in_schema=False)
    def front_door(_user: Teammate) -> RedirectResponse:
        return RedirectResponse(HOME, status_code=303)

    @router.get(LOGIN_PATH, response_class=HTMLResponse)
    def login_page(request: Request, next: str | None = None) -> Response:
        if active_session(request) is not None:
            return RedirectResponse(safe_next(next), status_code=303)
        return _login_form(request, console, next_url=safe_next(next))

    @router.post(LOGIN_PATH, response_class=HTMLResponse)
    def login(request: Request, email: str = Form(""), password: str = Form(""),
              next: str = Form("/console")) -> Response:
        next_url = safe_next(next)
        now = console.now()
        try:
            user = console.users.authenticate(email, password, now)
        except TooManyAttempts as refused:
            return _login_form(request, console, next_url=next_url, email=email,
                               error=str(refused), status_code=429)
        if user is None:
            return _login_form(request, console, next_url=next_url, email=email,
                               error=FAILED, status_code=401)
        session = console.sessions.start(user, now, console.session_lifetime)
        response = RedirectResponse(next_url, status_code=303)
        set_session_cookie(response, console, session)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
        return response

    @router.post("/console/logout")
    def logout(request: Request, _user: Teammate) -> Response:
        session = active_session(request)
        if session is not None:
            console.sessions.end(session.token)
        response = RedirectResponse(LOGIN_PATH, status_code=303)
        clear_session_cookie(response, console)
        return response

    return router
