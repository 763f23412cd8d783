"""Who may post inbound email: Mailgun's signature, or the shared inbound secret.

* Mailgun signs each post: ``signature`` = hex HMAC-SHA256 of ``timestamp + token`` under
  the account's HTTP webhook signing key. A post is accepted only with a valid signature,
  a timestamp within five minutes of the clock, and a token never seen before (the used
  tokens live in the database, so a replay is refused across restarts and workers).
* SendGrid Inbound Parse and raw MIME posts carry no signature: they must present the
  configured shared secret, as the password of HTTP Basic auth (any user name) or as the
  last path segment (``/channels/email/inbound/sendgrid/<secret>``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, MetaData, String, Table, delete, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from agent.db import UtcDateTime

MAILGUN_MAX_AGE = timedelta(minutes=5)
MAX_TOKEN = 128
BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="email inbound"'}

token_metadata = MetaData()
mailgun_tokens = Table(
    "mailgun_inbound_tokens", token_metadata,
    Column("token", String(MAX_TOKEN), primary_key=True),
    Column("seen_at", UtcDateTime(), nullable=False),
)


class InboundRefused(Exception):
    """A post that is not let in; ``status`` is the HTTP answer, the message says why."""

    def __init__(self, status: int, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers


def mailgun_signature(signing_key: str, timestamp: str, token: str) -> str:
    """The ``signature`` Mailgun sends with ``timestamp`` and ``token``."""
    return hmac.new(signing_key.encode(), f"{timestamp}{token}".encode(),
                    hashlib.sha256).hexdigest()


def check_mailgun_signature(signing_key: str, timestamp: str, token: str, signature: str,
                            now: datetime) -> None:
    """Raise InboundRefused unless the signature is valid and the timestamp is fresh."""
    if not (timestamp and token and signature) or len(token) > MAX_TOKEN:
        raise InboundRefused(401, "missing Mailgun signature fields (timestamp, token, "
                                  "signature)")
    expected = mailgun_signature(signing_key, timestamp, token)
    if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
        raise InboundRefused(401, "invalid Mailgun signature")
    try:
        sent_at = datetime.fromtimestamp(int(timestamp), UTC)
    except (ValueError, OverflowError, OSError):
        raise InboundRefused(401, "invalid Mailgun timestamp") from None
    if abs(now - sent_at) > MAILGUN_MAX_AGE:
        raise InboundRefused(403, "stale Mailgun timestamp: more than 5 minutes from the "
                                  "server's clock (replay, or a clock out of sync)")


class MailgunTokens:
    """Mailgun tokens already used, so a captured post cannot be replayed."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        token_metadata.create_all(engine)

    def claim(self, token: str, now: datetime) -> None:
        """Record a token as used; InboundRefused (409) when it was used before.

        Tokens older than the freshness window are forgotten: their timestamps are
        refused as stale anyway.
        """
        try:
            with self._engine.begin() as connection:
                connection.execute(delete(mailgun_tokens).where(
                    mailgun_tokens.c.seen_at < now - 2 * MAILGUN_MAX_AGE))
                connection.execute(insert(mailgun_tokens).values(token=token, seen_at=now))
        except IntegrityError:
            raise InboundRefused(409, "Mailgun token already used: replay refused") from None


def check_shared_secret(expected: str, path_secret: str | None,
                        authorization: str | None) -> None:
    """Raise InboundRefused (401) unless the path or Basic auth presents ``expected``."""
    presented = path_secret or _basic_password(authorization)
    if presented is None:
        raise InboundRefused(401, "inbound email secret required (HTTP Basic auth password "
                                  "or the last path segment)", BASIC_CHALLENGE)
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise InboundRefused(401, "wrong inbound email secret", BASIC_CHALLENGE)


def _basic_password(authorization: str | None) -> str | None:
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2]
