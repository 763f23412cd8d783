"""Load help-centre articles from files and split them into sections by heading.

Supported: markdown (``.md``, ``.markdown``), HTML (``.html``, ``.htm``), PDF (``.pdf``)
and plain text (``.txt``). Every format is reduced to a stream of blocks — a heading
(level 1-3) or a line of body text — and one builder turns the stream into sections:

* the first level-1 heading is the article title (else the file stem, prettified);
* level-2 headings start sections; a level-3 heading starts a section whose heading is
  the path ``"Parent › Child"``;
* text before the first level-2 heading belongs to a section headed by the title;
* sections without body text are dropped;
* ``section_id`` is ``f"{article_id}#{slug(leaf heading)}"``, de-duplicated with
  ``-2``, ``-3`` ...; ``article_id`` is the slug of the file stem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from knowledge_base.errors import KnowledgeBaseError, UnsupportedDocument

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {".md", ".markdown", ".html", ".htm", ".pdf", ".txt"}
)
HEADING_SEPARATOR = " › "

_TERMINAL_PUNCTUATION = ".,;:!?)»\"'"
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")
_MD_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


@dataclass(frozen=True)
class Section:
    """One heading's worth of an article."""

    section_id: str
    heading: str
    text: str


@dataclass(frozen=True)
class Article:
    """A whole article: title, where it came from, and its sections in order."""

    article_id: str
    title: str
    source: str
    updated_at: str
    sections: list[Section] = field(default_factory=list)


Block = tuple[int, str]
"""``(level, text)``: level 1-3 for a heading, 0 for a line of body text."""


def slugify(text: str) -> str:
    """Lowercase ASCII slug: ``"Changing an order"`` -> ``"changing-an-order"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "section"


def prettify_stem(stem: str) -> str:
    """A readable title from a file stem: ``"store_info-faq"`` -> ``"Store info faq"``."""
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"


def load_document(path: Path) -> Article:
    """Read the file at ``path`` into an :class:`Article`.

    Raises :class:`UnsupportedDocument` for an unknown extension and
    :class:`KnowledgeBaseError` when the file cannot be read or parsed.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise UnsupportedDocument(f"unsupported document type {suffix or '(none)'!r}: {path.name}")
    try:
        if suffix == ".pdf":
            blocks = pdf_blocks(path)
        else:
            raw = path.read_text(encoding="utf-8", errors="replace")
            if suffix in {".html", ".htm"}:
                blocks = html_blocks(raw)
            elif suffix == ".txt":
                blocks = text_blocks(raw)
            else:
                blocks = markdown_blocks(raw)
        mtime = path.stat().st_mtime
    except KnowledgeBaseError:
        raise
    except Exception as exc:  # pypdf / OS errors become one project error
        raise KnowledgeBaseError(f"could not read {path.name}: {exc}") from exc
    updated_at = datetime.fromtimestamp(mtime, tz=UTC).isoformat(timespec="seconds")
    stem = path.stem
    return build_article(slugify(stem), path.name, updated_at, blocks, prettify_stem(stem))


def build_article(
    article_id: str, source: str, updated_at: str, blocks: list[Block], fallback_title: str
) -> Article:
    """Turn a block stream into an :class:`Article` (see the module docstring for the rules)."""
    title = next((text for level, text in blocks if level == 1), fallback_title)
    title_used = False
    raw: list[tuple[str, str, list[str]]] = []  # (leaf heading, heading path, body lines)
    current: tuple[str, str, list[str]] = (title, title, [])
    parent: str | None = None
    for level, text in blocks:
        if level == 0:
            current[2].append(text)
            continue
        if level == 1 and not title_used and text == title:
            title_used = True
            continue
        raw.append(current)
        if level <= 2:
            parent = text
            current = (text, text, [])
        else:
            path = f"{parent}{HEADING_SEPARATOR}{text}" if parent else text
            current = (text, path, [])
    raw.append(current)

    sections: list[Section] = []
    used: dict[str, int] = {}
    for leaf, heading, lines in raw:
        body = _join_lines(lines)
        if not body:
            continue
        base = f"{article_id}#{slugify(leaf)}"
        used[base] = used.get(base, 0) + 1
        section_id = base if used[base] == 1 else f"{base}-{used[base]}"
        sections.append(Section(section_id=section_id, heading=heading, text=body))
    return Article(article_id, title, source, updated_at, sections)


def _join_lines(lines: list[str]) -> str:
    """Body lines to text: paragraphs kept, runs of blank lines collapsed."""
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _clean_markdown(line: str) -> str:
    """Inline markdown to plain text: links keep text and address, emphasis dropped."""
    line = _MD_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(1) else "", line)
    return _MD_EMPHASIS.sub("", line)


def markdown_blocks(raw: str) -> list[Block]:
    """Blocks of a markdown document (front matter skipped, fenced code kept as text).

    HTML comments are dropped: a reader of the rendered page never sees them, so neither
    may a shopper (nor a model: hidden text is where injected instructions hide).
    """
    lines = _MD_COMMENT.sub("", raw).splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
        if end is not None:
            lines = lines[end + 1 :]
    blocks: list[Block] = []
    in_fence = False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        match = None if in_fence else _MD_HEADING.match(line)
        if match:
            level = len(match.group(1))
            blocks.append((min(level, 3), _clean_markdown(match.group(2)).strip()))
        else:
            blocks.append((0, line if in_fence else _clean_markdown(line)))
    return blocks


_HTML_DROP = ("script", "style", "noscript", "template", "head", "svg", "iframe", "nav")
_HTML_BLOCK = (
    "p", "div", "li", "ul", "ol", "tr", "table", "section", "article", "br", "pre",
    "blockquote", "dt", "dd", "header", "footer", "main", "nav", "aside", "figcaption",
)


def html_blocks(raw: str) -> list[Block]:
    """Blocks of an HTML page: h1-h3 are headings, one text line per block element.

    Scripts, styles, navigation and the like are dropped; h4-h6 are kept as text.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    marker = "\x00"
    for tag in soup.find_all(["h1", "h2", "h3"]):
        text = " ".join(tag.get_text(" ", strip=True).split())
        tag.replace_with(f"\n{marker}{tag.name[1]}{marker}{text}\n")
    for tag in soup.find_all(_HTML_BLOCK):
        tag.append("\n")
        tag.insert_before("\n")
    blocks: list[Block] = []
    for line in soup.get_text().splitlines():
        if line.startswith(marker):
            _, level, text = line.split(marker, 2)
            if text:
                blocks.append((int(level), text))
            continue
        text = " ".join(line.split())
        if text:
            blocks.append((0, text))
    if page_title and not any(level == 1 for level, _ in blocks):
        blocks.insert(0, (1, page_title))
    return blocks


def _looks_like_heading(line: str, previous: str, following: str) -> bool:
    """A short, unpunctuated, capitalised line between sentences reads as a heading."""
    words = line.split()
    return (
        0 < len(words) <= 8
        and len(line) <= 70
        and (line[0].isupper() or line[0].isdigit())
        and line[-1] not in _TERMINAL_PUNCTUATION
        and not line.replace(" ", "").isdigit()
        and (not previous or previous[-1] in ".!?:")
        and (not following or not following[0].islower())
    )


def pdf_blocks(path: Path) -> list[Block]:
    """Blocks of a PDF: heading-like lines become headings, else one section per page."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [
        [" ".join(line.split()) for line in (page.extract_text() or "").splitlines()]
        for page in reader.pages
    ]
    meta_title = (reader.metadata.title if reader.metadata else None) or ""
    lines = [(number, line) for number, page in enumerate(pages, 1) for line in page if line]
    blocks: list[Block] = []
    for index, (_, line) in enumerate(lines):
        after_heading = bool(blocks) and blocks[-1][0] > 0
        previous = "" if index == 0 or after_heading else lines[index - 1][1]
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        if following and _looks_like_heading(line, previous, following):
            blocks.append((1 if index == 0 else 2, line))
        else:
            blocks.append((0, line))
    if any(level == 2 for level, _ in blocks):
        return blocks
    title = blocks[0][1] if blocks and blocks[0][0] == 1 else meta_title.strip()
    paged: list[Block] = [(1, title)] if title else []
    for number, page in enumerate(pages, 1):
        body = [line for line in page if line and line != title]
        if body:
            paged.append((2, f"Page {number}"))
            paged.extend((0, line) for line in body)
    return paged


def text_blocks(raw: str) -> list[Block]:
    """Blocks of plain text: single-line, unpunctuated paragraphs are headings.

    The first such paragraph at the top is the title; later ones start sections.
    Text without any heading-like paragraph becomes one section.
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", raw) if p.strip()]
    blocks: list[Block] = []
    for index, paragraph in enumerate(paragraphs):
        single = "\n" not in paragraph
        if single and index + 1 < len(paragraphs) and _looks_like_heading(paragraph, "", ""):
            blocks.append((1 if index == 0 else 2, paragraph))
        else:
            blocks.extend((0, line) for line in paragraph.splitlines())
            blocks.append((0, ""))
    return blocks
