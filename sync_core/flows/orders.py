"""Orders, Magento -> ERP.

``poll`` scans Magento for paid orders changed since the cursor and enqueues one job per order
(the outbox refuses duplicates). The scan pages by keyset on ``updated_at`` rather than by page
number, so orders that change while we page, many orders sharing one timestamp, and Magento's
"a page past the end returns the last page again" cannot make us miss or loop (FM-G13).

``export`` runs one job: fetch the order (a first attempt takes the copy the poll read whole
just before enqueuing it, while that is fresh: :mod:`sync_core.flows.order_snapshots`), map and
validate it (a poison order is quarantined with its reason), look the order up in the ERP by
its external reference before creating it (FM-G07), apply the order policies just before a
create (stockout FM-T01, account on credit hold FM-T03: :mod:`sync_core.flows.order_policies`),
bind, and write the ERP reference back to Magento. An order the policies stopped is held or
cancelled in Magento and its job completes; when someone releases the hold in Magento, ``poll``
sees the order again and sends it through the export once more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync_core.clock import Clock
from sync_core.config import Policies
from sync_core.connectors.base import ErpOrders
from sync_core.connectors.magento import MagentoClient, to_order
from sync_core.connectors.magento.client import Filter, search_params
from sync_core.connectors.magento.mapper import MAGENTO_TIME, parse_time
from sync_core.errors import BusinessHold, SyncError
from sync_core.flows.order_policies import POLICY, OrderPolicies, PolicyStop
from sync_core.flows.order_snapshots import OrderSnapshots
from sync_core.model import Order, RemoteRef
from sync_core.store import Job, Store

EXPORT = "orders.export"
CURSOR = "orders.updated_at"
EPOCH = "1970-01-01 00:00:00"
# Magento's partial responses: a poll needs only what it keys, orders and enqueues by
POLL_FIELDS = "items[entity_id,increment_id,updated_at],total_count"
# the most orders kept whole in memory for their first export (the oldest go first)
SNAPSHOTS_MOST = 1000

log = logging.getLogger("sync_core.flows.orders")


@dataclass
class PollResult:
    seen: int = 0
    enqueued: int = 0
    cursor: str = EPOCH


class OrdersFlow:
    def __init__(
        self,
        magento: MagentoClient,
        erp: ErpOrders,
        store: Store,
        clock: Clock,
        policies: Policies,
        page_size: int = 100,
    ) -> None:
        self.magento = magento
        self.erp = erp
        self.store = store
        self.clock = clock
        self.policies = policies
        self.page_size = page_size
        self.rules = OrderPolicies(magento, erp, clock, policies)
        self.snapshots = OrderSnapshots(policies.orders_snapshot_max_age_s, SNAPSHOTS_MOST)

    # -- poll -------------------------------------------------------------------------------
    def poll(self, fence: tuple[str, int] | None = None) -> PollResult:
        since = self.store.cursor(CURSOR) or EPOCH
        start = (
            (parse_time(since) - timedelta(seconds=self.policies.overlap_s)).strftime(MAGENTO_TIME)
            if since != EPOCH
            else EPOCH
        )
        result = PollResult(cursor=since)
        found = self._scan(start)
        items = [
            (
                f"magento-order:{order['entity_id']}",
                {"entity_id": order["entity_id"], "increment_id": order.get("increment_id")},
            )
            for order in found
        ]
        result.seen = len(found)
        for order in found:
            result.cursor = max(result.cursor, str(order["updated_at"]))
        new = items
        if items and self.snapshots.enabled:  # before the jobs exist: none starts without it
            queued = self.store.queued(EXPORT, [key for key, _ in items])
            new = [(key, payload) for key, payload in items if key not in queued]
            self._read_whole([int(payload["entity_id"]) for _, payload in new])
        added = self.store.enqueue_new(EXPORT, self.erp.system, new, self.clock.now())
        known = [key for key, _ in items if key not in added]
        stopped = self.store.bindings_among(self.erp.system, POLICY, known)
        released = [
            key for key in known if self._released(key, (stopped.get(key) or {}).get("state"))
        ]
        result.enqueued = len(added) + len(released)
        self.store.set_cursor(CURSOR, result.cursor, self.clock.now(), fence)
        return result

    def _read_whole(self, entity_ids: list[int]) -> None:
        """Read the new orders whole (the oldest first, as many as there is room for), a page
        of them per search, for their first export. A failed read only means those exports
        read their orders themselves."""
        wanted = entity_ids[: self.snapshots.room(self.clock.now())]
        for start in range(0, len(wanted), self.page_size):
            chunk = wanted[start : start + self.page_size]
            read_at = self.clock.now()
            condition = ("entity_id", ",".join(str(i) for i in chunk), "in")
            try:
                orders, _ = self.magento.search(
                    "/orders", search_params([[condition]], (), len(chunk), 1)
                )
            except SyncError as exc:
                log.warning("reading %d new orders whole failed: %s", len(chunk), exc)
                return
            self.snapshots.keep(orders, read_at)

    def _released(self, key: str, stopped: str | None) -> bool:
        """A paid order the policies stopped (``stopped``: its policy binding's state) is back:
        someone released it in Magento."""
        if stopped is None or not stopped.startswith(("hold", "reject")):
            return False
        if not self.store.requeue(EXPORT, key, self.clock.now()):
            return False  # its job has not finished yet
        now = self.clock.now()
        self.store.record(EXPORT, key, "policy_release", "requeued", "released in Magento", now)
        return True

    def _page(self, condition: Filter, page: int = 1) -> tuple[list[dict[str, Any]], int]:
        groups = [[condition], [("state", ",".join(self.policies.paid_states), "in")]]
        params = search_params(
            groups, [("updated_at", "ASC"), ("entity_id", "ASC")], self.page_size, page
        )
        params["fields"] = POLL_FIELDS  # the export reads each order whole when it runs
        return self.magento.search("/orders", params)

    def _scan(self, start: str) -> list[dict[str, Any]]:
        seen: dict[int, dict[str, Any]] = {}
        cursor, op = start, "gteq"
        while True:
            items, _ = self._page(("updated_at", cursor, op))
            for item in items:
                seen.setdefault(int(item["entity_id"]), item)
            if len(items) < self.page_size:
                break
            last = str(items[-1]["updated_at"])
            if last != cursor:
                cursor, op = last, "gteq"
                continue
            self._drain_tie(cursor, seen)
            op = "gt"
        return sorted(seen.values(), key=lambda o: (str(o["updated_at"]), int(o["entity_id"])))

    def _drain_tie(self, stamp: str, seen: dict[int, dict[str, Any]]) -> None:
        """More orders share one ``updated_at`` than fit a page: page through them by number,
        stopping on ``total_count`` (never on an empty page, which Magento does not send)."""
        items, total = self._page(("updated_at", stamp, "eq"), 1)
        pages = -(-total // self.page_size)
        for page in range(1, pages + 1):
            if page > 1:
                items, _ = self._page(("updated_at", stamp, "eq"), page)
            for item in items:
                seen.setdefault(int(item["entity_id"]), item)

    # -- export -----------------------------------------------------------------------------
    def export(self, job: Job) -> str:
        raw = self._order(job, self.clock.now())
        order = to_order(raw, self.magento.store_codes())
        key = job.entity_key
        known = self.store.bindings_of(self.erp.system, key, ("order", POLICY))
        binding, policy = known.get("order"), known.get(POLICY)
        if binding is None:
            if policy is not None and str(policy["state"]).startswith(("hold", "reject")):
                return self._stop(raw, order, key, self._decided(key, policy["state"]))
            noted: list[str] = []
            try:
                ref = self._find_or_create(
                    job, order.external_ref, lambda: self._create(order, key, noted)
                )
            except PolicyStop as stop:
                return self._stop(raw, order, key, stop)
            except BusinessHold as exc:
                refused = self.rules.refused(order, exc)
                if refused is None:
                    raise
                return self._stop(raw, order, key, refused)
            created = f"created:{ref.display or ref.remote_id}"
            self.store.bind(
                self.erp.system,
                "order",
                key,
                ref.remote_id,
                order.external_ref,
                self.clock.now(),
                state=created,
            )
            binding = {"remote_id": ref.remote_id, "state": created}
            if noted:
                policy = {"state": noted[-1]}
        display = str(binding["state"]).split(":", 1)[-1]
        if binding["state"].startswith("created:"):
            note = f"Exported to {self.erp.system} as {display}"
            backordered = policy is not None and policy["state"] == "backorder"
            backorder = self._noted(key, "backorder") if backordered else None
            self.magento.write_back(raw, display, f"{note}; {backorder}" if backorder else note)
            self.store.bind(
                self.erp.system,
                "order",
                key,
                binding["remote_id"],
                order.external_ref,
                self.clock.now(),
                state=f"written_back:{display}",
            )
        return f"{order.external_ref} -> {self.erp.system} {display}"

    def _order(self, job: Job, now: datetime) -> dict[str, Any]:
        """The job's order: the poll's copy on the first attempt of the first lease (while
        fresh), else read from Magento now."""
        entity_id = int(job.payload["entity_id"])
        first = job.attempts == 0 and job.fencing_token == 1
        kept = self.snapshots.take(entity_id, now) if first else None
        return kept if kept is not None else self.magento.get_order(entity_id)

    def _find_or_create(self, job: Job, external_ref: str, create: Any) -> RemoteRef:
        may_exist = job.attempts > 0 or job.fencing_token > 1
        if self.policies.lookup_before_create == "always" or may_exist:
            found = self.erp.find_order(external_ref)
            if found is not None:
                return found
        self.store.check_fence(job)  # a zombie whose lease moved on must not create
        ref: RemoteRef = create()
        return ref

    # -- order policies (FM-T01, FM-T03) ----------------------------------------------------
    def _create(self, order: Order, key: str, noted: list[str]) -> RemoteRef:
        """Create after the policies allowed it; a backorder is noted durably first (and in
        ``noted``, the policy state this export now has)."""
        backorder = self.rules.before_create(order)
        if backorder is not None:
            now = self.clock.now()
            self.store.record(EXPORT, key, "backorder", "noted", backorder, now)
            self.store.bind(self.erp.system, POLICY, key, "", order.external_ref, now, "backorder")
            noted.append("backorder")
        ref = self.erp.create_order(order)
        self.rules.created(order)
        return ref

    def _stop(self, raw: dict[str, Any], order: Order, key: str, stop: PolicyStop) -> str:
        """Record the stop durably, then tell Magento (hold or cancel, with the reason)."""
        now = self.clock.now()
        state = f"{stop.action}:{stop.kind}"
        self.store.record(EXPORT, key, "policy_stop", state, stop.reason, now)
        self.store.bind(self.erp.system, POLICY, key, "", order.external_ref, now, state)
        outcome = self.rules.apply(raw, stop)
        self.store.record(EXPORT, key, "policy_applied", outcome.action, outcome.comment, now)
        return f"{order.external_ref} not exported ({state}): {outcome.comment}"

    def _decided(self, key: str, state: str) -> PolicyStop:
        """The stop decided by an earlier attempt of this job (the reason is in the audit)."""
        action, _, kind = state.partition(":")
        reason = self._noted(key, "policy_stop") or f"{kind} ({action})"
        return PolicyStop(kind, "reject" if action == "reject" else "hold", reason)

    def _noted(self, key: str, action: str) -> str | None:
        rows = [r for r in self.store.audit_trail(key) if r["action"] == action]
        return str(rows[-1]["detail"]) if rows else None
