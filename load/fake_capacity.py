"""Locustfile: raw capacity of a served fake, with no wait between requests.

The master (or local) process serves ``--vendor`` (``erp-harness serve`` in a child process,
waitress threads in one process) unless ``--host`` names one already served. Users then send
requests as fast as the fake answers them:

* ``magento``: anonymous storefront routes, which pass the fault engine, the journal and the
  vendor's routing like any other: create a guest cart, read it, read its totals;
* every vendor: the control plane's index (``GET /__harness__/``), the floor of the server
  stack (waitress, Flask, no vendor logic).

The ERPs' own routes need signed credentials (OAuth 1.0a for NetSuite, sessions for Business
One, ...); ``load/sync_lag.py`` drives them through the real engine instead. The gate: p95 of
every request at most ``--p95-ms``, failure ratio at most ``--max-failure-ratio`` and, when set,
at least ``--min-rps`` requests per second. Exit 0 or 3.

    locust -f load/fake_capacity.py --headless -u 20 -r 20 -t 20s --vendor magento
"""

from __future__ import annotations

import argparse
import atexit
from dataclasses import dataclass
from typing import Any

from locust import HttpUser, constant, events, task
from locust.env import Environment

from load.common import (
    Check,
    add_failure_option,
    common_checks,
    gate,
    is_judge,
    listener,
    p95_ms,
)
from load.served import CONTROL_PREFIX, ServedFakes

CART = "/rest/V1/guest-carts"


@dataclass
class _Run:
    served: ServedFakes | None = None


RUN = _Run()


@listener(events.init_command_line_parser)
def _options(parser: argparse.ArgumentParser, **_kwargs: Any) -> None:
    group = parser.add_argument_group("erp-harness fake capacity")
    group.add_argument("--vendor", default="magento", help="the fake to serve and load")
    group.add_argument("--p95-ms", type=float, default=1000.0, help="CI gate: p95 of requests")
    group.add_argument("--min-rps", type=float, default=0.0, help="CI gate: requests/s (0 = off)")
    group.add_argument("--seed", type=int, default=0, help="seed of the fake")
    add_failure_option(parser)


@listener(events.init)
def _set_up(environment: Environment, **_kwargs: Any) -> None:
    """Serve the vendor when no host is given, before the run clock starts."""
    if not is_judge(environment) or environment.host:
        return
    options = environment.parsed_options
    assert options is not None
    served = ServedFakes.in_temp_dir([options.vendor], options.seed)
    RUN.served = served
    atexit.register(served.stop)
    served.start()
    environment.host = served.base_url(options.vendor)


@listener(events.quitting)
def _judge(environment: Environment, **_kwargs: Any) -> None:
    if not is_judge(environment):
        return
    options = environment.parsed_options
    assert options is not None
    if RUN.served is not None:
        RUN.served.stop()
    total = environment.stats.total
    checks = [Check("p95 ms", p95_ms(total), options.p95_ms), *common_checks(environment)]
    if options.min_rps > 0:
        checks.append(Check("requests/s", round(total.total_rps, 1), options.min_rps, True))
    gate(environment, checks)


class FakeProbe(HttpUser):
    """Requests without a pause: the vendor's anonymous routes and the control plane."""

    wait_time = constant(0)

    @task(1)
    def control_plane(self) -> None:
        self.client.get(CONTROL_PREFIX + "/", name="GET /__harness__/")

    @task(3)
    def guest_cart(self) -> None:
        options = self.environment.parsed_options
        if options is None or options.vendor != "magento":
            self.control_plane()
            return
        created = self.client.post(CART, name="POST /V1/guest-carts")
        if created.status_code != 200:
            return
        cart = created.json()
        self.client.get(f"{CART}/{cart}", name="GET /V1/guest-carts/[cartId]")
        self.client.get(f"{CART}/{cart}/totals", name="GET /V1/guest-carts/[cartId]/totals")
