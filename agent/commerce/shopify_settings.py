"""Settings of the Shopify connection: shop, API version, credentials, limits.

Values come from the environment with the prefix ``CUSTOMER_AGENT_SHOPIFY_``, e.g.
``CUSTOMER_AGENT_SHOPIFY_SHOP_DOMAIN=fjord-fell.myshopify.com``. Secrets are ``SecretStr``
so they never appear in a repr, a log line or an error message.
"""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "CUSTOMER_AGENT_SHOPIFY_"
MINIMUM_API_VERSION = "2025-04"
"""Oldest Admin API version the queries work with (``Customer.defaultEmailAddress``)."""

_VERSION = re.compile(r"^(\d{4}-\d{2}|unstable)$")
_SHOP_HANDLE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ShopifySettings(BaseSettings):
    """How to reach one shop's Admin GraphQL API, and how patiently."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    shop_domain: str = ""
    """``fjord-fell.myshopify.com`` (or just ``fjord-fell``)."""
    api_version: str = "2026-10"
    access_token: SecretStr = SecretStr("")
    """The Admin API access token of the custom app (``shpat_...``)."""
    webhook_secret: SecretStr = SecretStr("")
    """The app's client secret: Shopify signs webhook bodies with it."""
    admin_api_base_url: str | None = None
    """Replaces ``https://{shop}`` in Admin API URLs (a proxy, or a test server), e.g.
    ``http://127.0.0.1:8123/{shop}``; ``{shop}`` is the session's myshopify domain."""

    timeout_seconds: float = Field(default=10.0, gt=0)
    max_attempts: int = Field(default=4, ge=1, le=10)
    """Tries per call when Shopify throttles or answers 5xx."""
    backoff_seconds: float = Field(default=0.5, ge=0)
    """First wait after a 5xx; doubles per attempt."""
    max_wait_seconds: float = Field(default=8.0, ge=0)
    """Longest single wait the agent accepts; a longer throttle is an error at once."""
    max_concurrency: int = Field(default=8, ge=1)
    cache_ttl_seconds: float = Field(default=300.0, ge=0)
    orders_page_size: int = Field(default=5, ge=1, le=50)
    max_order_pages: int = Field(default=4, ge=1, le=20)
    """A customer's newest ``orders_page_size * max_order_pages`` orders are read."""

    @field_validator("shop_domain")
    @classmethod
    def _normalise_domain(cls, value: str) -> str:
        domain = re.sub(r"^https?://", "", value.strip().lower()).rstrip("/")
        if domain and not (_SHOP_HANDLE.match(domain.removesuffix(".myshopify.com"))):
            raise ValueError("expected a shop handle or a *.myshopify.com domain")
        return domain

    @field_validator("api_version")
    @classmethod
    def _check_version(cls, value: str) -> str:
        if not _VERSION.match(value.strip()):
            raise ValueError("expected an Admin API version like 2026-10, or 'unstable'")
        return value.strip()

    @field_validator("admin_api_base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^https?://", value.strip()):
            raise ValueError("expected an http(s) URL")
        return value.strip().rstrip("/")

    @property
    def myshopify_domain(self) -> str:
        """The shop's permanent ``*.myshopify.com`` domain."""
        domain = self.shop_domain
        return domain if domain.endswith(".myshopify.com") else f"{domain}.myshopify.com"

    def missing(self) -> list[str]:
        """Environment variables that must still be set before the shop can be reached."""
        missing = []
        if not self.shop_domain:
            missing.append(f"{ENV_PREFIX}SHOP_DOMAIN")
        if not self.access_token.get_secret_value():
            missing.append(f"{ENV_PREFIX}ACCESS_TOKEN")
        return missing

    def version_too_old(self) -> bool:
        """Whether ``api_version`` predates the fields the queries read."""
        return self.api_version != "unstable" and self.api_version < MINIMUM_API_VERSION
