"""The project's exceptions for everything that can go wrong talking to Shopify.

Callers catch ``ShopifyError`` (the store is unavailable: hand off softly) or one of its
subclasses when they can do better. Messages name the operation, the HTTP status and the
attempts made; they never carry a response body, a query variable or any customer data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.commerce.source import OrderSourceUnavailable

_EMAIL = re.compile(r"[^\s@\"']+@[^\s@\"']+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")


def redact(text: str) -> str:
    """``text`` with anything shaped like an email address or a phone number masked."""
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


class ShopifyError(OrderSourceUnavailable):
    """Shopify could not answer a call; the message says why, without customer data."""


class ShopifyConfigError(ShopifyError):
    """The connection is not configured (shop domain, token, API version)."""


class ShopifyConnectionError(ShopifyError):
    """The shop could not be reached (DNS, refused connection, TLS, ...)."""


class ShopifyTimeout(ShopifyConnectionError):
    """No answer within ``timeout_seconds``."""


class ShopifyAuthError(ShopifyError):
    """The access token was refused (HTTP 401 or 403)."""


class ShopifyNotFound(ShopifyError):
    """No Admin API at that address: a wrong shop domain or an unknown API version (404)."""


class ShopifyThrottled(ShopifyError):
    """Shopify kept throttling after the bounded retries, or asked for too long a wait."""

    def __init__(self, message: str, wait_seconds: float | None = None) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class ShopifyServerError(ShopifyError):
    """Shopify answered 5xx on every attempt."""


class ShopifyHTTPError(ShopifyError):
    """Any other unexpected HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class ShopifyResponseError(ShopifyError):
    """The answer was not the JSON an Admin GraphQL endpoint sends."""


class ShopifyQueryError(ShopifyError):
    """The GraphQL answer carried errors (other than throttling)."""

    def __init__(self, message: str, codes: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.codes = tuple(codes)


class ShopifyAccessDenied(ShopifyQueryError):
    """A field needs an access scope (or protected-customer-data level) the app lacks."""
