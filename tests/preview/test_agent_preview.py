"""The Agent preview: a test shopper's turns, the four renderings, the trace, eval export."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from fastapi.testclient import TestClient

from agent.commerce.demo import DEMO_CASES
from knowledge_base.embedder import Embedder
from preview.console import Console
from tests.preview.conftest import ConsoleFactory
from tests.preview.helpers import signed_in

CHANNELS = ("webchat", "sms", "whatsapp", "email")


def start(client: TestClient, **setup: str) -> dict[str, str]:
    """Open a new preview conversation; returns its setup as the form posts it."""
    response = client.get("/console/preview/new", params=setup, follow_redirects=False)
    assert response.status_code == 303
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {key: values[0] for key, values in query.items()}


def say(client: TestClient, token: str, setup: dict[str, str], text: str) -> str:
    """One preview turn; returns the page shown after it."""
    response = client.post("/console/preview/turn",
                           data={**setup, "text": text, "csrf_token": token})
    assert response.status_code == 200, response.text
    return response.text


def test_verified_webchat_turn_shows_the_card_all_channels_and_the_trace(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "staff")
    email, number = DEMO_CASES["partially_fulfilled"]
    setup = start(client, customer=email, verified="1", channel="webchat")
    assert setup["cid"].startswith("preview-")
    page = say(client, token, setup, f"where is my order {number}?")

    assert 'data-kind="order-card"' in page
    assert f"Order #{number}" in page
    for channel in CHANNELS:
        assert f'data-channel="{channel}"' in page
    assert re.search(r"\d+ segments? · GSM-7", page)
    assert '<iframe class="email-html" sandbox=""' in page
    assert 'class="trace"' in page
    for node in ("intake", "understand", "topics", "route", "run_skill", "respond"):
        assert f"<h5>{node} " in page
    assert f"Order #{number}: line items" in page
    assert "Trolltunga 28L Daypack" in page and "expected to be dispatched by" in page
    assert "order_number = " + number in page
    assert "verified" in page
    conversation = console.runtime.services.store.conversation(setup["cid"])
    assert conversation is not None and conversation.channel == "webchat"


def test_preview_never_sends_anything(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "staff")
    email, number = DEMO_CASES["fulfilled"]
    setup = start(client, customer=email, channel="sms")
    page = say(client, token, setup, f"where is my order {number}?")
    outbox = [m for m in console.runtime.services.store.outbox()
              if m.conversation_id == setup["cid"]]
    assert outbox, "the reply and the code are recorded"
    assert {m.state for m in outbox} == {"held"}
    code = next(m for m in outbox if m.kind == "one_time_code")
    shown = re.search(r'id="held-code">(\d{6})<', page)
    assert shown is not None and shown.group(1) in code.body
    page = say(client, token, setup, shown.group(1))
    assert "Trace: " in page
    assert page.count('class="turn-agent"') == 2


def test_everything_the_shopper_typed_is_escaped(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "staff")
    setup = start(client, channel="email")
    page = say(client, token, setup, "<script>alert(1)</script> what is your returns policy?")
    assert "<script>alert(1)</script>" not in page
    assert html.escape("<script>alert(1)</script>") in page


def test_reset_starts_a_new_preview_conversation(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "staff")
    setup = start(client, channel="whatsapp")
    say(client, token, setup, "hello")
    reset = client.post("/console/preview/reset", data={**setup, "csrf_token": token},
                        follow_redirects=False)
    assert reset.status_code == 303
    fresh = parse_qs(urlsplit(reset.headers["location"]).query)
    assert fresh["cid"][0] != setup["cid"] and fresh["channel"] == ["whatsapp"]
    page = client.get(reset.headers["location"]).text
    assert "Say something as the test shopper to start." in page


def test_bad_turns_are_refused_with_a_reason(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "staff")
    setup = start(client)
    blank = client.post("/console/preview/turn", data={**setup, "text": "  ",
                                                       "csrf_token": token})
    assert blank.status_code == 422 and "Type a message" in blank.text
    stranger = {**setup, "customer": "nobody@nowhere.example", "verified": "1"}
    unknown = client.post("/console/preview/turn",
                          data={**stranger, "text": "hi", "csrf_token": token})
    assert unknown.status_code == 422 and "no customer on file" in unknown.text
    bad_channel = client.post("/console/preview/turn", data={**setup, "channel": "fax",
                                                             "text": "hi",
                                                             "csrf_token": token})
    assert bad_channel.status_code == 422
    assert console.runtime.services.store.conversation(setup["cid"]) is None


def test_saved_eval_case_has_the_suite_format_and_passes_the_eval_runner(
        console_for: ConsoleFactory, embedder: Embedder, demo_chroma: Path,
        tmp_path: Path) -> None:
    from evals.driver import Environment, run_case
    from evals.loader import load_suite

    client, console = console_for(console_eval_dir=tmp_path / "evals")
    token = signed_in(client, console, "admin")
    email, number = DEMO_CASES["fulfilled"]
    setup = start(client, customer=email, channel="webchat")
    page = say(client, token, setup, f"where is my order {number}?")
    code = re.search(r'id="held-code">(\d{6})<', page)
    assert code is not None
    say(client, token, setup, code.group(1))

    download = client.get("/console/preview/eval.yaml", params=setup)
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    suite = yaml.safe_load(download.text)
    case = suite["cases"][0]
    assert case["channel"] == "webchat" and case["clock"] == "2026-11-20T10:00:00Z"
    assert case["customer"] == {"email": email, "claimed": True}
    first, second = case["turns"]
    assert first["say"] == f"where is my order {number}?"
    assert first["expect"]["status"] == "needs_identity"
    assert first["expect"]["skill"] == "order_status"
    assert "login_prompt" in first["expect"]["parts"]
    assert second == {"say_code": True, "expect": second["expect"]}
    assert second["expect"]["identity"] == "verified"
    assert "order_card" in second["expect"]["parts"]

    saved = client.post("/console/preview/save-eval", data={**setup, "csrf_token": token},
                        follow_redirects=False)
    assert saved.status_code == 303
    path = tmp_path / "evals" / f"{setup['cid']}.yaml"
    loaded = load_suite(path)
    (tmp_path / "work").mkdir()
    env = Environment.prepare(tmp_path / "work", "offline", embedder=embedder,
                              chroma_dir=demo_chroma)
    outcome = run_case(env, loaded.cases[0], 1)
    assert outcome["passed"], outcome


def test_staff_may_download_but_not_save_eval_cases(
        console_for: ConsoleFactory, tmp_path: Path) -> None:
    client, console = console_for(console_eval_dir=tmp_path / "evals")
    token = signed_in(client, console, "staff")
    setup = start(client)
    assert client.get("/console/preview/eval.yaml", params=setup).status_code == 422
    say(client, token, setup, "hello")
    assert client.get("/console/preview/eval.yaml", params=setup).status_code == 200
    refused = client.post("/console/preview/save-eval", data={**setup, "csrf_token": token})
    assert refused.status_code == 403
    assert not (tmp_path / "evals").exists()
