"""``erp-harness bench``: the performance suite. Every figure is measured side by side in one
run and reported with its inputs, what was measured and its target; numbers depend on the
machine (and on what else runs on it), ratios are what to compare between runs. Targets are
benchmarks, not tests: a missed target is reported, never an error.

The measurements live in ``scenarios.bench_*`` modules; this one names them, sizes them
(``--quick`` shrinks every input and skips the full ``erp-harness run``), runs the selected
ones and judges each against its target. ``erp_limit_efficiency`` and ``pg_workers`` come from
``scenarios.bench_throughput`` when that module is installed; ``naive_vs_builtin`` is read off
``erp_limit_efficiency``'s runs (naive's efficiency under the same ERP limits over builtin's), and
``naive_vs_builtin_in_process`` compares the two on in-process fakes with no limits.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from scenarios import (
    bench_engine,
    bench_external,
    bench_http,
    bench_machine,
    bench_reconcile,
    bench_run,
)
from scenarios.bench_engine import Throughput, in_process_throughput
from scenarios.bench_text import describe

__all__ = ["MEASURES", "BenchOptions", "Throughput", "in_process_throughput", "run_bench"]

Say = Callable[[str], None]


@dataclass(frozen=True)
class BenchOptions:
    erp: str = "netsuite"
    orders: int = 300
    seed: int = 0
    quick: bool = False
    only: tuple[str, ...] = ()
    skus: int = 1_000_000
    http_seconds: float = 3.0
    clients: int = 8
    server_threads: int = 16
    machine_examples: int = 10
    machine_steps: int = 20

    def sized(self) -> BenchOptions:
        """Inputs for this run: as given, or each shrunk for ``--quick``."""
        if not self.quick:
            return self
        return replace(
            self,
            orders=min(self.orders, 30),
            skus=min(self.skus, 20_000),
            http_seconds=min(self.http_seconds, 0.5),
            machine_examples=min(self.machine_examples, 2),
            machine_steps=min(self.machine_steps, 5),
        )


@dataclass(frozen=True)
class Target:
    op: str  # ">=" or "<="
    value: float

    def met(self, measured: Any) -> bool | None:
        if not isinstance(measured, int | float):
            return None
        return measured >= self.value if self.op == ">=" else measured <= self.value

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str
    target: Target | None
    run: Callable[[BenchOptions], dict[str, Any]]
    in_quick: bool = True


def _reconcile(options: BenchOptions) -> dict[str, Any]:
    child = bench_reconcile.run_child(options.skus, options.seed)
    return {
        "value": child["ratio"],
        "inputs": {
            "skus": child["skus"],
            "sources": child["sources"],
            "seed": options.seed,
            "sides": "Magento source-items export and ERP stock export (CSV, SKU order)",
            "reconciler": "sync_core.reconcile_stock (streaming sorted merge)",
            "timing": f"process CPU seconds, fastest of {child['repeats']} interleaved runs",
        },
        "measured": {k: v for k, v in child.items() if k not in ("skus", "sources", "ratio")},
    }


MEASURES: tuple[Measure, ...] = (
    Measure(
        "naive_vs_builtin_in_process",
        "ratio",
        None,
        lambda o: bench_engine.naive_vs_builtin_in_process(o.erp, o.orders, o.seed),
    ),
    Measure(
        "fake_overhead",
        "ratio",
        Target(">=", 0.6),
        lambda o: bench_http.fake_overhead(o.http_seconds, o.clients, o.server_threads, o.seed),
    ),
    Measure(
        "engine_overhead",
        "ratio",
        Target(">=", 0.5),
        lambda o: bench_engine.engine_overhead(o.erp, o.orders, o.seed),
    ),
    Measure("reconcile_scale", "ratio", Target("<=", 1.5), _reconcile),
    Measure(
        "scenario_rate",
        "steps/s",
        Target(">=", 300),
        lambda o: bench_machine.scenario_rate(o.erp, o.machine_examples, o.machine_steps),
    ),
    Measure("default_run_s", "s", Target("<=", 180), lambda o: bench_run.default_run_s(), False),
)
PEAK_MEMORY = Target("<=", 512)
# figures read off another one's result, and the figure each needs
DERIVED = {"peak_memory_mb": "reconcile_scale", "naive_vs_builtin": "erp_limit_efficiency"}
NAMES = (*bench_external.EXTERNAL, *(m.name for m in MEASURES), *DERIVED)


def check_only(names: tuple[str, ...]) -> None:
    """Refuse a name ``--only`` does not know, naming it and the known ones."""
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise ValueError(f"--only: unknown {', '.join(unknown)}; known: {', '.join(NAMES)}")


def _selected(options: BenchOptions, name: str) -> bool:
    wanted = set(options.only)
    wanted |= {needed for derived, needed in DERIVED.items() if derived in wanted}
    return not wanted or name in wanted


def _judged(measure: Measure, entry: dict[str, Any]) -> dict[str, Any]:
    target = measure.target
    return {
        "value": entry["value"],
        "unit": measure.unit,
        "target": str(target) if target else None,
        "met": target.met(entry["value"]) if target else None,
        "inputs": entry["inputs"],
        "measured": entry["measured"],
    }


def _peak_memory(reconciled: dict[str, Any]) -> dict[str, Any]:
    peak = reconciled["measured"]["peak_rss_mb"]
    return {
        "value": peak,
        "unit": "MB",
        "target": str(PEAK_MEMORY),
        "met": PEAK_MEMORY.met(peak),
        "inputs": {**reconciled["inputs"], "of": "the reconcile_scale child process"},
        "measured": {"peak_rss_mb": peak, "how": "VmHWM (Linux), else ru_maxrss"},
    }


def _naive_vs_builtin(limited: dict[str, Any]) -> dict[str, Any]:
    """The issue's ``naive_vs_builtin``: naive's ``erp_limit_efficiency`` over builtin's, both
    against the same ERP limits (latency and cap), from that figure's runs."""
    sides = {
        side: {
            key: limited[side][key]
            for key in ("orders", "orders_per_s", "erp_limit_efficiency", "erp_requests_per_order")
        }
        for side in ("builtin", "naive")
    }
    inputs = limited["inputs"]
    return {
        "value": limited["naive_vs_builtin"],
        "unit": "ratio",
        "target": None,
        "met": None,
        "inputs": {
            "of": "the erp_limit_efficiency runs (builtin: its headline run)",
            **{k: inputs[k] for k in ("erp", "latency_s", "cap", "limit_orders_per_s", "seed")},
        },
        "measured": sides,
    }


def _external(options: BenchOptions, report: dict[str, Any], say: Say) -> None:
    names = [n for n in bench_external.EXTERNAL if _selected(options, n)]
    if not names:
        return
    values = bench_external.offered(options.erp, options.seed, options.quick, options.orders)
    for name, work in bench_external.resolve(names, values).items():
        if isinstance(work, str):
            report["skipped"][name] = work
            say(f"note: {name} skipped: {work}")
        else:
            _attempt(name, report, say, work)


def _derive_naive_vs_builtin(options: BenchOptions, report: dict[str, Any], say: Say) -> None:
    if not _selected(options, "naive_vs_builtin"):
        return
    limited = report["results"].get("erp_limit_efficiency")
    if limited is None:
        report["skipped"]["naive_vs_builtin"] = "erp_limit_efficiency did not run"
        say("note: naive_vs_builtin skipped: erp_limit_efficiency did not run")
        return
    report["results"]["naive_vs_builtin"] = _naive_vs_builtin(limited)
    say(describe("naive_vs_builtin", report["results"]["naive_vs_builtin"], None))


def _attempt(name: str, report: dict[str, Any], say: Say, work: Callable[[], Any]) -> None:
    started = time.perf_counter()
    try:
        report["results"][name] = work()
    except Exception as exc:  # one broken measurement must not lose the others
        report["errors"][name] = f"{type(exc).__name__}: {exc}"
        say(f"{name}: error: {report['errors'][name]}")
        return
    say(describe(name, report["results"][name], time.perf_counter() - started))


def run_bench(options: BenchOptions, say: Say = print) -> dict[str, Any]:
    """Run the selected measurements, printing each as it completes; the whole report."""
    check_only(options.only)
    sized = options.sized()
    started = time.perf_counter()
    report: dict[str, Any] = {
        "bench": _machine(),
        "options": asdict(sized),
        "results": {},
        "skipped": {},
        "errors": {},
    }
    _external(sized, report, say)
    _derive_naive_vs_builtin(sized, report, say)
    for measure in MEASURES:
        if not _selected(sized, measure.name):
            continue
        if sized.quick and not measure.in_quick:
            report["skipped"][measure.name] = "--quick"
            say(f"{measure.name}: skipped (--quick)")
            continue
        _attempt(measure.name, report, say, _measuring(measure, sized))
        if measure.name == "reconcile_scale" and "reconcile_scale" in report["results"]:
            peak = _peak_memory(report["results"]["reconcile_scale"])
            report["results"]["peak_memory_mb"] = peak
            say(describe("peak_memory_mb", peak, None))
    report["bench"]["duration_s"] = round(time.perf_counter() - started, 1)
    report["bench"]["load_avg_end"] = _load()
    return report


def _measuring(measure: Measure, options: BenchOptions) -> Callable[[], dict[str, Any]]:
    return lambda: _judged(measure, measure.run(options))


def _machine() -> dict[str, Any]:
    return {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_avg_start": _load(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None
