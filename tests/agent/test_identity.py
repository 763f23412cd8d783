"""Identity: signed storefront tokens, one-time codes on the real store, masking.

Tokens are checked against every way a string can be wrong (none raises, all answer
None). One-time codes run on the real ``ConversationStore`` over a SQLite file, so
expiry, attempts, replacement and hashing are what the database actually keeps.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from agent import identity
from agent.code_store import OneTimeCode
from agent.conversations import ConversationStore
from agent.db import make_engine
from agent.identity import (
    CODE_TTL,
    MAX_CODE_ATTEMPTS,
    OneTimeCodes,
    StorefrontTokens,
    mask_email,
    mask_phone,
)

SECRET = b"test-secret"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed(payload: bytes, secret: bytes = SECRET, version: str = "v1") -> str:
    """A token in the documented wire format ``v1.<b64 payload>.<b64 HMAC-SHA256>``."""
    body = b64(payload)
    signature = b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    return f"{version}.{body}.{signature}"


def claims(sub: object = "cust-1", exp: object = None) -> bytes:
    expires = int((NOW + timedelta(hours=1)).timestamp()) if exp is None else exp
    return json.dumps({"sub": sub, "exp": expires}).encode()


# --- storefront tokens ----------------------------------------------------------------

@pytest.fixture
def tokens() -> StorefrontTokens:
    return StorefrontTokens(SECRET)


def test_token_round_trip(tokens: StorefrontTokens) -> None:
    token = tokens.issue("cust-1", NOW)
    assert token.startswith("v1.")
    assert token.count(".") == 2
    assert tokens.verify(token, NOW) == "cust-1"


def test_tokens_for_different_customers_differ(tokens: StorefrontTokens) -> None:
    first, second = tokens.issue("cust-1", NOW), tokens.issue("cust-2", NOW)
    assert first != second
    assert (tokens.verify(first, NOW), tokens.verify(second, NOW)) == ("cust-1", "cust-2")


@pytest.mark.parametrize(("ttl", "at", "expected"), [
    (timedelta(hours=1), NOW, "cust-1"),
    (timedelta(hours=1), NOW + timedelta(hours=1) - SECOND, "cust-1"),
    (timedelta(hours=1), NOW + timedelta(hours=1), None),
    (timedelta(hours=1), NOW + timedelta(days=1), None),
    (timedelta(minutes=5), NOW + timedelta(minutes=5) - SECOND, "cust-1"),
    (timedelta(minutes=5), NOW + timedelta(minutes=5), None),
    (timedelta(0), NOW, None),
])
def test_token_expiry(tokens: StorefrontTokens, ttl: timedelta, at: datetime,
                      expected: str | None) -> None:
    assert tokens.verify(tokens.issue("cust-1", NOW, ttl), at) == expected


def test_a_token_built_to_the_documented_format_verifies(tokens: StorefrontTokens) -> None:
    assert tokens.verify(signed(claims("cust-9")), NOW) == "cust-9"


def _tamper_payload(token: str) -> str:
    version, _, signature = token.split(".")
    return f"{version}.{b64(claims('cust-2'))}.{signature}"


def _tamper_signature(token: str) -> str:
    head, _, signature = token.rpartition(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{head}.{flipped}"


def _flip_payload_char(token: str) -> str:
    version, payload, signature = token.split(".")
    middle = len(payload) // 2
    swapped = "x" if payload[middle] != "x" else "y"
    return f"{version}.{payload[:middle]}{swapped}{payload[middle + 1:]}.{signature}"


def _wrong_version(token: str) -> str:
    return "v2" + token[2:]


@pytest.mark.parametrize("tamper", [_tamper_payload, _tamper_signature, _flip_payload_char,
                                    _wrong_version, lambda t: t + "x", lambda t: t[:-1],
                                    lambda t: t + ".", lambda t: t.upper()])
def test_tampered_tokens_are_refused(tokens: StorefrontTokens,
                                     tamper: Callable[[str], str]) -> None:
    token = tokens.issue("cust-1", NOW)
    assert tamper(token) != token
    assert tokens.verify(tamper(token), NOW) is None


def test_token_from_another_secret_is_refused(tokens: StorefrontTokens) -> None:
    foreign = StorefrontTokens(b"another-secret").issue("cust-1", NOW)
    assert tokens.verify(foreign, NOW) is None
    assert StorefrontTokens(b"another-secret").verify(foreign, NOW) == "cust-1"


GARBAGE = [
    "", ".", "..", "...", "v1", "v1..", "v1.a.b", "a.b.c.d", "not-a-token", "v1.!!!.???",
    "v1.é.é", "v1.payload.sïgnature", "null", "{}", "v1.%%%%.====", " " * 3, "\x00.\x00.\x00",
    "v1." + "A" * 5000 + ".B",
]


@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_tokens_return_none(tokens: StorefrontTokens, garbage: str) -> None:
    assert tokens.verify(garbage, NOW) is None


# correctly signed, but the claims inside are wrong: still None, never an exception
SIGNED_BAD_CLAIMS = [
    ("not-json", b"hello"),
    ("not-utf8", b"\xff\xfe\xfd"),
    ("json-list", b"[1, 2]"),
    ("json-string", b'"cust-1"'),
    ("json-number", b"42"),
    ("missing-sub", json.dumps({"exp": 9_999_999_999}).encode()),
    ("missing-exp", json.dumps({"sub": "cust-1"}).encode()),
    ("sub-not-a-string", claims(sub=42)),
    ("sub-empty", claims(sub="")),
    ("sub-null", claims(sub=None)),
    ("exp-not-a-number", claims(exp="soon")),
    ("exp-null", json.dumps({"sub": "cust-1", "exp": None}).encode()),
    ("exp-nan", b'{"sub": "cust-1", "exp": NaN}'),
    ("exp-in-the-past", claims(exp=int((NOW - SECOND).timestamp()))),
]


@pytest.mark.parametrize("payload", [c[1] for c in SIGNED_BAD_CLAIMS],
                         ids=[c[0] for c in SIGNED_BAD_CLAIMS])
def test_signed_token_with_bad_claims_returns_none(tokens: StorefrontTokens,
                                                   payload: bytes) -> None:
    assert tokens.verify(signed(payload), NOW) is None


def test_correctly_signed_token_with_wrong_version_is_refused(tokens: StorefrontTokens) -> None:
    assert tokens.verify(signed(claims(), version="v0"), NOW) is None
    assert tokens.verify(signed(claims(), version="V1"), NOW) is None


@pytest.mark.parametrize("payload", [b'{"sub": "cust-1", "exp": Infinity}',
                                     b'{"sub": "cust-1", "exp": 1e400}'])
def test_signed_token_with_infinite_expiry_returns_none(tokens: StorefrontTokens,
                                                        payload: bytes) -> None:
    assert tokens.verify(signed(payload), NOW) is None


# --- one-time codes -------------------------------------------------------------------

@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    conversations = ConversationStore(make_engine(f"sqlite:///{tmp_path}/db.sqlite"))
    yield conversations
    conversations.engine.dispose()


@pytest.fixture
def codes(store: ConversationStore) -> OneTimeCodes:
    return OneTimeCodes(store, SECRET)


def _fixed_codes(monkeypatch: pytest.MonkeyPatch, *values: int) -> None:
    """Make the next issued codes ``values`` (in order) instead of random ones."""
    queue = list(values)
    monkeypatch.setattr(identity.secrets, "randbelow", lambda _bound: queue.pop(0))


def test_correct_code_verifies_once_and_only_once(codes: OneTimeCodes) -> None:
    code = codes.issue("conv-1", "cust-1", NOW)
    assert codes.verify("conv-1", code, NOW + timedelta(minutes=1)) == "cust-1"
    assert codes.verify("conv-1", code, NOW + timedelta(minutes=2)) is None


def test_code_with_surrounding_whitespace_verifies(codes: OneTimeCodes) -> None:
    code = codes.issue("conv-1", "cust-1", NOW)
    assert codes.verify("conv-1", f"  {code}\n", NOW) == "cust-1"


def test_wrong_code_fails_and_counts_an_attempt(codes: OneTimeCodes,
                                                store: ConversationStore,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _fixed_codes(monkeypatch, 123456)
    codes.issue("conv-1", "cust-1", NOW)
    for wrong in ("654321", "123457", "12345", "", "1234567", "abcdef"):
        assert codes.verify("conv-1", wrong, NOW) is None
    stored = store.active_code("conv-1")
    assert stored is not None and stored.attempts == 6
    assert codes.verify("conv-1", "123456", NOW) is None  # 6 attempts >= 5: locked


def test_no_code_issued_verifies_nothing(codes: OneTimeCodes) -> None:
    assert codes.verify("conv-1", "123456", NOW) is None


@pytest.mark.parametrize(("after", "expected"), [
    (timedelta(0), "cust-1"),
    (CODE_TTL - SECOND, "cust-1"),
    (CODE_TTL, None),
    (CODE_TTL + SECOND, None),
    (timedelta(days=1), None),
])
def test_code_expires_at_exactly_ten_minutes(codes: OneTimeCodes, after: timedelta,
                                             expected: str | None) -> None:
    assert timedelta(minutes=10) == CODE_TTL
    code = codes.issue("conv-1", "cust-1", NOW)
    assert codes.verify("conv-1", code, NOW + after) == expected


@pytest.mark.parametrize(("wrong_attempts", "expected"), [
    (0, "cust-1"),
    (1, "cust-1"),
    (MAX_CODE_ATTEMPTS - 1, "cust-1"),
    (MAX_CODE_ATTEMPTS, None),
    (MAX_CODE_ATTEMPTS + 3, None),
])
def test_attempt_limit(codes: OneTimeCodes, monkeypatch: pytest.MonkeyPatch,
                       wrong_attempts: int, expected: str | None) -> None:
    assert MAX_CODE_ATTEMPTS == 5
    _fixed_codes(monkeypatch, 424242)
    codes.issue("conv-1", "cust-1", NOW)
    for _ in range(wrong_attempts):
        assert codes.verify("conv-1", "000000", NOW) is None
    assert codes.verify("conv-1", "424242", NOW) == expected


def test_newer_code_replaces_the_older(codes: OneTimeCodes,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _fixed_codes(monkeypatch, 111111, 222222)
    assert codes.issue("conv-1", "cust-1", NOW) == "111111"
    assert codes.issue("conv-1", "cust-1", NOW + timedelta(minutes=1)) == "222222"
    assert codes.verify("conv-1", "111111", NOW + timedelta(minutes=2)) is None
    assert codes.verify("conv-1", "222222", NOW + timedelta(minutes=2)) == "cust-1"


def test_newer_code_gets_a_fresh_expiry_and_attempt_budget(
        codes: OneTimeCodes, monkeypatch: pytest.MonkeyPatch) -> None:
    _fixed_codes(monkeypatch, 111111, 222222)
    codes.issue("conv-1", "cust-1", NOW)
    for _ in range(MAX_CODE_ATTEMPTS):
        codes.verify("conv-1", "000000", NOW)
    later = NOW + timedelta(minutes=9)
    codes.issue("conv-1", "cust-1", later)
    assert codes.verify("conv-1", "222222", later + timedelta(minutes=9)) == "cust-1"


def test_codes_are_six_digits(codes: OneTimeCodes) -> None:
    issued = [codes.issue(f"conv-{i}", "cust-1", NOW) for i in range(40)]
    assert all(re.fullmatch(r"\d{6}", code) for code in issued), issued
    assert len(set(issued)) > 1  # random, not a constant


@pytest.mark.parametrize(("drawn", "code"), [(0, "000000"), (42, "000042"),
                                             (999_999, "999999")])
def test_small_codes_keep_leading_zeros(codes: OneTimeCodes, monkeypatch: pytest.MonkeyPatch,
                                        drawn: int, code: str) -> None:
    _fixed_codes(monkeypatch, drawn)
    assert codes.issue("conv-1", "cust-1", NOW) == code
    assert codes.verify("conv-1", code, NOW) == "cust-1"


def test_code_is_not_stored_in_clear(codes: OneTimeCodes, store: ConversationStore,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _fixed_codes(monkeypatch, 123456)
    code = codes.issue("conv-1", "cust-1", NOW)
    with store.engine.connect() as connection:
        rows = connection.execute(select(OneTimeCode.__table__)).mappings().all()
    assert len(rows) == 1
    row = rows[0]
    assert row["customer_id"] == "cust-1"
    assert all(code not in str(value) for value in row.values()), dict(row)
    assert row["code_hash"] != hashlib.sha256(code.encode()).hexdigest()  # keyed, not bare
    assert len(row["code_hash"]) >= 32


def test_same_code_in_two_conversations_hashes_differently(
        codes: OneTimeCodes, store: ConversationStore, monkeypatch: pytest.MonkeyPatch) -> None:
    _fixed_codes(monkeypatch, 123456, 123456)
    codes.issue("conv-1", "cust-1", NOW)
    codes.issue("conv-2", "cust-1", NOW)
    first, second = store.active_code("conv-1"), store.active_code("conv-2")
    assert first is not None and second is not None
    assert first.code_hash != second.code_hash


def test_codes_are_per_conversation(codes: OneTimeCodes, monkeypatch: pytest.MonkeyPatch) -> None:
    _fixed_codes(monkeypatch, 111111, 222222)
    codes.issue("conv-a", "cust-a", NOW)
    codes.issue("conv-b", "cust-b", NOW)  # does not retire conv-a's code
    assert codes.verify("conv-b", "111111", NOW) is None
    assert codes.verify("conv-c", "111111", NOW) is None
    assert codes.verify("conv-a", "111111", NOW) == "cust-a"
    assert codes.verify("conv-b", "222222", NOW) == "cust-b"


def test_wrong_attempts_in_one_conversation_do_not_lock_another(
        codes: OneTimeCodes, monkeypatch: pytest.MonkeyPatch) -> None:
    _fixed_codes(monkeypatch, 111111, 222222)
    codes.issue("conv-a", "cust-a", NOW)
    codes.issue("conv-b", "cust-b", NOW)
    for _ in range(MAX_CODE_ATTEMPTS):
        codes.verify("conv-a", "000000", NOW)
    assert codes.verify("conv-b", "222222", NOW) == "cust-b"


def test_codes_from_another_secret_do_not_verify(store: ConversationStore,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _fixed_codes(monkeypatch, 123456)
    OneTimeCodes(store, b"secret-one").issue("conv-1", "cust-1", NOW)
    assert OneTimeCodes(store, b"secret-two").verify("conv-1", "123456", NOW) is None


# --- masking --------------------------------------------------------------------------

@pytest.mark.parametrize(("email", "masked"), [
    ("astrid.nielsen@example.com", "a***@example.com"),
    ("a@example.com", "a***@example.com"),
    ("Bo@shop.dk", "B***@shop.dk"),
    ("no-at-sign", "***"),
    ("", "***"),
])
def test_mask_email(email: str, masked: str) -> None:
    assert mask_email(email) == masked
    assert masked.isascii()


@pytest.mark.parametrize(("phone", "masked"), [
    ("+4533123456", "********456"),
    ("+15551234567", "*********567"),
    ("1234", "*234"),
    ("123", "123"),
    ("", ""),
])
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked
    assert len(masked) == len(phone)
