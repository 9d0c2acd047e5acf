"""NetSuite as the harness judges it: sales orders and per-location stock from the fake's
state, the routes that create orders, and the naive script's NetSuite half."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests
from requests_oauthlib import OAuth1

from scenarios.erps import ErpSupport
from scenarios.views import ErpOrder, decimal

if TYPE_CHECKING:
    from fakes.core.fake import Fake
    from scenarios.world import World


def orders(state: dict[str, Any]) -> list[ErpOrder]:
    codes = {str(i["id"]): str(i.get("itemId")) for i in state.get("inventoryItems", [])}
    found = []
    for raw in state.get("salesOrders", []):
        lines: dict[str, Decimal] = {}
        sublist = raw.get("item") or {}
        items = sublist.get("items", []) if isinstance(sublist, dict) else sublist
        for line in items:
            ref = line.get("item") or {}
            code = codes.get(str(ref.get("id") if isinstance(ref, dict) else ref), "?")
            lines[code] = lines.get(code, Decimal(0)) + decimal(line.get("quantity"))
        refs = frozenset(str(v) for v in (raw.get("externalId"), raw.get("otherRefNum")) if v)
        status = raw.get("orderStatus")
        found.append(
            ErpOrder(
                str(raw["id"]),
                str(raw.get("tranId") or raw["id"]),
                refs,
                lines,
                str(status.get("id") if isinstance(status, dict) else status),
            )
        )
    return found


def stock(state: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    levels: dict[tuple[str, str], Decimal] = {}
    for item in state.get("inventoryItems", []):
        locations = item.get("locations") or []
        rows = locations.get("items", []) if isinstance(locations, dict) else locations
        for row in rows:
            loc = row.get("location") or {}
            loc_id = str(loc.get("id") if isinstance(loc, dict) else loc)
            levels[(str(item.get("itemId")), loc_id)] = decimal(row.get("quantityOnHand"))
    return levels


def set_stock(fake: Fake, item_code: str, location: str, qty: int) -> None:
    fake.event("set_stock", item_code=item_code, location_id=location, quantity=qty)


def configured_fields(world: World) -> dict[str, Any]:
    """The constant extra body fields of the world's ``erp_settings`` (``order_fields``)."""
    settings = world.connector_options.get("erp_settings") or {}
    raw = settings.get("order_fields") if isinstance(settings, dict) else None
    parsed = json.loads(raw) if raw else {}
    return dict(parsed) if isinstance(parsed, dict) else {}


class NaiveNetSuite:
    """The naive script's NetSuite half: POST without an external id, SuiteQL for lookups; the
    custom fields of the world's settings sent as they are (no check that they still exist)."""

    def __init__(self, world: World, session: requests.Session) -> None:
        self.fields = configured_fields(world)
        self.base = world.erp_fake.base_url
        self.session = session
        creds = world.erp_fake.credentials()
        self.auth = OAuth1(
            creds["consumer_key"],
            creds["consumer_secret"],
            creds["token_id"],
            creds["token_secret"],
            signature_method="HMAC-SHA256",
            realm=creds["account"],
        )

    def _suiteql(self, query: str) -> list[dict[str, Any]]:
        response = self.session.post(
            f"{self.base}/services/rest/query/v1/suiteql",
            json={"q": query},
            auth=self.auth,
            headers={"Prefer": "transient"},
            timeout=30,
        )
        return list(response.json().get("items") or [])

    def post_order(self, order: dict[str, Any]) -> requests.Response:
        email = str(order.get("customer_email") or "")
        customers = self._suiteql(f"SELECT id FROM customer WHERE email = '{email}'")
        lines = []
        for item in order.get("items") or []:
            if item.get("parent_item_id"):
                continue
            found = self._suiteql(f"SELECT id FROM item WHERE itemid = '{item['sku']}'")
            lines.append(
                {
                    "item": {"id": str(found[0]["id"]) if found else "0"},
                    "quantity": item.get("qty_ordered"),
                    "rate": item.get("price"),
                }
            )
        body = {
            **self.fields,
            "entity": {"id": str(customers[0]["id"]) if customers else "1"},
            "otherRefNum": order.get("increment_id"),
            "item": {"items": lines},
        }
        return self.session.post(
            f"{self.base}/services/rest/record/v1/salesOrder", json=body, auth=self.auth, timeout=30
        )

    def stock_totals(self) -> dict[str, float]:
        codes = {
            str(r["id"]): str(r["itemid"]) for r in self._suiteql("SELECT id, itemid FROM item")
        }
        totals: dict[str, float] = {}
        for row in self._suiteql("SELECT item, quantityonhand FROM inventoryitemlocations"):
            sku = codes.get(str(row["item"]))
            if sku:
                totals[sku] = totals.get(sku, 0.0) + float(row.get("quantityonhand") or 0)
        return totals


def cancel_order(fake: Fake, order_id: str) -> None:
    fake.event("cancel_order", id=order_id)


SUPPORT = ErpSupport(
    kind="netsuite",
    orders=orders,
    stock=stock,
    set_stock=set_stock,
    order_writes=(
        ("POST", r"^/services/rest/record/v1/salesOrder/?$"),
        ("PUT", r"^/services/rest/record/v1/salesOrder/eid:[^/]+/?$"),
    ),
    api_paths=r"^/services/rest/",
    naive=NaiveNetSuite,
    cancel_order=cancel_order,
)
