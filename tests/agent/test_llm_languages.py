"""Languages: detected offline, kept across a conversation, and the offline brain's templates
in Danish, Norwegian, Polish, Ukrainian and Chinese (plus German and Swedish)."""

from __future__ import annotations

from string import Formatter

import pytest

from agent.brain.base import ComposeContext
from agent.brain.language import detect_language, plainly_english
from agent.brain.offline import OfflineBrain
from agent.brain.templates import TEMPLATES
from agent.brain.translations import LOCALISED
from agent.runtime import Runtime
from knowledge_base.embedder import Embedder
from skills.parts import Channel, HandoffNoticePart, LoginPromptPart, TextPart
from tests.agent.llm_helpers import EXAMPLES
from tests.scenarios.chat import Shopper, of_type, text_of

REQUIRED = ["da", "nb", "pl", "uk", "zh"]
GREETINGS = {"da": "Hej", "nb": "Hei", "pl": "Cześć!", "uk": "Привіт", "zh": "你好"}
ASTRID = "astrid.nielsen@example.com"
STORE = "Fjord & Fell"


@pytest.mark.parametrize(("text", "language"), [
    ("I want to change my order", "en"),
    ("Jeg vil gerne ændre min ordre", "da"),
    ("Hei, jeg trenger hjelp med bestillingen min", "nb"),
    ("Chcę zmienić zamówienie", "pl"),
    ("Хочу змінити замовлення", "uk"),
    ("我想修改我的订单", "zh"),
    ("Ich möchte meine Bestellung ändern", "de"),
    ("Jag vill ändra min beställning", "sv"),
    ("hej", "da"),
    ("ok", None),
    ("123 456", None),
    ("astrid.nielsen@example.com", None),
    ("Talk to a person", None),
])
def test_language_detection(text: str, language: str | None) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(("text", "plain"), [
    ("I want to change the address on my order", True),
    ("where is my parcel, it was due on Monday", True),
    ("Talk to a person", False),
    ("Jeg vil gerne have min pakke", False),
    ("Hvor er min ordre henne nu", False),
    ("Ich will das nicht mehr haben", False),
    ("Jag vill ha min beställning", False),
    ("Bestellung Lieferung Adresse ändern bitte", False),
    ("Please cancel it, thanks so much", False),
])
def test_plain_english_is_told_without_the_models(text: str, plain: bool) -> None:
    words = [w.lower() for w in text.replace(",", " ").split()]
    assert plainly_english(text, words) is plain


def test_every_language_covers_the_greeting_handoff_and_identity_messages() -> None:
    wanted = {"greeting", "handoff.notice"} | {k for k in TEMPLATES if k.startswith("identity.")}
    for language in REQUIRED:
        table = LOCALISED[language]
        assert wanted <= set(table), language
        for key, text in table.items():
            english = TEMPLATES[key]
            assert sorted(_fields(text)) == sorted(_fields(english)), (language, key)
            assert text != english


def _fields(template: str) -> list[str]:
    return [f for _, f, _, _ in Formatter().parse(template) if f]


@pytest.fixture(scope="module")
def brain(embedder: Embedder) -> OfflineBrain:
    return OfflineBrain(embedder, EXAMPLES)


@pytest.mark.parametrize("language", REQUIRED)
def test_the_offline_brain_puts_prompts_and_notices_into_the_language(
        brain: OfflineBrain, language: str) -> None:
    code_sent = brain.phrase("identity.code_sent", {"masked": "a***@example.com"})
    notice = brain.phrase("handoff.notice", {"expected": "within 1 business day"})
    parts = [LoginPromptPart(text=code_sent.text),
             HandoffNoticePart(text=notice.text, reason="asked",
                               expected_reply="within 1 business day"),
             brain.phrase("greeting", {"store": STORE})]

    composed = brain.compose(parts, ComposeContext(channel=Channel.SMS, language=language))

    table = LOCALISED[language]
    assert [getattr(p, "text", None) for p in composed.parts] == [
        table["identity.code_sent"].format(masked="a***@example.com"),
        table["handoff.notice"].format(expected="within 1 business day"),
        table["greeting"].format(store=STORE)]
    assert composed.model_calls == []


def test_english_and_uncovered_languages_stay_english(brain: OfflineBrain) -> None:
    parts = [brain.phrase("greeting", {"store": STORE}),
             brain.phrase("orders.which", {})]
    for language in ("en", "fr"):
        composed = brain.compose(list(parts), ComposeContext(Channel.WEBCHAT, language))
        assert composed.parts == parts


@pytest.mark.parametrize("language", REQUIRED)
def test_a_conversation_greets_verifies_and_hands_off_in_its_language(
        runtime: Runtime, language: str) -> None:
    table = LOCALISED[language]
    shopper = Shopper(runtime, "webchat")
    greeted = shopper.say(GREETINGS[language])
    assert of_type(greeted, "text")[0]["text"] == table["greeting"].format(store=STORE)

    asked = shopper.say("Change or cancel an order")
    assert of_type(asked, "login_prompt")[0]["text"] == table["identity.ask_contact"]
    sent = shopper.say(ASTRID)
    assert of_type(sent, "login_prompt")[0]["text"] == table["identity.code_maybe_sent"].format(
        email=ASTRID)
    failed = shopper.say("000000")
    assert of_type(failed, "login_prompt")[0]["text"] == table["identity.code_failed"]
    verified = shopper.say_code()
    assert verified.identity == "verified"
    assert text_of(verified).startswith(table["identity.verified"])

    handed = shopper.say("Talk to a person")
    [notice] = of_type(handed, "handoff_notice")
    assert handed.status == "handoff"
    assert notice["text"] in {table[key].format(expected=notice["expected_reply"])
                              for key in ("handoff.notice", "handoff.notice_closed")}


def test_text_without_a_template_is_left_alone(brain: OfflineBrain) -> None:
    loose = TextPart(text="Free text from a skill.")
    composed = brain.compose([loose], ComposeContext(Channel.EMAIL, "da"))
    assert composed.parts == [loose]
