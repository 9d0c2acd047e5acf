"""Locustfile: the sync engine under load, judged by the lag of each order.

Before the run, the master (or local) process serves Magento and one ERP fake (``--erp``) in a
child process, gives the ERP a response time of ``--erp-latency-ms`` and a concurrency cap of
``--erp-cap`` requests through its control plane, and starts ``--workers`` engine worker
processes on one SQLite store. Users check out as guests (``load/checkout.py``) at
``--order-rate`` orders per second; each order's lag (placed in Magento -> held by the ERP, on
the wall clock) becomes a ``SYNC`` row named ``order placed -> in ERP``. After the run the
master waits up to ``--drain-s`` for orders still on their way, stops the processes and gates:
at least ``--min-orders`` orders synced, their p95 lag at most ``--p95-lag-ms``, the failure
ratio (HTTP and orders never synced) at most ``--max-failure-ratio``. Exit 0 or 3.

    locust -f load/sync_lag.py --headless -u 5 -r 5 -t 30s --csv out/sync
"""

from __future__ import annotations

import argparse
import atexit
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gevent
from locust import events
from locust.env import Environment
from locust.stats import CSV_STATS_INTERVAL_SEC

from load.checkout import GuestShopper, share_order_rate
from load.common import (
    Check,
    add_failure_option,
    common_checks,
    gate,
    is_judge,
    listener,
    p95_ms,
)
from load.lag import MESSAGE, ROW_NAME, ROW_TYPE, LagTracker, report_placed, request_firer
from load.rig import SyncRig


@dataclass
class _Run:
    rig: SyncRig | None = None
    tracker: LagTracker | None = None


RUN = _Run()


@listener(events.init_command_line_parser)
def _options(parser: argparse.ArgumentParser, **_kwargs: Any) -> None:
    group = parser.add_argument_group("erp-harness sync lag")
    group.add_argument("--erp", default="netsuite", help="ERP fake the engine syncs to")
    group.add_argument("--workers", type=int, default=2, help="engine worker processes")
    group.add_argument("--erp-latency-ms", type=float, default=100.0, help="ERP response time")
    group.add_argument("--erp-cap", type=int, default=5, help="ERP concurrency cap (0 = none)")
    group.add_argument("--order-rate", type=float, default=2.0, help="orders/s over all users")
    group.add_argument("--p95-lag-ms", type=float, default=10_000.0, help="CI gate: p95 lag")
    group.add_argument("--min-orders", type=int, default=1, help="CI gate: orders synced")
    group.add_argument("--drain-s", type=float, default=15.0, help="wait for late orders")
    group.add_argument("--poll-s", type=float, default=0.25, help="how often the lag is polled")
    group.add_argument("--seed", type=int, default=0, help="seed of the fakes and shoppers")
    group.add_argument("--workdir", default=None, help="keep engine config, store and logs here")
    add_failure_option(parser)


@listener(events.init)
def _set_up(environment: Environment, **_kwargs: Any) -> None:
    """Serve the fakes and start the engine before the run: on ``init`` rather than on
    ``test_start``, because Locust starts the ``--run-time`` clock together with the users,
    so a setup there would eat into the measured run."""
    if not is_judge(environment):
        return
    options = environment.parsed_options
    assert options is not None and environment.runner is not None
    workdir = Path(options.workdir) if options.workdir else None
    rig = SyncRig(
        options.erp, options.workers, options.erp_latency_ms, options.erp_cap, options.seed, workdir
    )
    RUN.rig = rig
    atexit.register(rig.stop)  # also when Locust dies before ``quitting``
    rig.start()
    environment.host = rig.magento_url
    tracker = LagTracker(options.erp, rig.magento, rig.erp_control, request_firer(environment))
    environment.runner.register_message(MESSAGE, tracker.on_message)
    tracker.start(options.poll_s)
    RUN.tracker = tracker


@listener(events.test_start)
def _share_rate(environment: Environment, **_kwargs: Any) -> None:
    if is_judge(environment):
        share_order_rate(environment)


@listener(events.quitting)
def _judge(environment: Environment, **_kwargs: Any) -> None:
    if not is_judge(environment) or RUN.tracker is None or RUN.rig is None:
        return
    options = environment.parsed_options
    assert options is not None
    RUN.tracker.stop()
    RUN.tracker.drain(options.drain_s, options.poll_s)
    RUN.rig.stop()
    if options.csv_prefix:  # the CSV writer greenlet writes once a second, never at close
        gevent.sleep(CSV_STATS_INTERVAL_SEC + 0.2)
    lag = environment.stats.get(ROW_NAME, ROW_TYPE)
    gate(
        environment,
        [
            Check(
                "orders synced",
                float(lag.num_requests - lag.num_failures),
                options.min_orders,
                at_least=True,
            ),
            Check("p95 sync lag ms", p95_ms(lag), options.p95_lag_ms),
            *common_checks(environment),
        ],
    )


class Shopper(GuestShopper):
    """A guest shopper whose orders are timed until the ERP holds them."""

    def placed(self, entity_id: int) -> None:
        report_placed(self.environment, entity_id)
