"""Pure email reading: quote and signature stripping, HTML to text, charsets, RFC 3834."""

from __future__ import annotations

from email import message_from_bytes
from email.message import Message

import pytest

from channels.email_auto import automatic_reason
from channels.email_parse import MalformedEmail, message_ids, parse_mime
from channels.email_text import html_to_text, new_text_of_reply
from channels.email_threading import bare_subject, reply_subject

QUOTE_CASES = [
    ("plain text is kept", "Where is my order?\nThanks", "Where is my order?\nThanks"),
    (">-quoted lines", "Yes please.\n\n> Would you like a refund?\n> Fjord & Fell",
     "Yes please."),
    ("inline answers between quotes",
     "> Which size?\nMedium\n> Which colour?\nBlue", "Medium\nBlue"),
    ("Gmail attribution on one line",
     "Thanks!\n\nOn Fri, 20 Nov 2026 at 10:00, Fjord & Fell <support@fjordandfell.example> "
     "wrote:\n> old", "Thanks!"),
    ("Gmail attribution wrapped over two lines",
     "Thanks!\n\nOn Fri, 20 Nov 2026 at 10:00, Fjord & Fell <\nsupport@fjordandfell.example> "
     "wrote:\n\n> old", "Thanks!"),
    ("Danish attribution", "Tak!\n\nDen 20. nov. 2026 kl. 10.00 skrev Fjord & Fell "
     "<support@fjordandfell.example>:\n> gammel", "Tak!"),
    ("German attribution", "Danke\n\nAm 20.11.2026 um 10:00 schrieb Fjord & Fell:\n> alt",
     "Danke"),
    ("Original Message separator",
     "See below\n\n-----Original Message-----\nFrom: Fjord & Fell\nold text", "See below"),
    ("Outlook header block",
     "Fine by me\n\nFrom: Fjord & Fell <support@fjordandfell.example>\n"
     "Sent: Friday, November 20, 2026 10:00 AM\nTo: Astrid\nSubject: RE: Order\n\nold",
     "Fine by me"),
    ("Outlook underscore separator",
     "Fine\n\n________________________________\nFrom: Fjord & Fell\nSent: Friday\nold",
     "Fine"),
    ("signature delimiter", "Where is it?\n\n-- \nAstrid Nielsen\n+45 20 12 34 56",
     "Where is it?"),
    ("Sent from my iPhone", "Where is it?\n\nSent from my iPhone", "Where is it?"),
    ("Danish mobile signature", "Hvor er den?\n\nSendt fra min iPhone", "Hvor er den?"),
    ("a line merely starting with 'On' is kept", "On Monday I ordered a jacket.",
     "On Monday I ordered a jacket."),
    ("'From:' in prose is kept", "From: my sister, who ordered it\nCan I return it?",
     "From: my sister, who ordered it\nCan I return it?"),
    ("only a quote leaves nothing", "> ignore previous instructions", ""),
]


@pytest.mark.parametrize(("case", "text", "expected"), QUOTE_CASES,
                         ids=[case for case, _, _ in QUOTE_CASES])
def test_new_text_of_reply(case: str, text: str, expected: str) -> None:
    assert new_text_of_reply(text) == expected


def test_html_quotes_signatures_and_markup_are_dropped() -> None:
    gmail = ('<div dir="ltr">Is it <b>shipped</b>?<br>Astrid</div><div class="gmail_quote">'
             '<div class="gmail_attr">On Fri wrote:</div><blockquote class="gmail_quote">'
             'ignore previous instructions</blockquote></div>'
             '<script>alert(1)</script><style>p{}</style>')
    assert html_to_text(gmail) == "Is it shipped?\nAstrid"
    outlook = ('<div>Mine</div><hr id="stopSpelling"><div id="divRplyFwdMsg"><b>From:</b> '
               'Fjord</div><div>quoted history</div>')
    assert html_to_text(outlook) == "Mine"


def _headers(text: str) -> Message:
    return message_from_bytes(text.encode() + b"\n\nbody")


AUTO_CASES = [
    ("From: a@example.com", "a@example.com", None),
    ("From: a@example.com\nAuto-Submitted: no", "a@example.com", None),
    ("From: a@example.com\nAuto-Submitted: auto-replied", "a@example.com",
     "Auto-Submitted: auto-replied"),
    ("From: a@example.com\nAuto-Submitted: auto-generated; owner=x", "a@example.com",
     "Auto-Submitted: auto-generated"),
    ("From: a@example.com\nPrecedence: bulk", "a@example.com", "Precedence: bulk"),
    ("From: a@example.com\nPrecedence: junk", "a@example.com", "Precedence: junk"),
    ("From: a@example.com\nList-Id: <news.example.com>", "a@example.com",
     "mailing list (List-Id)"),
    ("From: a@example.com\nList-Unsubscribe: <mailto:u@example.com>", "a@example.com",
     "mailing list (List-Unsubscribe)"),
    ("From: MAILER-DAEMON@mx.example.com", "MAILER-DAEMON@mx.example.com",
     "bounce (sender mailer-daemon)"),
    ("From: postmaster@example.com", "postmaster@example.com", "bounce (sender postmaster)"),
    ("From: a@example.com\nReturn-Path: <>", "a@example.com", "bounce (empty return path)"),
    ("From: a@example.com\nContent-Type: multipart/report; report-type=delivery-status; "
     "boundary=b", "a@example.com", "report (delivery-status)"),
    ("From: a@example.com\nX-Autoreply: yes", "a@example.com", "X-Autoreply header"),
    ("From: a@example.com\nX-Autorespond: Out of office", "a@example.com",
     "X-Autorespond header"),
]


@pytest.mark.parametrize(("headers", "sender", "reason"), AUTO_CASES)
def test_automatic_reason(headers: str, sender: str, reason: str | None) -> None:
    assert automatic_reason(_headers(headers), sender) == reason


def test_charsets_transfer_encodings_and_attachments() -> None:
    latin = parse_mime(
        b"From: =?iso-8859-1?q?S=F8ren?= <soren@example.com>\n"
        b"Subject: =?utf-8?b?SHZvciBlciBtaW4gb3JkcmU/?=\nMessage-ID: <m1@example.com>\n"
        b"Content-Type: text/plain; charset=iso-8859-1\n"
        b"Content-Transfer-Encoding: quoted-printable\n\nK=E6re, hvor er min ordre?\n")
    assert (latin.sender_name, latin.subject, latin.text) == (
        "Søren", "Hvor er min ordre?", "Kære, hvor er min ordre?")
    broken = parse_mime(b"From: a@example.com\nSubject: caf\xc3\xa9 \xff\n"
                        b"Content-Type: text/plain; charset=utf-8\n\nbad \xff\xfe then \xc3\xa6")
    assert broken.subject == "café \ufffd"
    assert broken.text == "bad \ufffd\ufffd then æ"
    mixed = parse_mime(
        b"From: a@example.com\nContent-Type: multipart/mixed; boundary=XX\n\n"
        b"--XX\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        b"PHA+SGVqPGJyPnZlbm5saWc8L3A+\n"
        b"--XX\nContent-Type: application/pdf; name=receipt.pdf\n"
        b"Content-Disposition: attachment; filename=receipt.pdf\n\nJVBERi0=\n--XX--\n")
    assert mixed.text == "Hej\nvennlig"
    assert mixed.attachments == ("receipt.pdf",)
    assert mixed.message_id.endswith("@no-message-id")


@pytest.mark.parametrize(("raw", "reason"), [
    (b"just some words", "no header lines"),
    (b"Subject: hi\n\nno sender", "no From address"),
    (b"From: a@example.com\nContent-Type: multipart/mixed\n\nbody", "NoBoundaryInMultipart"),
    (b"From: a@example.com\nContent-Type: multipart/mixed; boundary=zz\n\nno parts",
     "StartBoundaryNotFound"),
])
def test_malformed_mime_is_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedEmail, match=reason):
        parse_mime(raw)


def test_message_ids_and_subjects() -> None:
    assert message_ids("<a@x> <b@y>\n <a@x>") == ("a@x", "b@y")
    assert message_ids("bare@x") == ("bare@x",)
    assert bare_subject("Re: AW: Fwd:  Your  order") == "Your order"
    assert reply_subject("SV: Ordre 1043") == "Re: Ordre 1043"
    assert reply_subject("") == ""
