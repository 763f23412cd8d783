"""The Skills page: statuses in words, on/off, per-skill settings that persist and apply."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from agent.turns import InboundMessage
from preview.console import Console
from skills.parts import Channel
from tests.preview.conftest import ConsoleFactory
from tests.preview.helpers import signed_in


def post(client: TestClient, path: str, token: str, **data: object) -> int:
    """Post a form (lists become repeated fields); returns the status code."""
    response = client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
    return response.status_code


def test_every_skill_is_listed_with_its_status(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    signed_in(client, console, "staff")
    page = client.get("/console/skills").text
    for name in console.runtime.services.skills.names():
        assert f'data-skill="{name}"' in page
    assert page.count('data-status="live"') == len(console.runtime.services.skills.names())


def test_staff_see_the_page_read_only_and_cannot_change_anything(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "staff")
    page = client.get("/console/skills").text
    assert "Save settings" not in page and "Turn off" not in page
    assert 'id="edit_window_hours" name="edit_window_hours" type="number"' in page
    assert post(client, "/console/skills/returns/enabled", token, enabled="0") == 403
    assert post(client, "/console/skills/order_editing/settings", token,
                order_edit_url_template="", edit_window_hours="1",
                cancel_window_hours="1") == 403
    assert console.overrides.values() == {}
    assert console.runtime.settings.edit_window_hours == 12


def test_turning_a_skill_off_applies_now_and_survives_a_restart(
        console_for: ConsoleFactory, tmp_path: Path) -> None:
    shop = {"data_dir": tmp_path / "shop"}
    client, console = console_for(**shop)
    token = signed_in(client, console, "admin")
    assert post(client, "/console/skills/returns/enabled", token, enabled="0") == 303
    assert not console.runtime.services.skills.is_live("returns")
    page = client.get("/console/skills").text
    assert 'data-status="off"' in page and "Turn on" in page

    result = console.runtime.turns.handle(InboundMessage(
        conversation_id="web-after-off", channel=Channel.WEBCHAT,
        text="I want to return the jacket I bought"))
    assert result.handoff is not None
    assert result.handoff["reason"] == "skill_unavailable:returns"

    _, restarted = console_for(**shop)
    assert not restarted.runtime.services.skills.is_live("returns")
    assert restarted.runtime.services.skills.is_live("order_status")
    assert post(client, "/console/skills/returns/enabled", token, enabled="1") == 303
    assert console.runtime.services.skills.is_live("returns")


def test_handoff_cannot_be_turned_off_and_unknown_skills_are_404(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "owner")
    assert post(client, "/console/skills/handoff/enabled", token, enabled="0") == 422
    assert post(client, "/console/skills/teleport/enabled", token, enabled="0") == 404
    assert post(client, "/console/skills/handoff/settings", token) == 404
    assert console.runtime.services.skills.is_live("handoff")


def test_settings_apply_at_once_and_persist(console_for: ConsoleFactory,
                                            tmp_path: Path) -> None:
    shop = {"data_dir": tmp_path / "shop"}
    client, console = console_for(**shop)
    token = signed_in(client, console, "admin")
    status = post(client, "/console/skills/order_editing/settings", token,
                  order_edit_url_template="https://shop.example/o/{order_number}/change",
                  edit_window_hours="6", cancel_window_hours="8")
    assert status == 303
    runtime = console.runtime
    assert runtime.settings.edit_window_hours == 6
    assert runtime.services.policy.edit_window == timedelta(hours=6)
    assert runtime.services.policy.cancel_window == timedelta(hours=8)

    product = runtime.services.source.products()[0].id
    assert post(client, "/console/skills/faq/settings", token,
                pinned_product_ids=[product], code_0="WELCOME10",
                description_0="10% off your first order", shareable_0="1", active_0="1",
                percent_0="10", code_2="SUMMER5", description_2="5% off",
                shareable_2="1", active_2="1") == 303
    assert runtime.settings.pinned_product_ids == [product]
    codes = {c.code: c for c in runtime.settings.discount_codes}
    assert set(codes) == {"WELCOME10", "SUMMER5"}
    assert codes["SUMMER5"].shareable and codes["WELCOME10"].percent_off == 10

    _, restarted = console_for(**shop)
    assert restarted.runtime.settings.edit_window_hours == 6
    assert restarted.runtime.services.policy.edit_window == timedelta(hours=6)
    assert restarted.runtime.settings.pinned_product_ids == [product]
    assert {c.code for c in restarted.runtime.settings.discount_codes} == {"WELCOME10",
                                                                          "SUMMER5"}


def test_clearing_the_order_page_makes_order_editing_unavailable_in_words(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "owner")
    assert post(client, "/console/skills/order_editing/settings", token,
                order_edit_url_template="", edit_window_hours="12",
                cancel_window_hours="24") == 303
    assert not console.runtime.services.skills.is_live("order_editing")
    page = client.get("/console/skills").text
    assert 'data-status="unavailable"' in page
    assert "no self-service order page configured" in page


BAD_SETTINGS: list[tuple[str, dict[str, object], str]] = [
    ("order_editing", {"order_edit_url_template": "https://x.example/{order_id}",
                       "edit_window_hours": "12", "cancel_window_hours": "24"},
     "only the placeholders"),
    ("order_editing", {"order_edit_url_template": "ftp://x.example/{order_number}",
                       "edit_window_hours": "12", "cancel_window_hours": "24"},
     "must start with"),
    ("order_editing", {"order_edit_url_template": "", "edit_window_hours": "-1",
                       "cancel_window_hours": "24"}, "Edit window"),
    ("returns", {"returns_url_template": "", "return_window_days": "many"},
     "Return window"),
    ("faq", {"pinned_product_ids": ["no-such-product"]}, "no product with id"),
    ("faq", {"code_0": "BAD CODE!"}, "use 2-40 letters"),
    ("faq", {"code_0": "SAME", "code_1": "same"}, "listed twice"),
]


def test_bad_settings_are_refused_and_nothing_is_stored(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "owner")
    before = console.runtime.settings.model_dump()
    for skill, fields, message in BAD_SETTINGS:
        response = client.post(f"/console/skills/{skill}/settings",
                               data={**fields, "csrf_token": token})
        assert response.status_code == 422, (skill, fields)
        assert message in response.text, (skill, fields)
    assert console.overrides.values() == {}
    assert console.runtime.settings.model_dump() == before
