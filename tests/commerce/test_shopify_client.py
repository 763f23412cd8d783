"""The Shopify client against the loopback server: throttling, retries, errors, quiet failures."""

from __future__ import annotations

import json
import logging
import threading
import urllib.error

import pytest
import shopify

from agent.commerce.shopify import ShopifyOrderSource
from agent.commerce.shopify_client import ShopifyClient, parse_retry_after, throttle_wait
from agent.commerce.shopify_errors import (
    ShopifyAccessDenied,
    ShopifyAuthError,
    ShopifyConfigError,
    ShopifyConnectionError,
    ShopifyError,
    ShopifyHTTPError,
    ShopifyNotFound,
    ShopifyQueryError,
    ShopifyServerError,
    ShopifyThrottled,
    ShopifyTimeout,
    redact,
)
from agent.commerce.shopify_queries import CUSTOMER_SEARCH, CUSTOMER_SEARCH_QUERY
from tests.commerce.conftest import SettingsFactory
from tests.fakes.shopify_data import DEMO_DOMAIN
from tests.fakes.shopify_server import FakeShopifyServer, Scripted, cost, throttled

EMAIL = "astrid.nielsen@example.com"
SEARCH = {"query": f'email:"{EMAIL}"'}


class Sleeps(list[float]):
    """A ``sleep`` that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(settings: SettingsFactory, sleeps: Sleeps, **overrides: object) -> ShopifyClient:
    return ShopifyClient(settings(**overrides), sleep=sleeps)


def search(c: ShopifyClient) -> dict[str, object]:
    return c.execute(CUSTOMER_SEARCH, CUSTOMER_SEARCH_QUERY, SEARCH)


def test_a_call_goes_to_the_shop_with_its_token_version_and_variables(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    data = search(client(shopify_settings, Sleeps(), api_version="2026-07"))
    assert data["customers"]["nodes"][0]["defaultEmailAddress"]["emailAddress"] == EMAIL  # type: ignore[index]
    [request] = demo_server.requests
    assert (request.shop, request.version, request.token, request.operation, request.variables) \
        == (DEMO_DOMAIN, "2026-07", "shpat_fjord_fell_test", CUSTOMER_SEARCH, SEARCH)


def test_throttled_answers_wait_as_long_as_the_cost_extension_says(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    demo_server.script(throttled(requested=500, available=100, rate=100),
                       throttled(requested=500, available=450, rate=50))
    sleeps = Sleeps()
    search(client(shopify_settings, sleeps))
    assert sleeps == [4.0, 1.0]
    assert len(demo_server.requests) == 3


def test_a_throttle_longer_than_the_patience_fails_at_once(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    demo_server.script(throttled(requested=1000, available=0, rate=50))
    sleeps = Sleeps()
    with pytest.raises(ShopifyThrottled, match=r"asked to wait 20\.0 s") as caught:
        search(client(shopify_settings, sleeps, max_wait_seconds=5))
    assert sleeps == [] and caught.value.wait_seconds == 20.0


def test_throttling_is_retried_a_bounded_number_of_times(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    demo_server.script(*[throttled(requested=120, available=100, rate=100)] * 3)
    sleeps = Sleeps()
    with pytest.raises(ShopifyThrottled, match="after 3 attempts"):
        search(client(shopify_settings, sleeps, max_attempts=3))
    assert sleeps == [0.2, 0.2]


def test_429_waits_for_retry_after_then_succeeds(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    demo_server.script(Scripted(status=429, body={"errors": "Throttled"},
                                headers={"Retry-After": "2.0"}),
                       Scripted(status=429, body={"errors": "Throttled"}))
    sleeps = Sleeps()
    search(client(shopify_settings, sleeps, backoff_seconds=0.25))
    assert sleeps == [2.0, 0.5]


def test_5xx_is_retried_with_backoff_and_then_reported(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    demo_server.script(Scripted(status=502, body="Bad Gateway"),
                       Scripted(status=503, body="Unavailable"))
    sleeps = Sleeps()
    search(client(shopify_settings, sleeps, backoff_seconds=0.1))
    assert sleeps == [0.1, 0.2]

    demo_server.script(*[Scripted(status=500, body="oops")] * 3)
    with pytest.raises(ShopifyServerError, match="HTTP 500 on all 3 attempts"):
        search(client(shopify_settings, Sleeps(), max_attempts=3))


@pytest.mark.parametrize(("answer", "error", "words"), [
    (Scripted(status=401, body={"errors": "[API] Invalid API key"}), ShopifyAuthError,
     "access token refused"),
    (Scripted(status=404, body="Not Found"), ShopifyNotFound, "no Admin API at"),
    (Scripted(body={"errors": [{"message": "Access denied for statusPageUrl field.",
                                "extensions": {"code": "ACCESS_DENIED"}}]}),
     ShopifyAccessDenied, "statusPageUrl"),
    (Scripted(body={"errors": [{"message": "Query cost is 1200, which exceeds 1000",
                                "extensions": {"code": "MAX_COST_EXCEEDED"}}],
                    "extensions": cost(1200)}), ShopifyQueryError, "MAX_COST_EXCEEDED"),
])
def test_final_failures_become_project_errors_without_retrying(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory,
        answer: Scripted, error: type[Exception], words: str) -> None:
    demo_server.script(answer)
    sleeps = Sleeps()
    with pytest.raises(error, match=words):
        search(client(shopify_settings, sleeps))
    assert sleeps == [] and len(demo_server.requests) == 1


def test_a_wrong_token_is_refused_by_the_shop(demo_server: FakeShopifyServer,
                                              shopify_settings: SettingsFactory) -> None:
    with pytest.raises(ShopifyAuthError):
        search(client(shopify_settings, Sleeps(), access_token="shpat_wrong"))


def test_a_slow_shop_times_out(demo_server: FakeShopifyServer,
                               shopify_settings: SettingsFactory) -> None:
    demo_server.shops[DEMO_DOMAIN].delay_seconds = 1.0
    with pytest.raises(ShopifyTimeout, match=r"no answer within 0\.2 s"):
        search(client(shopify_settings, Sleeps(), timeout_seconds=0.2))


def test_an_unreachable_shop_is_a_connection_error(shopify_settings: SettingsFactory) -> None:
    with pytest.raises(ShopifyConnectionError, match="cannot reach"):
        search(client(shopify_settings, Sleeps(), admin_api_base_url="http://127.0.0.1:9/{shop}"))


def test_missing_configuration_is_named() -> None:
    from agent.commerce.shopify_settings import ShopifySettings

    with pytest.raises(ShopifyConfigError, match=r"SHOPIFY_SHOP_DOMAIN, .*SHOPIFY_ACCESS_TOKEN"):
        ShopifyClient(ShopifySettings(shop_domain="", access_token=""))


def test_the_package_prints_error_bodies_when_left_alone(
        demo_server: FakeShopifyServer, capsys: pytest.CaptureFixture[str]) -> None:
    """The control: without the client's guard, the body reaches stdout."""
    demo_server.script(Scripted(status=500, body={"errors": f"no customer {EMAIL}"}))
    with shopify.Session.temp(DEMO_DOMAIN, "2026-10", "shpat_fjord_fell_test"):
        graphql = shopify.GraphQL()
        graphql.endpoint = demo_server.base_url.replace("{shop}", DEMO_DOMAIN) \
            + "/admin/api/2026-10/graphql.json"
        with pytest.raises(urllib.error.HTTPError):
            graphql.execute("query X { shop { name } }", None, "X")
    shopify.ShopifyResource.clear_session()
    assert EMAIL in capsys.readouterr().out


def test_no_customer_data_reaches_stdout_stderr_or_logs(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory,
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    leaky = {"errors": [{"message": f"Customer {EMAIL} (+4520123456) is locked"}]}
    demo_server.script(Scripted(status=500, body=leaky), Scripted(status=503, body=leaky),
                       Scripted(status=400, body=leaky), Scripted(body=leaky))
    source = ShopifyOrderSource(client(shopify_settings, Sleeps()))
    with pytest.raises(ShopifyHTTPError) as first:
        source.customer_by_email(EMAIL)
    with pytest.raises(ShopifyQueryError) as second:
        source.customer_by_email(EMAIL)
    captured = capsys.readouterr()
    everything = " ".join([captured.out, captured.err, caplog.text, str(first.value),
                           str(second.value)])
    assert "Shopify CustomerSearch" in everything
    assert EMAIL not in everything and "4520123456" not in everything
    assert "[email]" in str(second.value)
    assert isinstance(first.value, ShopifyError) and first.value.status == 400


def test_the_callers_thread_never_holds_a_shopify_session(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    search(client(shopify_settings, Sleeps()))
    assert "X-Shopify-Access-Token" not in shopify.ShopifyResource.get_headers()
    assert threading.current_thread().name == "MainThread"


def test_worker_threads_are_cleared_after_each_call(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    c = client(shopify_settings, Sleeps(), max_concurrency=1)
    search(c)
    leftover = c._pool.submit(lambda: (shopify.ShopifyResource.get_headers().get(
        "X-Shopify-Access-Token"), shopify.ShopifyResource.get_site())).result()
    assert leftover == (None, None)


def test_cost_and_retry_after_parsing() -> None:
    assert throttle_wait({"extensions": cost(300, 100, 50)}) == 4.0
    assert throttle_wait({"extensions": cost(10, 100, 50)}) == 0.0
    assert throttle_wait({}) is None
    assert parse_retry_after("2.5") == 2.5 and parse_retry_after("soon") is None
    assert redact(f"{EMAIL} or +45 20 12 34 56") == "[email] or [phone]"
    assert json.dumps(cost())
