"""A blocking Admin GraphQL client over the ``ShopifyAPI`` package, safe to share across threads.

The package keeps its session in thread-local state and its ``GraphQL.execute`` blocks (and
prints HTTP error bodies to stdout). So every call runs in a worker thread of a bounded
pool, with a temporary session activated for that call only and cleared afterwards; the
caller's thread never holds a Shopify session, and no two calls share one. While the
package runs, whatever it prints or logs from that worker thread is dropped, so a response
body (which may name a customer) never reaches stdout, stderr or the logs.

Throttling (``THROTTLED`` in a 200 answer, or HTTP 429) is waited out from the cost
extension or ``Retry-After``; 5xx answers are retried with exponential backoff; both are
bounded by ``max_attempts`` and ``max_wait_seconds``. Everything else becomes one of the
exceptions in ``agent.commerce.shopify_errors``.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import shopify

from agent.commerce.quiet_threads import QuietThreads
from agent.commerce.shopify_errors import (
    ShopifyAccessDenied,
    ShopifyAuthError,
    ShopifyConfigError,
    ShopifyConnectionError,
    ShopifyHTTPError,
    ShopifyNotFound,
    ShopifyQueryError,
    ShopifyResponseError,
    ShopifyServerError,
    ShopifyThrottled,
    ShopifyTimeout,
    redact,
)
from agent.commerce.shopify_settings import ShopifySettings

log = logging.getLogger(__name__)

_QUIET = QuietThreads()
"""One guard per process, like the ``sys.stdout`` it wraps (shared by every client)."""


@dataclass(frozen=True)
class RawAnswer:
    """What one HTTP exchange produced: a status, the body text, and ``Retry-After``."""

    status: int
    body: str = ""
    retry_after: str | None = None


def throttle_wait(payload: dict[str, Any]) -> float | None:
    """Seconds until the bucket holds the query's cost, from ``extensions.cost``."""
    cost = (payload.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        requested = float(cost["requestedQueryCost"])
        available = float(status["currentlyAvailable"])
        rate = float(status["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return None
    if rate <= 0:
        return None
    return max(0.0, (requested - available) / rate)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (Shopify sends a number such as ``2.0``)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def error_codes(payload: dict[str, Any]) -> list[str]:
    """The ``extensions.code`` of each GraphQL error (``THROTTLED``, ``ACCESS_DENIED``...)."""
    errors = payload.get("errors")
    if not isinstance(errors, list):
        return ["ERROR"] if errors else []
    return [str((e.get("extensions") or {}).get("code") or "ERROR") if isinstance(e, dict)
            else "ERROR" for e in errors]


class ShopifyClient:
    """Runs Admin GraphQL operations for one shop; thread-safe, one session per call."""

    def __init__(self, settings: ShopifySettings, *,
                 sleep: Callable[[float], None] = time.sleep,
                 executor: ThreadPoolExecutor | None = None) -> None:
        """``executor`` may be shared by the clients of several shops (it is not closed)."""
        missing = settings.missing()
        if missing:
            raise ShopifyConfigError(f"Shopify is not configured: set {', '.join(missing)}")
        self.settings = settings
        self._sleep = sleep
        self._owns_pool = executor is None
        self._pool = executor or ThreadPoolExecutor(max_workers=settings.max_concurrency,
                                                    thread_name_prefix="shopify")

    def close(self) -> None:
        """Stop the worker threads this client started (calls in flight finish first)."""
        if self._owns_pool:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def execute(self, operation: str, query: str,
                variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one named operation and return its ``data``; retries are bounded."""
        attempts = self.settings.max_attempts
        for attempt in range(1, attempts + 1):
            answer = self._exchange(operation, query, variables)
            wait = self._retry_wait(operation, answer, attempt)
            if wait is None:
                return self._data(operation, answer)
            if attempt == attempts:
                break
            log.warning("Shopify %s: attempt %d of %d answered %s; retrying in %.2f s",
                        operation, attempt, attempts, answer.status, wait)
            self._sleep(wait)
        if answer.status >= 500:
            raise ShopifyServerError(
                f"Shopify {operation}: HTTP {answer.status} on all {attempts} attempts")
        raise ShopifyThrottled(f"Shopify {operation}: still throttled after {attempts} attempts")

    def _exchange(self, operation: str, query: str,
                  variables: dict[str, Any] | None) -> RawAnswer:
        future = self._pool.submit(self._call_in_worker, operation, query, variables)
        try:
            return future.result(timeout=self.settings.timeout_seconds)
        except FutureTimeout:
            future.cancel()
            raise ShopifyTimeout(f"Shopify {operation}: no answer within "
                                 f"{self.settings.timeout_seconds:g} s") from None

    def _call_in_worker(self, operation: str, query: str,
                        variables: dict[str, Any] | None) -> RawAnswer:
        """One HTTP exchange through ``shopify.GraphQL`` under a temporary session."""
        token = self.settings.access_token.get_secret_value()
        session = shopify.Session(self.settings.myshopify_domain, self.settings.api_version,
                                  token)
        with _QUIET.muted():
            shopify.ShopifyResource.activate_session(session)
            try:
                client = shopify.GraphQL()
                client.endpoint = self._endpoint(client.endpoint)
                return RawAnswer(status=200, body=client.execute(query, variables, operation))
            except urllib.error.HTTPError as exc:
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                exc.close()
                return RawAnswer(status=exc.code, retry_after=retry_after)
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise ShopifyConnectionError(
                    f"Shopify {operation}: cannot reach {session.url}: "
                    f"{redact(str(reason))}") from None
            finally:
                shopify.ShopifyResource.clear_session()

    def _endpoint(self, package_endpoint: str) -> str:
        """The package's endpoint, or the same path under ``admin_api_base_url``."""
        base = self.settings.admin_api_base_url
        if base is None:
            return package_endpoint
        shop = shopify.ShopifyResource.get_url() or ""
        return base.replace("{shop}", shop) + urlparse(package_endpoint).path

    def _retry_wait(self, operation: str, answer: RawAnswer, attempt: int) -> float | None:
        """How long to wait before trying again, or None when the answer is final."""
        backoff = self.settings.backoff_seconds * 2 ** (attempt - 1)
        if answer.status == 429:
            wait = parse_retry_after(answer.retry_after)
            return self._bounded(operation, backoff if wait is None else wait)
        if answer.status >= 500:
            return min(backoff, self.settings.max_wait_seconds)
        if answer.status == 200:
            payload = _parse(operation, answer.body)
            if "THROTTLED" in error_codes(payload):
                wait = throttle_wait(payload)
                return self._bounded(operation, backoff if wait is None else wait)
        return None

    def _bounded(self, operation: str, wait: float) -> float:
        if wait > self.settings.max_wait_seconds:
            raise ShopifyThrottled(f"Shopify {operation}: throttled, asked to wait {wait:.1f} s "
                                   f"(more than {self.settings.max_wait_seconds:g} s)", wait)
        return wait

    def _data(self, operation: str, answer: RawAnswer) -> dict[str, Any]:
        """The ``data`` of a final answer, or the matching exception."""
        status = answer.status
        if status in (401, 403):
            raise ShopifyAuthError(f"Shopify {operation}: access token refused (HTTP {status})")
        if status == 404:
            raise ShopifyNotFound(
                f"Shopify {operation}: no Admin API at {self.settings.myshopify_domain} "
                f"for version {self.settings.api_version} (HTTP 404)")
        if status != 200:
            raise ShopifyHTTPError(f"Shopify {operation}: unexpected HTTP {status}", status)
        payload = _parse(operation, answer.body)
        codes = error_codes(payload)
        if "ACCESS_DENIED" in codes:
            raise ShopifyAccessDenied(
                f"Shopify {operation}: access denied: {_messages(payload)}", codes)
        if codes:
            raise ShopifyQueryError(
                f"Shopify {operation}: {', '.join(codes)}: {_messages(payload)}", codes)
        data = payload.get("data")
        if not isinstance(data, dict):
            raise ShopifyResponseError(f"Shopify {operation}: answer without data")
        return data


def _parse(operation: str, body: str) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except ValueError:
        raise ShopifyResponseError(f"Shopify {operation}: answer is not JSON") from None
    if not isinstance(payload, dict):
        raise ShopifyResponseError(f"Shopify {operation}: answer is not a JSON object")
    return payload


def _messages(payload: dict[str, Any]) -> str:
    """The GraphQL error messages, redacted and shortened, for an exception message."""
    errors = payload.get("errors")
    items = errors if isinstance(errors, list) else [{"message": str(errors)}]
    text = "; ".join(str(e.get("message", "")) if isinstance(e, dict) else str(e)
                     for e in items)
    return redact(text)[:300]
