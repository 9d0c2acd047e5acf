"""Sync lag as a Locust metric: how long after a Magento order is placed the ERP has it.

Users report each order they place (entity id and wall-clock time) to the master or local
runner with a Locust message. There a background greenlet polls the served fakes' state
(control plane) and fires one ``SYNC`` row per order when the ERP first holds it: the row's
response time is the lag in ms, measured on the wall clock, so it is only as fine as the poll
interval. The rows land in the console table and the CSV files next to the HTTP rows. After
the run, :meth:`LagTracker.drain` waits for the orders still on their way and fires a failed
row for each one the ERP never received.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import gevent
import requests
from locust.env import Environment

from load.served import Control
from scenarios.views import erp_orders, magento_orders

ROW_TYPE = "SYNC"
ROW_NAME = "order placed -> in ERP"
MESSAGE = "harness:order-placed"
log = logging.getLogger("load.lag")

Fire = Callable[[float, Exception | None], None]


class NotSynced(Exception):
    """An order the ERP did not hold by the end of the drain."""


def report_placed(environment: Environment, entity_id: int) -> None:
    """Tell the master (or the local runner) that an order was placed now."""
    if environment.runner is not None:
        environment.runner.send_message(MESSAGE, {"entity_id": entity_id, "placed_at": time.time()})


def request_firer(environment: Environment) -> Fire:
    """Fire one ``SYNC`` row (lag in ms, and the exception when the order failed)."""

    hook: Any = environment.events.request

    def fire(lag_ms: float, exception: Exception | None) -> None:
        hook.fire(
            request_type=ROW_TYPE,
            name=ROW_NAME,
            response_time=lag_ms,
            response_length=0,
            exception=exception,
            context={},
        )

    return fire


class LagTracker:
    """Orders placed but not yet seen in the ERP, and the poller that sees them arrive."""

    def __init__(self, erp: str, magento: Control, erp_control: Control, fire: Fire) -> None:
        self.erp = erp
        self.magento = magento
        self.erp_control = erp_control
        self.fire = fire
        self.pending: dict[int, float] = {}  # entity id -> placed at (wall clock, s)
        self.refs: dict[int, frozenset[str]] = {}  # entity id -> references naming it
        self.synced = 0
        self._greenlet: Any = None

    def on_message(self, environment: Environment, msg: Any, **_kwargs: Any) -> None:
        """Locust message listener for ``MESSAGE``."""
        self.placed(int(msg.data["entity_id"]), float(msg.data["placed_at"]))

    def placed(self, entity_id: int, at: float) -> None:
        self.pending.setdefault(entity_id, at)

    def poll(self) -> int:
        """Fire a row for each pending order the ERP now holds; answer how many."""
        if not self.pending:
            return 0
        if any(entity_id not in self.refs for entity_id in self.pending):
            self._learn_refs()
        in_erp = {
            ref for order in erp_orders(self.erp, self.erp_control.state()) for ref in order.refs
        }
        seen_at = time.time()
        arrived = [e for e in self.pending if self.refs.get(e, frozenset()) & in_erp]
        for entity_id in arrived:
            placed_at = self.pending.pop(entity_id)
            self.fire(max(seen_at - placed_at, 0.0) * 1000.0, None)
        self.synced += len(arrived)
        return len(arrived)

    def _learn_refs(self) -> None:
        """The references (store and increment id) of the Magento orders placed so far."""
        for order in magento_orders(self.magento.state()):
            self.refs[order.entity_id] = frozenset({*order.references(), order.increment_id})

    def _poll_safely(self) -> None:
        try:
            self.poll()
        except (requests.RequestException, RuntimeError, ValueError) as exc:
            log.warning("sync lag poll failed: %s", exc)

    def start(self, interval_s: float) -> None:
        """Poll every ``interval_s`` in a background greenlet."""

        def loop() -> None:
            while True:
                self._poll_safely()
                gevent.sleep(interval_s)

        self._greenlet = gevent.spawn(loop)

    def stop(self) -> None:
        if self._greenlet is not None:
            self._greenlet.kill(block=True)
            self._greenlet = None

    def drain(self, timeout_s: float, interval_s: float) -> int:
        """Wait up to ``timeout_s`` for the pending orders, then fire a failed row for each
        one still missing; answer how many failed."""
        deadline = time.monotonic() + timeout_s
        while self.pending and time.monotonic() < deadline:
            self._poll_safely()
            if self.pending:
                gevent.sleep(interval_s)
        missing = dict(self.pending)
        now = time.time()
        for placed_at in missing.values():
            error = NotSynced(f"order not in {self.erp} within {timeout_s:g} s after the run")
            self.fire(max(now - placed_at, 0.0) * 1000.0, error)
        self.pending.clear()
        return len(missing)
