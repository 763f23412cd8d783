"""WhatsApp over Twilio: ``whatsapp:`` addresses and the 24-hour customer service window
(free-form inside it; outside it the template, or a recorded refusal)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agent.outbound import OutgoingMessage
from channels.twilio_rest import whatsapp_text
from channels.twilio_window import OUTSIDE_WINDOW, WhatsAppMode, whatsapp_mode
from tests.channels.twilio_helpers import (  # noqa: F401 (fixtures)
    RETURN_QUESTION,
    SHOPPER,
    TEMPLATE_SID,
    WHATSAPP_FROM,
    AppFactory,
    MovableClock,
    clock_fixture,
    fake_twilio_fixture,
    outbox_rows,
    teammate_reply,
    text_in,
    twilio_app_fixture,
)
from tests.conftest import FIXED_NOW
from tests.fakes.twilio_server import FakeTwilioServer

SENDER = f"whatsapp:{SHOPPER}"
CONVERSATION = f"wa:{SHOPPER}"
TEAM_ANSWER = "Hi, Maja here: your replacement jacket left our warehouse today."


@pytest.mark.parametrize(("since_last", "template", "mode"), [
    (timedelta(0), None, WhatsAppMode.FREE_FORM),
    (timedelta(hours=23, minutes=59), None, WhatsAppMode.FREE_FORM),
    (timedelta(hours=24), None, WhatsAppMode.FREE_FORM),
    (timedelta(hours=24, seconds=1), TEMPLATE_SID, WhatsAppMode.TEMPLATE),
    (timedelta(hours=24, seconds=1), None, WhatsAppMode.REFUSED),
    (None, TEMPLATE_SID, WhatsAppMode.TEMPLATE),  # the customer never wrote
    (None, None, WhatsAppMode.REFUSED),
])
def test_whatsapp_mode(since_last: timedelta | None, template: str | None,
                       mode: WhatsAppMode) -> None:
    last = None if since_last is None else FIXED_NOW - since_last
    assert whatsapp_mode(last, FIXED_NOW, template) is mode


def test_reply_buttons_become_numbered_options_in_the_text() -> None:
    message = OutgoingMessage(id=1, conversation_id=CONVERSATION, channel="whatsapp",
                              recipient=SHOPPER, kind="reply", subject="",
                              body="Which order do you mean?",
                              payload={"buttons": ["#1043", "#1038"]})
    assert whatsapp_text(message) == "Which order do you mean?\n\n1) #1043\n2) #1038"


def test_a_whatsapp_message_is_answered_free_form_on_whatsapp(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer) -> None:
    runtime, client = twilio_app()
    text_in(client, SENDER, RETURN_QUESTION)

    assert [c.id for c in runtime.services.store.conversations()] == [CONVERSATION]
    [sent] = fake_twilio.messages
    assert (sent.to, sent.from_) == (SENDER, f"whatsapp:{WHATSAPP_FROM}")
    assert sent.body is not None and "30 days" in sent.body
    assert sent.content_sid is None


def test_a_teammate_reply_within_24_hours_is_free_form(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer, clock: MovableClock) -> None:
    runtime, client = twilio_app(twilio_whatsapp_template_sid=TEMPLATE_SID)
    text_in(client, SENDER, RETURN_QUESTION)
    clock.advance(hours=23, minutes=59)

    assert teammate_reply(runtime, TEAM_ANSWER, CONVERSATION) == "sent"
    late = fake_twilio.messages[-1]
    assert (late.to, late.body, late.content_sid) == (SENDER, TEAM_ANSWER, None)


def test_after_24_hours_the_template_goes_and_the_reply_waits_for_the_customer(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer, clock: MovableClock) -> None:
    runtime, client = twilio_app(twilio_whatsapp_template_sid=TEMPLATE_SID)
    text_in(client, SENDER, RETURN_QUESTION)
    clock.advance(hours=30)

    assert teammate_reply(runtime, TEAM_ANSWER, CONVERSATION) == "sent"
    template = fake_twilio.messages[-1]
    assert (template.to, template.content_sid, template.body) == (SENDER, TEMPLATE_SID, None)
    assert template.content_variables == {"1": runtime.settings.store_name}
    assert template.status_callback is not None

    clock.advance(hours=2)
    text_in(client, SENDER, "Hi, what's the news?")
    clock.advance(minutes=5)
    text_in(client, SENDER, "thanks")

    delivered = [m for m in fake_twilio.messages if m.body == TEAM_ANSWER]
    assert [m.to for m in delivered] == [SENDER]  # once the window reopened, and only once
    original, followup = (r for r in outbox_rows(runtime, CONVERSATION) if r.body == TEAM_ANSWER)
    assert (original.provider_id, followup.provider_id) == (template.sid, delivered[0].sid)
    assert followup.message_id == original.message_id  # the teammate's message tracks the text

def test_after_24_hours_without_a_template_the_reply_is_refused_and_recorded(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer, clock: MovableClock) -> None:
    runtime, client = twilio_app()
    text_in(client, SENDER, RETURN_QUESTION)
    clock.advance(days=3)

    assert teammate_reply(runtime, TEAM_ANSWER, CONVERSATION) == "failed"
    row = outbox_rows(runtime, CONVERSATION)[-1]
    assert (row.body, row.state, row.last_error) == (TEAM_ANSWER, "failed", OUTSIDE_WINDOW)
    assert len(fake_twilio.attempts) == 1  # the agent's first reply; nothing after
