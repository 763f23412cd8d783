"""The Content page: articles listed, added, edited, deleted and uploaded (markdown, HTML,
PDF), re-indexed with progress, searched with scores, and gaps in policy content flagged."""

from __future__ import annotations

import re
import time
from pathlib import Path

from fastapi.testclient import TestClient

from preview.console import Console
from tests.preview.conftest import ConsoleFactory
from tests.preview.helpers import signed_in
from tests.preview.pdf import tiny_pdf

GIFT_CARDS = "## Gift cards\n\nGift cards from Fjord & Fell never expire and work online.\n"


def private_console(console_for: ConsoleFactory, tmp_path: Path) -> tuple[TestClient, Console]:
    """A console over its own knowledge base (these tests change the content)."""
    return console_for(chroma_dir=tmp_path / "chroma", data_dir=tmp_path / "shop")


def article_ids(console: Console) -> set[str]:
    """The articles the knowledge base holds now."""
    return {s.article_id for s in console.runtime.knowledge_base.store.all_sections()}


def post(client: TestClient, path: str, token: str, **data: str) -> int:
    """Post a form; returns the status code."""
    return client.post(path, data={**data, "csrf_token": token},
                       follow_redirects=False).status_code


def test_search_shows_what_the_agent_would_retrieve_with_scores(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    signed_in(client, console, "staff")
    page = client.get("/console/content", params={"q": "how long do I have to return"}).text
    scores = [float(s) for s in re.findall(r"<tr><td>(0\.\d{3})</td>", page)]
    assert scores and scores == sorted(scores, reverse=True)
    assert all(score >= console.runtime.knowledge_base.score_floor for score in scores)
    assert "Returns and exchanges" in page
    nothing = client.get("/console/content", params={"q": "zxqv blorp"}).text
    assert "Nothing above the floor" in nothing


def test_staff_can_look_but_not_change_content(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    token = signed_in(client, console, "staff")
    page = client.get("/console/content").text
    assert 'data-article="returns-and-exchanges"' in page
    assert "Write an article" not in page and "Delete" not in page
    before = article_ids(console)
    assert post(client, "/console/content", token, title="Sneaky", body="x") == 403
    assert post(client, "/console/content/returns-and-exchanges/delete", token) == 403
    assert client.get("/console/content/returns-and-exchanges/edit").status_code == 403
    upload = client.post("/console/content/upload", data={"csrf_token": token},
                         files={"file": ("x.md", b"# X\n\n## Y\n\nz\n", "text/markdown")})
    assert upload.status_code == 403
    assert client.post("/console/api/content/reindex",
                       headers={"X-CSRF-Token": token}).status_code == 403
    assert article_ids(console) == before


def test_add_edit_and_delete_articles(console_for: ConsoleFactory, tmp_path: Path) -> None:
    client, console = private_console(console_for, tmp_path)
    token = signed_in(client, console, "admin")
    kb = console.runtime.knowledge_base

    assert post(client, "/console/content", token, title="Gift cards", body=GIFT_CARDS) == 303
    assert "gift-cards" in article_ids(console)
    assert (tmp_path / "shop" / "content" / "gift-cards.md").is_file()
    assert kb.search("do gift cards expire", k=1)[0].article_id == "gift-cards"
    assert post(client, "/console/content", token, title="Gift cards", body="again") == 422

    edit = client.get("/console/content/returns-and-exchanges/edit")
    assert edit.status_code == 200 and "# Returns and exchanges" in edit.text
    rewritten = "# Returns and exchanges\n\n## Return window\n\nReturns are accepted " \
                "within 100 days of delivery, free of charge.\n"
    assert post(client, "/console/content/returns-and-exchanges", token,
                text=rewritten) == 303
    assert (tmp_path / "shop" / "content" / "returns-and-exchanges.md").read_text() == rewritten
    hit = kb.search("how many days do I have to return", k=1)[0]
    assert "100 days" in hit.text

    assert post(client, "/console/content/gift-cards/delete", token) == 303
    assert "gift-cards" not in article_ids(console)
    assert not (tmp_path / "shop" / "content" / "gift-cards.md").exists()
    assert post(client, "/console/content/gift-cards/delete", token) == 404


def test_policy_queries_without_content_are_flagged(
        console_for: ConsoleFactory, tmp_path: Path) -> None:
    client, console = private_console(console_for, tmp_path)
    token = signed_in(client, console, "owner")
    assert "data-gap=" not in client.get("/console/content").text
    for article_id in sorted(article_ids(console)):
        assert post(client, f"/console/content/{article_id}/delete", token) == 303
    page = client.get("/console/content").text
    for skill in ("order_editing", "returns", "order_status"):
        assert f'data-gap="{skill}"' in page
    assert "The knowledge base is empty." in page
    assert not console.runtime.services.skills.is_live("returns")
    skills = client.get("/console/skills").text
    assert "no returns &amp; exchanges policy in content" in skills
    assert "Nothing in your content answers" in skills


def test_upload_markdown_html_and_pdf_and_refuse_bad_files(
        console_for: ConsoleFactory, tmp_path: Path) -> None:
    client, console = private_console(console_for, tmp_path)
    token = signed_in(client, console, "owner")
    uploads = {
        "gift-cards.md": (b"# Gift cards\n\n" + GIFT_CARDS.encode(), "text/markdown"),
        "Care Guide.html": (b"<html><head><title>Care guide</title></head><body>"
                            b"<h1>Care guide</h1><h2>Washing wool</h2><p>Wash merino at "
                            b"30 degrees on a wool cycle.</p><script>x()</script></body></html>",
                            "text/html"),
        "loyalty.pdf": (tiny_pdf(["Loyalty club", "Members collect points on every order.",
                                  "Redeeming points", "Points are redeemed at checkout."]),
                        "application/pdf"),
    }
    for name, (data, kind) in uploads.items():
        response = client.post("/console/content/upload", data={"csrf_token": token},
                               files={"file": (name, data, kind)}, follow_redirects=False)
        assert response.status_code == 303, (name, response.text)
    assert {"gift-cards", "care-guide", "loyalty"} <= article_ids(console)
    kb = console.runtime.knowledge_base
    assert kb.search("what temperature to wash merino wool", k=1)[0].article_id == "care-guide"
    assert kb.search("how do I redeem loyalty points", k=1)[0].article_id == "loyalty"
    page = client.get("/console/content").text
    assert 'data-article="loyalty"' in page and "loyalty.pdf" in page

    before = article_ids(console)
    files_before = sorted((tmp_path / "shop" / "content").iterdir())
    bad = {"virus.exe": b"MZ...", "empty.md": b"", "broken.pdf": b"%PDF-1.4 not really",
           "title-only.md": b"# Just a title\n"}
    for name, data in bad.items():
        response = client.post("/console/content/upload", data={"csrf_token": token},
                               files={"file": (name, data, "application/octet-stream")})
        assert response.status_code == 422, name
        assert "Not saved" in response.text
    assert article_ids(console) == before
    assert sorted((tmp_path / "shop" / "content").iterdir()) == files_before


def test_reindex_runs_in_the_background_with_progress(
        console_for: ConsoleFactory, tmp_path: Path) -> None:
    client, console = private_console(console_for, tmp_path)
    token = signed_in(client, console, "owner")
    dropped = tmp_path / "shop" / "content" / "warranty.md"
    dropped.parent.mkdir(parents=True)
    dropped.write_text("# Warranty\n\n## Two years\n\nJackets carry a two-year warranty.\n")
    assert client.get("/console/api/content/reindex").json()["state"] == "idle"

    started = client.post("/console/api/content/reindex", headers={"X-CSRF-Token": token})
    assert started.status_code == 202
    progress = started.json()
    deadline = time.monotonic() + 300
    while progress["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        progress = client.get("/console/api/content/reindex").json()
    assert progress["state"] == "done", progress
    assert progress["done"] == progress["total"] == len(article_ids(console))
    assert progress["percent"] == 100
    assert "warranty" in article_ids(console)
    assert console.runtime.knowledge_base.search("how long is the jacket warranty", k=1)
