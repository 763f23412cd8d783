"""The demo storefront's cart, kept on the conversation: pure functions over plain data.

``Conversation.cart`` is ``{"items": [{"product_id", "variant_id", "title", "variant",
"quantity", "unit_price"}], "item_count", "subtotal", "currency", "discount"?, "total"}``
with money as decimal strings (``"349.00"``). Prices always come from the catalog, never
from the page. A cart event names the product only when its title is shorter than 41
characters (a longer one is left out, not cut).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from agent.commerce.models import Product, Variant
from agent.config import DiscountCode

CURRENCY = "EUR"
LONGEST_NAME_IN_EVENT = 40
MAX_QUANTITY = 20
CENT = Decimal("0.01")


class CartError(Exception):
    """A cart change that cannot be made; the message says why."""


class NotFound(CartError):
    """The product, variant or cart line does not exist."""


def find_variant(products: Sequence[Product], variant_id: str) -> tuple[Product, Variant]:
    """The catalog product and variant with this variant id."""
    for product in products:
        for variant in product.variants:
            if variant.id == variant_id:
                return product, variant
    raise NotFound(f"no product variant {variant_id}")


def empty_cart() -> dict[str, Any]:
    """A cart with nothing in it."""
    return with_totals([], None)


def add_item(cart: dict[str, Any] | None, product: Product, variant: Variant,
             quantity: int) -> dict[str, Any]:
    """The cart with ``quantity`` more of ``variant``; refuses sold-out and too many."""
    if variant.inventory <= 0:
        raise CartError(f"{product.title} ({variant.title}) is sold out")
    items = [dict(item) for item in (cart or empty_cart())["items"]]
    line = next((item for item in items if item["variant_id"] == variant.id), None)
    wanted = quantity + (line["quantity"] if line else 0)
    if wanted > min(MAX_QUANTITY, variant.inventory):
        raise CartError(f"only {min(MAX_QUANTITY, variant.inventory)} of "
                        f"{product.title} ({variant.title}) can be in the cart")
    if line is None:
        items.append({"product_id": product.id, "variant_id": variant.id,
                      "title": product.title, "variant": variant.title, "quantity": quantity,
                      "unit_price": str(variant.price.quantize(CENT))})
    else:
        line["quantity"] = wanted
    return with_totals(items, (cart or {}).get("discount"))


def remove_item(cart: dict[str, Any] | None, variant_id: str,
                quantity: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cart with ``quantity`` (all when None) of a line taken out, and the line removed."""
    items = [dict(item) for item in (cart or empty_cart())["items"]]
    line = next((item for item in items if item["variant_id"] == variant_id), None)
    if line is None:
        raise NotFound(f"{variant_id} is not in the cart")
    taken = line["quantity"] if quantity is None else min(quantity, line["quantity"])
    line["quantity"] -= taken
    remaining = [item for item in items if item["quantity"] > 0]
    return with_totals(remaining, (cart or {}).get("discount")), {**line, "quantity": taken}


def apply_discount(cart: dict[str, Any] | None, code: DiscountCode) -> dict[str, Any]:
    """The cart with a (shareable, already checked) discount code applied."""
    discount = {"code": code.code, "description": code.description,
                "percent_off": code.percent_off}
    return with_totals(list((cart or empty_cart())["items"]), discount)


def with_totals(items: list[dict[str, Any]], discount: dict[str, Any] | None) -> dict[str, Any]:
    """A cart from its lines: item count, subtotal, the discount's amount and the total."""
    subtotal = sum((Decimal(item["unit_price"]) * item["quantity"] for item in items),
                   Decimal("0")).quantize(CENT)
    cart: dict[str, Any] = {"items": items, "item_count": sum(i["quantity"] for i in items),
                            "subtotal": str(subtotal), "currency": CURRENCY}
    total = subtotal
    if discount is not None:
        percent = discount.get("percent_off")
        amount = (subtotal * Decimal(str(percent)) / 100).quantize(CENT, ROUND_HALF_UP) \
            if percent else Decimal("0.00")
        cart["discount"] = {**discount, "amount": str(amount)}
        total = subtotal - amount
    cart["total"] = str(total.quantize(CENT))
    return cart


def cart_event_detail(line: dict[str, Any], cart: dict[str, Any]) -> dict[str, Any]:
    """What a cart_add / cart_remove event records: the line, and the name if short enough."""
    detail: dict[str, Any] = {"product_id": line["product_id"], "variant_id": line["variant_id"],
                              "quantity": line["quantity"], "item_count": cart["item_count"],
                              "subtotal": cart["subtotal"], "currency": cart["currency"]}
    if len(line["title"]) <= LONGEST_NAME_IN_EVENT:
        detail["product"] = line["title"]
    return detail
