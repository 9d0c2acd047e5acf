"""The engine: builds the connectors, flows, store and worker from a config, and runs them
one ``tick`` at a time. A tick runs the scheduled pulls that are due, then the due jobs.
Production runs tick in a loop on the system clock; scenarios tick on a simulated clock.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import requests

from sync_core import monitor, poll_hold
from sync_core.alerts import Alert, Alerter
from sync_core.clock import Clock, SystemClock
from sync_core.config import EngineConfig
from sync_core.connectors.magento import MagentoClient
from sync_core.connectors.registry import build_erp
from sync_core.errors import PermanentError, SyncError
from sync_core.flows import fulfilment, orders, stock
from sync_core.flows.scheduled import ScheduledFlow, attach_all
from sync_core.poll_hold import PollHold
from sync_core.reconcile import Reconciler
from sync_core.retry import RetryPolicy
from sync_core.store import LeaseLost, Store
from sync_core.transport import EngineSession
from sync_core.worker import Worker

log = logging.getLogger("sync_core.engine")
T = TypeVar("T")


@dataclass
class Schedule:
    every_s: float
    next_at: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.next_at is None or now >= self.next_at

    def done(self, now: datetime) -> None:
        self.next_at = now + timedelta(seconds=self.every_s)

    def again_in(self, now: datetime, seconds: float) -> None:
        """Due again after ``seconds``, or after its interval if that is shorter."""
        self.next_at = now + timedelta(seconds=min(seconds, self.every_s))


@dataclass
class TickResult:
    polled: orders.PollResult | None = None
    poll_held: int = 0  # due order exports that held the orders poll off this tick
    stock: stock.StockResult | None = None
    fulfilment: fulfilment.FulfilmentResult | None = None
    jobs: int = 0
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    optional: dict[str, Any] = field(default_factory=dict)


class Engine:
    def __init__(
        self,
        config: EngineConfig,
        *,
        clock: Clock | None = None,
        session: requests.Session | None = None,
        store: Store | None = None,
        name: str = "worker-1",
    ) -> None:
        self.config = config
        self.name = name
        self.clock = clock or SystemClock()
        self.session = session or EngineSession()
        self.store = store or Store(config.store_url)
        policies = config.policies
        self.magento = MagentoClient(config.magento, self.session, policies.http_timeout_s)
        self.erp = build_erp(config, self.session)
        self.orders = orders.OrdersFlow(
            self.magento, self.erp, self.store, self.clock, policies, config.magento.page_size
        )
        self.stock = stock.StockFlow(
            self.magento, self.erp, self.store, self.clock, config.mapping, policies
        )
        self.worker = Worker(
            self.store,
            {orders.EXPORT: self.orders.export},
            self.clock,
            RetryPolicy(
                policies.retry_base_s,
                policies.retry_cap_s,
                policies.max_attempts,
                policies.give_up_after_s,
            ),
            name=name,
            lease_s=policies.lease_s,
            rng=random.Random(f"{config.seed}:{name}"),
            breaker_threshold=policies.breaker_threshold,
            breaker_cooldown_s=policies.breaker_cooldown_s,
            max_concurrency=policies.max_concurrency,
        )
        self.orders_schedule = Schedule(policies.orders_poll_s)
        self.poll_hold = PollHold(
            self.store,
            "orders.poll",
            orders.EXPORT,
            policies.orders_poll_backlog,
            policies.orders_poll_hold_s,
        )
        self.stock_schedule = Schedule(policies.stock_poll_s)
        self.fulfilment_schedule = Schedule(policies.fulfilment_poll_s)
        self.fulfilment = fulfilment.for_erp(
            self.magento, self.erp, self.store, self.clock, config.mapping
        )  # None when the connector has no deliveries()
        self.reconcile_schedule = Schedule(policies.reconcile_s)
        self.alerter = Alerter(self.store, self.clock, policies.alert_webhook, self.session)
        self.reconciler = Reconciler(
            self.magento,
            self.erp,
            self.store,
            self.clock,
            config.mapping,
            policies,
            config.magento.page_size,
        )
        self.optional: list[tuple[ScheduledFlow, Schedule]] = [
            (flow, Schedule(flow.every_s)) for flow in attach_all(self)
        ]
        for flow, _ in self.optional:
            self.worker.handlers.update(flow.handlers())
        if policies.max_concurrency > 1 and policies.concurrency_gate == "requests":
            http = getattr(getattr(self.erp, "client", None), "http", None)
            self.worker.gate_requests(
                self.session, self.erp.system, config.erp.base_url, getattr(http, "classify", None)
            )

    def tick(self, run_jobs: bool = True, run_schedules: bool = True) -> TickResult:
        """Run the scheduled pulls that are due (each under its lease), then the due jobs.
        A scheduler process runs only the schedules; worker processes only the jobs."""
        if not run_schedules:
            return TickResult(jobs=self.worker.run_once() if run_jobs else 0)
        result = TickResult()
        now = self.clock.now()
        if self.orders_schedule.due(now):
            result.poll_held = self.poll_hold.holds(now)
            if result.poll_held:
                self.orders_schedule.again_in(now, poll_hold.RECHECK_S)
            else:
                result.polled = self._scheduled("orders.poll", self.orders.poll, result)
                self.orders_schedule.done(now)
        if self.fulfilment is not None and self.fulfilment_schedule.due(now):
            breaker = self.worker.breaker(self.erp.system)
            if breaker.allow(now):  # before stock: see sync_core.flows.fulfilment
                result.fulfilment = self._scheduled(
                    fulfilment.FLOW, self.fulfilment.run, result, system=self.erp.system
                )
                if result.fulfilment is not None:
                    breaker.success()
            self.fulfilment_schedule.done(now)
        if self.stock_schedule.due(now):
            breaker = self.worker.breaker(self.erp.system)
            if breaker.allow(now):
                result.stock = self._scheduled(
                    "stock.import", self.stock.run, result, system=self.erp.system
                )
                if result.stock is not None:
                    breaker.success()
                    self._check_locations()
                    self.alerter.settle(
                        "stock:stale_export",
                        [
                            Alert(
                                "stock:stale_export",
                                "stale_export",
                                f"{result.stock.stale} stock figure(s) older than ones already "
                                f"applied were refused: is {self.erp.system} serving an old "
                                f"export?",
                            )
                        ]
                        if result.stock.stale
                        else [],
                    )
            self.stock_schedule.done(now)
        self._run_optional(now, result)
        result.jobs = self.worker.run_once() if run_jobs else 0
        if self.reconcile_schedule.due(now) and self.worker.breaker(self.erp.system).allow(now):
            outcome = self._scheduled(
                "reconcile", lambda _fence: self.reconciler.run(), result, system=self.erp.system
            )
            if outcome is not None:
                self.worker.breaker(self.erp.system).success()  # release a half-open probe
                self.alerter.settle("reconcile:", outcome.alerts())
            self.reconcile_schedule.done(now)
        self.alerter.settle(
            "monitor:",
            monitor.check(
                self.store, self.config.policies, list(self.config.mapping.locations), now
            ),
        )
        if self.config.policies.stock_via_async_bulk:
            self._check_bulks()
        return result

    def _run_optional(self, now: datetime, result: TickResult) -> None:
        """The optional flows that are due (prices, accounts, returns, order state...)."""
        for flow, schedule in self.optional:
            if not schedule.due(now):
                continue
            breaker = self.worker.breaker(flow.system) if flow.system else None
            if breaker is None or breaker.allow(now):
                outcome = self._scheduled(flow.name, flow.run, result, system=flow.system)
                if outcome is not None:
                    result.optional[flow.name] = outcome
                    if breaker is not None:
                        breaker.success()
            schedule.done(now)

    def _check_bulks(self) -> None:
        try:
            stale = self.stock.check_bulks()
        except SyncError as exc:
            log.warning("checking Magento bulks failed: %s", exc)
            return
        self.alerter.settle(
            "magento:bulk_open",
            [Alert("magento:bulk_open", "bulk_open", "; ".join(stale), "error")] if stale else [],
        )

    def _check_locations(self) -> None:
        """What the connector can tell about itself after a stock run: problems with the
        location mapping, and whatever else it noticed (refused files, gaps, tax variances)."""
        check = getattr(self.erp, "location_problems", None)
        if check is not None:
            problems: list[str] = list(check())
            self.alerter.settle(
                "mapping:location:",
                [
                    Alert(f"mapping:location:{n}", "location_mapping", problem, "error")
                    for n, problem in enumerate(problems)
                ],
            )
        raised = getattr(self.erp, "alerts", None)
        if raised is not None:
            current = [
                Alert(
                    f"connector:{item.get('kind')}:{item.get('subject', '')}",
                    str(item.get("kind")),
                    str(item.get("detail") or item.get("subject", "")),
                    "error",
                )
                for item in raised()
            ]
            self.alerter.settle("connector:", current)

    def alerts(self) -> list[dict[str, Any]]:
        """The open alerts."""
        return self.store.alerts()

    def _scheduled(
        self,
        name: str,
        run: Callable[[tuple[str, int]], T],
        result: TickResult,
        system: str | None = None,
    ) -> T | None:
        """Run a scheduled pull under the lease ``schedule:<name>``: an overlapping run is
        skipped and says so; a run whose lease was taken over cannot commit its cursor."""
        lease = f"schedule:{name}"
        now = self.clock.now()
        token = self.store.acquire_lease(lease, self.name, now, self.config.policies.lease_s)
        if token is None:
            holder = self.store.lease_holder(lease) or {}
            detail = f"skipped: {holder.get('owner')} holds {lease}"
            self.store.record(name, "schedule", "skip", "overlap", detail, now)
            result.skipped.append(detail)
            return None
        finished = False
        try:
            outcome = run((lease, token))
            # the stamp, the end of an earlier refusal and the lease's release: one transaction
            self.store.finish_run(
                lease, token, self.clock.now(), f"last_success:{name}", f"flow:refused:{name}"
            )
            finished = True
            return outcome
        except SyncError as exc:
            log.warning("%s failed: %s", name, exc)
            if system is not None:
                self.worker.observe(system, exc)
            if isinstance(exc, PermanentError):
                self.alerter.raise_alert(
                    Alert(
                        f"flow:refused:{name}",
                        "flow_refused",
                        f"{name} refused to run ({exc.reason}): {exc.message}",
                        "error",
                    )
                )
            self.store.record(name, "schedule", "run", exc.reason, exc.message, self.clock.now())
            result.errors.append(f"{name}: {exc.reason}: {exc.message}")
            return None
        except LeaseLost as exc:
            self.store.record(name, "schedule", "run", "lease_lost", str(exc), self.clock.now())
            result.errors.append(f"{name}: lease_lost: {exc}")
            return None
        finally:
            if not finished:
                self.store.release_lease(lease, token, self.clock.now())

    def next_wakeup(self) -> datetime:
        """The earliest time anything is due: a schedule or a job."""
        candidates = [s.next_at for s in (self.orders_schedule, self.stock_schedule) if s.next_at]
        job_due = self.store.next_due()
        if job_due is not None:
            candidates.append(job_due)
        return min(candidates) if candidates else self.clock.now()

    def close(self) -> None:
        self.store.close()
