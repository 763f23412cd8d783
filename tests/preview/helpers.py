"""Signing in to the console from tests, and reading what a page shows."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from starlette import testclient

from preview.console import Console

PASSWORD = "correct horse battery"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
LOGIN_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a rendered console page carries."""
    match = CSRF_META.search(html)
    assert match is not None, "no csrf meta tag on the page"
    return match.group(1)


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> testclient.httpx.Response:
    """Post the sign-in form the way a browser does (its token and cookie first)."""
    form = client.get("/console/login")
    token = LOGIN_TOKEN.search(form.text)
    assert token is not None
    return client.post("/console/login", data={"email": email, "password": password,
                                               "csrf_token": token.group(1)},
                       follow_redirects=False)


def signed_in(client: TestClient, console: Console, role: str = "staff",
              email: str | None = None) -> str:
    """Create a user with ``role``, sign in as them, and return the session's CSRF token."""
    address = email or f"{role}-{console.users.count()}@shop.example"
    console.users.create_user(address, role, PASSWORD, console.now(), name=role.title())
    response = log_in(client, address)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/console/team").text)
