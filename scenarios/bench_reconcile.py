"""``reconcile_scale`` of ``erp-harness bench``: reconcile N SKUs x 2 sources with the streaming
stock reconciler (:mod:`sync_core.reconcile_stock`) against the time just to read both sides.

The two sides are exports on disk, as a catalogue that size is moved in practice: Magento's
source items (``source_code,sku,status,quantity``, the columns of its stock sources export)
and an ERP stock export (``item,location,qty`` in the ERP's location codes), both in SKU order.
A seeded share of rows differ, so the reconciler has differences to find and the bench checks
it found exactly those. The measurement runs in a child process (``python -m
scenarios.bench_reconcile N SEED``) so its peak RSS is the reconciliation's own.
"""

from __future__ import annotations

import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from scenarios.bench_run import child_env
from sync_core.config import MappingConfig
from sync_core.reconcile_stock import StockReconciliation, StockRow, reconcile_stock

SOURCES = {"default": "1", "wh-north": "2"}  # Magento source -> ERP location (NetSuite style)
DIFF_EVERY = 997  # one SKU in this many gets a different ERP quantity
MISSING_EVERY = 10_007  # one SKU in this many has no ERP row at wh-north


@dataclass(frozen=True)
class Sides:
    magento: Path
    erp: Path
    mismatches: int
    missing_in_erp: int


def write_sides(folder: Path, skus: int, seed: int) -> Sides:
    """Both exports for ``skus`` SKUs x 2 sources, with seeded differences."""
    rng = random.Random(seed)
    magento, erp = folder / "magento_source_items.csv", folder / "erp_stock.csv"
    mismatches = missing = 0
    with magento.open("w", newline="") as m, erp.open("w", newline="") as e:
        m.write("source_code,sku,status,quantity\n")
        e.write("item,location,qty\n")
        for n in range(1, skus + 1):
            sku = f"SKU-{n:07d}"
            for source, location in SOURCES.items():
                qty = rng.randrange(0, 500)
                m.write(f"{source},{sku},1,{qty}\n")
                if n % MISSING_EVERY == 0 and source == "wh-north":
                    missing += 1
                    continue
                if n % DIFF_EVERY == 0 and source == "default":
                    mismatches += 1
                    qty += 1
                e.write(f"{sku},{location},{qty}\n")
    return Sides(magento, erp, mismatches, missing)


def read_magento(path: Path) -> Iterator[StockRow]:
    with path.open(newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        for source, sku, _status, qty in rows:
            yield (sku, source, Decimal(qty))


def read_erp(path: Path) -> Iterator[StockRow]:
    with path.open(newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        for item, location, qty in rows:
            yield (item, location, Decimal(qty))


@dataclass(frozen=True)
class Timing:
    cpu_s: float
    wall_s: float


def _timed(work: Callable[[], Any]) -> tuple[Timing, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    value = work()
    return Timing(time.process_time() - cpu, time.perf_counter() - wall), value


def bare_read(sides: Sides) -> int:
    """Read and parse every row of both sides; how many rows there were."""
    return sum(1 for _ in read_magento(sides.magento)) + sum(1 for _ in read_erp(sides.erp))


def reconcile(sides: Sides) -> StockReconciliation:
    mapping = MappingConfig(locations=SOURCES)
    return reconcile_stock(
        read_magento(sides.magento), read_erp(sides.erp), mapping, "erp", max_diffs=100
    )


def measure(skus: int, seed: int, repeats: int = 3) -> dict[str, Any]:
    """The child's whole measurement: write the sides, then ``repeats`` times a bare read and
    a reconciliation, interleaved; the fastest of each counts. Times are this process's CPU
    seconds (steady when others share the machine); wall seconds are reported beside them."""
    reads: list[Timing] = []
    runs: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="harness-bench-reconcile-") as folder:
        sides = write_sides(Path(folder), skus, seed)
        size_mb = (sides.magento.stat().st_size + sides.erp.stat().st_size) / 1e6
        for _ in range(repeats):
            read, rows = _timed(lambda: bare_read(sides))
            run, outcome = _timed(lambda: reconcile(sides))
            reads.append(read)
            runs.append(run)
    read_cpu, run_cpu = min(t.cpu_s for t in reads), min(t.cpu_s for t in runs)
    found = outcome.as_dict()
    return {
        "skus": skus,
        "sources": len(SOURCES),
        "rows_read": rows,
        "files_mb": round(size_mb, 1),
        "repeats": repeats,
        "read_cpu_s": round(read_cpu, 3),
        "reconcile_cpu_s": round(run_cpu, 3),
        "read_wall_s": round(min(t.wall_s for t in reads), 3),
        "reconcile_wall_s": round(min(t.wall_s for t in runs), 3),
        "ratio": round(run_cpu / read_cpu, 3) if read_cpu else None,
        "peak_rss_mb": peak_rss_mb(),
        "found": found,
        "found_all": found["mismatched"] == sides.mismatches
        and found["missing_in_erp"] == sides.missing_in_erp
        and found["missing_in_magento"] == 0,
    }


def peak_rss_mb() -> float:
    """This process's peak resident set: ``VmHWM`` (Linux, reset by exec, so the child's own),
    else ``ru_maxrss`` (which may include the parent's before exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_child(skus: int, seed: int, timeout_s: float = 540.0) -> dict[str, Any]:
    """Run :func:`measure` in a fresh interpreter and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "scenarios.bench_reconcile", str(skus), str(seed)],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env=child_env(),
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"reconcile bench failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))))
