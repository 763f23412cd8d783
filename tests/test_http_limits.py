"""Body limits per path: 64 KiB for the turn API, 1 MiB for webhooks carrying whole orders."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agent.app import MAX_BODY_BYTES, MAX_WEBHOOK_BYTES, create_app
from agent.runtime import Runtime


def test_webhooks_accept_bodies_the_turn_api_refuses(runtime: Runtime) -> None:
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    body = b"x" * (MAX_BODY_BYTES + 1)
    assert client.post("/api/turns", content=body).status_code == 413
    webhook = client.post("/webhooks/shopify", content=body)
    assert webhook.status_code != 413
    too_big = client.post("/webhooks/shopify", content=b"x" * (MAX_WEBHOOK_BYTES + 1))
    assert too_big.status_code == 413
    assert too_big.json() == {"error": f"body larger than {MAX_WEBHOOK_BYTES} bytes"}
