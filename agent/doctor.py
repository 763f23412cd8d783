"""``customer-agent doctor``: is the shop connected, and can every skill do its job?

``run_doctor(settings)`` checks the Shopify settings, reaches the shop once
(``shop``, ``currentAppInstallation.accessScopes``, ``publicApiVersions``), and turns what
it finds into ``Finding``s that say in words what is missing and what it breaks, e.g.
"access scope read_orders missing: order editing, returns and order status can't read
orders". No customer data is read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from agent.commerce.shopify_client import ShopifyClient
from agent.commerce.shopify_errors import (
    ShopifyAuthError,
    ShopifyConnectionError,
    ShopifyError,
    ShopifyNotFound,
)
from agent.commerce.shopify_queries import DOCTOR_PROBE, DOCTOR_PROBE_QUERY
from agent.commerce.shopify_settings import MINIMUM_API_VERSION, ShopifySettings
from agent.config import Settings
from agent.links import LinkPurpose, LinkSettings, describe_links, link_problem

Level = Literal["ok", "info", "warning", "error"]


@dataclass(frozen=True)
class Finding:
    """One thing the doctor found: how bad, about what, and what it means."""

    level: Level
    subject: str
    message: str


REQUIRED_SCOPES: dict[str, str] = {
    "read_customers": "shoppers can't be looked up by email or phone, so nobody can be "
                      "verified and order editing, returns and order status all hand off",
    "read_orders": "order editing, returns and order status can't read orders, line items "
                   "or tracking",
}
OPTIONAL_SCOPES: dict[tuple[str, ...], tuple[Level, str]] = {
    ("read_products",): ("warning", "product questions can't use the catalog"),
    ("read_inventory",): ("warning", "product questions can't say what is in stock"),
    ("read_merchant_managed_fulfillment_orders", "read_assigned_fulfillment_orders",
     "read_third_party_fulfillment_orders"):
        ("warning", "the agent can't see that an unshipped item is already being packed, so "
                    "it may point to changes the warehouse can no longer make"),
    ("read_all_orders",): ("info", "orders older than 60 days are invisible to order status "
                                   "and returns"),
}
"""Scopes the skills are better with; any one of the alternatives will do."""


def granted(scopes: set[str], scope: str) -> bool:
    """Whether ``scope`` is granted (a ``write_`` scope includes its ``read_``)."""
    return scope in scopes or scope.replace("read_", "write_", 1) in scopes


def scope_findings(scopes: set[str]) -> list[Finding]:
    """What the granted access scopes allow, and what each missing one breaks."""
    findings = [Finding("error", "access scopes", f"access scope {scope} missing: {effect}")
                for scope, effect in REQUIRED_SCOPES.items() if not granted(scopes, scope)]
    for alternatives, (level, effect) in OPTIONAL_SCOPES.items():
        if not any(granted(scopes, scope) for scope in alternatives):
            findings.append(Finding(level, "access scopes",
                                    f"access scope {' or '.join(alternatives)} missing: {effect}"))
    writes = sorted(s for s in scopes if s.startswith("write_"))
    if writes:
        findings.append(Finding("info", "access scopes", "the agent only reads; it does not "
                                f"need {', '.join(writes)}"))
    if not any(f.level in ("error", "warning") for f in findings):
        findings.append(Finding("ok", "access scopes", "every scope the skills need is granted"))
    return findings


def version_findings(wanted: str, versions: Sequence[dict[str, Any]]) -> list[Finding]:
    """Whether the configured API version is one Shopify serves and supports."""
    offered = {str(v.get("handle")): bool(v.get("supported")) for v in versions}
    supported = sorted(h for h, ok in offered.items() if ok and h != "unstable")
    newest = supported[-1] if supported else "a supported version"
    if wanted not in offered:
        return [Finding("error", "API version",
                        f"API version {wanted} is not offered by Shopify (supported: "
                        f"{', '.join(supported)}); set CUSTOMER_AGENT_SHOPIFY_API_VERSION")]
    if not offered[wanted]:
        return [Finding("warning", "API version",
                        f"API version {wanted} is not a supported stable version; "
                        f"use {newest}")]
    note = "" if wanted == newest else f" (newest: {newest})"
    return [Finding("ok", "API version", f"API version {wanted} is supported{note}")]


def link_findings(settings: Settings, links: LinkSettings) -> list[Finding]:
    """Whether the self-service links the skills send can be built."""
    problems = {p for purpose in LinkPurpose
                if (p := link_problem(purpose, settings, links)) is not None}
    if problems:
        return [Finding("warning", "self-service links",
                        f"{problem}: the skills that link there are Unavailable")
                for problem in sorted(problems)]
    return [Finding("ok", "self-service links",
                    f"links go to {describe_links(settings, links)}")]


def run_doctor(settings: Settings, shopify: ShopifySettings | None = None, *,
               links: LinkSettings | None = None,
               client_factory: Callable[[ShopifySettings], ShopifyClient] = ShopifyClient,
               ) -> list[Finding]:
    """Every finding about the shop connection, its API version, scopes and links."""
    shopify = shopify or ShopifySettings()
    findings = link_findings(settings, links or LinkSettings())
    missing = shopify.missing()
    if missing:
        level: Level = "error" if settings.order_source == "shopify" else "info"
        return [*findings, Finding(level, "configuration",
                                   f"Shopify is not configured: set {', '.join(missing)}")]
    if settings.order_source != "shopify":
        findings.append(Finding("info", "configuration", "the agent uses the demo store; set "
                                "CUSTOMER_AGENT_ORDER_SOURCE=shopify to use this shop"))
    if shopify.version_too_old():
        findings.append(Finding("error", "API version",
                                f"API version {shopify.api_version} is older than "
                                f"{MINIMUM_API_VERSION}: customer emails and phones can't be read"))
    if not shopify.webhook_secret.get_secret_value():
        findings.append(Finding("warning", "webhooks",
                                "no webhook secret (CUSTOMER_AGENT_SHOPIFY_WEBHOOK_SECRET): "
                                "webhooks are refused, so changes in the shop show only after "
                                f"{shopify.cache_ttl_seconds:g} s"))
    client = client_factory(shopify)
    try:
        data = client.execute(DOCTOR_PROBE, DOCTOR_PROBE_QUERY)
    except ShopifyError as exc:
        return [*findings, Finding("error", "connectivity", _explain(exc, shopify))]
    finally:
        client.close()
    shop = data.get("shop") or {}
    findings.append(Finding("ok", "connectivity", f"reached {shop.get('myshopifyDomain')} "
                            f"(\"{shop.get('name')}\")"))
    findings += version_findings(shopify.api_version, data.get("publicApiVersions") or [])
    installation = data.get("currentAppInstallation") or {}
    scopes = {s.get("handle", "") for s in installation.get("accessScopes") or []}
    return findings + scope_findings(scopes)


def _explain(error: ShopifyError, shopify: ShopifySettings) -> str:
    domain = shopify.myshopify_domain
    if isinstance(error, ShopifyAuthError):
        return (f"{domain} refused the access token: check CUSTOMER_AGENT_SHOPIFY_ACCESS_TOKEN "
                "(the app's Admin API token, shpat_...)")
    if isinstance(error, ShopifyNotFound):
        return (f"no Admin API at {domain} for version {shopify.api_version}: check the shop "
                "domain and CUSTOMER_AGENT_SHOPIFY_API_VERSION")
    if isinstance(error, ShopifyConnectionError):
        return f"can't reach {domain}: {error}"
    return f"the shop did not answer the check: {error}"


def format_findings(findings: Sequence[Finding]) -> str:
    """The findings as lines for a terminal, worst first within the original order."""
    order = {"error": 0, "warning": 1, "info": 2, "ok": 3}
    marks = {"error": "✗", "warning": "!", "info": "·", "ok": "✓"}
    ranked = sorted(findings, key=lambda f: order[f.level])
    return "\n".join(f"{marks[f.level]} {f.subject}: {f.message}" for f in ranked)


def findings_json(findings: Sequence[Finding]) -> list[dict[str, str]]:
    """The findings as plain JSON data."""
    return [asdict(f) for f in findings]


def doctor_exit_code(findings: Sequence[Finding]) -> int:
    """1 when anything is an error, else 0."""
    return 1 if any(f.level == "error" for f in findings) else 0
