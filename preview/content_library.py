"""The console's article files and their place in the knowledge base.

Articles written or uploaded in the console are files in the content directory
(``settings.console_content_dir``, default ``<data dir>/content``); an article keeps the
name of its file, so editing one of the demo articles saves a copy there under the same
name, which then replaces the demo version in the index. Every change is ingested at
once; a file the knowledge base cannot read into sections is refused before anything
is written, so nothing half-stored remains.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from agent.runtime import Runtime
from knowledge_base.articles import ArticleSummary, summarise_articles
from knowledge_base.documents import SUPPORTED_EXTENSIONS, load_document, slugify
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.ingest import DEMO_DIR

EDITABLE_EXTENSIONS = frozenset({".md", ".markdown", ".html", ".htm", ".txt"})
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_TITLE_CHARS = 120
MAX_ARTICLE_CHARS = 200_000


class ContentError(ValueError):
    """A content change that cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class ArticleRow:
    """An article as the Content page lists it."""

    summary: ArticleSummary
    file: Path | None

    @property
    def editable(self) -> bool:
        """Text formats can be edited in the browser; PDFs are replaced by uploading."""
        return self.file is not None and self.file.suffix.lower() in EDITABLE_EXTENSIONS


class ContentLibrary:
    """Article files of one deployment and the knowledge base they feed."""

    def __init__(self, runtime: Runtime, directory: Path) -> None:
        self.runtime = runtime
        self.directory = directory

    def source_file(self, source: str) -> Path | None:
        """The file an article was read from: the console's copy, else the demo article."""
        name = Path(source).name
        for folder in (self.directory, DEMO_DIR):
            candidate = folder / name
            if name and candidate.is_file():
                return candidate
        return None

    def articles(self) -> list[ArticleRow]:
        """Every stored article with its source file (None when it is not on this machine)."""
        sections = self.runtime.knowledge_base.store.all_sections()
        return [ArticleRow(summary, self.source_file(summary.source))
                for summary in summarise_articles(sections)]

    def article(self, article_id: str) -> ArticleRow:
        """One stored article; ContentError when there is none."""
        for row in self.articles():
            if row.summary.article_id == article_id:
                return row
        raise ContentError(f"there is no article {article_id!r}")

    def text_of(self, row: ArticleRow) -> str:
        """The editable text of an article's file."""
        if not row.editable or row.file is None:
            raise ContentError("this article is not a text file; upload a new version")
        return row.file.read_text(encoding="utf-8", errors="replace")

    def create(self, title: str, body: str) -> ArticleRow:
        """A new markdown article titled ``title``."""
        title = " ".join(title.split())
        if not title or len(title) > MAX_TITLE_CHARS:
            raise ContentError(f"give the article a title of 1-{MAX_TITLE_CHARS} characters")
        if len(body) > MAX_ARTICLE_CHARS:
            raise ContentError(f"an article has at most {MAX_ARTICLE_CHARS} characters")
        article_id = slugify(title)
        if any(row.summary.article_id == article_id for row in self.articles()):
            raise ContentError(f"an article called {title!r} exists already; edit it instead")
        return self._store(f"{article_id}.md", f"# {title}\n\n{body.strip()}\n".encode())

    def update(self, article_id: str, text: str) -> ArticleRow:
        """Replace an editable article's text (a demo article gets a console copy)."""
        if len(text) > MAX_ARTICLE_CHARS:
            raise ContentError(f"an article has at most {MAX_ARTICLE_CHARS} characters")
        row = self.article(article_id)
        self.text_of(row)
        assert row.file is not None
        return self._store(row.file.name, text.encode())

    def upload(self, filename: str, data: bytes) -> ArticleRow:
        """Add or replace an article from an uploaded markdown, HTML, text or PDF file."""
        suffix = Path(filename).suffix.lower()
        if suffix not in SUPPORTED_EXTENSIONS:
            allowed = ", ".join(sorted(SUPPORTED_EXTENSIONS))
            raise ContentError(f"{Path(filename).name or 'the file'}: upload one of {allowed}")
        if not data:
            raise ContentError("the file is empty")
        if len(data) > MAX_UPLOAD_BYTES:
            raise ContentError(f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        return self._store(f"{slugify(Path(filename).stem)}{suffix}", data)

    def delete(self, article_id: str) -> None:
        """Remove an article from the knowledge base and its console file, if any."""
        row = self.article(article_id)
        if row.file is not None and row.file.parent == self.directory:
            row.file.unlink()
        self.runtime.knowledge_base.delete_article(article_id)
        self._content_changed()

    def _store(self, name: str, data: bytes) -> ArticleRow:
        """Check the file reads into sections, then write it and ingest it."""
        with tempfile.TemporaryDirectory() as scratch:
            trial = Path(scratch) / name
            trial.write_bytes(data)
            try:
                sections = load_document(trial).sections
            except KnowledgeBaseError as unreadable:
                raise ContentError(f"{name} could not be read: {unreadable}") from None
        if not sections:
            raise ContentError(f"{name} has no text the agent could use")
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        path.write_bytes(data)
        self._drop_namesakes(path)
        self.runtime.ingest([path])
        return self.article(slugify(path.stem))

    def _drop_namesakes(self, kept: Path) -> None:
        """Other console files of the same article (``returns.md`` after ``returns.pdf``)."""
        for other in self.directory.iterdir():
            if other != kept and slugify(other.stem) == slugify(kept.stem):
                other.unlink()

    def _content_changed(self) -> None:
        self.runtime.memo.clear()
        self.runtime.refresh_skills()
