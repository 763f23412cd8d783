"""SMS segment maths and the 1,600-character cap."""

from __future__ import annotations

import pytest

from channels.render import render
from channels.sms import (
    SMS_BODY_LIMIT,
    Paragraph,
    Priority,
    fit_sms_body,
    sms_encoding,
    sms_segments,
)
from skills.parts import Channel, HandoffNoticePart, LinkPart, Part, TextPart
from tests.channels.samples import CARD, ORDER_URL, RETURN_URL

EMOJI = "😀"  # outside the BMP: two UTF-16 code units


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 0),
        ("a", "GSM-7", 1),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà", "GSM-7", 1),
        ("€" + "a" * 158, "GSM-7", 1),  # the euro sign takes two septets: 160
        ("€" + "a" * 159, "GSM-7", 2),  # 161 septets
        ("[]{}" + "a" * 152, "GSM-7", 1),  # 8 + 152 = 160
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 3),  # 306 septets, but "€" never straddles parts
        ("ż" * 70, "UCS-2", 1),
        ("ż" * 71, "UCS-2", 2),
        ("ż" * 134, "UCS-2", 2),
        ("ż" * 135, "UCS-2", 3),
        ("a" * 159 + "ż", "UCS-2", 3),  # one non-GSM character turns 160 chars into 3 parts
        (EMOJI, "UCS-2", 1),
        (EMOJI * 35, "UCS-2", 1),  # 70 code units
        (EMOJI + "a" * 68, "UCS-2", 1),  # 70 code units
        (EMOJI + "a" * 69, "UCS-2", 2),  # 71 code units
        ("a" * 66 + EMOJI + "a" * 66, "UCS-2", 3),  # 134 units, but the pair never splits
        ("…", "UCS-2", 1),
    ],
)
def test_encoding_and_segments(text: str, encoding: str, segments: int) -> None:
    assert sms_encoding(text) == encoding
    assert sms_segments(text) == segments


def test_rendered_sms_reports_ucs2_for_non_gsm_text() -> None:
    payload = render([TextPart(text="Dziękujemy, zamówienie jest w drodze! " + EMOJI)], Channel.SMS)
    assert payload["encoding"] == "UCS-2"
    assert payload["segments"] == 1


def test_cap_shortens_prose_from_the_end_and_keeps_every_url() -> None:
    first = "First paragraph stays whole. " * 10
    long_prose = "This paragraph is far too long to send in full. " * 40
    parts: list[Part] = [
        TextPart(text=first.strip()),
        CARD,
        TextPart(text=long_prose.strip()),
        LinkPart(label="Start a return", url=RETURN_URL),
        TextPart(text=long_prose.strip()),
    ]

    body = render(parts, Channel.SMS)["body"]

    assert len(body) <= SMS_BODY_LIMIT
    assert body.startswith(first.strip())
    assert ORDER_URL in body
    assert f"Start a return: {RETURN_URL}" in body
    assert body.endswith(f"Start a return: {RETURN_URL}")  # the last prose paragraph went
    assert "..." in body  # the middle one was cut at a word
    assert sms_encoding(body) == "GSM-7"  # the ellipsis does not force UCS-2


def test_cap_never_cuts_a_url_inside_prose() -> None:
    with_url = f"See {RETURN_URL} for the form. " + "Padding words here. " * 60
    paragraphs = [
        Paragraph("Opening line. " * 20, Priority.PROSE),
        Paragraph(with_url, Priority.PROSE),
    ]

    body = fit_sms_body(paragraphs, limit=1300)

    assert with_url in body
    assert len(body) <= 1300


def test_cap_touches_notices_only_after_prose() -> None:
    notice = HandoffNoticePart(
        text="A teammate will take it from here.", reason="r", expected_reply="within 2 hours"
    )
    body = render([TextPart(text="word " * 400), notice], Channel.SMS)["body"]
    assert len(body) <= SMS_BODY_LIMIT
    assert body.endswith("A teammate will take it from here.\nExpected reply: within 2 hours")


def test_short_body_is_left_alone() -> None:
    paragraphs = [Paragraph("Hello.", Priority.PROSE), Paragraph("1) Yes\n2) No", Priority.NOTICE)]
    assert fit_sms_body(paragraphs) == "Hello.\n\n1) Yes\n2) No"


def test_a_paragraph_too_short_to_cut_is_dropped() -> None:
    paragraphs = [Paragraph("k" * 90, Priority.PROSE), Paragraph("z" * 30, Priority.PROSE)]
    assert fit_sms_body(paragraphs, limit=100) == "k" * 90
