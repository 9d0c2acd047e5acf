"""Read the fakes' state the same way for every connector: Magento orders and stock, and each
ERP's orders and stock in canonical terms. Connectors are judged only through these views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class MagentoOrder:
    entity_id: int
    increment_id: str
    store_code: str
    state: str
    lines: dict[str, Decimal]

    @property
    def label(self) -> str:
        return f"{self.store_code}/{self.increment_id} (entity {self.entity_id})"

    def references(self) -> set[str]:
        """References that name this order together with its store."""
        store, inc = self.store_code, self.increment_id
        return {f"mage-{store}-{inc}", f"{store}-{inc}", f"{store}:{inc}"}


@dataclass(frozen=True)
class ErpOrder:
    id: str
    label: str
    refs: frozenset[str]
    lines: dict[str, Decimal]
    status: str


def _d(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0))


def magento_orders(state: dict[str, Any]) -> list[MagentoOrder]:
    stores = {int(s["id"]): str(s["code"]) for s in state.get("stores", [])}
    orders = []
    for raw in state.get("orders", []):
        lines: dict[str, Decimal] = {}
        for item in raw.get("items", []):
            if item.get("parent_item_id"):
                continue
            lines[item["sku"]] = lines.get(item["sku"], Decimal(0)) + _d(item.get("qty_ordered"))
        orders.append(
            MagentoOrder(
                int(raw["entity_id"]),
                str(raw["increment_id"]),
                stores.get(int(raw.get("store_id") or 0), str(raw.get("store_id"))),
                str(raw.get("state")),
                lines,
            )
        )
    return orders


def magento_stock(state: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    return {(s["sku"], s["source_code"]): _d(s["quantity"]) for s in state.get("source_items", [])}


# -- ERP views ------------------------------------------------------------------------------------
def _netsuite_orders(state: dict[str, Any]) -> list[ErpOrder]:
    codes = {str(i["id"]): str(i.get("itemId")) for i in state.get("inventoryItems", [])}
    orders = []
    for raw in state.get("salesOrders", []):
        lines: dict[str, Decimal] = {}
        sublist = raw.get("item") or {}
        items = sublist.get("items", []) if isinstance(sublist, dict) else sublist
        for line in items:
            ref = line.get("item") or {}
            code = codes.get(str(ref.get("id") if isinstance(ref, dict) else ref), "?")
            lines[code] = lines.get(code, Decimal(0)) + _d(line.get("quantity"))
        refs = frozenset(str(v) for v in (raw.get("externalId"), raw.get("otherRefNum")) if v)
        status = raw.get("orderStatus")
        orders.append(
            ErpOrder(
                str(raw["id"]),
                str(raw.get("tranId") or raw["id"]),
                refs,
                lines,
                str(status.get("id") if isinstance(status, dict) else status),
            )
        )
    return orders


def _netsuite_stock(state: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    stock: dict[tuple[str, str], Decimal] = {}
    for item in state.get("inventoryItems", []):
        locations = item.get("locations") or []
        rows = locations.get("items", []) if isinstance(locations, dict) else locations
        for row in rows:
            loc = row.get("location") or {}
            loc_id = str(loc.get("id") if isinstance(loc, dict) else loc)
            stock[(str(item.get("itemId")), loc_id)] = _d(row.get("quantityOnHand"))
    return stock


ERP_ORDERS: dict[str, Callable[[dict[str, Any]], list[ErpOrder]]] = {"netsuite": _netsuite_orders}
ERP_STOCK: dict[str, Callable[[dict[str, Any]], dict[tuple[str, str], Decimal]]] = {
    "netsuite": _netsuite_stock,
}


def erp_orders(erp: str, state: dict[str, Any]) -> list[ErpOrder]:
    return ERP_ORDERS[erp](state)


def erp_stock(erp: str, state: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    return ERP_STOCK[erp](state)
