"""Helpers for the webchat tests: the app over a runtime, conversations, codes, a long-named
product."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

import knowledge_base
from agent.app import create_app
from agent.commerce.demo import DemoStore
from agent.commerce.models import Product, Variant
from agent.commerce.source import OrderSource
from agent.config import Settings
from agent.runtime import Runtime, build_runtime
from knowledge_base.embedder import Embedder
from tests.conftest import FIXED_NOW

API = "/channels/webchat"
CODE_IN_BODY = re.compile(r"code is (\d{6})")
NAME_40 = "Fjellstue Expedition Down Sleeping Bag 4"
NAME_41 = "Fjellstue Expedition Down Sleeping Bag 41"
CHROME_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/131.0.0.0 Safari/537.36")


class StoreWithLongNames(DemoStore):
    """The demo store plus two products whose names are 40 and 41 characters long."""

    def products(self) -> list[Product]:
        """The demo catalog and the two long-named products."""
        extra = [Product(id=f"prod-{len(name)}", title=name, product_type="Sleeping bag",
                         variants=(Variant(id=f"bag-{len(name)}", title="Regular",
                                           price=Decimal("399.00"), inventory=3),))
                 for name in (NAME_40, NAME_41)]
        return [*super().products(), *extra]


def long_names_store() -> StoreWithLongNames:
    """The store on the tests' fixed clock."""
    assert len(NAME_40) == 40 and len(NAME_41) == 41
    return StoreWithLongNames(anchor=FIXED_NOW)


@contextmanager
def shared_app(embedder: Embedder, demo_chroma: Path, data_dir: Path,
               source: OrderSource | None = None,
               **settings: Any) -> Iterator[tuple[Runtime, TestClient]]:
    """One runtime and client for a whole test module (each test starts its own
    conversation), like ``make_runtime`` builds them."""
    runtime = build_runtime(Settings(data_dir=data_dir, chroma_dir=demo_chroma, now=FIXED_NOW,
                                     secret_key="test-secret", **settings),
                            embedder=embedder, source=source)
    try:
        with webchat_client(runtime) as client:
            yield runtime, client
    finally:
        runtime.close()


@contextmanager
def webchat_client(runtime: Runtime) -> Iterator[TestClient]:
    """The real app over ``runtime``; server errors become 500 answers."""
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield client


def start_conversation(client: TestClient) -> str:
    """A new webchat conversation's id."""
    response = client.post(f"{API}/conversations")
    assert response.status_code == 201, response.text
    conversation_id: str = response.json()["conversation_id"]
    return conversation_id


def send(client: TestClient, conversation_id: str, text: str,
         client_message_id: str | None = None) -> Any:
    """Send a message over the HTTP fallback."""
    body: dict[str, Any] = {"text": text}
    if client_message_id is not None:
        body["client_message_id"] = client_message_id
    return client.post(f"{API}/conversations/{conversation_id}/messages", json=body)


def history(client: TestClient, conversation_id: str, after: int = 0) -> list[dict[str, Any]]:
    """The entries the widget replays."""
    response = client.get(f"{API}/conversations/{conversation_id}/messages",
                          params={"after": after})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["messages"]
    return entries


def kinds(entries: list[dict[str, Any]]) -> list[str]:
    """Every webchat message kind in the entries, in order."""
    return [m["kind"] for entry in entries for m in entry["messages"]]


def latest_code(runtime: Runtime, conversation_id: str) -> str:
    """The last one-time code sent in a conversation, read from the outbox."""
    for message in reversed(runtime.services.store.outbox()):
        if message.conversation_id == conversation_id and message.kind == "one_time_code":
            found = CODE_IN_BODY.search(message.body)
            assert found is not None
            return found.group(1)
    raise AssertionError("no code was sent in this conversation")


def event_kinds(runtime: Runtime, conversation_id: str) -> list[str]:
    """The kinds of the conversation's events, oldest first."""
    return [event.kind for event in runtime.services.store.events(conversation_id)]


def frames_until(socket: WebSocketTestSession, last: dict[str, Any],
                 limit: int = 20) -> list[dict[str, Any]]:
    """Frames up to and including the first that contains every key/value of ``last``."""
    received = []
    for _ in range(limit):
        frame: dict[str, Any] = socket.receive_json()
        received.append(frame)
        if all(frame.get(key) == value for key, value in last.items()):
            return received
    raise AssertionError(f"no frame like {last} in {received}")


def entries_in(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history entries carried by ``messages`` frames, de-duplicated by id."""
    seen: dict[int, dict[str, Any]] = {}
    for frame in frames:
        for entry in frame.get("messages", []) if frame["type"] == "messages" else []:
            seen.setdefault(entry["id"], entry)
    return [seen[key] for key in sorted(seen)]


POISON = ("""<img src=x onerror="window.pwned=1;alert('article')">"""
          "<script>window.pwned=1;alert('article')</script>")
POISONED_SENTENCES = ("Our return window is **30 days from delivery**",
                      "Print the prepaid return label")
RETURN_WINDOW_QUESTION = "how long do I have to return an item"


def poisoned_knowledge_base(demo_chroma: Path, directory: Path) -> tuple[Path, Path]:
    """A copy of the demo knowledge base, and a returns article whose sentences that
    answer ``RETURN_WINDOW_QUESTION`` carry markup, to ingest into it
    (``runtime.ingest([article])``)."""
    chroma = directory / "chroma"
    shutil.copytree(demo_chroma, chroma)
    source = Path(knowledge_base.__file__).parent / "demo" / "returns-and-exchanges.md"
    text = source.read_text(encoding="utf-8")
    for sentence in POISONED_SENTENCES:
        assert sentence in text
        text = text.replace(sentence, f"{sentence} {POISON}")
    article = directory / "returns-and-exchanges.md"
    article.write_text(text, encoding="utf-8")
    return chroma, article
