"""The console's wiring: every console router under one session/CSRF guard, static files,
error pages, the first owner and the settings overrides — installed by ``agent.app``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRouter
from fastapi.staticfiles import StaticFiles

from agent.runtime import Runtime
from preview.agent_preview import PREVIEW_PREFIX, preview_router
from preview.analytics import analytics_router
from preview.auth import ConsoleError, SignInRequired, is_api_request, session_loader
from preview.console import Console, Renderer
from preview.console_settings import apply_overrides
from preview.content_page import content_router
from preview.inbox import inbox_router
from preview.layout import STATIC_DIR, render_page
from preview.login_page import login_router, safe_next
from preview.owner import ensure_owner
from preview.skills_page import skills_router
from preview.team_page import team_router

__all__ = ["PREVIEW_PREFIX", "console_router", "install_console"]

LARGE_BODY_PATHS = {"/console/content/": 20 * 1024 * 1024,
                    "/console/inbox/": 9 * 1024 * 1024}
"""Console paths that accept bodies over the app's default limit (article uploads)."""


def console_router(console: Console) -> APIRouter:
    """Every console page and endpoint; each request first loads the session and, when it
    changes anything, passes the Origin and CSRF checks."""
    router = APIRouter(dependencies=[Depends(session_loader(console))],
                       include_in_schema=False)
    router.include_router(login_router(console))
    router.include_router(team_router(console))
    router.include_router(preview_router(console))
    router.include_router(skills_router(console))
    router.include_router(content_router(console))
    # other console routers (inbox, analytics) are included here
    router.include_router(inbox_router(console))
    router.include_router(analytics_router(console))
    return router


def _announce(message: str) -> None:
    print(message, file=sys.stdout, flush=True)


def install_console(app: FastAPI, runtime: Runtime, render: Renderer,
                    announce: Callable[[str], None] = _announce) -> Console:
    """Mount the console at /console on ``app``: routes, static files, error answers.

    Creates the first owner when there is no user yet and applies the settings saved in
    the console to ``runtime``.
    """
    console = Console.build(runtime, render)
    ensure_owner(console.users, runtime.settings, console.now(), announce)
    apply_overrides(runtime, console.overrides)
    app.state.console = console
    app.include_router(console_router(console))
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, _exc: SignInRequired) -> Response:
        if is_api_request(request):
            return JSONResponse(status_code=401, content={"error": "sign in required"})
        target = "/console"
        if request.method == "GET":
            query = request.url.query
            target = request.url.path + (f"?{query}" if query else "")
        return RedirectResponse(f"/console/login?next={quote(target, safe='/')}",
                                status_code=303)

    @app.exception_handler(ConsoleError)
    async def console_error(request: Request, exc: ConsoleError) -> Response:
        if is_api_request(request):
            return JSONResponse(status_code=exc.status_code, content={"error": exc.message})
        back = safe_next(urlsplit(request.headers.get("referer") or "").path)
        titles = {401: "Sign in required", 403: "Not allowed", 404: "Not found",
                  429: "Too many attempts"}
        return render_page(request, "error.html", {"message": exc.message, "back": back},
                           title=titles.get(exc.status_code, "Could not do that"),
                           status_code=exc.status_code)

    return console
