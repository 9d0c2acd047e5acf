"""Returns when the ERP owns refunds (``flows.returns.source_of_truth: erp``): each ERP credit
note of an order this integration exported becomes exactly one Magento credit memo
(``POST /V1/order/{id}/refund``, an offline refund).

``run`` reads the ERP's credit notes changed since the cursor (the adapter's versions; a
version is read again, which the outbox and the bindings make harmless) and enqueues one job per
credit note. ``apply`` runs one job:

* the Magento order is the one whose ``order`` binding names the credit note's ERP order; a
  credit note of an order the integration did not export is skipped and recorded;
* lines map ERP items to SKUs and SKUs to the order's top-level items, each capped at what the
  item has left to refund (``qty_invoiced - qty_refunded``); a line Magento cannot refund is
  refused (permanent, naming the credit note and the order);
* the lost answer to the refund POST: every memo we create carries the marker
  ``[erp-credit <system>:<document>]`` in its comment, and before refunding the order's credit
  memos are read (``GET /V1/creditmemos`` by ``order_id``); a memo with the marker is bound,
  not made again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.magento.returns import MagentoCredits
from sync_core.errors import InvalidData
from sync_core.flows.returns_model import ErpCredit, ErpCreditLine, ErpCreditSource
from sync_core.store import Job

if TYPE_CHECKING:
    from sync_core.engine import Engine

IMPORT = "returns.import"
CURSOR = "returns.erp_since"
ENTITY = "magento_creditmemo"
KEY = "erp-credit:"
ORDER_KEY = "magento-order:"


def marker(system: str, document_id: str) -> str:
    """The idempotency marker in the comment of every credit memo this flow makes."""
    return f"[erp-credit {system}:{document_id}]"


def to_payload(credit: ErpCredit) -> dict[str, Any]:
    return {
        "document_id": credit.document_id,
        "display": credit.display,
        "erp_order_id": credit.erp_order_id,
        "order_ref": credit.order_ref,
        "lines": [[line.sku, str(line.qty)] for line in credit.lines],
        "shipping": str(credit.shipping),
        "adjustment": str(credit.adjustment),
        "version": credit.version,
    }


def from_payload(data: dict[str, Any]) -> ErpCredit:
    return ErpCredit(
        document_id=str(data["document_id"]),
        display=str(data["display"]),
        erp_order_id=data.get("erp_order_id"),
        order_ref=data.get("order_ref"),
        lines=tuple(ErpCreditLine(str(s), Decimal(q)) for s, q in data["lines"]),
        shipping=Decimal(data["shipping"]),
        version=str(data.get("version") or ""),
        adjustment=Decimal(data.get("adjustment") or 0),
    )


def left_to_refund(item: dict[str, Any]) -> Decimal:
    left = Decimal(str(item.get("qty_invoiced") or 0)) - Decimal(str(item.get("qty_refunded") or 0))
    return max(left, Decimal(0))


def refund_items(order: dict[str, Any], credit: ErpCredit) -> list[dict[str, Any]]:
    """``[{order_item_id, qty}]`` for the credit note's lines; refuses what Magento cannot."""
    label = f"{credit.display} (order {order.get('increment_id')})"
    top = [i for i in order.get("items") or [] if not i.get("parent_item_id")]
    taken: dict[int, Decimal] = {}
    for line in credit.lines:
        remaining = line.qty
        for item in (i for i in top if i.get("sku") == line.sku):
            item_id = int(item["item_id"])
            take = min(left_to_refund(item) - taken.get(item_id, Decimal(0)), remaining)
            if take > 0:
                taken[item_id] = taken.get(item_id, Decimal(0)) + take
                remaining -= take
        if remaining > 0:
            raise InvalidData(
                f"ERP credit note {label}: {line.sku} x {line.qty} is more than the Magento "
                "order has left to refund"
            )
    return [{"order_item_id": i, "qty": float(q)} for i, q in taken.items()]


@dataclass
class ImportResult:
    read: int = 0
    enqueued: int = 0


class ReverseReturnsFlow:
    """ERP credit notes -> Magento credit memos."""

    name = IMPORT

    def __init__(self, engine: Engine, erp: ErpCreditSource, every_s: float) -> None:
        self.engine = engine
        self.erp = erp
        self.every_s = every_s
        self.system: str | None = erp.system
        self.store = engine.store
        self.clock = engine.clock
        self.magento = MagentoCredits(engine.magento, engine.config.magento.page_size)

    def handlers(self) -> Mapping[str, Callable[[Job], str]]:
        return {IMPORT: self.apply}

    def run(self, fence: tuple[str, int] | None = None) -> ImportResult:
        result = ImportResult()
        since = self.store.cursor(CURSOR)
        newest = since or ""
        for credit in self.erp.credits(since):
            result.read += 1
            newest = max(newest, credit.version)
            if self.store.enqueue(
                IMPORT,
                f"{KEY}{credit.document_id}",
                self.erp.system,
                to_payload(credit),
                self.clock.now(),
            ):
                result.enqueued += 1
        if newest:
            self.store.set_cursor(CURSOR, newest, self.clock.now(), fence)
        return result

    def _order_binding(self, credit: ErpCredit) -> dict[str, Any] | None:
        for row in self.store.bound(self.erp.system, "order"):
            if not str(row["local_key"]).startswith(ORDER_KEY):
                continue
            if str(row["remote_id"]) == credit.erp_order_id or (
                credit.order_ref and row.get("external_ref") == credit.order_ref
            ):
                return row
        return None

    def apply(self, job: Job) -> str:
        credit = from_payload(job.payload)
        key = job.entity_key
        bound = self.store.binding(self.erp.system, ENTITY, key)
        if bound is not None:
            return f"{key}: already Magento credit memo {bound['remote_id']}"
        binding = self._order_binding(credit)
        if binding is None:
            detail = (
                f"ERP credit note {credit.display} is for an order this integration did not export"
            )
            self.store.record(IMPORT, key, "skip", "unknown_order", detail, self.clock.now())
            return detail
        order_id = int(str(binding["local_key"])[len(ORDER_KEY) :])
        tag = marker(self.erp.system, credit.document_id)
        memo_id = self._existing(order_id, tag)
        action = "found"
        if memo_id is None:
            order = self.magento.order(order_id)
            items = refund_items(order, credit)
            self.store.check_fence(job)
            memo_id = self.magento.refund(order_id, items, credit.shipping, credit.adjustment, tag)
            action = "created"
        self.store.bind(
            self.erp.system, ENTITY, key, str(memo_id), credit.display, self.clock.now(), action
        )
        detail = f"ERP credit note {credit.display} -> Magento credit memo {memo_id} ({action})"
        self.store.record(IMPORT, key, action, "ok", detail, self.clock.now())
        return detail

    def _existing(self, order_id: int, tag: str) -> int | None:
        for memo in self.magento.for_order(order_id):
            if any(tag in str(c.get("comment") or "") for c in memo.get("comments") or []):
                return int(memo["entity_id"])
        return None
