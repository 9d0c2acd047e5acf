"""Per-ERP price hooks for FM-T06, FM-T02 and FM-G05: how each ERP's pricing clerk changes an
item's base price (the vendor's own field), the period discounts of SAP Business One, and
views of the prices Magento holds and charges.

ERP setters, each on the fake's own state through the vendor's own rules:

- NetSuite: the inventory item's ``basePrice`` (the base price level), and dated prices as
  sale price rules (``schedule_price``: a rule on the Base Price level and its entry);
- SAP Business One: ``Items.ItemPrices`` of price list 1 (as a PATCH would), and period
  discounts (``SpecialPrices`` of ``CardCode`` ``*1``) created as a POST would;
- Business Central: the item card's ``unitPrice``, and dated prices as lines of a sales price
  list (``add_price_list_line``), read through page 7005 published as a web service;
- Sage 200: the ``set_price`` event (the Standard price band);
- S/4HANA: the ``set_price`` event (a new PPR0 condition record from today on), and dated PPR0
  records (``price_condition``), split around older ones as VK11 does;
- legacy: the ``set_price`` event (the ``STD`` list from today on, or dated), then the ERP's
  price export job (the ``export_prices`` event, as its schedule would run it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from scenarios.context import Ctx

Setter = Callable[[Ctx, str, Decimal], None]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _code(ctx: Ctx, sku: str) -> str:
    return str(ctx.world.profile.get("items", {}).get(sku, sku))


def _ns_set(ctx: Ctx, sku: str, amount: Decimal) -> None:
    items = ctx.world.erp_fake.backend.records["inventoryItem"]  # type: ignore[attr-defined]
    code = _code(ctx, sku)
    item = next(i for i in items.values() if i["itemId"] == code)
    item["basePrice"] = float(amount)


def _b1_set(ctx: Ctx, sku: str, amount: Decimal) -> None:
    backend: Any = ctx.world.erp_fake.backend
    body = {"ItemPrices": [{"PriceList": 1, "Price": float(amount)}]}
    backend.update_master("Items", _code(ctx, sku), body, False)


def _bc_set(ctx: Ctx, sku: str, amount: Decimal) -> None:
    backend: Any = ctx.world.erp_fake.backend
    company = backend._target(None, None)
    item = company.item_by_number(_code(ctx, sku))
    item["unitPrice"] = amount
    company.touch(item, ctx.world.clock.now())


def _sage_set(ctx: Ctx, sku: str, amount: Decimal) -> None:
    ctx.world.erp_fake.event("set_price", product_code=_code(ctx, sku), price=float(amount))


def _s4_set(ctx: Ctx, sku: str, amount: Decimal) -> None:
    ctx.world.erp_fake.event("set_price", material=_code(ctx, sku), price=str(amount))


def _legacy_set(ctx: Ctx, sku: str, amount: Decimal) -> None:
    ctx.world.erp_fake.event("set_price", sku=_code(ctx, sku), price=str(amount))
    ctx.world.erp_fake.event("export_prices")


SETTERS: dict[str, Setter] = {
    "s4hana": _s4_set,
    "netsuite": _ns_set,
    "sap-b1": _b1_set,
    "business-central": _bc_set,
    "sage200": _sage_set,
    "legacy": _legacy_set,
}
ERPS = tuple(SETTERS)


def set_base(ctx: Ctx, sku: str, amount: Decimal) -> None:
    """The ERP's pricing clerk changes the base price of ``sku``."""
    SETTERS[ctx.world.erp](ctx, sku, amount)


def b1_period_discount(ctx: Ctx, sku: str, rows: list[tuple[Decimal, date, date]]) -> None:
    """Period discounts of price list 1 for every business partner: ``(price, from, to)``."""
    backend: Any = ctx.world.erp_fake.backend
    areas = [
        {
            "RowNumber": n,
            "SpecialPrice": float(price),
            "DateFrom": start.isoformat(),
            "Dateto": end.isoformat(),
        }
        for n, (price, start, end) in enumerate(rows)
    ]
    body = {"CardCode": "*1", "ItemCode": _code(ctx, sku), "PriceListNum": 1}
    backend.create_master("SpecialPrices", {**body, "SpecialPriceDataAreas": areas})


def s4_dated_price(ctx: Ctx, sku: str, rows: list[tuple[Decimal, date, date]]) -> None:
    """Dated PPR0 list prices (condition records): ``(price, from, to)``."""
    for price, start, end in rows:
        ctx.world.erp_fake.event(
            "price_condition",
            material=_code(ctx, sku),
            amount=str(price),
            valid_from=start.isoformat(),
            valid_to=end.isoformat(),
        )


def legacy_dated_price(ctx: Ctx, sku: str, rows: list[tuple[Decimal, date, date]]) -> None:
    """Dated ``STD`` prices (``set_price`` with first and last day), then the price export."""
    for price, start, end in rows:
        ctx.world.erp_fake.event(
            "set_price",
            sku=_code(ctx, sku),
            price=str(price),
            effective_from=start.isoformat(),
            effective_to=end.isoformat(),
        )
    ctx.world.erp_fake.event("export_prices")


SAGE_DATED_BAND = "WEBPROMO"  # erp_settings dated_price_bands of FM-T02


def sage_dated_price(ctx: Ctx, sku: str, rows: list[tuple[Decimal, date, date]]) -> None:
    """Time-based price bands the web account is linked to, one per period (Sage 200 dates a
    band, not a price): ``(price, from, to)``."""
    for n, (price, start, end) in enumerate(rows, 1):
        ctx.world.erp_fake.event(
            "set_band_price",
            band=f"{SAGE_DATED_BAND}{n}",
            product_code=_code(ctx, sku),
            price=float(price),
            active_from=start.isoformat(),
            active_to=end.isoformat(),
        )


def ns_sale_price_rule(ctx: Ctx, sku: str, rows: list[tuple[Decimal, date, date]]) -> None:
    """NetSuite sale price rules on the Base Price level, one per period, each with an entry
    for the item (the ``schedule_price`` event): ``(price, from, to)``."""
    for price, start, end in rows:
        ctx.world.erp_fake.event(
            "schedule_price",
            item_code=_code(ctx, sku),
            price=float(price),
            start=start.isoformat(),
            end=end.isoformat(),
        )


BC_PRICE_SERVICE = "PriceListLines"  # erp_settings price_list_service of FM-T02
BC_PRICE_LIST = "S00001"


def bc_price_list_lines(ctx: Ctx, sku: str, rows: list[tuple[Decimal, date, date]]) -> None:
    """The administrator publishes page 7005 as a web service once; the pricing clerk enters
    one Active line per period on an all-customers sales price list: ``(price, from, to)``."""
    ctx.world.erp_fake.event("publish_web_service", service_name=BC_PRICE_SERVICE, object_id=7005)
    for price, start, end in rows:
        ctx.world.erp_fake.event(
            "add_price_list_line",
            price_list_code=BC_PRICE_LIST,
            asset_no=_code(ctx, sku),
            unit_price=str(price),
            starting_date=start.isoformat(),
            ending_date=end.isoformat(),
        )


DATED: dict[str, Callable[[Ctx, str, list[tuple[Decimal, date, date]]], None]] = {
    "business-central": bc_price_list_lines,
    "netsuite": ns_sale_price_rule,
    "sap-b1": b1_period_discount,
    "s4hana": s4_dated_price,
    "legacy": legacy_dated_price,
    "sage200": sage_dated_price,
}


# -- Magento ------------------------------------------------------------------------------------
def products(ctx: Ctx, count: int) -> list[tuple[str, Decimal]]:
    """The first ``count`` products of the dataset with their seeded price."""
    chosen = ctx.world.magento.ctx.dataset.products[:count]
    return [(p.sku, Decimal(str(p.price))) for p in chosen]


def magento_base(ctx: Ctx) -> dict[str, Decimal]:
    state = ctx.world.magento.state()
    return {str(s): Decimal(str(p)) for s, p in state["base_prices"].items()}


def magento_special(ctx: Ctx, sku: str) -> dict[str, Any] | None:
    rows = ctx.world.magento.state()["prices"]["special"]
    return next((r for r in rows if r["sku"] == sku and r["store_id"] == 0), None)


def magento_charges(ctx: Ctx, sku: str, at: datetime) -> Decimal:
    """What Magento charges a guest for one ``sku`` at ``at``: the base price, lowered by a
    special price whose dates cover ``at`` (``price_from``..``price_to``, inclusive)."""
    base = magento_base(ctx)[sku]
    special = magento_special(ctx, sku)
    if special is None:
        return base
    moment = at.strftime(TIME_FORMAT)
    starts, ends = special.get("price_from"), special.get("price_to")
    if (not starts or starts <= moment) and (not ends or moment <= ends):
        return min(base, Decimal(str(special["price"])))
    return base
