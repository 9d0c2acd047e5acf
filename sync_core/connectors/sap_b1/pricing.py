"""Price-list check on order export (FM-S03) for SAP Business One (the vendor-neutral pieces
are in :mod:`sync_core.connectors.pricing`).

Policy (``erp.options["price_policy"]``)
    ``magento``: the line carries Magento's price (``UnitPrice``), the variance is recorded;
    ``erp``: no price is sent, so Business One prices every line itself (special price, else
    the business partner's price list), the variance is recorded; ``hold``: an order with a
    variance is not created, a :class:`~sync_core.errors.BusinessHold` names the order and its
    lines. Without the option nothing is checked and Magento's price is sent, as before.

Business One's price for a business partner, as documented for the sales documents: a valid
special price (``SpecialPrices(CardCode, ItemCode)``: a period row of
``SpecialPriceDataAreas`` whose ``DateFrom``..``Dateto`` covers the document date, else the
record's ``Price`` or ``DiscountPercent`` off the list price within ``ValidFrom``..``ValidTo``),
else the item's price in the partner's price list (``BusinessPartners.PriceListNum`` ->
``Items.ItemPrices[PriceList]``). Volume discounts (``SpecialPriceQuantityAreas``) and
discount groups are not read: a variance they would explain is still reported.

Every variance is kept per line as ``{"kind": "price_variance", "subject": "<ref>:<line>",
"detail": ...}`` and handed to the engine through the connector's ``alerts()``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sync_core.connectors.pricing import (
    Variance,
    differs,
    money,
)
from sync_core.errors import RemoteNotFound
from sync_core.model import Order

YES = "tYES"


class B1Prices:
    """Business One's price of an item for a business partner on a date (read per export)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def price_list(self, card_code: str) -> int:
        partner = self.client.get(
            f"/BusinessPartners({_quote(card_code)})", {"$select": "CardCode,PriceListNum"}
        )
        return int(partner.get("PriceListNum") or 1)

    def list_price(self, item_code: str, price_list: int) -> Decimal:
        item = self.client.get(f"/Items({_quote(item_code)})", {"$select": "ItemCode,ItemPrices"})
        for row in item.get("ItemPrices") or []:
            if int(row.get("PriceList") or 0) == price_list:
                return money(row.get("Price"))
        return Decimal(0)

    def special(self, card_code: str, item_code: str) -> dict[str, Any] | None:
        path = f"/SpecialPrices(CardCode={_quote(card_code)},ItemCode={_quote(item_code)})"
        try:
            found: dict[str, Any] = self.client.get(path)
        except RemoteNotFound:
            return None
        return found if found.get("Valid", YES) == YES else None

    def price(
        self, card_code: str, price_list: int, item_code: str, on: date
    ) -> tuple[Decimal, str]:
        base = self.list_price(item_code, price_list)
        special = self.special(card_code, item_code)
        if special is not None:
            found = special_price(special, base, on.isoformat())
            if found is not None:
                return found, f"special price for {card_code}"
        return base, f"price list {price_list}"


def special_price(special: dict[str, Any], base: Decimal, on: str) -> Decimal | None:
    """The special price valid on ``on`` (ISO date), or None when none applies."""
    for area in special.get("SpecialPriceDataAreas") or []:
        if _within(on, area.get("DateFrom"), area.get("Dateto")):
            if area.get("SpecialPrice") is not None:
                return money(area["SpecialPrice"])
            return _discounted(base, area.get("Discount"))
    if not _within(on, special.get("ValidFrom"), special.get("ValidTo")):
        return None
    if special.get("Price") not in (None, 0, 0.0):
        return money(special["Price"])
    return _discounted(base, special.get("DiscountPercent"))


def check(prices: B1Prices, order: Order, card_code: str, codes: list[str]) -> list[Variance]:
    """The lines of ``order`` (item codes ``codes``) whose price differs from B1's."""
    price_list = prices.price_list(card_code)
    found = []
    for line, code in zip(order.lines, codes, strict=True):
        erp, source = prices.price(card_code, price_list, code, order.created_at.date())
        if differs(line.price, erp):
            found.append(Variance(line.line_no, line.sku, line.price, erp, source))
    return found


def _within(on: str, start: Any, end: Any) -> bool:
    return (not start or str(start)[:10] <= on) and (not end or on <= str(end)[:10])


def _discounted(base: Decimal, percent: Any) -> Decimal:
    return (base * (1 - money(percent) / 100)).quantize(Decimal("0.000001"))


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _num(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


# -- finance documents (FM-S06) -------------------------------------------------------------------
ORDER, DELIVERY, INVOICE = 17, 15, 13
DOC_SELECT = "DocEntry,NumAtCard,DocTotal,VatSum,Cancelled,CancelStatus,DocumentLines"


def finance_totals(client: Any, orders: dict[int, str]) -> dict[str, dict[str, Decimal]]:
    """Net (``DocTotal - VatSum``) invoiced and credited per external reference, for the
    orders ``orders`` (DocEntry -> reference). A document belongs to an order by its
    ``NumAtCard`` or by what it was copied from: an invoice from the order (17) or from a
    delivery of it (15), a credit note from such an invoice (13). Cancelled documents and
    cancellation documents are left out."""
    refs = set(orders.values())
    totals = {ref: {"invoiced": Decimal(0), "credited": Decimal(0)} for ref in refs}
    deliveries = _based(client, "DeliveryNotes", {ORDER: orders})
    invoices: dict[int, str] = {}
    for doc in _documents(client, "Invoices"):
        ref = _owner(doc, refs, {ORDER: orders, DELIVERY: deliveries})
        if ref is not None:
            invoices[int(doc["DocEntry"])] = ref
            totals[ref]["invoiced"] += _net(doc)
    for doc in _documents(client, "CreditNotes"):
        ref = _owner(doc, refs, {INVOICE: invoices})
        if ref is not None:
            totals[ref]["credited"] += _net(doc)
    return totals


def _documents(client: Any, set_name: str) -> list[dict[str, Any]]:
    rows = client.query(set_name, {"$select": DOC_SELECT, "$orderby": "DocEntry"})
    return [
        r for r in rows if r.get("Cancelled") != YES and r.get("CancelStatus") != "csCancellation"
    ]


def _based(client: Any, set_name: str, bases: dict[int, dict[int, str]]) -> dict[int, str]:
    """DocEntry -> reference for the documents of ``set_name`` copied from ``bases``."""
    found = {}
    for doc in _documents(client, set_name):
        ref = _owner(doc, set(), bases)
        if ref is not None:
            found[int(doc["DocEntry"])] = ref
    return found


def _owner(doc: dict[str, Any], refs: set[str], bases: dict[int, dict[int, str]]) -> str | None:
    if doc.get("NumAtCard") in refs:
        return str(doc["NumAtCard"])
    for line in doc.get("DocumentLines") or []:
        entries = bases.get(int(line.get("BaseType") or -1)) or {}
        ref = entries.get(int(line.get("BaseEntry") or -1))
        if ref is not None:
            return ref
    return None


def _net(doc: dict[str, Any]) -> Decimal:
    return money(doc.get("DocTotal")) - money(doc.get("VatSum"))
