"""Returns and credit notes. By default Magento owns refunds (``flows.returns.source_of_truth``
``magento``): each Magento credit memo becomes exactly one ERP credit note, linked to the ERP
order (and its invoice) the integration exported, with the goods returned to the ERP warehouse
when the memo returned them to stock. When the ERP owns refunds, see
:mod:`sync_core.flows.returns_reverse`.

``poll`` scans ``GET /V1/creditmemos`` by keyset on ``updated_at`` (then ``entity_id``), from
the cursor less ``policies.overlap_s``, and enqueues one outbox job per credit memo (the outbox
refuses a second job for the same memo), so retries, backoff and the dead-letter queue apply.

``export`` runs one job: read the memo and its order, find the order's ERP binding (an order the
integration has not exported yet makes the job wait: retryable), map (:mod:`returns_map`), look
the credit note up in the ERP by the memo's external reference before creating it (a lost
answer to an earlier create is recovered, never duplicated), create, bind, record.

The ERP half is found by kind: ``sync_core.connectors.<erp>.returns`` exports
``build(engine) -> adapter | None`` (:class:`~sync_core.flows.returns_model.ErpCredits`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sync_core.connectors.magento.client import Filter
from sync_core.connectors.magento.mapper import MAGENTO_TIME, parse_time
from sync_core.connectors.magento.returns import MagentoCredits
from sync_core.connectors.registry import flow_module
from sync_core.errors import RetryableError
from sync_core.flows.returns_map import CreditMapper
from sync_core.flows.returns_model import CreditNote, ErpCredits
from sync_core.model import RemoteRef
from sync_core.store import Job

if TYPE_CHECKING:
    from sync_core.engine import Engine

EXPORT = "returns.export"
POLL = "returns.poll"
CURSOR = "returns.updated_at"
ENTITY = "credit_note"
KEY = "magento-creditmemo:"
ORDER_KEY = "magento-order:"
EPOCH = "1970-01-01 00:00:00"


class OrderNotExported(RetryableError):
    """The credit memo's order has no ERP binding yet: wait for the order export."""

    reason = "waiting_for_order"


def adapter_for(engine: Engine) -> Any | None:
    """The ERP's returns adapter (``sync_core.connectors.<pkg>.returns.build``), or None."""
    module = flow_module(engine.config.erp.kind, "returns")
    return None if module is None else module.build(engine)


def attach(engine: Engine) -> Any | None:
    """The returns flow in the direction the profile sets, or None when it cannot run."""
    settings = engine.config.flow("returns")
    if not settings.enabled:
        return None
    adapter = adapter_for(engine)
    if adapter is None:
        return None
    every_s = settings.every_s or engine.config.policies.orders_poll_s
    if settings.owner("returns") == "erp":
        from sync_core.flows.returns_reverse import ReverseReturnsFlow

        if not callable(getattr(adapter, "credits", None)):
            return None
        return ReverseReturnsFlow(engine, adapter, every_s)
    if not callable(getattr(adapter, "create_credit", None)):
        return None  # an ERP whose credit notes are read, not written (see its adapter)
    return ReturnsFlow(engine, adapter, every_s)


@dataclass
class PollResult:
    seen: int = 0
    enqueued: int = 0
    cursor: str = EPOCH


class ReturnsFlow:
    """Magento credit memos -> ERP credit notes (a scheduled poll plus an outbox handler)."""

    name = POLL
    system: str | None = None  # the poll reads Magento only; the jobs are guarded by the ERP

    def __init__(self, engine: Engine, erp: ErpCredits, every_s: float) -> None:
        self.engine = engine
        self.erp = erp
        self.every_s = every_s
        self.store = engine.store
        self.clock = engine.clock
        self.magento = MagentoCredits(engine.magento, engine.config.magento.page_size)
        self.mapper = CreditMapper(engine.config.mapping, engine.config.policies.returns_restock)

    def handlers(self) -> Mapping[str, Callable[[Job], str]]:
        return {EXPORT: self.export}

    # -- poll -------------------------------------------------------------------------------
    def run(self, fence: tuple[str, int] | None = None) -> PollResult:
        since = self.store.cursor(CURSOR) or EPOCH
        overlap = timedelta(seconds=self.engine.config.policies.overlap_s)
        start = (parse_time(since) - overlap).strftime(MAGENTO_TIME) if since != EPOCH else EPOCH
        result = PollResult(cursor=since)
        for memo in self._scan(start):
            result.seen += 1
            result.cursor = max(result.cursor, str(memo["updated_at"]))
            payload = {
                "entity_id": memo["entity_id"],
                "increment_id": memo.get("increment_id"),
                "order_id": memo.get("order_id"),
            }
            if self.store.enqueue(
                EXPORT, f"{KEY}{memo['entity_id']}", self.erp.system, payload, self.clock.now()
            ):
                result.enqueued += 1
        self.store.set_cursor(CURSOR, result.cursor, self.clock.now(), fence)
        return result

    def _scan(self, start: str) -> list[dict[str, Any]]:
        """Keyset paging on ``updated_at``; a page full of one timestamp is drained by page
        number up to ``total_count`` (Magento repeats its last page rather than answer none)."""
        seen: dict[int, dict[str, Any]] = {}
        condition: Filter = ("updated_at", start, "gteq")
        size = self.magento.page_size
        while True:
            items, _ = self.magento.page(condition)
            for item in items:
                seen.setdefault(int(item["entity_id"]), item)
            if len(items) < size:
                break
            last = str(items[-1]["updated_at"])
            if last != condition[1]:
                condition = ("updated_at", last, "gteq")
                continue
            self._drain_tie(last, seen)
            condition = ("updated_at", last, "gt")
        return sorted(seen.values(), key=lambda m: (str(m["updated_at"]), int(m["entity_id"])))

    def _drain_tie(self, stamp: str, seen: dict[int, dict[str, Any]]) -> None:
        items, total = self.magento.page(("updated_at", stamp, "eq"), 1)
        pages = -(-total // self.magento.page_size)
        for page in range(1, pages + 1):
            if page > 1:
                items, _ = self.magento.page(("updated_at", stamp, "eq"), page)
            for item in items:
                seen.setdefault(int(item["entity_id"]), item)

    # -- export -----------------------------------------------------------------------------
    def export(self, job: Job) -> str:
        key = job.entity_key
        bound = self.store.binding(self.erp.system, ENTITY, key)
        if bound is not None:
            return f"{key}: already {self.erp.system} credit note {bound['remote_id']}"
        note = self.note(int(job.payload["entity_id"]))
        ref = self.erp.find_credit(note)
        action = "found"
        if ref is None:
            self.store.check_fence(job)  # a zombie whose lease moved on must not create
            ref = self.erp.create_credit(note)
            action = "created"
        return self._bind(key, note, ref, action)

    def note(self, creditmemo_id: int) -> CreditNote:
        """The credit memo mapped for the ERP (raises while its order is not exported)."""
        memo = self.magento.get(creditmemo_id)
        order_id = int(memo["order_id"])
        binding = self.store.binding(self.erp.system, "order", f"{ORDER_KEY}{order_id}")
        if binding is None:
            raise OrderNotExported(
                f"credit memo {memo.get('increment_id')}: its order {order_id} has no "
                f"{self.erp.system} order yet (not exported)"
            )
        order = self.magento.order(order_id)
        store_code = self.magento.store_codes().get(int(order.get("store_id") or 0), "default")
        shipments = self.magento.shipments(order_id)
        return self.mapper.note(memo, order, shipments, store_code, binding)

    def _bind(self, key: str, note: CreditNote, ref: RemoteRef, action: str) -> str:
        now = self.clock.now()
        display = ref.display or ref.remote_id
        self.store.bind(
            self.erp.system, ENTITY, key, ref.remote_id, note.reference, now, f"{action}:{display}"
        )
        detail = f"{note.label} -> {self.erp.system} credit note {display} ({note.reference})"
        self.store.record(EXPORT, key, action, "ok", detail, now)
        return detail
