"""``scenario_rate`` of ``erp-harness bench``: steps per second of the orders-and-stock
Hypothesis state machine (:mod:`scenarios.machines.orders_stock`), in-process, on a fixed seed.

Hypothesis checks invariants once when a machine starts and after every step, so an extra
invariant counts the steps. The headline rate covers the whole run (building each world,
the steps, each teardown's drain and check); the rate of the steps alone is reported beside it,
and so is the share of the run spent in engine sync cycles (every tick, crash and drain runs
the engine's flows through the fakes' wire formats), which is what bounds the rate, and the
rate the rest of the run would allow if those cycles cost nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import invariant, run_state_machine_as_test

from scenarios.machines.orders_stock import OrdersAndStock, machine_for


def _counting(erp: str, counts: dict[str, float]) -> type[OrdersAndStock]:
    base = machine_for(erp)

    class Counted(base):  # type: ignore[valid-type,misc]
        def __init__(self) -> None:
            started = time.perf_counter()
            super().__init__()
            counts["machines"] += 1
            counts["setup_s"] += time.perf_counter() - started
            self.connector.cycle = _timed(self.connector.cycle, counts)

        @invariant()
        def count_step(self) -> None:
            counts["checks"] += 1

        def teardown(self) -> None:
            started = time.perf_counter()
            try:
                super().teardown()
            finally:
                counts["teardown_s"] += time.perf_counter() - started

    return Counted


def _timed(cycle: Callable[[], None], counts: dict[str, float]) -> Callable[[], None]:
    def timed() -> None:
        started = time.perf_counter()
        try:
            cycle()
        finally:
            counts["cycles"] += 1
            counts["cycles_s"] += time.perf_counter() - started

    return timed


def scenario_rate(erp: str, examples: int, steps: int) -> dict[str, Any]:
    counts: dict[str, float] = {
        "machines": 0,
        "checks": 0,
        "setup_s": 0.0,
        "teardown_s": 0.0,
        "cycles": 0,
        "cycles_s": 0.0,
    }
    machine = _counting(erp, counts)
    config = settings(
        max_examples=examples,
        stateful_step_count=steps,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    failure = None
    started = time.perf_counter()
    try:
        run_state_machine_as_test(machine, settings=config)  # type: ignore[no-untyped-call]
    except Exception as exc:  # a failing machine still ran its steps; report, do not stop
        failure = f"{type(exc).__name__}: {str(exc)[:300]}"
    elapsed = time.perf_counter() - started
    done = int(counts["checks"] - counts["machines"])
    stepping = elapsed - counts["setup_s"] - counts["teardown_s"]
    return {
        "value": round(done / elapsed, 1) if elapsed else None,
        "inputs": {
            "machine": "scenarios.machines.orders_stock",
            "erp": erp,
            "connector": "builtin",
            "max_examples": examples,
            "stateful_step_count": steps,
            "seed": "derandomize=True (fixed)",
        },
        "measured": {
            "machines": int(counts["machines"]),
            "steps": done,
            "seconds": round(elapsed, 3),
            "setup_s": round(counts["setup_s"], 3),
            "teardown_s": round(counts["teardown_s"], 3),
            "steps_only_per_s": round(done / stepping, 1) if stepping > 0 else None,
            "engine_cycles": int(counts["cycles"]),
            "ms_per_engine_cycle": (
                round(1000 * counts["cycles_s"] / counts["cycles"], 1) if counts["cycles"] else None
            ),
            "engine_cycle_share": round(counts["cycles_s"] / elapsed, 3) if elapsed else None,
            # what the rest of the run (Hypothesis, worlds, events, invariants) alone allows
            "steps_per_s_without_cycles": (
                round(done / (elapsed - counts["cycles_s"]), 1)
                if elapsed > counts["cycles_s"]
                else None
            ),
            "failure": failure,
        },
    }
