"""Who the shopper is: identity levels, signed storefront tokens and one-time codes.

``contact_matched`` (the sender's phone or email is on file) is one factor and never
enough to show order data; ``verified`` needs a valid storefront session token or a
one-time code sent to the contact on file. Every failure answers the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

CODE_LENGTH = 6
CODE_TTL = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
TOKEN_VERSION = "v1"


class IdentityLevel(StrEnum):
    """How sure the agent is of who it is talking to."""

    ANONYMOUS = "anonymous"
    CONTACT_MATCHED = "contact_matched"
    VERIFIED = "verified"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class StorefrontTokens:
    """HMAC-signed tokens a storefront issues for a signed-in customer: ``v1.payload.sig``."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode(), hashlib.sha256).digest())

    def issue(self, customer_id: str, now: datetime, ttl: timedelta = timedelta(hours=1)) -> str:
        """A token for ``customer_id`` that expires ``ttl`` after ``now``."""
        body = json.dumps({"sub": customer_id, "exp": int((now + ttl).timestamp())},
                          separators=(",", ":"))
        payload = _b64(body.encode())
        return f"{TOKEN_VERSION}.{payload}.{self._sign(payload)}"

    def verify(self, token: str, now: datetime) -> str | None:
        """The customer id of a valid, unexpired token; None for anything else."""
        try:
            version, payload, signature = token.split(".")
            if version != TOKEN_VERSION:
                return None
            if not hmac.compare_digest(self._sign(payload), signature):
                return None
            claims = json.loads(_unb64(payload))
            if int(claims["exp"]) <= now.timestamp():
                return None
            subject = claims["sub"]
        except (ValueError, KeyError, TypeError, OverflowError):
            return None
        return subject if isinstance(subject, str) and subject else None


@dataclass(frozen=True)
class StoredCode:
    """A one-time code as kept: its hash, not the code."""

    id: int
    customer_id: str
    code_hash: str
    expires_at: datetime
    attempts: int


class CodeStore(Protocol):
    """Persistence for one-time codes (the conversation database)."""

    def save_code(self, conversation_id: str, customer_id: str, code_hash: str,
                  created_at: datetime, expires_at: datetime) -> None:
        """Keep a new code, retiring the conversation's earlier ones."""
        ...

    def active_code(self, conversation_id: str) -> StoredCode | None:
        """The conversation's newest unused code, if any."""
        ...

    def record_attempt(self, code_id: int) -> None:
        """Count one failed attempt."""
        ...

    def mark_used(self, code_id: int) -> None:
        """Retire a code that verified."""
        ...


class OneTimeCodes:
    """Issue and check 6-digit codes: 10-minute expiry, 5 attempts, constant-time compare."""

    def __init__(self, store: CodeStore, secret: bytes) -> None:
        self._store = store
        self._secret = secret

    def _hash(self, conversation_id: str, code: str) -> str:
        message = f"{conversation_id}:{code}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def issue(self, conversation_id: str, customer_id: str, now: datetime) -> str:
        """A fresh code for ``customer_id`` in this conversation (earlier ones stop working)."""
        code = f"{secrets.randbelow(10 ** CODE_LENGTH):0{CODE_LENGTH}d}"
        self._store.save_code(conversation_id, customer_id, self._hash(conversation_id, code),
                              now, now + CODE_TTL)
        return code

    def verify(self, conversation_id: str, candidate: str, now: datetime) -> str | None:
        """The customer id the code was sent for, or None (expired, used up, or wrong)."""
        stored = self._store.active_code(conversation_id)
        if stored is None:
            return None
        if stored.attempts >= MAX_CODE_ATTEMPTS or now >= stored.expires_at:
            self._store.record_attempt(stored.id)
            return None
        expected = stored.code_hash
        if hmac.compare_digest(expected, self._hash(conversation_id, candidate.strip())):
            self._store.mark_used(stored.id)
            return stored.customer_id
        self._store.record_attempt(stored.id)
        return None


def mask_email(email: str) -> str:
    """``astrid.nielsen@example.com`` -> ``a***@example.com`` (ASCII: fits a GSM-7 SMS)."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_phone(phone: str) -> str:
    """``+4533123456`` -> ``*******456``: only the last three digits."""
    return "*" * max(len(phone) - 3, 0) + phone[-3:]
