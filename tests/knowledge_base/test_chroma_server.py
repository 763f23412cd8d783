"""CHROMA_URL: the knowledge base on a Chroma server answers like the embedded one, and a
server that goes away makes policy answers refused with a person offered, never invented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.config import Settings
from knowledge_base.search import KnowledgeBase
from tests.conftest import RuntimeFactory
from tests.knowledge_base.chroma_server import ChromaServer
from tests.scenarios.chat import Shopper, of_type, text_of


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path / "chroma-server")
    server.start()
    yield server
    server.stop()


def test_chroma_url_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMA_URL", "http://10.0.0.5:8001")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://app@db/agent")
    settings = Settings()
    assert settings.chroma_url == "http://10.0.0.5:8001"
    assert settings.resolved_database_url() == "postgresql+psycopg://app@db/agent"


def test_a_malformed_chroma_url_is_a_clear_error(make_runtime: RuntimeFactory) -> None:
    with pytest.raises(ValueError, match="CHROMA_URL must look like http://host:port"):
        make_runtime(chroma_url="localhost:8000")


def test_the_server_knowledge_base_ranks_like_the_embedded_one(
        make_runtime: RuntimeFactory, chroma_server: ChromaServer,
        demo_chroma: Path) -> None:
    served = make_runtime(chroma_url=chroma_server.url)
    embedded = make_runtime()
    assert served.knowledge_base.section_count() == embedded.knowledge_base.section_count() > 0
    for question in ("how long do I have to return something", "do you ship to Norway",
                     "can I change my delivery address"):
        assert ([h.section_id for h in served.knowledge_base.search(question, k=3)]
                == [h.section_id for h in embedded.knowledge_base.search(question, k=3)])
    shopper = Shopper(served, "webchat")
    reply = shopper.say("how long do I have to return something?")
    assert reply.skill == "faq" and of_type(reply, "citation")


def test_a_second_runtime_on_the_same_server_sees_the_same_content(
        make_runtime: RuntimeFactory, chroma_server: ChromaServer, tmp_path: Path) -> None:
    first = make_runtime(chroma_url=chroma_server.url)
    article = tmp_path / "gift-wrapping.md"
    article.write_text("# Gift wrapping\n\nEvery order can be gift wrapped in recycled "
                       "paper for 3 euros; choose it at checkout.\n")
    first.ingest([article])
    second = make_runtime(chroma_url=chroma_server.url)
    hits = second.knowledge_base.search("can you gift wrap my order", k=1)
    assert hits and hits[0].article == "Gift wrapping"
    assert isinstance(second.knowledge_base, KnowledgeBase)


def test_when_the_server_goes_away_policy_answers_are_refused_and_a_person_offered(
        make_runtime: RuntimeFactory, chroma_server: ChromaServer) -> None:
    runtime = make_runtime(chroma_url=chroma_server.url)
    chroma_server.stop()
    reply = Shopper(runtime, "webchat").say("how long do I have to return something?")
    assert not of_type(reply, "citation")
    assert "30 days" not in text_of(reply)
    assert reply.handoff is not None and reply.handoff["reason"] == "knowledge_unavailable"
    assert of_type(reply, "handoff_notice")
