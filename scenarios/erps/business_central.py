"""Business Central as the harness judges it: sales orders and per-location stock of the
company of record, the routes that create orders, the naive script's API v2.0 half, and the
world the fake is seeded with.

The company of record is the first company of the first environment (production, the one the
fake's credentials name); scenarios that point a connector elsewhere (FM-D01, FM-D02) read the
other environments and companies themselves, through :func:`companies`.

The world serves Microsoft's Analytics API page ``api/microsoft/analytics/v1.0/
itemLedgerEntries`` (``entryNo``, ``itemNo``, ``locationCode``, ``quantity``, ...), the route
the builtin connector reads per-location stock from; FM-D04 takes it away.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests

from scenarios.erps import ErpSupport
from scenarios.views import ErpOrder, decimal

if TYPE_CHECKING:
    from fakes.core.fake import Fake
    from scenarios.world import World

SCOPE = "https://api.businesscentral.dynamics.com/.default"
ANALYTICS_LEDGER: dict[str, Any] = {
    "publisher": "microsoft",
    "group": "analytics",
    "version": "v1.0",
    "entity_set": "itemLedgerEntries",
    "entity_name": "itemLedgerEntry",
    "source": "itemLedgerEntries",
    "fields": {
        "entryNo": {"type": "Edm.Int32", "source": "entryNumber"},
        "entryType": {"type": "Edm.String", "source": "entryType"},
        "documentNo": {"type": "Edm.String", "source": "documentNumber"},
        "postingDate": "Edm.Date",
        "itemNo": {"type": "Edm.String", "source": "itemNumber"},
        "locationCode": "Edm.String",
        "quantity": "Edm.Decimal",
    },
}
ANALYTICS_PATH = r"/api/microsoft/analytics/v1\.0/companies\([^)]*\)/itemLedgerEntries"


# -- reading the fake's state ---------------------------------------------------------------------
def companies(state: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(environment, company name, company snapshot) for every company of the tenant."""
    for env, named in (state.get("environments") or {}).items():
        for name, snapshot in named.items():
            yield str(env), str(name), snapshot


def of_record(state: dict[str, Any]) -> dict[str, Any]:
    """The company of record: the first company of the first environment."""
    return next((snap for _, _, snap in companies(state)), {})


def erp_orders(snapshot: dict[str, Any]) -> list[ErpOrder]:
    """The sales orders of one company, plus orders that posting deleted (their invoices)."""
    found = [_order(raw) for raw in snapshot.get("salesOrders", [])]
    open_numbers = {o.label for o in found}
    posted: dict[str, list[dict[str, Any]]] = {}
    for invoice in snapshot.get("salesInvoices", []):
        number = str(invoice.get("orderNumber") or "")
        if number and number not in open_numbers:
            posted.setdefault(number, []).append(invoice)
    for number, invoices in sorted(posted.items()):
        found.append(_posted(number, invoices))
    return found


def _refs(*values: Any) -> frozenset[str]:
    texts = {str(v) for v in values if v}
    return frozenset(texts | {t.lower() for t in texts})


def _lines(lines: list[dict[str, Any]], into: dict[str, Decimal]) -> dict[str, Decimal]:
    for line in lines:
        if line.get("lineType") == "Item":
            code = str(line.get("lineObjectNumber"))
            into[code] = into.get(code, Decimal(0)) + decimal(line.get("quantity"))
    return into


def _order(raw: dict[str, Any]) -> ErpOrder:
    return ErpOrder(
        str(raw["id"]),
        str(raw.get("number") or raw["id"]),
        _refs(raw.get("externalDocumentNumber")),
        _lines(raw.get("salesOrderLines") or [], {}),
        str(raw.get("status")),
    )


def _posted(number: str, invoices: list[dict[str, Any]]) -> ErpOrder:
    lines: dict[str, Decimal] = {}
    for invoice in invoices:
        _lines(invoice.get("salesInvoiceLines") or [], lines)
    return ErpOrder(
        str(invoices[0].get("orderId") or number),
        number,
        _refs(*(i.get("externalDocumentNumber") for i in invoices)),
        lines,
        "posted",
    )


def orders(state: dict[str, Any]) -> list[ErpOrder]:
    return erp_orders(of_record(state))


def stock_of(snapshot: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    levels: dict[tuple[str, str], Decimal] = {}
    for item in snapshot.get("items", []):
        for location, qty in (item.get("inventoryByLocation") or {}).items():
            levels[(str(item.get("number")), str(location))] = decimal(qty)
    return levels


def stock(state: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    return stock_of(of_record(state))


def set_stock(fake: Fake, item_code: str, location: str, qty: int) -> None:
    """An item journal posts the difference (stock changes only through the ledger)."""
    current = stock(fake.state()).get((item_code, location), Decimal(0))
    delta = Decimal(qty) - current
    if delta:
        fake.event(
            "post_item_journal", item_number=item_code, location_code=location, quantity=str(delta)
        )


def cancel_order(fake: Fake, order_id: str) -> None:
    """An operator cancels the order the way Business Central does: deletes it (or, once part
    has shipped, cuts it down to what shipped)."""
    for raw in of_record(fake.state()).get("salesOrders", []):
        if raw.get("id") == order_id:
            fake.event("cancel_order", number=raw["number"])
            return
    raise LookupError(f"no sales order {order_id} in the company of record")


def world_options(workdir: Any) -> dict[str, Any]:
    return {"custom_apis": [ANALYTICS_LEDGER]}


# -- the naive script's Business Central half -----------------------------------------------------
class NaiveBusinessCentral:
    """POSTs every order with the bare increment id, no lookup; stock from ``items.inventory``
    (the company total) and the customer by e-mail, else the first customer."""

    def __init__(self, world: World, session: requests.Session) -> None:
        self.world = world
        self.session = session
        self._token: tuple[str, float] | None = None

    @property
    def creds(self) -> dict[str, str]:
        return self.world.erp_fake.credentials()

    def _company(self) -> str:
        c = self.creds
        return (
            f"{self.world.erp_fake.base_url}/v2.0/{c['tenant']}/{c['environment']}"
            f"/api/v2.0/companies({c['company_id']})"
        )

    def _headers(self) -> dict[str, str]:
        now = self.world.clock.now().timestamp()
        if self._token is None or now >= self._token[1]:
            c = self.creds
            form = {
                "grant_type": "client_credentials",
                "client_id": c["client_id"],
                "client_secret": c["client_secret"],
                "scope": SCOPE,
            }
            body = self.session.post(c["token_url"], data=form, timeout=30).json()
            self._token = (str(body["access_token"]), now + float(body["expires_in"]) - 60)
        return {"Authorization": f"Bearer {self._token[0]}"}

    def _values(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        response = self.session.get(
            f"{self._company()}/{path}", params=params, headers=self._headers(), timeout=30
        )
        return list(response.json().get("value") or [])

    def post_order(self, order: dict[str, Any]) -> requests.Response:
        email = str(order.get("customer_email") or "").replace("'", "''")
        customers = self._values("customers", {"$filter": f"email eq '{email}'"}) or self._values(
            "customers", {"$top": "1"}
        )
        lines = [
            {
                "lineType": "Item",
                "lineObjectNumber": item["sku"],
                "quantity": item.get("qty_ordered"),
                "unitPrice": item.get("price"),
            }
            for item in order.get("items") or []
            if not item.get("parent_item_id")
        ]
        body = {
            "customerNumber": customers[0]["number"] if customers else "",
            "externalDocumentNumber": str(order.get("increment_id")),
            "salesOrderLines": lines,
        }
        return self.session.post(
            f"{self._company()}/salesOrders", json=body, headers=self._headers(), timeout=30
        )

    def stock_totals(self) -> dict[str, float]:
        items = self._values("items", {"$select": "number,inventory"})
        return {str(i["number"]): float(i.get("inventory") or 0) for i in items}


SUPPORT = ErpSupport(
    kind="business-central",
    orders=orders,
    stock=stock,
    set_stock=set_stock,
    order_writes=(
        ("POST", r"/api/v2\.0/companies\([^)]*\)/salesOrders/?$"),
        ("POST", r"/api/v2\.0/\$batch$"),
    ),
    api_paths=r"^/(v2\.0|environments)/",
    naive=NaiveBusinessCentral,
    cancel_order=cancel_order,
    world_options=world_options,
)
