"""MSI: sources, source items, reservations and the source deduction of shipments.

* ``POST /V1/inventory/source-items`` validates the whole batch first (``SourceItemsSaveHandler``:
  an empty list is ``Input data is empty``; each item's sku must be non-empty and exist, its
  source code non-empty without whitespace, quantity and status numeric and the status 0 or 1),
  then saves all items at once. A source code that no source has fails the insert on its
  foreign key, which Magento reports as ``Could not save Source Item``.
* Orders do not touch source items: checkout appends a negative reservation, cancellation and
  shipment append compensating positive ones (salable = sum of source quantities + reservations).
* Shipping deducts the shipped quantity from the shipment's source item. Without enough
  quantity (and backorders off) the deduction fails; Magento's ``ShipOrder`` then rolls back
  and answers ``Could not save a shipment, see error log for details``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from fakes.magento.errors import MagentoError, aggregate

STOCK_ID = 1
STATUSES = (0, 1)
WHITESPACE = re.compile(r"\s")
NUMERIC = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
EMPTY = '"%field" can not be empty.'


class DeductionFailed(Exception):
    """Not enough quantity at the source for a shipment."""


@dataclass
class Inventory:
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    reservations: list[dict[str, Any]] = field(default_factory=list)
    next_reservation: int = 1
    reserved: dict[str, float] = field(default_factory=dict)
    """Each SKU's sum of its reservations, kept as they are appended (Magento sums them in
    SQL by SKU), so that a salable quantity does not read every reservation."""

    @staticmethod
    def key(sku: str, source_code: str) -> tuple[str, str]:
        return (sku, source_code)

    def add_source(self, code: str, name: str, postcode: str, country: str = "GB") -> None:
        self.sources[code] = {
            "source_code": code,
            "name": name,
            "enabled": True,
            "latitude": 0,
            "longitude": 0,
            "country_id": country,
            "postcode": postcode,
            "use_default_carrier_config": True,
            "carrier_links": [],
        }

    def set_item(self, sku: str, source_code: str, quantity: float, status: int) -> None:
        self.items[self.key(sku, source_code)] = {
            "sku": sku,
            "source_code": source_code,
            "quantity": float(quantity),
            "status": int(status),
        }

    def item(self, sku: str, source_code: str) -> dict[str, Any] | None:
        return self.items.get(self.key(sku, source_code))

    def rows(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.items.values()]

    # -- save / delete -----------------------------------------------------------------------
    def save(self, items: list[dict[str, Any]], known_skus: set[str]) -> None:
        if not items:
            raise MagentoError("Input data is empty")
        errors = [e for item in items for e in _validate(item, known_skus)]
        if errors:
            raise _validation_failed(errors)
        if any(str(item.get("source_code")) not in self.sources for item in items):
            raise MagentoError("Could not save Source Item")
        for item in items:
            self.set_item(str(item["sku"]), str(item["source_code"]),
                          float(item["quantity"]), int(float(item["status"])))

    def delete(self, items: list[dict[str, Any]]) -> None:
        if not items:
            raise MagentoError("Input data is empty")
        for item in items:
            self.items.pop(self.key(str(item.get("sku")), str(item.get("source_code"))), None)

    # -- reservations ------------------------------------------------------------------------
    def reserve(self, sku: str, quantity: float, event: str, obj: dict[str, Any]) -> None:
        metadata = {
            "event_type": event,
            "object_type": obj["type"],
            "object_id": str(obj["id"]),
            "object_increment_id": obj.get("increment_id", ""),
        }
        self.reservations.append({
            "reservation_id": self.next_reservation,
            "stock_id": STOCK_ID,
            "sku": sku,
            "quantity": float(quantity),
            "metadata": json.dumps(metadata, separators=(",", ":")),
        })
        self.next_reservation += 1
        self.reserved[sku] = self.reserved.get(sku, 0.0) + float(quantity)

    def salable(self, sku: str) -> float:
        rows = [(self.item(sku, code), source) for code, source in self.sources.items()]
        on_hand = sum(row["quantity"] for row, source in rows
                      if row is not None and row["status"] == 1 and source.get("enabled"))
        return float(on_hand + self.reserved.get(sku, 0.0))

    # -- shipment deduction ------------------------------------------------------------------
    def deduct(self, lines: list[tuple[str, float]], source_code: str, backorders: bool) -> None:
        """Deduct every line or none (one transaction)."""
        wanted: dict[str, float] = {}
        for sku, qty in lines:
            wanted[sku] = wanted.get(sku, 0.0) + qty
        for sku, qty in wanted.items():
            row = self.item(sku, source_code)
            if row is None or (row["quantity"] - qty < 0 and not backorders):
                raise DeductionFailed(sku)
        for sku, qty in wanted.items():
            row = self.items[self.key(sku, source_code)]
            row["quantity"] = float(row["quantity"] - qty)
            row["status"] = 1 if row["quantity"] > 0 else 0

    def restock(self, sku: str, source_code: str, qty: float) -> None:
        row = self.item(sku, source_code)
        if row is None:
            self.set_item(sku, source_code, qty, 1 if qty > 0 else 0)
            return
        row["quantity"] = float(row["quantity"] + qty)
        row["status"] = 1 if row["quantity"] > 0 else row["status"]


def _validate(item: dict[str, Any], known_skus: set[str]) -> list[tuple[str, Any]]:
    errors: list[tuple[str, Any]] = []
    sku = "" if item.get("sku") is None else str(item["sku"])
    if not sku.strip():
        errors.append((EMPTY, {"field": "sku"}))
    elif sku not in known_skus:
        errors.append(('Product with requested "%field": "%value" was was not found.',
                       {"field": "sku", "value": sku}))
    code = "" if item.get("source_code") is None else str(item["source_code"])
    if not code.strip():
        errors.append((EMPTY, {"field": "source_code"}))
    if WHITESPACE.search(code):
        errors.append(('"%field" can not contain whitespaces.', {"field": "source_code"}))
    if not _numeric(item.get("quantity")):
        errors.append(('"%field" should be numeric.', {"field": "quantity"}))
    errors.extend(_status_errors(item.get("status")))
    return errors


def _status_errors(status: Any) -> list[tuple[str, Any]]:
    errors: list[tuple[str, Any]] = []
    if not _numeric(status):
        errors.append(('"%field" should be numeric.', {"field": "quantity"}))
    if not _numeric(status) or int(float(status)) not in STATUSES:
        errors.append(('"%field" should a known status.', {"field": "status"}))
    return errors


def _numeric(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    return bool(NUMERIC.match(str(value)))


def _validation_failed(errors: list[tuple[str, Any]]) -> MagentoError:
    """``ValidationException('Validation Failed: <first>', ..., $result)`` as REST renders it."""
    if len(errors) == 1:
        return aggregate(errors)
    from fakes.magento.errors import render

    first = render(errors[0][0], errors[0][1])
    listed = [{"message": text, "parameters": params} for text, params in errors]
    return MagentoError(f"Validation Failed: {first}", errors=listed)
