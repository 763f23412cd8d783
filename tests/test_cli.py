"""The ``customer-agent`` command, called in-process through ``agent.cli.main``.

Each test runs the real sub-commands against its own data directory on the fixed clock.
The session embedder is handed to every runtime the CLI builds (no model is reloaded),
and commands that only search share the session's demo knowledge base.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent import cli
from agent.commerce.demo import DEMO_CASES
from agent.config import Settings
from agent.conversations import ConversationStore
from agent.db import make_engine
from knowledge_base.embedder import Embedder
from tests.conftest import FIXED_NOW
from tests.contract import SKILL_NAMES, TURN_RESULT_KEYS

ASTRID = "astrid.nielsen@example.com"
FULFILLMENT_STATUSES = {
    "unfulfilled",
    "partially_fulfilled",
    "fulfilled",
    "delivered",
    "returned",
    "cancelled",
}
CODE = re.compile(r"\b(\d{6})\b")

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    monkeypatch: pytest.MonkeyPatch,
    embedder: Embedder,
    demo_chroma: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """``run(*argv)`` -> (exit code, stdout, stderr), with ``--data-dir`` set to a temp dir.

    The environment holds only the fixed clock and the shared demo knowledge base;
    a test may point ``CUSTOMER_AGENT_CHROMA_DIR`` elsewhere before running.
    """
    for name in list(os.environ):
        if name.startswith("CUSTOMER_AGENT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CUSTOMER_AGENT_NOW", FIXED_NOW.isoformat())
    monkeypatch.setenv("CUSTOMER_AGENT_CHROMA_DIR", str(demo_chroma))
    monkeypatch.setattr("agent.runtime.Embedder", lambda: embedder)
    data_dir = tmp_path / "data"

    def invoke(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main(["--data-dir", str(data_dir), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def run_json(run: Run, *argv: str) -> Any:
    """Run a ``--json`` command that must succeed and parse what it printed."""
    code, out, err = run(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


def latest_code(run: Run, conversation_id: str, email: str) -> str:
    """The last one-time code in the outbox for this conversation, checking its recipient."""
    codes = [
        m
        for m in run_json(run, "outbox")
        if m["conversation_id"] == conversation_id and m["kind"] == "one_time_code"
    ]
    assert codes, "no one-time code was sent"
    assert codes[-1]["to"] == email
    match = CODE.search(codes[-1]["body"])
    assert match is not None, codes[-1]["body"]
    return match.group(1)


def part_types(result: dict[str, Any]) -> list[str]:
    return [p["type"] for p in result["parts"]]


# --- demo orders -------------------------------------------------------------------------


def test_demo_orders_json_has_exactly_the_documented_shape(run: Run) -> None:
    data = run_json(run, "demo", "orders")

    assert set(data) == {"customers"}
    assert data["customers"]
    orders = []
    for customer in data["customers"]:
        assert set(customer) == {"email", "name", "phone", "orders"}
        assert "@" in customer["email"] and customer["name"]
        assert customer["phone"] is None or customer["phone"].startswith("+")
        for order in customer["orders"]:
            assert set(order) == {"number", "placed_at", "status", "line_items"}
            assert order["number"].isdigit()
            assert order["line_items"]
            for item in order["line_items"]:
                assert set(item) == {
                    "title",
                    "variant",
                    "quantity",
                    "fulfilled_quantity",
                    "fulfillment_status",
                    "tags",
                }
                assert item["fulfillment_status"] in FULFILLMENT_STATUSES
                assert 0 <= item["fulfilled_quantity"] <= item["quantity"]
                assert isinstance(item["tags"], list)
            orders.append((customer["email"], order["number"]))
    assert len(orders) >= 40
    assert len({number for _, number in orders}) == len(orders)
    for email, number in DEMO_CASES.values():
        assert (email, number) in orders


def test_demo_orders_are_placed_relative_to_the_configured_clock(run: Run) -> None:
    data = run_json(run, "demo", "orders")
    placed = {o["number"]: o["placed_at"] for c in data["customers"] for o in c["orders"]}
    # Order 1043 ("editable") was placed two hours before the fixed clock.
    assert placed[DEMO_CASES["editable"][1]] == "2026-11-20T08:00:00+00:00"


def test_demo_orders_text_lists_each_customer_and_order(run: Run) -> None:
    code, out, _ = run("demo", "orders")
    assert code == 0
    assert ASTRID in out
    assert "#1043" in out


# --- skills ------------------------------------------------------------------------------


def test_skills_json_lists_every_skill_live_by_default(run: Run) -> None:
    statuses = run_json(run, "skills")
    assert [s["name"] for s in statuses] == SKILL_NAMES
    for status in statuses:
        assert set(status) == {"name", "status", "unmet_prerequisites"}
        assert status["status"] == "live"
        assert status["unmet_prerequisites"] == []


def test_skills_without_an_order_page_marks_order_editing_unavailable(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUSTOMER_AGENT_ORDER_EDIT_URL_TEMPLATE", "")
    by_name = {s["name"]: s for s in run_json(run, "skills")}

    assert by_name["order_editing"]["status"] == "unavailable"
    assert by_name["order_editing"]["unmet_prerequisites"] == [
        "no self-service order page configured"
    ]
    for name in SKILL_NAMES[1:]:
        assert by_name[name]["status"] == "live", name

    code, out, _ = run("skills")
    assert code == 0
    assert "unavailable: no self-service order page configured" in out


# --- knowledge base ----------------------------------------------------------------------


def test_kb_search_finds_the_return_window_in_the_returns_article(run: Run) -> None:
    data = run_json(run, "kb", "search", "how long do I have to return an item")

    assert data["query"] == "how long do I have to return an item"
    hits = data["hits"]
    assert hits
    for hit in hits:
        assert {"article", "heading", "score", "text"} <= set(hit)
        assert hit["text"].strip()
        assert 0 < hit["score"] <= 1
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert hits[0]["article"] == "Returns and exchanges"
    assert "30 days" in hits[0]["text"]


def test_kb_search_respects_k(run: Run) -> None:
    data = run_json(run, "kb", "search", "how long do I have to return an item", "-k", "2")
    assert 1 <= len(data["hits"]) <= 2


def test_kb_search_nonsense_returns_no_hits(run: Run) -> None:
    assert run_json(run, "kb", "search", "xqzvbl plorf wibble gronk")["hits"] == []
    code, out, _ = run("kb", "search", "xqzvbl plorf wibble gronk")
    assert code == 0
    assert "no section above the score floor" in out


GIFT_ARTICLE = """# Gift wrapping

## Gift wrapping service

Every order can be gift wrapped in recycled kraft paper with a handwritten card for
25 DKK. Choose "Gift wrap" at checkout and write your message in the card field; the
price is left off the packing slip of a gift-wrapped parcel.
"""


def test_kb_ingest_makes_a_new_article_searchable(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CUSTOMER_AGENT_CHROMA_DIR", str(tmp_path / "own-chroma"))
    article = tmp_path / "gift-wrapping.md"
    article.write_text(GIFT_ARTICLE)

    code, out, err = run("kb", "ingest", str(article))
    assert code == 0, err
    assert "ingested 1 articles" in out

    hits = run_json(run, "kb", "search", "can you gift wrap my order")["hits"]
    assert hits
    assert hits[0]["article"] == "Gift wrapping"
    assert hits[0]["heading"] == "Gift wrapping service"
    assert "25 DKK" in hits[0]["text"]


def test_kb_ingest_of_a_missing_path_fails_with_a_message(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CUSTOMER_AGENT_CHROMA_DIR", str(tmp_path / "own-chroma"))
    missing = tmp_path / "no-such-article.md"

    code, out, err = run("kb", "ingest", str(missing))

    assert code == 2
    assert "no such file or folder" in err
    assert str(missing) in err
    assert "ingested" not in out


# --- say ---------------------------------------------------------------------------------


def test_say_json_prints_a_turn_result_with_exactly_its_keys(run: Run) -> None:
    result = run_json(run, "say", "--conversation", "c-keys", "hello")

    assert set(result) == TURN_RESULT_KEYS
    assert set(result["rendered"]) == {"channel", "payload"}
    assert result["rendered"]["channel"] == "webchat"
    assert result["conversation_id"] == "c-keys"
    assert result["identity"] == "anonymous"
    assert result["parts"]
    assert result["trace"][0]["node"] == "intake"


def test_say_prints_the_rendered_reply_without_json(run: Run) -> None:
    code, out, _ = run("say", "--conversation", "c-text", "how long do I have to return an item")
    assert code == 0
    assert out.strip()
    assert not out.lstrip().startswith("{")
    assert "30 days" in out


def test_say_as_asks_for_a_code_and_the_code_continues_the_request(run: Run) -> None:
    first = run_json(
        run,
        "say",
        "--conversation",
        "c1",
        "--channel",
        "webchat",
        "--as",
        ASTRID,
        "I want to change my order",
    )
    assert first["identity"] == "contact_matched"
    assert first["status"] == "needs_identity"
    assert "login_prompt" in part_types(first)
    shown = json.dumps(first["parts"])
    assert "#1043" not in shown and "1043" not in shown

    code = latest_code(run, "c1", ASTRID)
    second = run_json(run, "say", "--conversation", "c1", code)

    assert second["identity"] == "verified"
    assert second["status"] in {"resolved", "awaiting"}
    assert second["skill"] == "order_editing"
    assert "login_prompt" not in part_types(second)
    # She has several open orders: the original request goes on to "which order?".
    options = [
        o["value"] for p in second["parts"] if p["type"] == "quick_replies" for o in p["options"]
    ]
    assert "#1043" in options


def test_say_verified_is_verified_at_once(run: Run) -> None:
    email, number = DEMO_CASES["editable"]
    result = run_json(
        run,
        "say",
        "--conversation",
        "c-ver",
        "--verified",
        email,
        f"I want to change order {number}",
    )

    assert result["identity"] == "verified"
    assert result["status"] == "resolved"
    assert "login_prompt" not in part_types(result)
    cards = [p for p in result["parts"] if p["type"] == "order_card"]
    assert [c["order_number"] for c in cards] == [number]


def test_say_verified_unknown_email_fails(run: Run) -> None:
    code, out, err = run(
        "say",
        "--conversation",
        "c-unknown",
        "--verified",
        "unknown@example.com",
        "where is my order",
    )
    assert code == 2
    assert "unknown@example.com" in err
    assert out == ""


def test_say_blank_text_fails_with_a_message(run: Run) -> None:
    code, _, err = run("say", "--conversation", "c-blank", "   ")
    assert code == 2
    assert "invalid turn" in err


def test_say_rejects_an_unknown_channel(run: Run) -> None:
    with pytest.raises(SystemExit) as exited:
        run("say", "--conversation", "c-fax", "--channel", "fax", "hello")
    assert exited.value.code == 2


def test_say_on_email_queues_the_reply_in_the_outbox(run: Run) -> None:
    code, _, err = run(
        "say",
        "--conversation",
        "c-mail",
        "--channel",
        "email",
        "--as",
        ASTRID,
        "how long do I have to return an item",
    )
    assert code == 0, err
    replies = [
        m
        for m in run_json(run, "outbox")
        if m["conversation_id"] == "c-mail" and m["kind"] == "reply"
    ]
    assert len(replies) == 1
    assert replies[0]["to"] == ASTRID
    assert replies[0]["channel"] == "email"


def test_outbox_is_empty_for_a_fresh_data_dir(run: Run) -> None:
    assert run_json(run, "outbox") == []


# --- chat --------------------------------------------------------------------------------


def test_chat_answers_each_line_read_from_stdin(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("hello\n\nhow long do I have to return an item\n"))

    code, out, _ = run("chat", "--conversation", "c-chat")

    assert code == 0
    assert out.startswith("Chatting on webchat as an anonymous shopper (conversation c-chat)")
    assert "30 days" in out
    # Two non-blank lines -> two turns, each stored with its reply; the blank line is skipped.
    database = tmp_path / "data" / "customer_agent.sqlite"
    store = ConversationStore(make_engine(f"sqlite:///{database}"))
    transcript = store.transcript("c-chat")
    store.engine.dispose()
    assert [(m["direction"], m["text"]) for m in transcript if m["direction"] == "in"] == [
        ("in", "hello"),
        ("in", "how long do I have to return an item"),
    ]
    assert [m["direction"] for m in transcript] == ["in", "out", "in", "out"]
    for reply in (m["text"] for m in transcript if m["direction"] == "out"):
        assert reply.split()[0] in out


@pytest.mark.parametrize(("host", "port", "base_url"), [
    ("127.0.0.1", 8931, "http://127.0.0.1:8931"),
    ("0.0.0.0", 9000, "http://127.0.0.1:9000"),
    ("::1", 9001, "http://[::1]:9001"),
])
def test_a_server_links_to_the_port_it_listens_on(
        monkeypatch: pytest.MonkeyPatch, host: str, port: int, base_url: str) -> None:
    monkeypatch.delenv("CUSTOMER_AGENT_PUBLIC_BASE_URL", raising=False)
    served = cli.served_settings(Settings(), host, port)
    assert served.public_base_url == base_url
    assert served.url(served.returns_url_template, order_number="1001") == (
        f"{base_url}/returns?order=1001")


def test_a_configured_public_base_url_is_kept_whatever_the_port(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMER_AGENT_PUBLIC_BASE_URL", "https://help.example.com")
    assert cli.served_settings(Settings(), "0.0.0.0", 9000).public_base_url == (
        "https://help.example.com")
