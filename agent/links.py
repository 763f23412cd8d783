"""Self-service links: the page a shopper is sent to for changing, cancelling or returning.

The agent never edits an order itself; it links to a page where the shopper can. Which
page is chosen with ``CUSTOMER_AGENT_SELF_SERVICE_LINK``:

* ``custom`` (default): the URL templates in ``Settings`` (``order_edit_url_template``,
  ``returns_url_template``), filled with ``{base_url}`` and ``{order_number}``.
* ``shopify_customer_account``: the order's page in Shopify customer accounts,
  ``{CUSTOMER_AGENT_SHOPIFY_CUSTOMER_ACCOUNT_URL}/orders/{numeric order id}`` (the account
  URL is e.g. ``https://shopify.com/12345678/account`` or ``https://account.example.com``).
* ``order_status_page``: the order status page Shopify gives for each order
  (``Order.statusPageUrl``); only orders read from Shopify carry one.
* ``klaviyo_customer_hub``: the brand's Klaviyo Customer Hub page,
  ``CUSTOMER_AGENT_KLAVIYO_CUSTOMER_HUB_URL`` (``{order_number}`` is filled in if present).

The functions are pure; ``self_service_link`` is the skills' prerequisite, Live only when
the chosen kind can produce a link.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic_settings import BaseSettings, SettingsConfigDict

from agent.commerce.models import Order
from agent.config import Settings
from skills.base import Prerequisite, PrerequisiteEnv


class LinkKind(StrEnum):
    """Which self-service page the agent links to."""

    CUSTOM = "custom"
    SHOPIFY_CUSTOMER_ACCOUNT = "shopify_customer_account"
    ORDER_STATUS_PAGE = "order_status_page"
    KLAVIYO_CUSTOMER_HUB = "klaviyo_customer_hub"


class LinkPurpose(StrEnum):
    """What the shopper is sent there to do."""

    EDIT = "edit"
    RETURNS = "returns"


class LinkSettings(BaseSettings):
    """The link choice and the addresses the non-template kinds need."""

    model_config = SettingsConfigDict(env_prefix="CUSTOMER_AGENT_", extra="ignore")

    self_service_link: LinkKind = LinkKind.CUSTOM
    shopify_customer_account_url: str = ""
    klaviyo_customer_hub_url: str = ""


CUSTOM_MISSING = {LinkPurpose.EDIT: "no self-service order page configured",
                  LinkPurpose.RETURNS: "no returns page configured"}
_NUMERIC_ID = re.compile(r"(\d+)$")


def custom_template_url(template: str, base_url: str, order_number: str) -> str | None:
    """A URL template filled in; an empty template means "not configured" (None)."""
    if not template.strip():
        return None
    return template.format(base_url=base_url.rstrip("/"), order_number=order_number)


def shopify_account_order_url(account_url: str, order_id: str) -> str | None:
    """The order's page in Shopify customer accounts, from a ``gid://shopify/Order/<n>``."""
    match = _NUMERIC_ID.search(order_id)
    if not account_url.strip() or match is None or not order_id.startswith("gid://shopify/"):
        return None
    return f"{account_url.strip().rstrip('/')}/orders/{match.group(1)}"


def order_status_page_url(order: Order) -> str | None:
    """The order status page Shopify gave for this order, if the order came from Shopify."""
    url = getattr(order, "status_page_url", None)
    return url if isinstance(url, str) and url.startswith("https://") else None


def klaviyo_hub_url(hub_url: str, order_number: str) -> str | None:
    """The Klaviyo Customer Hub page, with ``{order_number}`` filled in when it has one."""
    if not hub_url.strip():
        return None
    return hub_url.strip().replace("{order_number}", order_number)


def self_service_url(order: Order, purpose: LinkPurpose, settings: Settings,
                     links: LinkSettings | None = None) -> str | None:
    """The link for ``order`` and ``purpose`` under the configured kind, or None."""
    links = links or LinkSettings()
    kind = links.self_service_link
    if kind is LinkKind.SHOPIFY_CUSTOMER_ACCOUNT:
        return shopify_account_order_url(links.shopify_customer_account_url, order.id)
    if kind is LinkKind.ORDER_STATUS_PAGE:
        return order_status_page_url(order)
    if kind is LinkKind.KLAVIYO_CUSTOMER_HUB:
        return klaviyo_hub_url(links.klaviyo_customer_hub_url, order.number)
    template = (settings.order_edit_url_template if purpose is LinkPurpose.EDIT
                else settings.returns_url_template)
    return custom_template_url(template, settings.public_base_url, order.number)


def link_problem(purpose: LinkPurpose, settings: Settings,
                 links: LinkSettings | None = None) -> str | None:
    """Why the configured kind cannot produce links for ``purpose``, in words; None if it can."""
    links = links or LinkSettings()
    kind = links.self_service_link
    if kind is LinkKind.SHOPIFY_CUSTOMER_ACCOUNT and not links.shopify_customer_account_url:
        return "Shopify customer account links chosen, but no customer account URL configured"
    if kind is LinkKind.ORDER_STATUS_PAGE and settings.order_source != "shopify":
        return "order status page links need the Shopify order source"
    if kind is LinkKind.KLAVIYO_CUSTOMER_HUB and not links.klaviyo_customer_hub_url:
        return "Klaviyo Customer Hub links chosen, but no Customer Hub URL configured"
    template = (settings.order_edit_url_template if purpose is LinkPurpose.EDIT
                else settings.returns_url_template)
    if kind is LinkKind.CUSTOM and not template.strip():
        return CUSTOM_MISSING[purpose]
    return None


def describe_links(settings: Settings, links: LinkSettings | None = None) -> str:
    """Which page the agent links to, in words (for ``doctor`` and the console)."""
    links = links or LinkSettings()
    return {
        LinkKind.CUSTOM: "the custom URL templates",
        LinkKind.SHOPIFY_CUSTOMER_ACCOUNT: "the order page in Shopify customer accounts",
        LinkKind.ORDER_STATUS_PAGE: "Shopify's order status page",
        LinkKind.KLAVIYO_CUSTOMER_HUB: "the Klaviyo Customer Hub",
    }[links.self_service_link]


def self_service_link(purpose: LinkPurpose,
                      links: LinkSettings | None = None) -> Prerequisite:
    """A skill prerequisite: met when the configured link kind can serve ``purpose``.

    ``links`` defaults to reading ``LinkSettings`` from the environment at check time.
    """

    def check(env: PrerequisiteEnv) -> str | None:
        return link_problem(purpose, env.settings, links)

    return Prerequisite(name=f"self-service link: {purpose.value}", check=check)
