"""The legacy ERP as the harness judges it: its orders and stock from the fake's state, the
requests that create orders (SOAP ``CreateOrder`` and order files dropped through the file
gateway), the drop folders under the world's workdir, and the naive script's legacy half.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import requests

from scenarios.erps import ErpSupport
from scenarios.views import ErpOrder, decimal

if TYPE_CHECKING:
    from fakes.core.fake import Fake
    from scenarios.world import World

NS = "urn:legacy-erp:order-service:v1"
SOAP = "/soap/OrderService"
# What a cron script hard-codes when nobody gave it a customer mapping: one web-sales account.
NAIVE_ACCOUNT = "CUST0001"


def orders(state: dict[str, Any]) -> list[ErpOrder]:
    found = []
    for raw in state.get("orders", []):
        lines: dict[str, Decimal] = {}
        for line in raw.get("lines", []):
            sku = str(line.get("sku"))
            lines[sku] = lines.get(sku, Decimal(0)) + decimal(line.get("quantity"))
        number = str(raw["erp_order_no"])
        refs = frozenset({str(raw["order_ref"])} if raw.get("order_ref") else set())
        found.append(ErpOrder(number, number, refs, lines, str(raw.get("status"))))
    return found


def stock(state: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    return {
        (str(row["sku"]), str(row["warehouse"])): decimal(row["quantity"])
        for row in state.get("stock", [])
    }


def set_stock(fake: Fake, item_code: str, location: str, qty: int) -> None:
    fake.event("set_stock", sku=item_code, warehouse=location, quantity=qty)


def cancel_order(fake: Fake, order_id: str) -> None:
    """An operator cancels the order inside the ERP (FM-G16)."""
    fake.event("cancel_order", erp_order_no=order_id)


def world_options(workdir: Path) -> dict[str, Any]:
    """The drop folders live in the world's workdir, so they go when the world does."""
    return {"root_dir": str(workdir / "legacy")}


def _escape(value: Any) -> str:
    return escape(str(value))


class NaiveLegacy:
    """The naive script's legacy half: a bare ``CreateOrder`` with the increment id as its
    reference (no lookup: the ERP happily makes copies), and stock from whatever export files
    are in ``outbound/``, read by position, applied in name order and deleted."""

    def __init__(self, world: World, session: requests.Session) -> None:
        self.base = world.erp_fake.base_url
        self.session = session
        creds = world.erp_fake.credentials()
        self.auth = (creds["username"], creds["password"])
        self.account = str(world.profile.get("default_customer") or NAIVE_ACCOUNT)
        self.warehouse = str(world.profile.get("locations", {}).get("default", "WH01"))

    def post_order(self, order: dict[str, Any]) -> requests.Response:
        lines = "".join(
            f"<tns:line><tns:sku>{_escape(item.get('sku'))}</tns:sku>"
            f"<tns:quantity>{int(float(item.get('qty_ordered') or 0))}</tns:quantity>"
            f"<tns:unit_price>{item.get('price') or 0}</tns:unit_price>"
            f"<tns:warehouse>{self.warehouse}</tns:warehouse></tns:line>"
            for item in order.get("items") or []
            if not item.get("parent_item_id")
        )
        body = (
            f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns:tns="{NS}"><soap:Body><tns:CreateOrder>'
            f"<tns:order_ref>{_escape(order.get('increment_id'))}</tns:order_ref>"
            f"<tns:customer_ref>{self.account}</tns:customer_ref>"
            f"<tns:order_date>{str(order.get('created_at') or '')[:10]}</tns:order_date>"
            f"<tns:lines>{lines}</tns:lines></tns:CreateOrder></soap:Body></soap:Envelope>"
        )
        return self.session.post(
            self.base + SOAP,
            data=body.encode("utf-8"),
            auth=self.auth,
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            timeout=30,
        )

    def stock_totals(self) -> dict[str, float]:
        listing = self.session.get(f"{self.base}/files/outbound", auth=self.auth, timeout=30)
        names = [str(f["name"]) for f in listing.json().get("files") or []]
        totals: dict[str, float] = {}
        for name in sorted(n for n in names if n.startswith("STOCK_") and n.endswith(".csv")):
            data = self.session.get(
                f"{self.base}/files/outbound/{name}", auth=self.auth, timeout=30
            ).text
            totals = {}  # each file is the whole picture: the last one read wins
            for row in list(csv.reader(io.StringIO(data)))[1:]:
                if len(row) >= 3:
                    totals[row[0]] = totals.get(row[0], 0.0) + float(row[2])
            self.session.delete(f"{self.base}/files/outbound/{name}", auth=self.auth, timeout=30)
        return totals


SUPPORT = ErpSupport(
    kind="legacy",
    orders=orders,
    stock=stock,
    set_stock=set_stock,
    order_writes=(
        ("POST", r"^/soap/OrderService/?$"),
        ("PUT", r"^/files/inbound/[^/]+$"),
    ),
    api_paths=r"^/(soap|files)/",
    naive=NaiveLegacy,
    cancel_order=cancel_order,
    world_options=world_options,
)
