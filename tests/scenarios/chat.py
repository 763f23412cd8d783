"""A test shopper: takes turns through the real engine and reads codes from the outbox."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from agent.commerce.demo import DEMO_CASES
from agent.runtime import Runtime
from agent.turns import InboundMessage, TurnResult
from skills.parts import Channel

CHANNELS = [c.value for c in Channel]
CODE_IN_BODY = re.compile(r"code is (\d{6})")


class Shopper:
    """One conversation with the agent on one channel."""

    def __init__(self, runtime: Runtime, channel: str, *, as_email: str | None = None,
                 verified_email: str | None = None, sender: str | None = None) -> None:
        self.runtime = runtime
        self.channel = channel
        self.as_email = as_email
        self.sender = sender
        self.conversation_id = f"t-{uuid.uuid4().hex[:10]}"
        self.token: str | None = None
        if verified_email is not None:
            customer = runtime.services.source.customer_by_email(verified_email)
            assert customer is not None, verified_email
            self.token = runtime.services.tokens.issue(customer.id, runtime.services.clock.now())

    def say(self, text: str) -> TurnResult:
        """One turn."""
        return self.runtime.turns.handle(InboundMessage(
            conversation_id=self.conversation_id, channel=Channel(self.channel), text=text,
            claimed_email=self.as_email, storefront_token=self.token, sender=self.sender))

    def latest_code(self) -> str:
        """The last one-time code the agent sent in this conversation."""
        for message in reversed(self.runtime.services.store.outbox()):
            if message.conversation_id == self.conversation_id and message.kind == "one_time_code":
                match = CODE_IN_BODY.search(message.body)
                assert match is not None
                return match.group(1)
        raise AssertionError("no code was sent in this conversation")

    def say_code(self) -> TurnResult:
        """Answer with the code from the outbox."""
        return self.say(self.latest_code())


def verified(runtime: Runtime, case: str, channel: str) -> tuple[Shopper, str]:
    """A shopper with a signed storefront session, and the order number of a demo case."""
    email, number = DEMO_CASES[case]
    return Shopper(runtime, channel, verified_email=email), number


def types(result: TurnResult) -> list[str]:
    """The part types of a reply, in order."""
    return [p["type"] for p in result.parts]


def of_type(result: TurnResult, part_type: str) -> list[dict[str, Any]]:
    """The parts of one type."""
    return [p for p in result.parts if p["type"] == part_type]


def text_of(result: TurnResult) -> str:
    """All text parts of a reply, joined."""
    return " ".join(p["text"] for p in of_type(result, "text"))


def everything_shown(result: TurnResult) -> str:
    """Parts and the rendered payload as one string: what could reach the shopper."""
    return json.dumps({"parts": result.parts, "rendered": result.rendered.payload},
                      ensure_ascii=False)


def urls_shown(result: TurnResult) -> list[str]:
    """Every URL in link parts and card actions."""
    urls = [p["url"] for p in of_type(result, "link")]
    for card in of_type(result, "order_card"):
        urls += [a["url"] for a in card["actions"]]
    return urls
