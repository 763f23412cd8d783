"""The Team page: everyone sees who is on the team; owners add, re-role and remove people.

Every user can change their own password here (which signs their other sessions out).
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from preview.auth import ConsoleError, Owner, Teammate, set_session_cookie
from preview.console import Console
from preview.layout import flash, render_page
from preview.passwords import (
    MIN_PASSWORD_CHARS,
    WeakPassword,
    check_new_password,
    generate_password,
    verify_password,
)
from preview.users import Role, UserError

TEAM = "/console/team"


def team_router(console: Console) -> APIRouter:
    """The Team page and its forms."""
    router = APIRouter()

    def page(request: Request, created: dict[str, str] | None = None,
             status_code: int = 200) -> HTMLResponse:
        return render_page(request, "team.html", {
            "members": console.users.list_users(), "roles": [r.value for r in Role],
            "min_password": MIN_PASSWORD_CHARS, "created": created},
            title="Team", active="team", status_code=status_code)

    @router.get(TEAM, response_class=HTMLResponse)
    def team(request: Request, _user: Teammate) -> HTMLResponse:
        return page(request)

    @router.post(TEAM, response_class=HTMLResponse)
    def add_member(request: Request, _owner: Owner, email: str = Form(""),
                   role: str = Form("staff"), name: str = Form(""),
                   password: str = Form("")) -> HTMLResponse:
        chosen = password or generate_password()
        try:
            member = console.users.create_user(email, role, chosen, console.now(), name=name)
        except (UserError, WeakPassword) as refused:
            raise ConsoleError(422, f"Could not add {email or 'the teammate'}: {refused}.") \
                from None
        created = {"email": member.email, "role": member.role,
                   "password": "" if password else chosen}
        return page(request, created=created, status_code=201)

    @router.post(TEAM + "/{member_id}/role")
    def change_role(request: Request, member_id: int, owner: Owner,
                    role: str = Form("")) -> Response:
        if member_id == owner.id:
            raise ConsoleError(422, "You cannot change your own role.")
        try:
            console.users.set_role(member_id, role)
        except UserError as refused:
            raise ConsoleError(422, f"Could not change the role: {refused}.") from None
        flash(request, f"Role changed to {role}.")
        return RedirectResponse(TEAM, status_code=303)

    @router.post(TEAM + "/{member_id}/remove")
    def remove(request: Request, member_id: int, owner: Owner) -> Response:
        if member_id == owner.id:
            raise ConsoleError(422, "You cannot remove yourself.")
        try:
            console.users.deactivate(member_id)
        except UserError as refused:
            raise ConsoleError(422, f"Could not remove the teammate: {refused}.") from None
        console.sessions.end_all_for(member_id)
        flash(request, "Teammate removed; their sessions were signed out.")
        return RedirectResponse(TEAM, status_code=303)

    @router.post("/console/account/password")
    def change_password(request: Request, user: Teammate, current: str = Form(""),
                        new: str = Form("")) -> Response:
        if not verify_password(current, user.password_hash):
            raise ConsoleError(422, "The current password is not right.")
        try:
            console.users.set_password(user.id, check_new_password(new))
        except (UserError, WeakPassword) as refused:
            raise ConsoleError(422, f"Could not change the password: {refused}.") from None
        console.sessions.end_all_for(user.id)
        session = console.sessions.start(user, console.now(), console.session_lifetime)
        response = RedirectResponse(TEAM, status_code=303)
        set_session_cookie(response, console, session)
        request.state.session = session
        flash(request, "Password changed; other sessions were signed out.")
        return response

    return router
