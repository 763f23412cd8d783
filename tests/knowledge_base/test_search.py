"""Hybrid search over the demo articles: ranking, score floor, citations, ingest lifecycle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge_base.embedder import Embedder
from knowledge_base.ingest import DEMO_DIR, demo_paths, ingest_demo_if_empty
from knowledge_base.search import DEFAULT_SCORE_FLOOR, KnowledgeBase, fuse

# (question, expected top-1 section id) over the demo articles.
QUESTIONS = [
    ("can I change the size on my order", "order-changes-and-cancellations#changing-an-order"),
    ("can I cancel my order", "order-changes-and-cancellations#cancelling-an-order"),
    ("is there a fee to cancel?", "order-changes-and-cancellations#cancelling-an-order"),
    ("can I change the delivery address", "order-changes-and-cancellations#changing-an-order"),
    ("how long do I have to return", "returns-and-exchanges#return-window-and-condition"),
    ("can I exchange my jacket for a different size", "returns-and-exchanges#exchanges"),
    ("when will I get my refund", "returns-and-exchanges#refunds"),
    ("can I return a personalised beanie", "returns-and-exchanges#personalised-items"),
    ("do you ship to Germany", "shipping-and-delivery#rest-of-the-eu"),
    ("how long does delivery take to Sweden", "shipping-and-delivery#denmark-and-the-nordics"),
    ("is shipping free", "shipping-and-delivery#shipping-costs"),
    ("my parcel hasn't shown up yet", "shipping-and-delivery#late-or-missing-orders"),
    ("what are your opening hours", "store-information#opening-hours"),
    ("what is your phone number", "store-information#contact-customer-service"),
    ("how do I wash merino", "sizing-and-care#merino-wool"),
    ("what size hiking boots should I get", "sizing-and-care#hiking-boots"),
    ("is there a student discount", "discounts-and-promotions#student-discount"),
    ("can I use two discount codes", "discounts-and-promotions#one-code-per-order"),
    ("can I pay with Klarna", "payments-and-checkout#klarna"),
    ("are prices including VAT", "payments-and-checkout#vat-and-prices"),
    ("what is the minimum wholesale order", "wholesale#minimum-order"),
]

OFF_TOPIC = [
    "what is the capital of France",
    "asdfgh",
    "what's the weather like in Paris tomorrow",
    "who won the football world cup",
    "write me a poem about cats",
    "how do I bake sourdough bread",
    "what is 2+2",
    "what time is it",
    "lorem ipsum dolor sit amet",
]


@pytest.fixture(scope="module")
def kb(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    """The demo articles in a fresh embedded Chroma, shared by the read-only tests."""
    base = KnowledgeBase.open(
        tmp_path_factory.mktemp("chroma"), "kb_demo", embedder, DEFAULT_SCORE_FLOOR
    )
    report = ingest_demo_if_empty(base)
    assert report is not None and report.articles == 8 and not report.skipped
    yield base


@pytest.fixture()
def fresh_kb(embedder: Embedder, tmp_path: Path) -> KnowledgeBase:
    """An empty knowledge base for tests that write."""
    return KnowledgeBase.open(tmp_path / "chroma", "kb_fresh", embedder)


@pytest.mark.parametrize(("question", "expected"), QUESTIONS)
def test_right_section_ranks_first(kb: KnowledgeBase, question: str, expected: str) -> None:
    hits = kb.search(question, k=3)
    assert hits, f"no hit above the floor for {question!r}"
    assert hits[0].section_id == expected, [(h.section_id, h.score) for h in hits]


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_queries_return_nothing(kb: KnowledgeBase, question: str) -> None:
    assert kb.search(question) == []


def test_floor_is_a_parameter(kb: KnowledgeBase, embedder: Embedder) -> None:
    permissive = KnowledgeBase(kb.store, embedder, score_floor=0.0)
    assert len(permissive.search("what is the capital of France", k=3)) == 3
    strict = KnowledgeBase(kb.store, embedder, score_floor=0.99)
    assert strict.search("is there a student discount") == []


def test_hits_carry_citation_metadata_and_ordered_scores(kb: KnowledgeBase) -> None:
    hits = kb.search("can I change the size on my order", k=5)
    top = hits[0]
    assert top.article == "Order changes and cancellations"
    assert top.heading == "Changing an order"
    assert top.source == "order-changes-and-cancellations.md"
    assert top.article_id == "order-changes-and-cancellations"
    assert "12 hours" in top.text
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert DEFAULT_SCORE_FLOOR <= hit.score <= 1.0
        assert 0.0 <= hit.dense_score <= 1.0 and 0.0 <= hit.lexical_score <= 1.0
        assert hit.score == pytest.approx(fuse(hit.dense_score, hit.lexical_score), abs=1e-3)


def test_sub_section_heading_is_a_path(kb: KnowledgeBase) -> None:
    top = kb.search("can I return a personalised beanie")[0]
    assert top.heading == "Exceptions › Personalised items"


def test_precomputed_query_vector_is_used(kb: KnowledgeBase, embedder: Embedder) -> None:
    question = "how do I wash merino"
    vector = embedder.embed_one(question)
    assert kb.search(question, query_vector=vector) == kb.search(question)
    # A vector for a different question changes the dense side: proof it was used.
    other = embedder.embed_one("what is the minimum wholesale order")
    assert kb.search(question, query_vector=other) != kb.search(question)


def test_k_and_empty_query(kb: KnowledgeBase) -> None:
    assert len(kb.search("returns", k=1)) == 1
    assert kb.search("returns", k=0) == []
    assert kb.search("   ") == []


def test_counts(kb: KnowledgeBase) -> None:
    assert not kb.is_empty()
    assert kb.section_count() == sum(
        1 for _ in kb.store.all_sections()
    ) >= 8 * 4


def test_demo_ingest_only_when_empty(fresh_kb: KnowledgeBase) -> None:
    assert fresh_kb.is_empty() and fresh_kb.search("returns") == []
    first = ingest_demo_if_empty(fresh_kb)
    assert first is not None and first.articles == len(demo_paths())
    assert first.sections == fresh_kb.section_count()
    assert ingest_demo_if_empty(fresh_kb) is None


def test_reingest_is_idempotent(fresh_kb: KnowledgeBase) -> None:
    first = fresh_kb.ingest([DEMO_DIR])
    count = fresh_kb.section_count()
    second = fresh_kb.ingest([DEMO_DIR])
    assert (first.articles, first.sections) == (second.articles, second.sections)
    assert fresh_kb.section_count() == count == first.sections


def test_ingest_walks_directories_and_reports_skips(
    fresh_kb: KnowledgeBase, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    (docs / "nested").mkdir(parents=True)
    (docs / "gift-cards.md").write_text(
        "# Gift cards\n\n## Validity\n\nGift cards are valid for three years.\n"
    )
    (docs / "nested" / "pets.txt").write_text("Dogs are welcome in the flagship store.\n")
    (docs / "image.png").write_bytes(b"\x89PNG")
    (docs / ".hidden.md").write_text("# Hidden\n\nsecret\n")
    unsupported = tmp_path / "sheet.xlsx"
    unsupported.write_bytes(b"PK")
    report = fresh_kb.ingest([docs, unsupported, tmp_path / "missing.md"])
    assert (report.articles, report.sections) == (2, 2)
    assert len(report.skipped) == 2
    assert any("sheet.xlsx" in s for s in report.skipped)
    assert any("missing.md" in s and "not found" in s for s in report.skipped)


def test_new_and_deleted_articles_change_results(fresh_kb: KnowledgeBase, tmp_path: Path) -> None:
    fresh_kb.ingest(demo_paths())
    question = "are dogs allowed in your store"
    before = fresh_kb.search(question)
    assert all(hit.article_id != "pets" for hit in before)

    pets = tmp_path / "pets.md"
    pets.write_text(
        "# Pets\n\n## Dogs in the store\n\nDogs on a lead are welcome in our flagship store; "
        "we keep a water bowl by the door.\n"
    )
    fresh_kb.ingest([pets])  # the lexical index must be rebuilt, not stale
    after = fresh_kb.search(question)
    assert after and after[0].section_id == "pets#dogs-in-the-store"
    assert after[0].lexical_score > 0.5

    fresh_kb.delete_article("pets")
    assert all(hit.article_id != "pets" for hit in fresh_kb.search(question))
    assert fresh_kb.section_count() == sum(1 for _ in fresh_kb.store.all_sections())


@pytest.mark.parametrize("question", [q for q, _ in QUESTIONS] + OFF_TOPIC)
def test_vectors_in_memory_rank_as_the_store_does(kb: KnowledgeBase, embedder: Embedder,
                                                  question: str) -> None:
    """The embedded knowledge base ranks by exact cosine over vectors kept in memory; asked
    of Chroma itself (as on a Chroma server), the same hits come back with the same
    scores."""
    asking_the_store = KnowledgeBase(kb.store, embedder, kb.score_floor)
    in_memory = [(h.section_id, h.score, h.dense_score) for h in kb.search(question, k=5)]
    from_store = [(h.section_id, h.score, h.dense_score)
                  for h in asking_the_store.search(question, k=5)]
    assert [section for section, *_ in in_memory] == [section for section, *_ in from_store]
    for (_, score, dense), (_, store_score, store_dense) in zip(in_memory, from_store,
                                                                strict=True):
        assert score == pytest.approx(store_score, abs=2e-4)
        assert dense == pytest.approx(store_dense, abs=2e-4)


def test_vectors_in_memory_follow_an_ingest(fresh_kb: KnowledgeBase, tmp_path: Path) -> None:
    """An article added after a search is found by the next one (the in-memory vectors
    are rebuilt with the BM25 index, not kept from before)."""
    first = tmp_path / "opening-hours.md"
    first.write_text("# Opening hours\n\nThe shop in Aarhus is open Monday to Saturday "
                     "from 10 to 18.\n")
    fresh_kb.ingest([first])
    assert fresh_kb.search("when is the shop open", k=1)[0].article == "Opening hours"
    assert fresh_kb.search("can you gift wrap my order") == []
    article = tmp_path / "gift-wrapping.md"
    article.write_text("# Gift wrapping\n\nEvery order can be gift wrapped in recycled "
                       "paper for 3 euros; choose it at checkout.\n")
    fresh_kb.ingest([article])
    hits = fresh_kb.search("can you gift wrap my order", k=1)
    assert hits and hits[0].article == "Gift wrapping"
