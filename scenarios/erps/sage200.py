"""Sage 200 as the harness judges it: sales orders and warehouse holdings from the fake's
state, the routes that create orders, and the naive script's Sage 200 half.

Orders name their Magento order by ``customer_document_no``; lines count standard (stock)
lines by product code. Stock is ``confirmed_qty_in_stock`` per product code x warehouse name,
the figure the builtin connector sends to Magento (see :mod:`sync_core.connectors.sage200`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests

from scenarios.erps import ErpSupport
from scenarios.views import ErpOrder, decimal

if TYPE_CHECKING:
    from fakes.core.fake import Fake
    from scenarios.world import World

API = r"^/uk/sage200(extra)?/accounts/v1"
STOCK_LINE = "EnumLineTypeStandard"
NAIVE_BASE = "/uk/sage200extra/accounts/v1"  # copied from the docs, as a script's author would


def orders(state: dict[str, Any]) -> list[ErpOrder]:
    found = []
    for raw in state.get("sop_orders", []):
        lines: dict[str, Decimal] = {}
        for line in raw.get("lines") or []:
            if line.get("line_type") != STOCK_LINE:
                continue
            code = str(line.get("code") or "?")
            lines[code] = lines.get(code, Decimal(0)) + decimal(line.get("line_quantity"))
        refs = frozenset(str(v) for v in (raw.get("customer_document_no"),) if v)
        found.append(
            ErpOrder(
                str(raw["id"]),
                str(raw.get("document_no") or raw["id"]),
                refs,
                lines,
                str(raw.get("document_status")),
            )
        )
    return found


def stock(state: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    return {
        (str(row["product_code"]), str(row["warehouse_name"])): decimal(
            row.get("confirmed_qty_in_stock")
        )
        for row in state.get("warehouse_holdings", [])
    }


def set_stock(fake: Fake, item_code: str, location: str, qty: int) -> None:
    fake.event("set_stock", product_code=item_code, warehouse=location, quantity=qty)


def cancel_order(fake: Fake, order_id: str) -> None:
    fake.event("cancel_order", id=int(order_id))


class NaiveSage200:
    """The naive script's Sage 200 half: a token when it has none (another on a 401), the
    customer found by contact email or else the first account (its hard-coded "web
    account"), the bare increment id in ``customer_document_no``, SKUs as product codes and
    no warehouse, POSTed with no lookup."""

    def __init__(self, world: World, session: requests.Session) -> None:
        self.fake = world.erp_fake
        self.base = self.fake.base_url + NAIVE_BASE
        self.session = session
        self.creds = self.fake.credentials()
        self.token: str | None = None

    def _login(self) -> None:
        response = self.session.post(
            self.creds["token_url"],
            data={
                "grant_type": "client_credentials",
                "client_id": self.creds["client_id"],
                "client_secret": self.creds["client_secret"],
            },
            timeout=30,
        )
        self.token = str(response.json().get("access_token") or "")

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        for _ in range(2):
            if self.token is None:
                self._login()
            headers = {
                "Authorization": f"Bearer {self.token}",
                "X-Site": self.creds["site_id"],
                "X-Company": self.creds["company_id"],
            }
            response = self.session.request(
                method, self.base + path, headers=headers, timeout=30, **kwargs
            )
            if response.status_code != 401:
                break
            self.token = None
        return response

    def _list(self, path: str) -> list[dict[str, Any]]:
        response = self._call("GET", path)
        body = response.json() if response.ok else []
        return [row for row in body if isinstance(row, dict)] if isinstance(body, list) else []

    def _customer_id(self, email: str) -> int | None:
        customers = self._list("/customers?$expand=contacts")
        for customer in customers:
            contacts = customer.get("contacts") or []
            if any(c.get("default_email") == email for c in contacts):
                return int(customer["id"])
        return int(customers[0]["id"]) if customers else None

    def post_order(self, order: dict[str, Any]) -> requests.Response:
        lines = [
            {
                "code": item["sku"],
                "line_quantity": item.get("qty_ordered"),
                "selling_unit_price": item.get("price"),
            }
            for item in order.get("items") or []
            if not item.get("parent_item_id")
        ]
        body = {
            "customer_id": self._customer_id(str(order.get("customer_email") or "")),
            "customer_document_no": str(order.get("increment_id")),
            "lines": lines,
        }
        return self._call("POST", "/sop_orders", json=body)

    def stock_totals(self) -> dict[str, float]:
        codes = {int(p["id"]): str(p["code"]) for p in self._list("/products")}
        totals: dict[str, float] = {}
        for row in self._list("/warehouse_holdings"):
            code = codes.get(int(row.get("product_id") or 0))
            if code:
                totals[code] = totals.get(code, 0.0) + float(row.get("confirmed_qty_in_stock") or 0)
        return totals


SUPPORT = ErpSupport(
    kind="sage200",
    orders=orders,
    stock=stock,
    set_stock=set_stock,
    order_writes=(("POST", API + r"/sop_orders/?$"),),
    api_paths=API + "/",
    naive=NaiveSage200,
    cancel_order=cancel_order,
)
