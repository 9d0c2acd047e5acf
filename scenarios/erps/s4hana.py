"""SAP S/4HANA as the harness judges it: sales orders (by ``PurchaseOrderByCustomer``) and
unrestricted stock per ``"PLANT/SLOC"`` from the fake's state, the routes that create orders,
and the naive script's S/4HANA half."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests

from fakes.s4hana.state import S4Backend
from scenarios.erps import ErpSupport
from scenarios.views import ErpOrder, decimal

if TYPE_CHECKING:
    from fakes.core.fake import Fake
    from scenarios.world import World

ROOT = "/sap/opu/odata/sap"
REJECTED = "C"  # OverallSDDocumentRejectionSts: every item rejected


def orders(state: dict[str, Any]) -> list[ErpOrder]:
    found = []
    for raw in state.get("salesOrders", []):
        lines: dict[str, Decimal] = {}
        for item in raw.get("items", []):
            code = str(item.get("Material") or "?")
            lines[code] = lines.get(code, Decimal(0)) + decimal(item.get("RequestedQuantity"))
        refs = frozenset(str(v) for v in (raw.get("PurchaseOrderByCustomer"),) if v)
        rejected = raw.get("OverallSDDocumentRejectionSts") == REJECTED
        status = "rejected" if rejected else str(raw.get("OverallSDProcessStatus") or "")
        number = str(raw["SalesOrder"])
        found.append(ErpOrder(number, f"sales order {number}", refs, lines, status))
    return found


def stock(state: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    levels: dict[tuple[str, str], Decimal] = {}
    for row in state.get("stock", []):
        sloc = str(row.get("storage_location") or "")
        location = f"{row['plant']}/{sloc}" if sloc else str(row["plant"])
        key = (str(row["material"]), location)
        levels[key] = levels.get(key, Decimal(0)) + decimal(row.get("quantity"))
    return levels


def set_stock(fake: Fake, item_code: str, location: str, qty: int) -> None:
    plant, _, sloc = location.partition("/")
    fake.event("set_stock", material=item_code, plant=plant, storage_location=sloc, quantity=qty)


def cancel_order(fake: Fake, order_id: str) -> None:
    """An operator rejects every open item of the sales order (reason 10)."""
    fake.event("cancel_order", sales_order=order_id)


class NaiveS4:
    """The naive script's S/4HANA half: one CSRF token fetched on the first POST and kept for
    good, the bare increment id as the customer reference, the first customer when the
    e-mail finds no partner, no paging."""

    def __init__(self, world: World, session: requests.Session) -> None:
        self.base = world.erp_fake.base_url.rstrip("/") + ROOT
        self.session = session
        creds = world.erp_fake.credentials()
        self.auth = (creds["username"], creds["password"])
        self.token: str | None = None
        self.sold_to: dict[str, str] = {}

    def _results(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        response = self.session.get(
            f"{self.base}/{path}",
            params=params,
            auth=self.auth,
            headers={"Accept": "application/json"},
            timeout=30,
        )
        body = response.json()
        return list((body.get("d") or {}).get("results") or []) if isinstance(body, dict) else []

    def _sold_to(self, email: str) -> str:
        if email not in self.sold_to:
            self.sold_to[email] = self._partner(email)
        return self.sold_to[email]

    def _partner(self, email: str) -> str:
        emails = self._results(
            "API_BUSINESS_PARTNER/A_AddressEmailAddress", {"$filter": f"EmailAddress eq '{email}'"}
        )
        for row in emails:
            partners = self._results(
                "API_BUSINESS_PARTNER/A_BusinessPartnerAddress",
                {"$filter": f"AddressID eq '{row['AddressID']}'"},
            )
            if partners:
                return str(partners[0]["BusinessPartner"])
        first = self._results("API_BUSINESS_PARTNER/A_Customer", {"$top": "1"})
        return str(first[0]["Customer"]) if first else ""

    def post_order(self, order: dict[str, Any]) -> requests.Response:
        items = [
            {"Material": str(item["sku"]), "RequestedQuantity": str(item.get("qty_ordered"))}
            for item in order.get("items") or []
            if not item.get("parent_item_id")
        ]
        body = {
            "SalesOrderType": "OR",
            "SalesOrganization": "1010",
            "DistributionChannel": "10",
            "OrganizationDivision": "00",
            "SoldToParty": self._sold_to(str(order.get("customer_email") or "")),
            "PurchaseOrderByCustomer": str(order.get("increment_id")),
            "to_Item": items,
        }
        if self.token is None:
            fetched = self.session.head(
                f"{self.base}/API_SALES_ORDER_SRV/",
                auth=self.auth,
                headers={"x-csrf-token": "Fetch"},
                timeout=30,
            )
            self.token = fetched.headers.get("x-csrf-token", "")
        return self.session.post(
            f"{self.base}/API_SALES_ORDER_SRV/A_SalesOrder",
            json=body,
            auth=self.auth,
            headers={"x-csrf-token": self.token, "Accept": "application/json"},
            timeout=30,
        )

    def stock_totals(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for row in self._results("API_MATERIAL_STOCK_SRV/A_MatlStkInAcctMod", {}):
            material = str(row["Material"])
            totals[material] = totals.get(material, 0.0) + float(
                row.get("MatlWrhsStkQtyInMatlBaseUnit") or 0
            )
        return totals


SUPPORT = ErpSupport(
    kind="s4hana",
    orders=orders,
    stock=stock,
    set_stock=set_stock,
    order_writes=(("POST", r"^/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder/?$"),),
    api_paths=r"^/sap/opu/odata/sap/",
    naive=NaiveS4,
    cancel_order=cancel_order,
)


# -- hooks for the SAP finance scenarios (scenarios.catalog.sap_finance) ---------------------------
def account_email(fake: Fake) -> str | None:
    """S/4HANA prices by material list price here: any customer will do."""
    return None


def account_price(fake: Fake, email: str | None, item_code: str, price: Decimal) -> None:
    """The material's list price (PPR0) changes: SAP prices it unlike Magento."""
    fake.event("set_price", material=item_code, price=str(price))


def _backend(fake: Fake) -> S4Backend:
    backend = fake.backend
    if not isinstance(backend, S4Backend):
        raise TypeError(f"{fake.spec.name} is not an S/4HANA fake")
    return backend


def _items(fake: Fake, order_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        _backend(fake).tables["A_SalesOrderItem"].where(SalesOrder=order_id)
    )
    return rows


def line_prices(fake: Fake, order_id: str) -> dict[str, Decimal]:
    return {str(i["Material"]): decimal(i["_price"]) for i in _items(fake, order_id)}


def bill(fake: Fake, order_id: str, factor: Decimal = Decimal(1)) -> None:
    """Shipping delivers the order, billing invoices it; ``factor`` != 1: an operator changed
    the order's prices before billing."""
    if factor != 1:
        with _backend(fake).lock:
            for item in _items(fake, order_id):
                item["_price"] = Decimal(item["_price"]) * factor
    fake.event("deliver", sales_order=order_id, items=[])
    fake.event("bill", sales_order=order_id)


def credit(fake: Fake, order_id: str) -> None:
    """The order is delivered and billed, then credited in full."""
    bill(fake, order_id)
    fake.event("credit_memo", sales_order=order_id)


def unmapped_location() -> str:
    """A storage location no Magento source maps to (FM-S04)."""
    return "1010/0009"
