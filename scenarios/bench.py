"""``erp-harness bench``: measured ratios, each printed with its inputs. Numbers depend on the
machine; the ratios are what to compare between runs."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from scenarios.connectors import make_connector
from scenarios.context import Ctx
from scenarios.world import build_world

STEP_S = 60.0


@dataclass(frozen=True)
class Throughput:
    connector: str
    orders: int
    seconds: float
    requests: int
    exported: int

    @property
    def orders_per_s(self) -> float:
        return self.orders / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "connector": self.connector,
            "orders": self.orders,
            "seconds": round(self.seconds, 3),
            "orders_per_s": round(self.orders_per_s, 1),
            "requests_per_order": round(self.requests / self.orders, 2),
            "exported_exactly_once": self.exported,
        }


def in_process_throughput(connector: str, erp: str, orders: int, seed: int) -> Throughput:
    """Place ``orders`` paid orders, then time the connector until they are all exported."""
    world = build_world(erp, seed)
    cut = make_connector(connector, world)
    try:
        ctx = Ctx(world, cut, random.Random(seed))
        ctx.place(orders)
        started = time.perf_counter()
        for _ in range(50):
            cut.cycle()
            world.advance(STEP_S)
            if not ctx.judge_orders():
                break
        elapsed = time.perf_counter() - started
        requests = sum(len(f.entries()) for f in world.fleet.fakes.values())
        exported = orders - len(ctx.judge_orders())
        return Throughput(connector, orders, elapsed, requests, exported)
    finally:
        cut.close()
        world.close()


def run_bench(erp: str, orders: int, seed: int) -> dict[str, Any]:
    builtin = in_process_throughput("builtin", erp, orders, seed)
    naive = in_process_throughput("naive", erp, orders, seed)
    return {
        "inputs": {"erp": erp, "orders": orders, "seed": seed, "mode": "in-process fakes"},
        "builtin": builtin.as_dict(),
        "naive": naive.as_dict(),
        "naive_vs_builtin": round(naive.orders_per_s / builtin.orders_per_s, 3)
        if builtin.orders_per_s
        else None,
    }
