"""Satisfaction: a closed conversation asks for a 1-5 rating on its own channel, and the
answer (a digit, a chip, or a signed email link confirmed by a button) is stored with it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from agent.app import create_app
from agent.cli import main
from agent.runtime import Runtime
from agent.satisfaction import (
    close_conversation,
    close_idle_conversations,
    parse_digit_rating,
)
from tests.conftest import RuntimeFactory, cli_location
from tests.scenarios.chat import Shopper, of_type, text_of

RATING_LINK = re.compile(r"(/rate/[^/\s]+/[0-9a-f]{32})\?score=(\d)")


def close(runtime: Runtime, conversation_id: str) -> int:
    return main([*cli_location(runtime), "conversations", "close",
                 conversation_id])


def rating_asks(runtime: Runtime, conversation_id: str) -> list[tuple[str, str, str]]:
    return [(m.channel, m.recipient, m.body) for m in runtime.services.store.outbox()
            if m.conversation_id == conversation_id and m.kind == "rating_request"]


@pytest.mark.parametrize(("text", "score"), [
    ("4", 4), (" 5 ", 5), ("5 stars", 5), ("3/5", 3), ("1.", 1), ("2 ⭐⭐", 2),
    ("6", None), ("0", None), ("45", None), ("4 but the parcel was late", None),
    ("my order 4", None), ("", None)])
def test_a_digit_reply_is_read_as_a_rating_only_when_it_is_one(
        text: str, score: int | None) -> None:
    assert parse_digit_rating(text) == score


def test_an_sms_conversation_is_asked_on_close_and_the_digit_reply_is_the_rating(
        runtime: Runtime) -> None:
    shopper = Shopper(runtime, "sms", sender="+4520123456")
    shopper.say("how long do I have to return something?")
    assert close(runtime, shopper.conversation_id) == 0
    ((channel, recipient, body),) = rating_asks(runtime, shopper.conversation_id)
    assert (channel, recipient) == ("sms", "+4520123456")
    assert "Reply with a number from 1 (poor) to 5 (great)" in body
    thanked = shopper.say("4")
    assert "4 out of 5" in text_of(thanked)
    assert [step["node"] for step in thanked.trace] == ["intake"]
    conversation = runtime.services.store.conversation(shopper.conversation_id)
    assert conversation is not None and (conversation.rating, conversation.status) == (
        4, "closed")
    again = shopper.say("5")
    assert again.trace[0]["node"] == "intake" and len(again.trace) > 1
    conversation = runtime.services.store.conversation(shopper.conversation_id)
    assert conversation is not None and conversation.rating == 4


def test_closing_twice_asks_once_and_a_preview_conversation_is_never_asked(
        runtime: Runtime) -> None:
    shopper = Shopper(runtime, "sms", sender="+4520123456")
    shopper.say("what are your opening hours?")
    close(runtime, shopper.conversation_id)
    close(runtime, shopper.conversation_id)
    assert len(rating_asks(runtime, shopper.conversation_id)) == 1
    preview = Shopper(runtime, "sms", sender="+4520123457")
    preview.conversation_id = "preview-abc"
    preview.say("what are your opening hours?")
    close(runtime, "preview-abc")
    assert rating_asks(runtime, "preview-abc") == []


def test_a_webchat_visitor_gets_rating_chips_and_a_chip_answer_is_the_rating(
        runtime: Runtime) -> None:
    shopper = Shopper(runtime, "webchat")
    shopper.say("do you ship to Norway?")
    close(runtime, shopper.conversation_id)
    assert rating_asks(runtime, shopper.conversation_id) == []
    ask = runtime.services.store.transcript(shopper.conversation_id)[-1]
    chips = [p for p in ask["parts"] if p["type"] == "quick_replies"]
    assert [o["value"] for o in chips[0]["options"]] == ["1", "2", "3", "4", "5"]
    thanked = shopper.say("5")
    assert of_type(thanked, "text") and "5 out of 5" in text_of(thanked)
    conversation = runtime.services.store.conversation(shopper.conversation_id)
    assert conversation is not None and conversation.rating == 5


def test_a_webchat_visitor_who_left_is_asked_by_email(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "webchat")
    shopper.say("do you ship to Norway?")
    services = runtime.services
    services.store.update_conversation(shopper.conversation_id, services.clock.now(),
                                       visitor_online=False, contact_email="ann@example.org")
    close(runtime, shopper.conversation_id)
    ((channel, recipient, body),) = rating_asks(runtime, shopper.conversation_id)
    assert (channel, recipient) == ("email", "ann@example.org")
    assert len(RATING_LINK.findall(body)) == 5


def test_an_email_rating_link_records_only_when_confirmed_and_only_when_signed(
        runtime: Runtime) -> None:
    shopper = Shopper(runtime, "email", sender="ann@example.org")
    shopper.say("do you ship to Norway?")
    services = runtime.services
    close_conversation(services.store, services.outbound, runtime.settings,
                       shopper.conversation_id, services.clock.now(), "test")
    ((_, _, body),) = rating_asks(runtime, shopper.conversation_id)
    links = dict((int(score), path) for path, score in RATING_LINK.findall(body))
    client = TestClient(create_app(runtime))
    page = client.get(f"{links[2]}?score=2")
    assert page.status_code == 200 and "Send my rating" in page.text
    store = runtime.services.store
    conversation = store.conversation(shopper.conversation_id)
    assert conversation is not None and conversation.rating is None
    forged = links[2][:-4] + "beef"
    assert client.post(forged, data={"score": "5"}).status_code == 403
    assert client.post(links[2], data={"score": "9"}).status_code == 422
    other = Shopper(runtime, "email", sender="bob@example.org")
    other.say("hello")
    stolen = links[2].replace(shopper.conversation_id, other.conversation_id)
    assert client.post(stolen, data={"score": "1"}).status_code == 403
    done = client.post(links[2], data={"score": "2", "comment": "Slow <b>answer</b>"})
    assert done.status_code == 200 and "2 of 5" in done.text
    conversation = store.conversation(shopper.conversation_id)
    assert conversation is not None
    assert (conversation.rating, conversation.rating_comment) == (2, "Slow <b>answer</b>")
    untouched = store.conversation(other.conversation_id)
    assert untouched is not None and untouched.rating is None


def test_quiet_resolved_conversations_are_closed_and_asked_but_not_handed_off_ones(
        make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime()
    resolved = Shopper(runtime, "sms", sender="+4520000001")
    resolved.say("how long do I have to return something?")
    handed = Shopper(runtime, "sms", sender="+4520000002")
    handed.say("I want to talk to a person")
    services = runtime.services
    soon = services.clock.now() + timedelta(hours=1)
    assert close_idle_conversations(services.store, services.outbound, services.settings,
                                    soon) == []
    later = services.clock.now() + timedelta(hours=25)
    assert close_idle_conversations(services.store, services.outbound, services.settings,
                                    later) == [resolved.conversation_id]
    assert len(rating_asks(runtime, resolved.conversation_id)) == 1
    assert rating_asks(runtime, handed.conversation_id) == []


def test_auto_close_can_be_turned_off(make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime(auto_close_after_hours=0)
    shopper = Shopper(runtime, "sms", sender="+4520000001")
    shopper.say("how long do I have to return something?")
    services = runtime.services
    assert close_idle_conversations(services.store, services.outbound, services.settings,
                                    services.clock.now() + timedelta(days=30)) == []


def test_closing_an_unknown_conversation_is_a_clear_error(runtime: Runtime) -> None:
    assert close(runtime, "no-such-thread") == 2
    with pytest.raises(Exception, match="no conversation"):
        close_conversation(runtime.services.store, runtime.services.outbound,
                           runtime.settings, "no-such-thread", runtime.services.clock.now(),
                           "test")
