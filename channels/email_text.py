"""The new text of an email: quoted history and signatures cut, HTML turned into text.

Pure functions. Only what the customer wrote in this message reaches the agent: whatever
sits in a quote ("On … wrote:", ``>`` lines, an Outlook "From: … Sent: …" block, a Gmail
quote in HTML) was written by someone else or earlier, so an instruction hidden there is
never read, let alone acted on.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

_ATTRIBUTION_START = re.compile(
    r"^\s*(on|le|am|el|den|d\.|op|il|em|w dniu|dne|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})\b",
    re.IGNORECASE)
_ATTRIBUTION_END = re.compile(  # "... wrote:", "... skrev Fjord & Fell <…>:"
    r"(\b(wrote|a écrit|schrieb|escribió|skrev|schreef|ha scritto|escreveu|napisał|"
    r"napisala|napisała|kirjoitti|írta|написал|написала|написав)\b|写道).*[:：]\s*$",
    re.IGNORECASE)
_SEPARATORS = (
    re.compile(r"^\s*-{2,}\s*original message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(oprindelig|opprinnelig|ursprüngliche|ursprungligt)"
               r"\s+(meddelelse|melding|nachricht|meddelande)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{20,}\s*$"),
)
_HEADER_BLOCK_FROM = re.compile(r"^\s*\*?(from|fra|von|från|od|de)\s*:\*?\s", re.IGNORECASE)
_HEADER_BLOCK_REST = re.compile(
    r"^\s*\*?(sent|date|to|subject|sendt|dato|til|emne|gesendet|an|betreff|skickat|"
    r"till|ämne|wysłano|do|temat)\s*:", re.IGNORECASE)
_SIGNATURE_DELIMITER = re.compile(r"^-- ?$")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(sent from my|sent from (outlook|mail|yahoo|gmail|samsung)|get outlook for|"
    r"sendt fra min|sendt fra (outlook|mail)|skickat från min|von meinem .* gesendet|"
    r"wysłane z mojego|envoyé de mon|enviado desde mi)\b", re.IGNORECASE)
_BLANK_RUN = re.compile(r"\n{3,}")

_HTML_QUOTES = ("div.gmail_quote", "div.gmail_quote_container", "blockquote",
                "div.moz-cite-prefix", "div.yahoo_quoted", "div.protonmail_quote",
                "div.gmail_signature", "div.moz-signature")
"""Elements that hold a quote or a signature: dropped with their content."""
_HTML_HISTORY_STARTS = ("div#divRplyFwdMsg", "div#appendonsend", "hr#stopSpelling",
                        "div#mail-editor-reference-message-container")
"""Outlook's markers: the quoted history is everything after them, not inside them."""
_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
           "ul", "ol", "pre", "address", "section", "article", "header", "footer")


def new_text_of_reply(text: str) -> str:
    """The customer's own words: quoted history, reply headers and the signature cut."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _starts_quoted_history(lines, index) or _starts_signature(line):
            break
        if line.lstrip().startswith(">"):
            if kept and _ATTRIBUTION_END.search(kept[-1]):
                kept.pop()  # "... wrote:" introducing an inline quote
            continue
        kept.append(line.rstrip())
    return _BLANK_RUN.sub("\n\n", "\n".join(kept)).strip()


def _starts_quoted_history(lines: list[str], index: int) -> bool:
    """Whether quoted history begins at ``lines[index]``."""
    line = lines[index]
    if any(separator.match(line) for separator in _SEPARATORS):
        return True
    if _ATTRIBUTION_START.match(line):  # "On <date>, <name> wrote:", wrapped over ≤ 3 lines
        windows = (" ".join(part.strip() for part in lines[index:index + n]) for n in (1, 2, 3))
        if any(len(w) < 400 and _ATTRIBUTION_END.search(w) for w in windows):
            return True
    if _HEADER_BLOCK_FROM.match(line):
        following = lines[index + 1:index + 5]
        return sum(bool(_HEADER_BLOCK_REST.match(f)) for f in following) >= 2
    return False


def _starts_signature(line: str) -> bool:
    return bool(_SIGNATURE_DELIMITER.match(line) or _MOBILE_SIGNATURE.match(line))


def html_to_text(html: str) -> str:
    """Readable text of an HTML mail body: scripts, styles and quoted history dropped."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "head", "title", "template"]):
        element.decompose()
    for selector in _HTML_HISTORY_STARTS:
        marker = soup.select_one(selector)
        if marker is not None:
            _cut_from(marker)
    for selector in _HTML_QUOTES:
        for element in soup.select(selector):
            element.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for element in soup.find_all(_BLOCKS):
        if isinstance(element, Tag):
            element.insert_before("\n")
            element.insert_after("\n")
    text = soup.get_text()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def _cut_from(marker: Tag) -> None:
    """Remove ``marker`` and everything that follows it in the document."""
    node: Tag | None = marker
    while node is not None and node.name != "[document]":
        for sibling in list(node.next_siblings):
            sibling.extract()
        node = node.parent
    marker.extract()
