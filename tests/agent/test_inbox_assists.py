"""Reply-box assists: the offline rewrites (table-tested), what is unavailable offline and
why, and the model path through the real ``openai`` client against the loopback fake."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from agent.inbox_assists import NEEDS_MODEL, Assists, DraftFacts, UnknownAssist, offline_draft
from agent.inbox_transforms import fix_grammar, friendlier, more_concise, more_formal
from tests.fakes.openai_server import FakeOpenAI, system_content, user_content

FACTS = DraftFacts(store_name="Fjord & Fell", customer_name="Astrid Holm",
                   last_customer_text="where is my order 1042?", skill="order_status",
                   order_number="1042")

TRANSFORMS: list[tuple[Callable[[str], str], str, str]] = [
    (fix_grammar, "hi, i recieve teh the package  tomorow .thanks",
     "Hi, I receive the package tomorrow. Thanks."),
    (fix_grammar, "your refund was payed yesterday", "Your refund was paid yesterday."),
    (fix_grammar, "we ship to norway , sweden and denmark!", "We ship to norway, sweden and "
     "denmark!"),
    (fix_grammar, "Already correct.", "Already correct."),
    (more_formal, "Hi! We can't ship it, it's gone! Thanks", "Hello. We cannot ship it, it is "
     "gone. Thank you"),
    (more_formal, "I'm sure you'll love it. We won't charge you.",
     "I am sure you will love it. We will not charge you."),
    (more_formal, "Yeah, that's fine, we'll send it asap!!",
     "Yes, that is fine, we will send it as soon as possible."),
    (friendlier, "We do not have it in stock. I will check again tomorrow.",
     "Hi there! We don't have it in stock. I'll check again tomorrow. Thanks so much for "
     "your patience!"),
    (friendlier, "Hello Astrid, thank you for waiting. It is on its way.",
     "Hello Astrid, thank you for waiting. It's on its way."),
    (more_concise, "I just wanted to let you know that we are basically shipping it in "
     "order to help. Please note that it is very late.",
     "We are shipping it to help. It is late."),
    (more_concise, "Due to the fact that the parcel is late, at this point in time we "
     "refund.", "Because the parcel is late, now we refund."),
]


@pytest.mark.parametrize(("transform", "text", "expected"), TRANSFORMS)
def test_offline_rewrites(transform: Callable[[str], str], text: str, expected: str) -> None:
    assert transform(text) == expected


def test_offline_assists_say_what_needs_a_model() -> None:
    menu = {item["name"]: item["unavailable"] for item in Assists().menu()}
    assert menu == {"draft": None, "grammar": None, "friendlier": None, "formal": None,
                    "concise": None, "translate": NEEDS_MODEL}
    result = Assists().run("translate", "hello", FACTS, language="da")
    assert result.text is None and result.unavailable == NEEDS_MODEL


def test_offline_draft_uses_the_skill_and_the_order_number() -> None:
    draft = Assists().run("draft", "", FACTS)
    assert draft.source == "offline"
    assert draft.text == offline_draft(FACTS)
    assert draft.text is not None and draft.text.startswith("Hi Astrid,")
    assert "order #1042" in draft.text and "Fjord & Fell team" in draft.text
    anonymous = offline_draft(DraftFacts(store_name="Shop"))
    assert anonymous.startswith("Hi there,") and "#" not in anonymous


def test_unknown_assists_and_languages_are_refused() -> None:
    with pytest.raises(UnknownAssist):
        Assists().run("shout", "hi", FACTS)
    with pytest.raises(UnknownAssist):
        Assists().run("translate", "hi", FACTS, language="klingon")


@pytest.fixture
def model_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[FakeOpenAI], Assists]:
    def assists_on(fake: FakeOpenAI) -> Assists:
        monkeypatch.setenv("CUSTOMER_AGENT_LLM_BASE_URL", fake.url)
        monkeypatch.setenv("CUSTOMER_AGENT_LLM_API_KEY", "sk-test-not-a-real-key")
        monkeypatch.setenv("CUSTOMER_AGENT_LLM_MODEL", "fake-model")
        monkeypatch.setenv("CUSTOMER_AGENT_LLM_MAX_RETRIES", "0")
        return Assists.for_brain("llm")
    return assists_on


def test_with_a_model_translate_is_one_call(model_env: Callable[[FakeOpenAI], Assists]) -> None:
    with FakeOpenAI() as fake:
        fake.reply({"text": "Din pakke er på vej."}, schema="assist")
        assists = model_env(fake)
        assert all(item["unavailable"] is None for item in assists.menu())
        result = assists.run("translate", "Your parcel is on its way.", FACTS, language="da")
        assert (result.text, result.source) == ("Din pakke er på vej.", "model")
        request = fake.requests[0]
        assert "Danish" in system_content(request)
        assert json.loads(user_content(request)) == {"text": "Your parcel is on its way."}


def test_a_model_draft_is_given_the_facts(model_env: Callable[[FakeOpenAI], Assists]) -> None:
    with FakeOpenAI() as fake:
        fake.reply({"text": "Hi Astrid, I'm checking order 1042 now."}, schema="assist")
        result = model_env(fake).run("draft", "", FACTS)
        assert result.source == "model"
        sent = json.loads(user_content(fake.requests[0]))
        assert sent["order_number"] == "1042" and sent["skill"] == "order_status"
        assert sent["customer_message"] == "where is my order 1042?"


def test_a_failing_model_falls_back_or_says_why(
        model_env: Callable[[FakeOpenAI], Assists]) -> None:
    with FakeOpenAI() as fake:
        fake.fail(500, times=2)
        assists = model_env(fake)
        formal = assists.run("formal", "We can't!", FACTS)
        assert (formal.text, formal.source) == ("We cannot.", "offline")
        assert formal.note is not None and "server_error" in formal.note
        translate = assists.run("translate", "Hello", FACTS, language="de")
        assert translate.text is None
        assert translate.unavailable is not None and "server_error" in translate.unavailable
