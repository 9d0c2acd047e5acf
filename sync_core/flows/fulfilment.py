"""Fulfilment, ERP -> Magento: ERP delivery documents become Magento shipments.

A scheduled pull, like stock. ``erp.deliveries(since)`` answers the deliveries changed since
the cursor (the connectors compare at day granularity, so a day is read again: the bindings
make that harmless). For each delivery not applied yet:

* the Magento order is the one whose ``order`` binding names the delivery's ERP order
  (``remote_id``) or carries its reference (``external_ref``); a delivery of an order this
  integration did not export (a phone order) is skipped;
* lines map ERP items to SKUs (``mapping.sku_for``) and SKUs to order items: the top-level
  item of that SKU (a configurable parent carries its child's SKU and is the one Magento
  ships), else a child item (bundle parts shipped separately); the ERP warehouse maps to a
  Magento source through ``mapping.source_for``;
* one Magento shipment per delivery *per source* (a delivery from two warehouses makes two
  shipments, FM-T05), with the ERP tracking numbers and
  ``arguments.extension_attributes.source_code``;
* never over-ship: each line is capped at what the order item has left
  (``qty_ordered - qty_shipped - qty_canceled - qty_refunded``); the excess is recorded and
  raised as an alert (``fulfilment:excess:<delivery>``), never sent.

Idempotency (a retried, replayed or re-read delivery never ships twice): each part is bound
after success (entity ``shipment``, key ``<delivery>@<source>``; the whole delivery as
``<delivery>`` once every part is done). The binding alone cannot cover a lost answer to the
POST (Magento made the shipment, we never heard), so every shipment we create carries a
marker in its comment, ``[erp-delivery <system>:<delivery>@<source>]``, and before shipping a
part the order's shipments are read (``GET /V1/shipments`` filtered on ``order_id``): a part
whose marker is there is bound, not shipped again. Comments rather than tracks because a
delivery may have no tracking number, and the comment is ours alone.

A delivery that cannot be applied now (an unmapped warehouse, a shipment Magento refuses, for
example an order on hold) keeps the cursor from moving past it, so it is tried again.

Magento deducts the shipped quantity from the source; the stock flow writes absolute ERP
figures. Until a part is shipped its quantities are *in transit* (``stock.IN_TRANSIT``): the
ERP no longer counts them, so the stock flow adds them to the ERP's figure and Magento's source
can still cover the shipment, however long Magento takes to accept it. After a shipment the
stock versions of the shipped SKU x source are reset, so the next stock run writes the ERP's
figure again whatever the order of the two runs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, cast

from sync_core.clock import Clock
from sync_core.config import MappingConfig
from sync_core.connectors.magento import MagentoClient
from sync_core.errors import PermanentError
from sync_core.flows.stock import IN_TRANSIT
from sync_core.flows.stock import SCOPE as STOCK_SCOPE
from sync_core.fulfilment_model import Shipment, ShipmentLine
from sync_core.store import Store

log = logging.getLogger("sync_core.flows.fulfilment")

FLOW = "fulfilment.import"
CURSOR = "fulfilment.since"
ENTITY = "shipment"
ORDER_KEY = "magento-order:"


class ErpDeliveries(Protocol):
    system: str

    def deliveries(self, since: str | None) -> Iterable[Shipment]: ...


def marker(system: str, document_id: str, source: str) -> str:
    """The idempotency marker placed in the comment of every shipment we create."""
    return f"[erp-delivery {system}:{document_id}@{source}]"


@dataclass
class FulfilmentResult:
    read: int = 0
    shipped: int = 0
    already: int = 0
    skipped: int = 0
    pending: int = 0
    excess: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _num(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _fmt(qty: Decimal) -> str:
    return f"{qty.normalize():f}"


def left_to_ship(item: dict[str, Any]) -> Decimal:
    left = (
        _num(item.get("qty_ordered"))
        - _num(item.get("qty_shipped"))
        - _num(item.get("qty_canceled"))
        - _num(item.get("qty_refunded"))
    )
    return max(left, Decimal(0))


def plan_items(
    order: dict[str, Any], lines: list[ShipmentLine]
) -> tuple[dict[int, Decimal], list[str]]:
    """``{order_item_id: qty}`` to ship for ``lines``, capped at what each item has left, and
    a description of every excess (quantity the ERP delivered that Magento cannot ship)."""
    wanted: dict[str, Decimal] = {}
    for line in lines:
        wanted[line.sku] = wanted.get(line.sku, Decimal(0)) + line.qty
    plan: dict[int, Decimal] = {}
    excess: list[str] = []
    items = list(order.get("items") or [])
    for sku, qty in wanted.items():
        candidates = [i for i in items if i.get("sku") == sku]
        top = [i for i in candidates if not i.get("parent_item_id")]
        remaining = qty
        for item in top or candidates:
            item_id = int(item["item_id"])
            room = left_to_ship(item) - plan.get(item_id, Decimal(0))
            take = min(room, remaining)
            if take > 0:
                plan[item_id] = plan.get(item_id, Decimal(0)) + take
                remaining -= take
        if not candidates:
            excess.append(f"{sku}: delivered {_fmt(qty)} but the Magento order has no such item")
        elif remaining > 0:
            excess.append(
                f"{sku}: delivered {_fmt(qty)} but Magento had only {_fmt(qty - remaining)} "
                "left to ship"
            )
    return plan, excess


def for_erp(
    magento: MagentoClient, erp: object, store: Store, clock: Clock, mapping: MappingConfig
) -> FulfilmentFlow | None:
    """The flow for a connector that reads deliveries; None for one that cannot."""
    if not callable(getattr(erp, "deliveries", None)) or not isinstance(
        getattr(erp, "system", None), str
    ):
        return None
    return FulfilmentFlow(magento, cast(ErpDeliveries, erp), store, clock, mapping)


class FulfilmentFlow:
    def __init__(
        self,
        magento: MagentoClient,
        erp: ErpDeliveries,
        store: Store,
        clock: Clock,
        mapping: MappingConfig,
    ) -> None:
        self.magento = magento
        self.erp = erp
        self.store = store
        self.clock = clock
        self.mapping = mapping

    @property
    def system(self) -> str:
        return self.erp.system

    def run(self, fence: tuple[str, int] | None = None) -> FulfilmentResult:
        result = FulfilmentResult()
        since = self.store.cursor(CURSOR)
        by_id, by_ref = self._orders()
        seen: list[str] = []
        pinned: list[str] = []
        for shipment in self.erp.deliveries(since):
            result.read += 1
            if shipment.version:
                seen.append(shipment.version)
            if not self._apply(shipment, by_id, by_ref, result) and shipment.version:
                pinned.append(shipment.version)
        cursor = min(pinned) if pinned else max([*seen, since or ""])
        if cursor:
            self.store.set_cursor(CURSOR, cursor, self.clock.now(), fence)
        return result

    def _orders(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        rows = [
            r
            for r in self.store.bound(self.system, "order")
            if str(r["local_key"]).startswith(ORDER_KEY)
        ]
        by_id = {str(r["remote_id"]): r for r in rows}
        by_ref = {str(r["external_ref"]): r for r in rows if r.get("external_ref")}
        return by_id, by_ref

    def _record(self, key: str, action: str, outcome: str, detail: str) -> None:
        self.store.record(FLOW, key, action, outcome, detail, self.clock.now())

    def _apply(
        self,
        shipment: Shipment,
        by_id: dict[str, dict[str, Any]],
        by_ref: dict[str, dict[str, Any]],
        result: FulfilmentResult,
    ) -> bool:
        """Apply one delivery; False when some of it must be tried again later."""
        doc = shipment.erp_document_id
        if self.store.binding(self.system, ENTITY, doc) is not None:
            result.already += 1
            return True
        binding = by_id.get(shipment.erp_order_id or "") or by_ref.get(shipment.external_ref)
        if binding is None:
            result.skipped += 1
            self._record(
                f"delivery:{doc}",
                "skip",
                "unknown_order",
                f"{self.system} delivery {doc} is for {shipment.external_ref}, "
                "which this integration did not export",
            )
            return True
        entity_id = int(str(binding["local_key"])[len(ORDER_KEY) :])
        order = self.magento.get_order(entity_id)
        done = self._ship_parts(shipment, entity_id, order, result)
        if done:
            self.store.bind(
                self.system, ENTITY, doc, doc, shipment.external_ref, self.clock.now(), "applied"
            )
        else:
            result.pending += 1
        return done

    def _by_source(self, shipment: Shipment) -> tuple[dict[str, list[ShipmentLine]], list[str]]:
        parts: dict[str, list[ShipmentLine]] = {}
        unmapped: list[str] = []
        for line in shipment.lines:
            source = self.mapping.source_for(line.location)
            if source is None:
                if line.location not in unmapped:
                    unmapped.append(line.location)
                continue
            parts.setdefault(source, []).append(line)
        return parts, unmapped

    def _ship_parts(
        self,
        shipment: Shipment,
        entity_id: int,
        order: dict[str, Any],
        result: FulfilmentResult,
    ) -> bool:
        doc = shipment.erp_document_id
        parts, unmapped = self._by_source(shipment)
        done = not unmapped
        for location in unmapped:
            self._problem(
                result,
                f"fulfilment:unmapped:{doc}:{location}",
                f"{self.system} delivery {doc} for order {order.get('increment_id')} ships "
                f"from warehouse {location}, which has no Magento source: not shipped",
            )
        existing: set[str] | None = None
        for source, lines in parts.items():
            key = f"{doc}@{source}"
            if self.store.binding(self.system, ENTITY, key) is not None:
                continue
            if existing is None:
                existing = self._markers(entity_id)
            if marker(self.system, doc, source) in existing:
                self._arrived(key)
                result.already += 1
                self.store.bind(
                    self.system, ENTITY, key, "", shipment.external_ref, self.clock.now(), "found"
                )
                continue
            done = self._ship_part(shipment, source, lines, entity_id, order, result) and done
        return done

    def _markers(self, entity_id: int) -> set[str]:
        found: set[str] = set()
        for shipment in self.magento.shipments_for(entity_id):
            for comment in shipment.get("comments") or []:
                text = str(comment.get("comment") or "")
                start = text.find("[erp-delivery ")
                if start >= 0:
                    found.add(text[start : text.find("]", start) + 1])
        return found

    def _ship_part(
        self,
        shipment: Shipment,
        source: str,
        lines: list[ShipmentLine],
        entity_id: int,
        order: dict[str, Any],
        result: FulfilmentResult,
    ) -> bool:
        doc = shipment.erp_document_id
        key = f"{doc}@{source}"
        plan, excess = plan_items(order, lines)
        if excess:
            result.excess.extend(f"delivery {doc}: {e}" for e in excess)
            self._alert(
                f"fulfilment:excess:{key}",
                "over_shipment",
                f"{self.system} delivery {doc} for Magento order {order.get('increment_id')} "
                f"delivered more than the order has left to ship (not sent to Magento): "
                + "; ".join(excess),
            )
        if not plan:
            self.store.bind(
                self.system, ENTITY, key, "", shipment.external_ref, self.clock.now(), "nothing"
            )
            return True
        items = [{"order_item_id": i, "qty": float(q)} for i, q in plan.items()]
        tracks = [
            {
                "track_number": number,
                "title": shipment.carrier or f"{self.system} delivery {doc}",
                "carrier_code": "custom",
            }
            for number in shipment.tracking_numbers
        ]
        note = f"Shipped in {self.system} by delivery {doc} {marker(self.system, doc, source)}"
        self._in_transit(key, source, order, plan)
        try:
            shipment_id = self.magento.ship(entity_id, items, tracks, source, note)
        except PermanentError as exc:
            self._problem(
                result,
                f"fulfilment:refused:{key}",
                f"Magento refused the shipment of {self.system} delivery {doc} for order "
                f"{order.get('increment_id')} from {source}: {exc.message}",
            )
            return False
        self._applied(order, plan)
        self._arrived(key)
        self._restamp_stock(order, plan, source)
        self.store.bind(
            self.system,
            ENTITY,
            key,
            str(shipment_id),
            shipment.external_ref,
            self.clock.now(),
            "shipped",
        )
        result.shipped += 1
        self._record(
            f"delivery:{doc}",
            "ship",
            "ok",
            f"Magento shipment {shipment_id} for order {order.get('increment_id')} from {source}",
        )
        return True

    @staticmethod
    def _applied(order: dict[str, Any], plan: dict[int, Decimal]) -> None:
        """Count the shipped quantities into our copy of the order (the next part's cap)."""
        for item in order.get("items") or []:
            qty = plan.get(int(item["item_id"]))
            if qty:
                item["qty_shipped"] = float(_num(item.get("qty_shipped")) + qty)

    def _in_transit(
        self, key: str, source: str, order: dict[str, Any], plan: dict[int, Decimal]
    ) -> None:
        """Before the POST: the ERP no longer counts these goods, Magento must until it ships
        them, so the stock flow keeps them in the source (an ERP that delivered the last units
        of a warehouse would otherwise leave Magento nothing to deduct, and the shipment would
        be refused for ever)."""
        skus: dict[str, float] = {}
        for item in order.get("items") or []:
            qty = plan.get(int(item["item_id"]))
            if qty:
                skus[str(item["sku"])] = skus.get(str(item["sku"]), 0.0) + float(qty)
        parts = json.loads(self.store.cursor(IN_TRANSIT) or "{}")
        parts[key] = {"source": source, "skus": skus}
        self.store.set_cursor(IN_TRANSIT, json.dumps(parts, sort_keys=True), self.clock.now())

    def _arrived(self, key: str) -> None:
        parts = json.loads(self.store.cursor(IN_TRANSIT) or "{}")
        if parts.pop(key, None) is not None:
            self.store.set_cursor(IN_TRANSIT, json.dumps(parts, sort_keys=True), self.clock.now())

    def _restamp_stock(self, order: dict[str, Any], plan: dict[int, Decimal], source: str) -> None:
        skus = {str(i["sku"]) for i in order.get("items") or [] if int(i["item_id"]) in plan}
        self.store.set_versions(
            STOCK_SCOPE, {f"{sku}|{source}": "shipped" for sku in skus}, self.clock.now()
        )

    def _problem(self, result: FulfilmentResult, key: str, message: str) -> None:
        result.problems.append(message)
        self._record(key, "ship", "refused", message)
        self._alert(key, "fulfilment", message)

    def _alert(self, key: str, kind: str, message: str) -> None:
        log.warning("%s", message)
        self.store.raise_alert(key, kind, "error", message, self.clock.now())
