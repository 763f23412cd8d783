"""Access to the console: sign-in, sessions, roles, CSRF and Origin checks, rate limits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from preview.console import Console
from preview.login_page import FAILED
from preview.passwords import hash_password, verify_password
from preview.sessions import SESSION_COOKIE
from tests.preview.conftest import OWNER_EMAIL, OWNER_PASSWORD
from tests.preview.helpers import PASSWORD, csrf_of, log_in, signed_in

PAGES = ["/console", "/console/preview", "/console/skills", "/console/content",
         "/console/team", "/console/content/returns-and-exchanges/edit",
         "/console/preview/eval.yaml?cid=preview-000000000000"]
FORMS = ["/console/logout", "/console/preview/turn", "/console/preview/reset",
         "/console/preview/save-eval", "/console/skills/returns/enabled",
         "/console/skills/returns/settings", "/console/content",
         "/console/content/upload", "/console/content/returns-and-exchanges",
         "/console/content/returns-and-exchanges/delete", "/console/team",
         "/console/team/1/role", "/console/team/1/remove", "/console/account/password"]


def test_signed_out_pages_redirect_to_sign_in_and_show_nothing(
        console_client: tuple[TestClient, Console]) -> None:
    client, _ = console_client
    for path in PAGES:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/console/login?next=/console"), path
        assert response.text == "", path


def test_signed_out_posts_change_nothing(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    before = console.overrides.values(), console.users.count()
    for path in FORMS:
        response = client.post(path, data={"enabled": "0", "role": "owner", "title": "X",
                                           "body": "y", "text": "hello"},
                               follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/console/login"), path
    assert (console.overrides.values(), console.users.count()) == before


def test_signed_out_api_answers_401(console_client: tuple[TestClient, Console]) -> None:
    client, _ = console_client
    response = client.get("/console/api/content/reindex")
    assert response.status_code == 401
    assert response.json() == {"error": "sign in required"}
    assert client.post("/console/api/content/reindex").status_code == 401


def test_owner_signs_in_with_the_configured_password_and_gets_a_safe_cookie(
        console_client: tuple[TestClient, Console]) -> None:
    client, _ = console_client
    response = log_in(client, OWNER_EMAIL, OWNER_PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/console"
    cookie = next(h for h in response.headers.get_list("set-cookie")
                  if h.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Max-Age=43200" in cookie
    assert "Path=/console" in cookie
    page = client.get("/console/skills")
    assert page.status_code == 200
    assert OWNER_EMAIL in page.text


def test_wrong_password_and_unknown_email_get_the_same_answer(
        console_client: tuple[TestClient, Console]) -> None:
    client, _ = console_client
    wrong = log_in(client, OWNER_EMAIL, "not the password")
    unknown = log_in(client, "nobody@shop.example", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert FAILED in wrong.text
    assert FAILED in unknown.text
    assert client.get("/console/skills", follow_redirects=False).status_code == 303


def test_five_failures_lock_the_email_for_fifteen_minutes(
        console_client: tuple[TestClient, Console]) -> None:
    client, _ = console_client
    for _ in range(5):
        assert log_in(client, OWNER_EMAIL, "guess").status_code == 401
    locked = log_in(client, OWNER_EMAIL, OWNER_PASSWORD)
    assert locked.status_code == 429
    assert "try again in 15 minutes" in locked.text
    assert SESSION_COOKIE not in locked.headers.get("set-cookie", "")
    unknown_email = log_in(client, "other@shop.example", "guess")
    assert unknown_email.status_code == 401


def test_sign_in_form_needs_its_token(console_client: tuple[TestClient, Console]) -> None:
    client, _ = console_client
    client.get("/console/login")
    response = client.post("/console/login", data={"email": OWNER_EMAIL,
                                                   "password": OWNER_PASSWORD,
                                                   "csrf_token": "forged"})
    assert response.status_code == 403
    assert client.get("/console/skills", follow_redirects=False).status_code == 303


def test_next_never_leaves_the_console(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    console.users.create_user("a@shop.example", "staff", PASSWORD, console.now())
    form = client.get("/console/login?next=//evil.example/x")
    assert 'value="/console"' in form.text
    response = log_in(client, "a@shop.example")
    assert response.headers["location"] == "/console"


def test_sign_out_ends_the_session_even_for_a_copied_cookie(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "staff")
    copied = client.cookies.get(SESSION_COOKIE)
    response = client.post("/console/logout", data={"csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    client.cookies.set(SESSION_COOKIE, copied or "", path="/console")
    assert client.get("/console/skills", follow_redirects=False).status_code == 303


def test_a_tampered_cookie_is_ignored(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    signed_in(client, console, "owner")
    value = client.cookies.get(SESSION_COOKIE) or ""
    token, _, signature = value.rpartition(".")
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, f"{token}.{signature[::-1]}", path="/console")
    assert client.get("/console/skills", follow_redirects=False).status_code == 303


def test_an_expired_session_is_refused(console_client: tuple[TestClient, Console]) -> None:
    _, console = console_client
    user = console.users.create_user("late@shop.example", "staff", PASSWORD, console.now())
    session = console.sessions.start(user, console.now(), console.session_lifetime)
    assert console.sessions.find(session.token, console.now()) is not None
    later = console.now() + console.session_lifetime
    assert console.sessions.find(session.token, later) is None


@pytest.mark.parametrize("token", [None, "wrong"])
def test_posts_without_the_right_csrf_token_are_refused(
        console_client: tuple[TestClient, Console], token: str | None) -> None:
    client, console = console_client
    signed_in(client, console, "owner")
    data = {"enabled": "0"} | ({"csrf_token": token} if token else {})
    response = client.post("/console/skills/returns/enabled", data=data)
    assert response.status_code == 403
    assert "security token" in response.text
    assert console.runtime.services.skills.is_live("returns")
    assert console.overrides.values() == {}


def test_the_csrf_header_works_for_scripts(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "owner")
    response = client.post("/console/api/content/reindex", headers={"X-CSRF-Token": "nope"})
    assert response.status_code == 403
    assert response.json()["error"].startswith("request refused")
    started = client.post("/console/api/content/reindex", headers={"X-CSRF-Token": token})
    assert started.status_code == 202


def test_a_foreign_origin_is_refused_even_with_the_token(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "owner")
    response = client.post("/console/skills/returns/enabled",
                           data={"enabled": "0", "csrf_token": token},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert console.runtime.services.skills.is_live("returns")
    same_site = client.post("/console/skills/returns/enabled",
                            data={"enabled": "0", "csrf_token": token},
                            headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert same_site.status_code == 303


def test_pages_carry_security_headers(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    signed_in(client, console, "staff")
    page = client.get("/console/preview", follow_redirects=True)
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert csrf_of(page.text)


def test_passwords_are_salted_scrypt_hashes() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    assert first.startswith("scrypt$") and PASSWORD not in first
    assert verify_password(PASSWORD, first)
    assert not verify_password(PASSWORD + "x", first)
    assert not verify_password(PASSWORD, "garbage")
