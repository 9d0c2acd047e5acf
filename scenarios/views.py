"""Read the fakes' state the same way for every connector: Magento orders and stock, and each
ERP's orders and stock in canonical terms. Connectors are judged only through these views.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scenarios.erps import ErpSupport, support


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


def decimal(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0))


def magento_orders(state: dict[str, Any]) -> list[MagentoOrder]:
    stores = {int(s["id"]): str(s["code"]) for s in state.get("stores", [])}
    orders = []
    for raw in state.get("orders", []):
        lines: dict[str, Decimal] = {}
        for item in raw.get("items", []):
            if item.get("parent_item_id"):
                continue
            lines[item["sku"]] = lines.get(item["sku"], Decimal(0)) + decimal(
                item.get("qty_ordered")
            )
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
    return {
        (s["sku"], s["source_code"]): decimal(s["quantity"]) for s in state.get("source_items", [])
    }


# -- ERP views ------------------------------------------------------------------------------------
def _support(erp: str) -> ErpSupport:
    found = support(erp)
    if found is None:
        raise LookupError(f"the harness cannot judge {erp!r} yet (no scenarios/erps module)")
    return found


def erp_orders(erp: str, state: dict[str, Any]) -> list[ErpOrder]:
    return _support(erp).orders(state)


def erp_stock(erp: str, state: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    return _support(erp).stock(state)
