"""The scripted fake itself: it speaks chat completions to the real client and fails tests
that call it beyond its script, leave steps unused, or send unstructured requests."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from tests.fakes.openai_server import FakeOpenAI

SCHEMA: dict[str, Any] = {"type": "json_schema", "json_schema": {
    "name": "understanding", "strict": True,
    "schema": {"type": "object", "properties": {"skill": {"type": "string"}}}}}


def ask(fake: FakeOpenAI, **extra: Any) -> Any:
    client = openai.OpenAI(api_key="k", base_url=fake.url, max_retries=0, timeout=2)
    return client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}], **extra)


def test_it_answers_with_structured_content_and_usage() -> None:
    with FakeOpenAI() as fake:
        fake.reply({"skill": "faq"}, schema="understanding")
        completion = ask(fake, response_format=SCHEMA)

    assert json.loads(completion.choices[0].message.content or "") == {"skill": "faq"}
    assert completion.usage is not None and completion.usage.total_tokens > 0


def test_a_scripted_error_reaches_the_client_as_that_status() -> None:
    with FakeOpenAI() as fake:
        fake.fail(429)
        with pytest.raises(openai.RateLimitError):
            ask(fake, response_format=SCHEMA)


def test_a_call_beyond_the_script_fails_the_test() -> None:
    fake = FakeOpenAI()
    with (pytest.raises(AssertionError, match="called beyond its script"), fake,
          pytest.raises(openai.InternalServerError)):
        ask(fake, response_format=SCHEMA)


def test_an_unused_step_fails_the_test() -> None:
    fake = FakeOpenAI()
    with pytest.raises(AssertionError, match="1 scripted step"), fake:
        fake.reply({"skill": "faq"})


@pytest.mark.parametrize(("extra", "problem"), [
    ({}, "not a json_schema structured-output request"),
    ({"response_format": {**SCHEMA, "json_schema": {**SCHEMA["json_schema"],
                                                     "name": "composition"}}},
     "asked for schema 'composition'"),
])
def test_a_request_off_the_script_fails_the_test(extra: dict[str, Any], problem: str) -> None:
    fake = FakeOpenAI()
    with pytest.raises(AssertionError, match=problem), fake:
        fake.reply({"skill": "faq"}, schema="understanding")
        ask(fake, **extra)
