"""Offline routing in the agent's other languages: held-out requests reach their skill,
messages that ask for nothing are not routed, and the menu speaks the shopper's language."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from agent.brain.offline import Localiser, OfflineBrain
from agent.brain.router import EmbeddingRouter
from agent.brain.templates import TEMPLATES
from agent.brain.translated_examples import (
    TRANSLATED_EXAMPLES,
    mentions_a_request,
    not_a_request_examples,
    translated_examples,
)
from knowledge_base.embedder import Embedder
from skills.parts import QuickRepliesPart, QuickReply, TextPart
from skills.registry import default_skills

ROUTING_SUITE = (Path(__file__).parents[2] / "evals" / "suites" / "routing"
                 / "shopper_utterances.jsonl")
ENGLISH_HELD_OUT = Path(__file__).parent / "data" / "routing.jsonl"
FLOOR = 0.5
ASKING_NOTHING = [
    "Hej, jeg har et spørgsmål om noget", "Jeg ved det ikke", "Kan du hjælpe mig?",
    "Hvad hedder du?", "Kan du hjelpe meg?", "Jag har en fråga", "Hallo, ich habe eine Frage",
    "Wie ist das Wetter heute?", "Kannst du mir helfen?", "Czy możesz mi pomóc?",
    "Dzień dobry, mam pytanie", "Можеш мені допомогти?", "У мене є питання", "你能帮我吗?",
    "我有个问题", "Tak for hjælpen", "Dziękuję bardzo", "Kan du svara på en fråga?",
    "Kan du svare på noe?", "Sie waren sehr nett", "Jeg har 2 spørgsmål",
]


@pytest.fixture(scope="module")
def brain(embedder: Embedder) -> OfflineBrain:
    """The offline brain as the runtime builds it."""
    examples = {s.name: s.examples for s in default_skills()}
    return OfflineBrain(embedder, examples, router=EmbeddingRouter(
        embedder, examples, unrelated=not_a_request_examples(),
        translated=translated_examples(default_skills())))


def held_out() -> list[dict[str, str]]:
    """The routing suite's requests in the other languages (ids start with the language)."""
    rows = [json.loads(line) for line in ROUTING_SUITE.read_text().splitlines() if line.strip()]
    return [row for row in rows if row["id"].split("-")[0] in TRANSLATED_EXAMPLES]


def test_held_out_requests_in_every_language_reach_their_skill(brain: OfflineBrain) -> None:
    names = [s.name for s in default_skills()]
    rows = held_out()
    examples = {e for table in TRANSLATED_EXAMPLES.values() for texts in table.values()
                for e in texts}
    assert not {row["text"] for row in rows} & examples
    right, seen = Counter[str](), Counter[str]()
    for row in rows:
        language = row["id"].split("-")[0]
        understanding = brain.understand(row["text"], names)
        seen[language] += 1
        right[language] += (understanding.skill == row["expected_skill"]
                            and understanding.confidence >= FLOOR)
    assert set(seen) == set(TRANSLATED_EXAMPLES) and min(seen.values()) >= 14
    assert sum(right.values()) / len(rows) >= 0.85, right
    assert all(right[language] / seen[language] >= 0.7 for language in seen), right


@pytest.mark.parametrize("text", ASKING_NOTHING)
def test_a_message_in_another_language_that_asks_for_nothing_is_not_routed(
        brain: OfflineBrain, text: str) -> None:
    assert brain.understand(text, [s.name for s in default_skills()]).confidence < FLOOR


def test_english_requests_route_as_before_beside_the_translated_examples(
        embedder: Embedder, brain: OfflineBrain) -> None:
    english_only = OfflineBrain(embedder, {s.name: s.examples for s in default_skills()})
    names = [s.name for s in default_skills()]
    rows = [json.loads(line) for line in
            ENGLISH_HELD_OUT.read_text().splitlines() if line.strip()]
    both = [(brain.understand(r["text"], names), english_only.understand(r["text"], names))
            for r in rows]
    assert sum(a.skill == b.skill for a, b in both) / len(rows) >= 0.95
    assert sum((a.confidence >= FLOOR) == (b.confidence >= FLOOR)
               for a, b in both) / len(rows) >= 0.95


@pytest.mark.parametrize("text", ["blorf wibble zzz", "qwxz plonk", "lorem ipsum dolor"])
def test_gibberish_near_translated_examples_is_not_routed(brain: OfflineBrain,
                                                          text: str) -> None:
    assert brain.understand(text, [s.name for s in default_skills()]).confidence < FLOOR


def test_a_message_matched_only_by_translated_examples_must_name_its_subject(
        embedder: Embedder) -> None:
    router = EmbeddingRouter(embedder, {"returns": ["I want to return my jacket"],
                                        "faq": ["how long does delivery take"]},
                             translated={"returns": ["Jeg vil returnere min jakke",
                                                     "Kan jeg sende jakken retur?"]})
    named = router.route_text("Jeg vil gerne returnere jakken", ["returns", "faq"])
    unnamed = router.route_text("Jeg vil gerne have jakken", ["returns", "faq"])
    assert named.skill == "returns" and named.confidence >= FLOOR
    assert unnamed.skill == "returns" and unnamed.confidence == 0.0


def test_a_message_nearer_to_asking_nothing_than_to_any_skill_has_no_confidence(
        embedder: Embedder) -> None:
    examples = {"returns": ["I want to return my jacket"],
                "order_status": ["where is my parcel"]}
    plain = EmbeddingRouter(embedder, examples)
    guarded = EmbeddingRouter(embedder, examples, unrelated=["thanks a lot", "hello there"])
    assert guarded.route_text("thanks a lot!", list(examples)).confidence == 0.0
    request = "I would like to return the jacket"
    assert guarded.route_text(request, list(examples)).confidence == pytest.approx(
        plain.route_text(request, list(examples)).confidence)


@pytest.mark.parametrize(("text", "asks"), [
    ("Hvor er min pakke?", True), ("Wo ist meine Bestellung?", True),
    ("Gdzie jest moje zamówienie?", True), ("Де моє замовлення?", True), ("我的订单在哪里?", True),
    ("Kan jeg betale med MobilePay?", True), ("Status på 1043?", True),
    ("Kann ich die Adresse ändern?", True), ("帮我接通客服", True),
    ("Kan du hjælpe mig?", False), ("Jag har en fråga", False), ("我有个问题", False),
    ("Wie ist das Wetter heute?", False), ("Kan du svara på en fråga?", False),
    ("Sie waren sehr hilfreich", False), ("In welchen Ländern?", False),
    ("你是人工智能吗?", False), ("Jeg har 2 spørgsmål", False),
])
def test_what_a_request_is_about_is_named_in_any_language(text: str, asks: bool) -> None:
    assert mentions_a_request(text) is asks


def test_the_menu_and_not_sure_are_put_into_the_shoppers_language() -> None:
    menu = QuickRepliesPart(options=[
        QuickReply(label="Where is my order?", value="Where is my order?"),
        QuickReply(label="Talk to a person", value="I want to talk to a person"),
        QuickReply(label="#1043 (12 Nov)", value="#1043")])
    unknown = TextPart(text=TEMPLATES["faq.unknown"], template="faq.unknown", facts={})
    localised = Localiser(TEMPLATES).localise([unknown, menu], "da")
    assert localised[0].text.startswith("Det er jeg ikke sikker på")
    assert isinstance(localised[1], QuickRepliesPart)
    assert [(o.label, o.value) for o in localised[1].options] == [
        ("Hvor er min ordre?", "Where is my order?"),
        ("Tal med en medarbejder", "I want to talk to a person"),
        ("#1043 (12 Nov)", "#1043")]
    assert Localiser(TEMPLATES).localise([menu], "en") == [menu]
