"""In-process order throughput for ``erp-harness bench``: ``naive_vs_builtin_in_process`` and
``engine_overhead``.

Each measurement places the same seeded paid orders in a fresh world and times only the
connector's sync cycles (not the judging between them) until every order is in the ERP
exactly once, or until three cycles in a row get no further order in (``naive`` may never
finish); orders a second count the orders exported exactly once. Ratios are of wall time
(durable SQLite waits on the disk); ``cpu_ratio`` is the same of this process's CPU time,
steadier when others share the machine.

``engine_overhead`` sets ``builtin`` (durable SQLite store, outbox, leases, bindings, audit)
with only its orders flow busy against :class:`BareLoop`: the same adapters making the same
fake calls for each order (search, read, look up, create, write back), no store, no bookkeeping.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from scenarios.connectors.base import ConnectorUnderTest, make_connector
from scenarios.connectors.builtin import BuiltinConnector, engine_config
from scenarios.context import Ctx
from scenarios.world import World, build_world
from sync_core.connectors.magento import MagentoClient, to_order
from sync_core.connectors.magento.client import search_params
from sync_core.connectors.registry import build_erp

STEP_S = 60.0
MAX_CYCLES = 50
STALL_CYCLES = 3  # cycles in a row that get no further order in: the connector is stuck
IDLE_S = 1e9  # a schedule this long runs its flow once, at the start, then never again
ORDERS_ONLY = {"stock_poll_s": IDLE_S, "fulfilment_poll_s": IDLE_S, "reconcile_s": IDLE_S}

Factory = Callable[[World], ConnectorUnderTest]


@dataclass(frozen=True)
class Throughput:
    connector: str
    orders: int
    seconds: float
    cpu_seconds: float
    cycles: int
    requests: int
    exported: int

    @property
    def orders_per_s(self) -> float:
        return self.exported / self.seconds if self.seconds else 0.0

    @property
    def orders_per_cpu_s(self) -> float:
        return self.exported / self.cpu_seconds if self.cpu_seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "connector": self.connector,
            "orders": self.orders,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "cycles": self.cycles,
            "orders_per_s": round(self.orders_per_s, 1),
            "requests_per_order": round(self.requests / self.orders, 2),
            "exported_exactly_once": self.exported,
        }


class BareLoop:
    """The orders flow without an engine: one pass over Magento's paid orders, each read,
    mapped, looked up and created in the ERP, and written back. No store, no retries."""

    name = "bare-loop"

    def __init__(self, world: World) -> None:
        config = engine_config(world)
        self.session = requests.Session()
        timeout = config.policies.http_timeout_s
        self.magento = MagentoClient(config.magento, self.session, timeout)
        self.erp = build_erp(config, self.session)
        self.page_size = config.magento.page_size
        self.paid = ",".join(config.policies.paid_states)

    def cycle(self) -> None:
        stores = self.magento.store_codes()
        page, seen = 1, 0
        while True:
            groups = [[("state", self.paid, "in")]]
            params = search_params(groups, [("entity_id", "ASC")], self.page_size, page)
            items, total = self.magento.search("/orders", params)
            for item in items:
                self._export(int(item["entity_id"]), stores)
            seen += len(items)
            if seen >= total or not items:
                return
            page += 1

    def _export(self, entity_id: int, stores: dict[int, str]) -> None:
        raw = self.magento.get_order(entity_id)
        order = to_order(raw, stores)
        ref = self.erp.find_order(order.external_ref) or self.erp.create_order(order)
        shown = ref.display or ref.remote_id
        self.magento.write_back(raw, shown, f"Exported to {self.erp.system} as {shown}")

    def crash(self) -> None:
        raise NotImplementedError("the bare loop is only for timing")

    def arm_crash(self, after_requests: int, after_send: bool = True) -> None:
        raise NotImplementedError("the bare loop is only for timing")

    def alerts(self) -> list[dict[str, Any]] | None:
        return None

    def quarantined(self) -> list[dict[str, Any]] | None:
        return None

    def close(self) -> None:
        self.session.close()


def builtin_orders_only(world: World) -> ConnectorUnderTest:
    return BuiltinConnector(world, "worker-1", **ORDERS_ONLY)


def in_process_throughput(
    connector: str, erp: str, orders: int, seed: int, make: Factory | None = None
) -> Throughput:
    """Place ``orders`` paid orders, then time the connector's cycles until all are exported."""
    world = build_world(erp, seed)
    cut = make(world) if make is not None else make_connector(connector, world)
    try:
        ctx = Ctx(world, cut, random.Random(seed))
        ctx.place(orders)
        wall = cpu = 0.0
        cycles = stalled = 0
        left = orders
        while cycles < MAX_CYCLES and left and stalled < STALL_CYCLES:
            cycles += 1
            started, cpu_started = time.perf_counter(), time.process_time()
            cut.cycle()
            wall += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            world.advance(STEP_S)
            before, left = left, len(ctx.judge_orders())
            stalled = stalled + 1 if left >= before else 0
        requests_made = sum(len(f.entries()) for f in world.fleet.fakes.values())
        exported = orders - left
        return Throughput(connector, orders, wall, cpu, cycles, requests_made, exported)
    finally:
        cut.close()
        world.close()


def naive_vs_builtin_in_process(erp: str, orders: int, seed: int) -> dict[str, Any]:
    builtin = in_process_throughput("builtin", erp, orders, seed)
    naive = in_process_throughput("naive", erp, orders, seed)
    return {
        "value": _ratio(naive.orders_per_s, builtin.orders_per_s),
        "inputs": {"erp": erp, "orders": orders, "seed": seed, "mode": "in-process fakes"},
        "measured": {
            "builtin": builtin.as_dict(),
            "naive": naive.as_dict(),
            "cpu_ratio": _ratio(naive.orders_per_cpu_s, builtin.orders_per_cpu_s),
        },
    }


def engine_overhead(erp: str, orders: int, seed: int) -> dict[str, Any]:
    bare = in_process_throughput("bare-loop", erp, orders, seed, BareLoop)
    engine = in_process_throughput("builtin", erp, orders, seed, builtin_orders_only)
    return {
        "value": _ratio(engine.orders_per_s, bare.orders_per_s),
        "inputs": {
            "erp": erp,
            "orders": orders,
            "seed": seed,
            "mode": "in-process fakes",
            "builtin": "durable SQLite file store; stock, fulfilment and reconcile idle",
            "bare_loop": "same adapters and fake calls per order, no store",
        },
        "measured": {
            "builtin": engine.as_dict(),
            "bare_loop": bare.as_dict(),
            "cpu_ratio": _ratio(engine.orders_per_cpu_s, bare.orders_per_cpu_s),
        },
    }


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 3) if denominator else None
