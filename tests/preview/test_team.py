"""The first owner, and the Team page: owners add, re-role and remove people."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from agent.app import create_app
from agent.runtime import Runtime
from preview.console import Console
from preview.owner import OwnerPasswordRejected
from tests.preview.conftest import ConsoleFactory
from tests.preview.helpers import PASSWORD, log_in, signed_in

GENERATED = re.compile(r"Console owner created: (\S+) / (\S+)")


def test_first_start_prints_a_generated_owner_password_once(
        make_runtime: Callable[..., Runtime], capsys: pytest.CaptureFixture[str]) -> None:
    runtime = make_runtime(console_owner_email="boss@shop.example")
    client = TestClient(create_app(runtime))
    printed = capsys.readouterr().out
    match = GENERATED.search(printed)
    assert match is not None, printed
    assert match.group(1) == "boss@shop.example"
    assert log_in(client, "boss@shop.example", match.group(2)).status_code == 303
    create_app(runtime)
    assert "Console owner" not in capsys.readouterr().out


def test_owner_password_from_the_environment_is_never_printed(
        make_runtime: Callable[..., Runtime], capsys: pytest.CaptureFixture[str]) -> None:
    runtime = make_runtime(console_owner_email="boss@shop.example",
                           console_owner_password="from the environment")
    client = TestClient(create_app(runtime))
    printed = capsys.readouterr().out
    assert "CUSTOMER_AGENT_CONSOLE_OWNER_PASSWORD" in printed
    assert "from the environment" not in printed
    assert log_in(client, "boss@shop.example", "from the environment").status_code == 303


def test_a_weak_owner_password_stops_the_start_with_the_reason(
        make_runtime: Callable[..., Runtime]) -> None:
    runtime = make_runtime(console_owner_password="short")
    with pytest.raises(OwnerPasswordRejected, match="at least 10 characters"):
        create_app(runtime)


def test_owner_adds_a_teammate_who_can_then_sign_in(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "owner")
    response = client.post("/console/team", data={"email": "New@Shop.example",
                                                  "role": "staff", "name": "Nina",
                                                  "csrf_token": token})
    assert response.status_code == 201
    shown = re.search(r'<code class="secret">([^<]+)</code>', response.text)
    assert shown is not None
    added = console.users.user_by_email("new@shop.example")
    assert added is not None and added.role == "staff" and added.name == "Nina"
    other = TestClient(client.app)
    assert log_in(other, "new@shop.example", shown.group(1)).status_code == 303
    assert "Nina" in client.get("/console/team").text


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "not-an-email", "role": "staff"}, "valid email"),
    ({"email": "x@shop.example", "role": "emperor"}, "unknown role"),
    ({"email": "x@shop.example", "role": "staff", "password": "short"}, "at least 10"),
])
def test_bad_teammates_are_refused_with_a_reason(
        console_for: ConsoleFactory, data: dict[str, str], message: str) -> None:
    client, console = console_for()
    token = signed_in(client, console, "owner")
    before = console.users.count()
    response = client.post("/console/team", data={**data, "csrf_token": token})
    assert response.status_code == 422
    assert message in response.text
    assert console.users.count() == before


def test_a_duplicate_email_is_refused(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "owner", email="me@shop.example")
    response = client.post("/console/team", data={"email": "ME@shop.example",
                                                  "role": "staff", "csrf_token": token})
    assert response.status_code == 422
    assert "already has an account" in response.text


def test_admins_and_staff_cannot_manage_the_team(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    for role in ("admin", "staff"):
        client.cookies.clear()
        token = signed_in(client, console, role)
        before = console.users.count()
        response = client.post("/console/team", data={"email": f"sneaky-{role}@shop.example",
                                                      "role": "owner", "csrf_token": token})
        assert response.status_code == 403, role
        assert f"a {role} cannot do this" in response.text
        assert console.users.count() == before
        page = client.get("/console/team").text
        assert "Add a teammate" not in page
        target = console.users.user_by_email(f"{role}-{before - 1}@shop.example")
        assert target is not None
        assert client.post(f"/console/team/{target.id}/remove",
                           data={"csrf_token": token}).status_code == 403


def test_owner_changes_roles_and_removes_people_who_are_signed_out_at_once(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    staff_client = TestClient(client.app)
    signed_in(staff_client, console, "staff", email="sam@shop.example")
    sam = console.users.user_by_email("sam@shop.example")
    assert sam is not None
    token = signed_in(client, console, "owner", email="olga@shop.example")
    promoted = client.post(f"/console/team/{sam.id}/role",
                           data={"role": "admin", "csrf_token": token}, follow_redirects=False)
    assert promoted.status_code == 303
    assert console.users.user(sam.id).role == "admin"  # type: ignore[union-attr]
    removed = client.post(f"/console/team/{sam.id}/remove", data={"csrf_token": token},
                          follow_redirects=False)
    assert removed.status_code == 303
    assert console.users.user(sam.id) is None
    assert staff_client.get("/console/skills", follow_redirects=False).status_code == 303
    assert log_in(TestClient(client.app), "sam@shop.example").status_code == 401


def test_the_last_owner_stays_an_owner(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "owner", email="olga@shop.example")
    first = console.users.user_by_email("owner@shop.example")
    assert first is not None
    assert client.post(f"/console/team/{first.id}/remove", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    me = console.users.user_by_email("olga@shop.example")
    assert me is not None
    assert client.post(f"/console/team/{me.id}/remove",
                       data={"csrf_token": token}).status_code == 422
    with pytest.raises(ValueError, match="at least one owner"):
        console.users.set_role(me.id, "staff")


def test_changing_ones_password(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "staff", email="sam@shop.example")
    wrong = client.post("/console/account/password",
                        data={"current": "nope", "new": "brand new secret", "csrf_token": token})
    assert wrong.status_code == 422
    changed = client.post("/console/account/password",
                          data={"current": PASSWORD, "new": "brand new secret",
                                "csrf_token": token}, follow_redirects=False)
    assert changed.status_code == 303
    assert client.get("/console/team").status_code == 200
    fresh = TestClient(client.app)
    assert log_in(fresh, "sam@shop.example", PASSWORD).status_code == 401
    assert log_in(fresh, "sam@shop.example", "brand new secret").status_code == 303
