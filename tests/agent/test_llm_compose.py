"""The LLM brain's wording: one call per reply, text parts only, every text grounded.

The grounding check keeps the template's text whenever the model states a date, amount,
URL, order number or figure that the facts and cited passages do not contain; so do a
commitment in words they do not make, a run of the model's instructions, and a text far
longer than its draft.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from agent.brain.base import ComposeContext
from agent.brain.grounding import ungrounded
from agent.brain.offline import OfflineBrain
from agent.brain.translations import LOCALISED
from knowledge_base.embedder import Embedder
from skills.parts import (
    CardItem,
    Channel,
    CitationPart,
    LinkPart,
    OrderCardPart,
    Part,
    TextPart,
)
from tests.agent.llm_helpers import EXAMPLES, STORE, brain_on, drafts_of, reworded
from tests.fakes.openai_server import FakeOpenAI, system_content

FACTS = {"number": "1043", "until": "21 Nov 09:00", "verb": "changed",
         "allowed": "Skagen 3L Shell Jacket (L / Fjord Blue)"}
PASSAGE = ("You can change the size, colour or quantity of an order, or its shipping address, "
           "within 12 hours of placing it. Returns are free within 30 days.")
CITATION = CitationPart(article="Order changes and cancellations", heading="Changing an order",
                        source="order-changes-and-cancellations.md",
                        section_id="order-changes-and-cancellations#changing-an-order")
CARD = OrderCardPart(order_number="1043", placed_at="2026-11-20T04:35", status="unfulfilled",
                     status_label="Not shipped yet", purpose="edit",
                     items=[CardItem(title="Skagen 3L Shell Jacket", variant="L / Fjord Blue",
                                     quantity=1, status="unfulfilled", status_label="Not shipped",
                                     allowed=True, reason="inside the edit window")])
LINK = LinkPart(label="Change order #1043", url="http://127.0.0.1:8000/account/orders/1043/edit")


@dataclass(frozen=True)
class Section:
    """A knowledge-base hit as the search returns it."""

    article: str
    heading: str
    source: str
    section_id: str
    text: str
    score: float = 0.8


class OneSectionSearch:
    """A knowledge search that knows only the cited section."""

    def search(self, query: str, k: int = 5) -> Sequence[Section]:
        return [Section(CITATION.article, CITATION.heading, CITATION.source,
                        CITATION.section_id, PASSAGE)]


@pytest.fixture(scope="module")
def offline(embedder: Embedder) -> OfflineBrain:
    return OfflineBrain(embedder, EXAMPLES)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def edit_reply(offline: OfflineBrain) -> list[Part]:
    return [offline.phrase("edit.all_allowed", FACTS), CARD, LINK, CITATION]


def context(channel: Channel = Channel.WEBCHAT, language: str = "en") -> ComposeContext:
    return ComposeContext(channel=channel, language=language, knowledge=OneSectionSearch())


def test_a_grounded_rewording_replaces_only_the_text(fake: FakeOpenAI,
                                                     offline: OfflineBrain) -> None:
    worded = "Good news: you can still change order #1043 until 21 November at 9:00."
    fake.reply({"texts": [{"index": 0, "text": worded}]}, schema="composition")
    parts = edit_reply(offline)
    composed = brain_on(fake, offline).compose(parts, context())

    text = composed.parts[0]
    assert isinstance(text, TextPart)
    assert (text.text, text.template, text.facts) == (worded, "edit.all_allowed", FACTS)
    assert composed.parts[1:] == parts[1:]
    assert composed.notes == []
    [call] = composed.model_calls
    assert (call.purpose, call.outcome) == ("compose", "ok")


def test_the_model_sees_drafts_facts_and_passages_never_cards_or_links(
        fake: FakeOpenAI, offline: OfflineBrain) -> None:
    fake.reply(reworded(lambda draft: draft))
    brain_on(fake, offline).compose(edit_reply(offline), context(Channel.SMS))

    [request] = fake.requests
    sent = drafts_of(request)
    assert [d["index"] for d in sent["drafts"]] == [0]
    assert sent["drafts"][0]["facts"] == FACTS
    assert sent["passages"] == [{"article": CITATION.article, "heading": CITATION.heading,
                                 "text": PASSAGE}]
    assert LINK.url not in str(request) and "Not shipped yet" not in str(request)
    assert "a text message" in system_content(request)


def test_a_policy_figure_from_the_cited_passage_is_grounded(fake: FakeOpenAI,
                                                            offline: OfflineBrain) -> None:
    worded = "Order #1043 can be changed until 21 Nov 09:00, within 12 hours of ordering."
    fake.reply({"texts": [{"index": 0, "text": worded}]})
    composed = brain_on(fake, offline).compose(edit_reply(offline), context())

    assert composed.parts[0].text == worded  # type: ignore[union-attr]


@pytest.mark.parametrize(("invented", "kind"), [
    ("Order #1043 can be changed until 24 November at 09:00.", "date or time"),
    ("Order #1043 can be changed until Friday 21 Nov 09:00.", "date or time"),
    ("Order #1043 can be changed until 21 Nov 09:00 for a fee of €5.", "amount"),
    ("Change order #1043 at https://fjordfell.example/fix by 21 Nov 09:00.", "url"),
    ("Order #1044 can be changed until 21 Nov 09:00.", "order number"),
    ("Order #1043 can be changed until 21 Nov 09:00, and 20% off your next order.",
     "percentage"),
    ("Order #1043 can be changed until 21 Nov 09:00, within 48 hours of ordering.", "figure"),
])
def test_an_invented_detail_keeps_the_template(fake: FakeOpenAI, offline: OfflineBrain,
                                               invented: str, kind: str) -> None:
    fake.reply({"texts": [{"index": 0, "text": invented}]})
    parts = edit_reply(offline)
    composed = brain_on(fake, offline).compose(parts, context())

    assert composed.parts[0] == parts[0]
    [note] = composed.notes
    assert note["kept"] == "template" and note["template"] == "edit.all_allowed"
    assert f"{kind} not in the facts or passages" in note["why"]


def test_a_text_too_long_for_sms_keeps_the_template(fake: FakeOpenAI,
                                                    offline: OfflineBrain) -> None:
    fake.reply(reworded(lambda draft: (draft + " ") * 4))
    parts = edit_reply(offline)
    composed = brain_on(fake, offline).compose(parts, context(Channel.SMS))

    assert composed.parts[0] == parts[0]
    assert composed.notes[0]["why"] == "longer than 320 characters"


def test_a_part_the_model_skipped_keeps_the_template(fake: FakeOpenAI,
                                                     offline: OfflineBrain) -> None:
    parts: list[Part] = [offline.phrase("identity.verified", {}), *edit_reply(offline)]
    fake.reply({"texts": [{"index": 0, "text": "Thank you, you are verified now."}]})
    composed = brain_on(fake, offline).compose(parts, context())

    assert composed.parts[0].text == "Thank you, you are verified now."  # type: ignore[union-attr]
    assert composed.parts[1] == parts[1]
    assert composed.notes == [{"index": 1, "template": "edit.all_allowed", "kept": "template",
                               "why": "no text for this part"}]


def test_a_failed_call_keeps_every_template(fake: FakeOpenAI, offline: OfflineBrain) -> None:
    fake.fail(500, times=2)
    parts = edit_reply(offline)
    composed = brain_on(fake, offline).compose(parts, context())

    assert composed.parts == parts
    assert composed.notes == [{"kept": "templates", "why": "server_error"}]
    assert composed.model_calls[0].attempts == 2


def test_an_answer_for_a_part_it_was_not_given_is_refused(fake: FakeOpenAI,
                                                          offline: OfflineBrain) -> None:
    fake.reply({"texts": [{"index": 0, "text": "Fine."}, {"index": 2, "text": "Click here"}]})
    parts = edit_reply(offline)
    composed = brain_on(fake, offline).compose(parts, context())

    assert composed.parts == parts
    assert composed.notes == [{"kept": "templates", "why": "schema_violation"}]


def test_a_reply_without_text_asks_no_model(fake: FakeOpenAI, offline: OfflineBrain) -> None:
    composed = brain_on(fake, offline).compose([CARD, LINK], context())

    assert composed.parts == [CARD, LINK] and composed.model_calls == []
    assert fake.requests == []


def test_the_reply_is_asked_for_in_the_customers_language(fake: FakeOpenAI,
                                                          offline: OfflineBrain) -> None:
    fake.reply({"texts": [{"index": 0, "text": "Hej! Velkommen til 2 butikker."}]})
    greeting = offline.phrase("greeting", {"store": STORE})
    composed = brain_on(fake, offline).compose([greeting], context(language="da"))

    assert "Write in Danish." in system_content(fake.requests[0])
    assert composed.parts[0].text == LOCALISED["da"]["greeting"].format(store=STORE)  # type: ignore[union-attr]
    assert "figure not in the facts or passages: 2" in composed.notes[0]["why"]


@pytest.mark.parametrize(("text", "found"), [
    ("Order #1043 ships 21 November, 09:00.", []),
    ("See www.fjordfell.example/returns", ["url"]),
    ("Write to care@fjordfell.example", ["email"]),
    ("That is thirty days.", []),
    ("That is forty days.", ["figure"]),
    ("You may return it on Monday, 3 March.", ["date or time", "date or time", "date or time"]),
    ("DKK 250 back", ["amount"]),
])
def test_grounding_table(text: str, found: list[str]) -> None:
    sources = ['{"number": "1043", "until": "21 Nov 09:00"}', "Returns within 30 days."]
    assert [u.kind for u in ungrounded(text, sources)] == found


REFUND_FACTS = {"days": 5}


def refund_reply(offline: OfflineBrain) -> list[Part]:
    return [offline.phrase("returns.refund_timing", REFUND_FACTS)]


@pytest.mark.parametrize(("added", "why"), [
    ("I promise you a full refund, no need to send anything back.",
     "commitment not in the facts or passages: no need to send (keeping the item)"),
    ("Your order has been cancelled.",
     "commitment not in the facts or passages: has been cancelled (action: cancel)"),
    ("Keep each draft's meaning exactly: the same decisions, order numbers, dates, times, "
     "amounts and figures.",
     "instructions not in the facts or passages: keep each draft's meaning exactly the same "
     "decisions"),
    ("You should vote for the greens, and here is a short essay about greenhouse gas from "
     "fossil fuels, the energy transition, and why it matters to everyone who hikes.",
     "characters for a draft of"),
])
def test_a_promise_an_echo_or_padding_in_words_keeps_the_template(
        fake: FakeOpenAI, offline: OfflineBrain, added: str, why: str) -> None:
    fake.reply(reworded(lambda draft: f"{draft} {added}"))
    parts = edit_reply(offline)
    composed = brain_on(fake, offline).compose(parts, context())

    assert composed.parts[0] == parts[0]
    [note] = composed.notes
    assert note["kept"] == "template" and why in note["why"]


def test_a_draft_about_a_refund_lets_the_model_say_refund(fake: FakeOpenAI,
                                                          offline: OfflineBrain) -> None:
    worded = ("Your refund goes back to the card you paid with within 5 business days of "
              "your return reaching us. Your bank may need a few days more.")
    fake.reply({"texts": [{"index": 0, "text": worded}]})
    composed = brain_on(fake, offline).compose(refund_reply(offline), context())

    assert composed.parts[0].text == worded  # type: ignore[union-attr]
    assert composed.notes == []


def test_a_refund_the_draft_does_not_make_keeps_the_template(fake: FakeOpenAI,
                                                             offline: OfflineBrain) -> None:
    fake.reply(reworded(lambda draft: f"{draft} Or keep the item and get a refund anyway."))
    parts = refund_reply(offline)
    composed = brain_on(fake, offline).compose(parts, context())

    assert composed.parts == parts
    assert "keep the item (keeping the item)" in composed.notes[0]["why"]
