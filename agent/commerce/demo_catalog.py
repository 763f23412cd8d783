"""The demo brand's catalog and customers: "Fjord & Fell", outdoor apparel from Copenhagen.

Plain data only, no clock: the orders that reference these products and customers are
built in ``agent.commerce.demo`` relative to an anchor time. Prices are EUR ``Decimal``;
some variants are sold out (``inventory == 0``) on purpose, so stock questions have both
answers. Product tags named in ``LINE_ITEM_TAGS`` are copied onto order lines, where the
store policy reads them (final sale, personalised, pre-order).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from agent.commerce.models import Customer, Product, Variant

BRAND_NAME = "Fjord & Fell"

FINAL_SALE_TAG = "final-sale"
PERSONALISED_TAG = "personalised"
PRE_ORDER_TAG = "pre-order"
LINE_ITEM_TAGS: frozenset[str] = frozenset({FINAL_SALE_TAG, PERSONALISED_TAG, PRE_ORDER_TAG})


def _variant(sku: str, size: str | None, color: str | None, price: str, inventory: int) -> Variant:
    """A variant titled like a storefront shows it: ``M / Fjord Blue``."""
    title = " / ".join(part for part in (size, color) if part)
    return Variant(id=sku, title=title, size=size, color=color, price=Decimal(price),
                   inventory=inventory)


DEMO_PRODUCTS: tuple[Product, ...] = (
    Product(
        id="prod-skagen-shell", title="Skagen 3L Shell Jacket", product_type="Shell jacket",
        description="Fully taped three-layer shell for wet Nordic days; helmet-compatible "
                    "hood, pit zips and two chest pockets that clear a hip belt.",
        material="3-layer recycled nylon, PFC-free DWR; 20,000 mm waterproof, "
                 "20,000 g/m²/24 h breathable.",
        care="Machine wash at 30 °C with a technical wash; tumble dry low to refresh the DWR.",
        tags=("shell-jacket", "waterproof"),
        variants=(
            _variant("skagen-s-blue", "S", "Fjord Blue", "349.00", 4),
            _variant("skagen-m-blue", "M", "Fjord Blue", "349.00", 0),
            _variant("skagen-l-blue", "L", "Fjord Blue", "349.00", 6),
            _variant("skagen-m-black", "M", "Black", "349.00", 3),
            _variant("skagen-l-black", "L", "Black", "349.00", 2),
            _variant("skagen-xl-black", "XL", "Black", "349.00", 0),
        ),
    ),
    Product(
        id="prod-lofoten-down", title="Lofoten Down Jacket", product_type="Down jacket",
        description="Warm, packable down jacket that stuffs into its own chest pocket.",
        material="750-fill-power RDS-certified down; 20D recycled ripstop nylon shell.",
        care="Wash at 30 °C with a down wash; tumble dry low with dryer balls until fully dry.",
        tags=("down", "insulation"),
        variants=(
            _variant("lofoten-s-black", "S", "Black", "299.00", 5),
            _variant("lofoten-m-black", "M", "Black", "299.00", 2),
            _variant("lofoten-l-black", "L", "Black", "299.00", 0),
            _variant("lofoten-m-moss", "M", "Moss Green", "299.00", 4),
            _variant("lofoten-l-moss", "L", "Moss Green", "299.00", 1),
        ),
    ),
    Product(
        id="prod-hardanger-fleece", title="Hardanger Grid Fleece", product_type="Fleece",
        description="Breathable grid fleece mid-layer with a half zip and thumb loops.",
        material="100% recycled polyester grid fleece, 260 g/m².",
        care="Machine wash at 30 °C inside out; do not tumble dry.",
        tags=("fleece", "mid-layer"),
        variants=(
            _variant("hardanger-s-grey", "S", "Heather Grey", "119.00", 8),
            _variant("hardanger-m-grey", "M", "Heather Grey", "119.00", 10),
            _variant("hardanger-l-grey", "L", "Heather Grey", "119.00", 0),
            _variant("hardanger-m-rust", "M", "Rust", "119.00", 3),
        ),
    ),
    Product(
        id="prod-rondane-top", title="Rondane Merino 200 Base Layer Top",
        product_type="Base layer",
        description="Long-sleeve merino base layer that stays warm when damp and "
                    "resists odour on multi-day trips.",
        material="100% mulesing-free merino wool, 18.5 micron, 200 g/m².",
        care="Wool cycle at 30 °C, no fabric softener; dry flat.",
        tags=("merino", "base-layer"),
        variants=(
            _variant("rondane-top-xs-black", "XS", "Black", "89.00", 2),
            _variant("rondane-top-s-black", "S", "Black", "89.00", 7),
            _variant("rondane-top-m-black", "M", "Black", "89.00", 0),
            _variant("rondane-top-l-black", "L", "Black", "89.00", 5),
            _variant("rondane-top-m-glacier", "M", "Glacier", "89.00", 4),
        ),
    ),
    Product(
        id="prod-rondane-leggings", title="Rondane Merino 200 Leggings",
        product_type="Base layer",
        description="Merino base-layer leggings with a flat-seam waistband.",
        material="100% mulesing-free merino wool, 18.5 micron, 200 g/m².",
        care="Wool cycle at 30 °C, no fabric softener; dry flat.",
        tags=("merino", "base-layer"),
        variants=(
            _variant("rondane-leg-s-black", "S", "Black", "79.00", 6),
            _variant("rondane-leg-m-black", "M", "Black", "79.00", 4),
            _variant("rondane-leg-l-black", "L", "Black", "79.00", 0),
        ),
    ),
    Product(
        id="prod-kjerag-boots", title="Kjerag Leather Hiking Boots", product_type="Hiking boots",
        description="Mid-cut leather hiking boots for rocky trails; waterproof membrane "
                    "and a grippy rubber outsole.",
        material="Full-grain leather upper, waterproof breathable membrane, Vibram outsole.",
        care="Brush off dirt, let dry away from direct heat, re-wax the leather regularly.",
        tags=("footwear", "waterproof"),
        variants=(
            _variant("kjerag-38", "EU 38", "Brown", "229.00", 3),
            _variant("kjerag-40", "EU 40", "Brown", "229.00", 4),
            _variant("kjerag-42", "EU 42", "Brown", "229.00", 0),
            _variant("kjerag-44", "EU 44", "Brown", "229.00", 2),
            _variant("kjerag-46", "EU 46", "Brown", "229.00", 1),
        ),
    ),
    Product(
        id="prod-trolltunga-daypack", title="Trolltunga 28L Daypack", product_type="Backpack",
        description="28-litre day pack with a ventilated back panel and a rain cover.",
        material="Recycled 420D nylon with a PU coating.",
        care="Wipe clean with a damp cloth; hand wash if needed, never machine wash.",
        tags=("backpack",),
        variants=(
            _variant("trolltunga-blue", None, "Fjord Blue", "139.00", 5),
            _variant("trolltunga-black", None, "Black", "139.00", 0),
            _variant("trolltunga-sand", None, "Sand", "139.00", 3),
        ),
    ),
    Product(
        id="prod-jotunheim-pack", title="Jotunheim 45L Trekking Pack", product_type="Backpack",
        description="45-litre trekking pack with an adjustable back length and a "
                    "removable lid that doubles as a hip pack.",
        material="Recycled 210D ripstop nylon body, 500D base.",
        care="Wipe clean with a damp cloth; hand wash if needed, never machine wash.",
        tags=("backpack",),
        variants=(
            _variant("jotunheim-sm", "S/M", "Slate", "219.00", 2),
            _variant("jotunheim-ml", "M/L", "Slate", "219.00", 0),
        ),
    ),
    Product(
        id="prod-embroidered-beanie", title="Embroidered Merino Beanie", product_type="Beanie",
        description="Rib-knit merino beanie embroidered with up to three initials of "
                    "your choice; made to order in our Copenhagen studio.",
        material="100% merino wool.",
        care="Hand wash cold; dry flat.",
        tags=("accessories", PERSONALISED_TAG),
        variants=(
            _variant("beanie-navy", None, "Navy", "39.00", 20),
            _variant("beanie-ochre", None, "Ochre", "39.00", 15),
        ),
    ),
    Product(
        id="prod-svalbard-parka", title="Svalbard Expedition Parka", product_type="Parka",
        description="New-season expedition parka, available to pre-order. It ships as "
                    "soon as the new-season stock reaches our warehouse.",
        material="Recycled nylon shell with a waterproof membrane; 800-fill-power RDS down.",
        care="Wash at 30 °C with a down wash; tumble dry low with dryer balls.",
        tags=("parka", "new-season", PRE_ORDER_TAG),
        variants=(
            _variant("svalbard-s-black", "S", "Black", "549.00", 0),
            _variant("svalbard-m-black", "M", "Black", "549.00", 0),
            _variant("svalbard-l-glacier", "L", "Glacier", "549.00", 0),
        ),
    ),
    Product(
        id="prod-fell-windbreaker", title="Fell Running Windbreaker", product_type="Wind jacket",
        description="Ultralight windbreaker from last season's clearance, now EUR 49 "
                    "(was EUR 99). Clearance items are final sale.",
        material="Recycled 10D nylon ripstop, 68 g in size M.",
        care="Machine wash at 30 °C; line dry.",
        tags=("clearance", FINAL_SALE_TAG),
        variants=(
            _variant("fell-s-lime", "S", "Lime", "49.00", 3),
            _variant("fell-m-lime", "M", "Lime", "49.00", 1),
            _variant("fell-l-lime", "L", "Lime", "49.00", 0),
        ),
    ),
    Product(
        id="prod-merino-socks", title="Merino Hiking Socks", product_type="Socks",
        description="Cushioned merino hiking socks with a reinforced heel and toe.",
        material="64% merino wool, 34% recycled polyamide, 2% elastane.",
        care="Machine wash at 30 °C inside out on a wool cycle; do not tumble dry.",
        tags=("accessories", "merino"),
        variants=(
            _variant("socks-36", "36-39", "Charcoal", "19.00", 12),
            _variant("socks-40", "40-43", "Charcoal", "19.00", 0),
            _variant("socks-44", "44-47", "Charcoal", "19.00", 9),
        ),
    ),
)


@dataclass(frozen=True)
class DemoCustomer:
    """A demo customer record plus the shipping address their orders go to."""

    customer: Customer
    address: str


def _customer(n: int, email: str, name: str, phone: str | None, address: str) -> DemoCustomer:
    return DemoCustomer(Customer(id=f"demo-customer-{n}", email=email, name=name, phone=phone),
                        address)


DEMO_CUSTOMERS: dict[str, DemoCustomer] = {
    "astrid": _customer(1, "astrid.nielsen@example.com", "Astrid Nielsen", "+4520123456",
                        "Jægersborggade 14, 2200 København N, Denmark"),
    "lars": _customer(2, "lars.eriksen@example.com", "Lars Eriksen", "+4791234567",
                      "Thorvald Meyers gate 22, 0555 Oslo, Norway"),
    "zofia": _customer(3, "zofia.kowalska@example.com", "Zofia Kowalska", "+48501234567",
                       "ul. Długa 8, 80-827 Gdańsk, Poland"),
    "mikkel": _customer(4, "mikkel.johansen@example.com", "Mikkel Johansen", "+4531456789",
                        "Vesterbrogade 102, 1620 København V, Denmark"),
    "ingrid": _customer(5, "ingrid.solberg@example.com", "Ingrid Solberg", "+4790876543",
                        "Bryggen 5, 5003 Bergen, Norway"),
    "freja": _customer(6, "freja.andersen@example.com", "Freja Andersen", None,
                       "Mejlgade 31, 8000 Aarhus C, Denmark"),
    "jonas": _customer(7, "jonas.lindqvist@example.com", "Jonas Lindqvist", "+46701234567",
                       "Södermannagatan 19, 116 40 Stockholm, Sweden"),
    "katarzyna": _customer(8, "katarzyna.nowak@example.com", "Katarzyna Nowak", "+48602345678",
                           "ul. Floriańska 12, 31-019 Kraków, Poland"),
}
