"""Price check on order export (FM-S03) and finance totals (FM-S06) for SAP S/4HANA.

Prices (``erp.options["price_policy"]``, see :mod:`sync_core.connectors.sap_b1.pricing`)
    API_SALES_ORDER_SRV has no read of a customer's price before an order exists (that is the
    pricing condition records API or the order simulation, neither assumed here), so the order
    is created without a manual price and SAP prices it (condition PPR0 from the condition
    records for the sold-to party). Its items' PPR0 rates (``A_SalesOrderItemPrElement``) are
    then compared with Magento's prices, item by item in the order of ``to_Item``:

    - ``magento``: each differing item's PPR0 ``ConditionRateValue`` is set to Magento's
      price (PATCH with the entity's ETag), the variance recorded;
    - ``erp``: SAP's price stays, the variance recorded;
    - ``hold``: the order SAP just created is deleted again (nothing follows it yet) and a
      :class:`~sync_core.errors.BusinessHold` names the order and its lines.

    A failure between the create and the PATCH (or the DELETE) leaves the order priced by SAP:
    the retry finds it by its reference and binds it, so the variance stays recorded but is
    not corrected. Without the option nothing is checked and SAP prices the order.

Finance (FM-S06)
    API_BILLING_DOCUMENT_SRV: items of billing documents name their ``SalesDocument``; the
    header's ``SDDocumentCategory`` says invoice (``M``) or credit memo (``O``); amounts are
    positive in both. Cancelled documents and cancellations are left out. Net amounts
    (``NetAmount``, before tax) are summed per sales order.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sync_core.connectors.pricing import Variance, differs, hold, money
from sync_core.connectors.s4hana.client import ROOT, SALES, CsrfRequired, S4Client, literal
from sync_core.errors import BusinessHold
from sync_core.model import Order

BILLING = f"{ROOT}/API_BILLING_DOCUMENT_SRV"
PRICE = "PPR0"
INVOICE, CREDIT_MEMO = "M", "O"
CHUNK = 20  # values per $filter, to keep URLs short


def order_prices(client: S4Client, number: str) -> list[tuple[str, Decimal]]:
    """(item number, PPR0 rate) of each item of sales order ``number``, in item order."""
    rows = client.collection(
        f"{SALES}/A_SalesOrderItemPrElement",
        {
            "$filter": f"SalesOrder eq {literal(number)} and ConditionType eq {literal(PRICE)}",
            "$select": "SalesOrder,SalesOrderItem,PricingProcedureStep,"
            "PricingProcedureCounter,ConditionRateValue",
        },
    )
    found = {str(r["SalesOrderItem"]): money(r.get("ConditionRateValue")) for r in rows}
    return sorted(found.items(), key=lambda pair: int(pair[0]) if pair[0].isdigit() else 0)


def check(client: S4Client, order: Order, number: str) -> tuple[list[Variance], list[str]]:
    """The variances of the created order, and the item number of each one."""
    found, items = [], []
    for line, (item, rate) in zip(order.lines, order_prices(client, number), strict=False):
        if differs(line.price, rate):
            found.append(Variance(line.line_no, line.sku, line.price, rate, f"PPR0 of {number}"))
            items.append(item)
    return found, items


def set_price(client: S4Client, number: str, item: str, rate: Decimal) -> None:
    """Magento's price as the item's manual PPR0 rate."""
    path = (
        f"{SALES}/A_SalesOrderItemPrElement(SalesOrder={literal(number)},"
        f"SalesOrderItem={literal(item)},PricingProcedureStep='10',PricingProcedureCounter='1')"
    )
    _write(client, "PATCH", path, {"ConditionRateValue": format(rate, "f")})


def withdraw(client: S4Client, order: Order, number: str, found: list[Variance]) -> BusinessHold:
    """Delete the just-created order and answer the hold naming the order and its lines."""
    _write(client, "DELETE", f"{SALES}/A_SalesOrder({literal(number)})", None)
    return hold(order, "the sold-to party", "s4hana", found)


def _write(client: S4Client, method: str, path: str, body: dict[str, Any] | None) -> None:
    """A PATCH or DELETE with the entity's ETag and a CSRF token (fetched again once)."""
    etag = client.http.request("GET", path).headers.get("ETag", "*")
    for attempt in range(2):
        headers = {"x-csrf-token": client.csrf_token(), "If-Match": etag}
        try:
            if body is None:
                client.http.request(method, path, headers=headers)
            else:
                client.http.request(method, path, json=body, headers=headers)
            return
        except CsrfRequired:
            if attempt:
                raise
            client.forget_session()


# -- finance documents (FM-S06) -------------------------------------------------------------------
def sales_orders(client: S4Client, references: dict[str, str]) -> dict[str, str]:
    """Sales order number -> external reference, for customer references ``references``
    (customer reference -> external reference)."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(references)):
        rows = client.collection(
            f"{SALES}/A_SalesOrder",
            {
                "$filter": " or ".join(f"PurchaseOrderByCustomer eq {literal(r)}" for r in chunk),
                "$select": "SalesOrder,PurchaseOrderByCustomer",
            },
        )
        for row in rows:
            ref = references.get(str(row.get("PurchaseOrderByCustomer") or ""))
            if ref is not None:
                found[str(row["SalesOrder"])] = ref
    return found


def finance_totals(client: S4Client, orders: dict[str, str]) -> dict[str, dict[str, Decimal]]:
    """Net invoiced and credited per external reference for ``orders`` (number -> ref)."""
    totals = {ref: {"invoiced": Decimal(0), "credited": Decimal(0)} for ref in orders.values()}
    items = list(_billing_items(client, sorted(orders)))
    kinds = _categories(client, sorted({str(i["BillingDocument"]) for i in items}))
    for item in items:
        kind = kinds.get(str(item["BillingDocument"]))
        ref = orders.get(str(item.get("SalesDocument") or ""))
        if ref is None or kind is None:
            continue
        key = "invoiced" if kind == INVOICE else "credited"
        totals[ref][key] += money(item.get("NetAmount"))
    return totals


def _billing_items(client: S4Client, numbers: list[str]) -> Iterator[dict[str, Any]]:
    for chunk in _chunks(numbers):
        yield from client.collection(
            f"{BILLING}/A_BillingDocumentItem",
            {
                "$filter": " or ".join(f"SalesDocument eq {literal(n)}" for n in chunk),
                "$select": "BillingDocument,BillingDocumentItem,SalesDocument,NetAmount",
            },
        )


def _categories(client: S4Client, documents: list[str]) -> dict[str, str]:
    """Billing document -> M or O, live documents only (no cancelled ones, no cancellations)."""
    found = {}
    for chunk in _chunks(documents):
        rows = client.collection(
            f"{BILLING}/A_BillingDocument",
            {
                "$filter": " or ".join(f"BillingDocument eq {literal(d)}" for d in chunk),
                "$select": "BillingDocument,SDDocumentCategory,BillingDocumentIsCancelled,"
                "CancelledBillingDocument",
            },
        )
        for row in rows:
            category = str(row.get("SDDocumentCategory") or "")
            cancelled = row.get("BillingDocumentIsCancelled") or row.get("CancelledBillingDocument")
            if category in (INVOICE, CREDIT_MEMO) and not cancelled:
                found[str(row["BillingDocument"])] = category
    return found


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
