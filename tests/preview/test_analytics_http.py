"""The analytics page and CSV over HTTP: signed-out visitors see nothing, every role sees
the numbers, a bad range is a readable 400, chart labels are escaped."""

from __future__ import annotations

from fastapi.testclient import TestClient

from preview.console import Console
from tests.preview.helpers import signed_in
from tests.scenarios.chat import Shopper

RANGE = "start=2026-11-20&end=2026-11-20"


def seed(console: Console) -> None:
    Shopper(console.runtime, "sms", sender="+4520123456").say("I want to talk to a person")
    Shopper(console.runtime, "webchat").say("do you ship to Norway?")
    store = console.runtime.services.store
    store.ensure_conversation("web-evil", "webchat", console.now())
    store.create_ticket("web-evil", "<script>alert(1)</script>", "x", console.now())
    store.ensure_conversation("preview-abc", "webchat", console.now())


def test_signed_out_visitors_get_no_numbers(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    seed(console)
    for path in (f"/console/analytics?{RANGE}", f"/console/analytics.csv?{RANGE}"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login")
        assert response.text == ""


def test_staff_see_the_page_the_charts_and_the_csv(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    seed(console)
    signed_in(client, console, "staff")
    page = client.get(f"/console/analytics?{RANGE}")
    assert page.status_code == 200
    assert '<div class="stat-value" id="stat-conversations">3</div>' in page.text
    assert page.text.count("<svg") == 5
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert f'href="/console/analytics.csv?{RANGE.replace("&", "&amp;")}"' in page.text
    csv = client.get(f"/console/analytics.csv?{RANGE}")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"] == \
        'attachment; filename="analytics-2026-11-20-2026-11-20.csv"'
    lines = csv.text.splitlines()
    assert "summary,,conversations,3" in lines
    assert "summary,,handed_off,2" in lines
    assert "handoff_reason,<script>alert(1)</script>,tickets,1" in lines
    default = client.get("/console/analytics")
    assert 'value="2026-10-22"' in default.text and 'value="2026-11-20"' in default.text


def test_a_bad_range_is_a_readable_400(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    signed_in(client, console, "admin")
    for query, message in [("start=2026-11-20&end=2026-11-01", "ends before it starts"),
                           ("start=20-11-2026&end=2026-11-21", "YYYY-MM-DD"),
                           ("start=2020-01-01&end=2026-01-01", "at most 366 days")]:
        for path in ("/console/analytics", "/console/analytics.csv"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query)
            assert message in response.text
    too_long = client.get("/console/analytics?start=2026-11-200000&end=2026-11-20")
    assert too_long.status_code == 422
