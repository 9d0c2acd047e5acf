"""Locustfile: the storefront under load, through the Magento fake's guest-cart REST flow.

Users check out as guests (``load/checkout.py``: cart, items, shipping estimate, shipping
information, payment information) at ``--order-rate`` orders per second over all users. Without
``--host`` the master (or local) process serves a Magento fake itself (``erp-harness serve
magento`` in a child process); with ``--host`` it uses that served fake. Either way the SKUs it
sells are restocked to ``--restock`` units through the control plane first (0 = leave the
stock alone), so a long run does not sell out. The gate after the run: at least
``--min-orders`` orders placed, p95 of every request at most ``--p95-ms``, failure ratio at most
``--max-failure-ratio``. Exit 0 or 3.

    locust -f load/storefront.py --headless -u 10 -r 10 -t 30s --order-rate 20 --csv out/shop
"""

from __future__ import annotations

import argparse
import atexit
from dataclasses import dataclass
from typing import Any

from locust import events
from locust.env import Environment

from load.checkout import GuestShopper, load_shop, restock, share_order_rate
from load.common import (
    Check,
    add_failure_option,
    common_checks,
    gate,
    is_judge,
    listener,
    p95_ms,
)
from load.served import Control, ServedFakes

PLACE = ("POST /V1/guest-carts/[cartId]/payment-information", "POST")


@dataclass
class _Run:
    served: ServedFakes | None = None


RUN = _Run()


@listener(events.init_command_line_parser)
def _options(parser: argparse.ArgumentParser, **_kwargs: Any) -> None:
    group = parser.add_argument_group("erp-harness storefront")
    group.add_argument("--order-rate", type=float, default=5.0, help="orders/s over all users")
    group.add_argument("--restock", type=float, default=100_000.0, help="units per SKU (0 = off)")
    group.add_argument("--p95-ms", type=float, default=1000.0, help="CI gate: p95 of requests")
    group.add_argument("--min-orders", type=int, default=1, help="CI gate: orders placed")
    group.add_argument("--seed", type=int, default=0, help="seed of the fake and the shoppers")
    add_failure_option(parser)


@listener(events.init)
def _set_up(environment: Environment, **_kwargs: Any) -> None:
    """Serve Magento when no host is given, and restock, before the run clock starts."""
    if not is_judge(environment):
        return
    options = environment.parsed_options
    assert options is not None
    if not environment.host:
        served = ServedFakes.in_temp_dir(["magento"], options.seed)
        RUN.served = served
        atexit.register(served.stop)
        served.start()
        environment.host = served.base_url("magento")
    if options.restock > 0:
        control = Control.for_host(environment.host)
        restock(control, load_shop(control).skus, options.restock)


@listener(events.test_start)
def _share_rate(environment: Environment, **_kwargs: Any) -> None:
    if is_judge(environment):
        share_order_rate(environment)


@listener(events.quitting)
def _judge(environment: Environment, **_kwargs: Any) -> None:
    if not is_judge(environment):
        return
    options = environment.parsed_options
    assert options is not None
    if RUN.served is not None:
        RUN.served.stop()
    placed = environment.stats.get(*PLACE)
    gate(
        environment,
        [
            Check(
                "orders placed",
                float(placed.num_requests - placed.num_failures),
                options.min_orders,
                at_least=True,
            ),
            Check("p95 ms", p95_ms(environment.stats.total), options.p95_ms),
            *common_checks(environment),
        ],
    )


class Shopper(GuestShopper):
    """A guest shopper on the storefront."""
