"""SAP Business One as the harness judges it: sales orders and per-warehouse stock from the
fake's state, the routes that create orders, the naive script's Service Layer half, and a few
hooks the SAP scenarios (:mod:`scenarios.catalog.sap`) use to change the company database as
an operator would (warehouses, the duplicate guard)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests

from fakes.sap_b1.state import SapB1Backend
from scenarios.erps import ErpSupport
from scenarios.views import ErpOrder, decimal

if TYPE_CHECKING:
    from fakes.core.fake import Fake
    from scenarios.world import World

SERVICE = "/b1s/v1"
NAIVE_FALLBACK_CARD = "C00001"  # the "web customer" a cron script posts unknown buyers to


def orders(state: dict[str, Any]) -> list[ErpOrder]:
    found = []
    for doc in state.get("Orders", []):
        lines: dict[str, Decimal] = {}
        for line in doc.get("DocumentLines") or []:
            code = str(line.get("ItemCode"))
            lines[code] = lines.get(code, Decimal(0)) + decimal(line.get("Quantity"))
        refs = {doc.get("NumAtCard")} | {
            value for name, value in doc.items() if name.startswith("U_")
        }
        status = "cancelled" if doc.get("Cancelled") == "tYES" else str(doc.get("DocumentStatus"))
        found.append(
            ErpOrder(
                str(doc["DocEntry"]),
                f"Order {doc.get('DocNum')} (DocEntry {doc['DocEntry']}, {doc.get('CardCode')})",
                frozenset(str(r) for r in refs if isinstance(r, str) and r),
                lines,
                status,
            )
        )
    return found


def stock(state: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    levels: dict[tuple[str, str], Decimal] = {}
    for item in state.get("Items", []):
        for row in item.get("ItemWarehouseInfoCollection") or []:
            key = (str(item.get("ItemCode")), str(row.get("WarehouseCode")))
            levels[key] = decimal(row.get("InStock"))
    return levels


def set_stock(fake: Fake, item_code: str, location: str, qty: int) -> None:
    fake.event("set_stock", item_code=item_code, warehouse=location, in_stock=qty)


def cancel_order(fake: Fake, order_id: str) -> None:
    """An operator cancels the sales order (``POST /Orders(n)/Cancel``) in B1."""
    fake.event("cancel_order", doc_entry=int(order_id))


# -- hooks for the SAP scenarios ------------------------------------------------------------------
def _backend(fake: Fake) -> SapB1Backend:
    backend = fake.backend
    if not isinstance(backend, SapB1Backend):
        raise TypeError(f"{fake.spec.name} is not a SAP Business One fake")
    return backend


def add_location(fake: Fake, code: str) -> None:
    """An operator opens a new warehouse (stock rows at 0 for every item)."""
    backend = _backend(fake)
    with backend.lock:
        backend.create("Warehouses", {"WarehouseCode": code, "WarehouseName": f"Store {code}"})


def remove_location(fake: Fake, code: str) -> None:
    """The warehouse a mapping names does not exist in this company database. Modelled as an
    unused warehouse being emptied and removed before anything syncs."""
    backend = _backend(fake)
    for item in fake.state()["Items"]:
        set_stock(fake, str(item["ItemCode"]), code, 0)
    with backend.lock:
        backend.delete("Warehouses", code)


def guard_duplicates(fake: Fake, on: bool = True) -> None:
    """The customer's SBO_SP_TransactionNotification refuses a second open order with the same
    NumAtCard for the same business partner (error -1)."""
    fake.ctx.options["transaction_notification_duplicates"] = on


# -- the naive script's Service Layer half --------------------------------------------------------
class NaiveSapB1:
    """Log in, POST the order with the bare increment id in NumAtCard, no lookup; buyers with
    no business partner go to a fixed web-customer account; stock summed over warehouses."""

    def __init__(self, world: World, session: requests.Session) -> None:
        self.base = world.erp_fake.base_url.rstrip("/") + SERVICE
        self.session = session
        self.creds = world.erp_fake.credentials()
        self.cookie = ""

    def _login(self) -> None:
        body = {
            "CompanyDB": self.creds["company_db"],
            "UserName": self.creds["username"],
            "Password": self.creds["password"],
        }
        response = self.session.post(f"{self.base}/Login", json=body, timeout=30)
        self.cookie = f"B1SESSION={response.json().get('SessionId')}"

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        if not self.cookie:
            self._login()
        url = path if path.startswith("http") else f"{self.base}{path}"
        response = self.session.request(
            method, url, headers={"Cookie": self.cookie}, timeout=30, **kwargs
        )
        if response.status_code == 401:  # log in again, like every script ends up doing
            self._login()
            response = self.session.request(
                method, url, headers={"Cookie": self.cookie}, timeout=30, **kwargs
            )
        return response

    def _rows(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        response = self._call("GET", path, params=params)
        while True:
            body = response.json()
            rows.extend(body.get("value") or [])
            link = body.get("odata.nextLink")
            if not link:
                return rows
            root = self.base[: -len(SERVICE)]
            response = self._call("GET", root + link if link.startswith("/") else link)

    def post_order(self, order: dict[str, Any]) -> requests.Response:
        email = str(order.get("customer_email") or "").replace("'", "''")
        partners = self._rows(
            "/BusinessPartners", {"$filter": f"EmailAddress eq '{email}'", "$select": "CardCode"}
        )
        lines = [
            {
                "ItemCode": item["sku"],
                "Quantity": item.get("qty_ordered"),
                "UnitPrice": item.get("price"),
            }
            for item in order.get("items") or []
            if not item.get("parent_item_id")
        ]
        day = str(order.get("created_at") or "")[:10]
        body = {
            "CardCode": partners[0]["CardCode"] if partners else NAIVE_FALLBACK_CARD,
            "NumAtCard": order.get("increment_id"),
            "DocDueDate": day,
            "DocumentLines": lines,
        }
        return self._call("POST", "/Orders", json=body)

    def stock_totals(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        params = {"$select": "ItemCode,ItemWarehouseInfoCollection"}
        for item in self._rows("/Items", params):
            for row in item.get("ItemWarehouseInfoCollection") or []:
                code = str(item["ItemCode"])
                totals[code] = totals.get(code, 0.0) + float(row.get("InStock") or 0)
        return totals


SUPPORT = ErpSupport(
    kind="sap-b1",
    orders=orders,
    stock=stock,
    set_stock=set_stock,
    order_writes=(("POST", r"(?i)^/b1s/v[12]/Orders/?$"),),
    api_paths=r"^/b1s/",
    naive=NaiveSapB1,
    cancel_order=cancel_order,
)


# -- hooks for the SAP finance scenarios (scenarios.catalog.sap_finance) ---------------------------
def account_email(fake: Fake) -> str | None:
    """The e-mail of a business partner, so an order lands on an account with a price list."""
    for partner in fake.state()["BusinessPartners"]:
        if partner.get("EmailAddress") and partner.get("CardType") in (None, "cCustomer"):
            return str(partner["EmailAddress"])
    return None


def account_price(fake: Fake, email: str | None, item_code: str, price: Decimal) -> None:
    """A special price for the partner with ``email`` (its price differs from Magento's)."""
    card = next(
        str(p["CardCode"])
        for p in fake.state()["BusinessPartners"]
        if p.get("EmailAddress") == email
    )
    backend = _backend(fake)
    with backend.lock:
        backend.create(
            "SpecialPrices", {"CardCode": card, "ItemCode": item_code, "Price": float(price)}
        )


def line_prices(fake: Fake, order_id: str) -> dict[str, Decimal]:
    doc = next(d for d in fake.state()["Orders"] if str(d["DocEntry"]) == order_id)
    return {str(line["ItemCode"]): decimal(line.get("Price")) for line in doc["DocumentLines"]}


def bill(fake: Fake, order_id: str, factor: Decimal = Decimal(1)) -> None:
    """Accounting invoices the whole order; ``factor`` != 1 bills other prices than ordered."""
    if factor == 1:
        fake.event("invoice", doc_entry=int(order_id), base="Orders")
        return
    doc = next(d for d in fake.state()["Orders"] if str(d["DocEntry"]) == order_id)
    lines = [
        {
            "BaseType": 17,
            "BaseEntry": int(order_id),
            "BaseLine": line["LineNum"],
            "UnitPrice": float(decimal(line["Price"]) * factor),
        }
        for line in doc["DocumentLines"]
    ]
    backend = _backend(fake)
    with backend.lock:
        backend.create_document("Invoices", {"CardCode": doc["CardCode"], "DocumentLines": lines})


def credit(fake: Fake, order_id: str) -> None:
    """The order is invoiced, then credited in full by a credit note copied from the invoice."""
    bill(fake, order_id)
    invoice = max(
        (
            d
            for d in fake.state()["Invoices"]
            if any(str(x.get("BaseEntry")) == order_id for x in d["DocumentLines"])
        ),
        key=lambda d: int(d["DocEntry"]),
    )
    lines = [
        {"BaseType": 13, "BaseEntry": invoice["DocEntry"], "BaseLine": line["LineNum"]}
        for line in invoice["DocumentLines"]
    ]
    backend = _backend(fake)
    with backend.lock:
        backend.create_document(
            "CreditNotes", {"CardCode": invoice["CardCode"], "DocumentLines": lines}
        )
