"""Throughput under an ERP's limits (FM-G08), for ``erp-harness bench``.

Magento and the ERP fake are served on 127.0.0.1 (wall clock, waitress threads), the ERP's API
with ``latency_s`` of latency and a cap of ``cap`` requests in flight (the fake's
``concurrency_cap``: the rest get the vendor's concurrency error). The latency is a response
time (``timing: response_time``): each answer leaves ``latency_s`` after its request arrived,
the fake's own processing included, so the fake itself can come close to ``cap / latency_s``
(``fake_ceiling`` says how close it came in each run). ``orders`` paid orders wait
in Magento; a connector then runs until every one is in the ERP.

:func:`erp_limit_efficiency`: builtin (the engine, ``max_concurrency`` = ``cap``, its ERP
requests gated by the adaptive limit, NetSuite's one-request upsert) as one
``erp-harness engine worker`` process, timed between the 10th and 90th percentile of its
exports (the median of ``REPEATS`` runs of ``ORDERS`` orders), against the most any client can do,
``cap / latency_s`` orders a second with one request per order, and judged against the
issue's target; ERP requests per order; the CPU per order of the engine and of the fakes, and
the cores they used; the same engine in this process beside the fakes; and naive, whose
efficiency over builtin's is ``naive_vs_builtin``.

:func:`pg_workers`: 1 and then 4 engine worker processes (``erp-harness engine worker``, each
``max_concurrency`` 1, started as :mod:`scenarios.soak` starts them) sharing one PostgreSQL
store; orders a second each, between the 10th and 90th percentile of the completed exports
(start-up and tail left out), and the ratio.

Every run is judged by the fakes' state: each order in the ERP exactly once. Figures depend
on the machine; each dict carries its inputs.
"""

from __future__ import annotations

import os
import random
import re
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import requests
import yaml
from requests.adapters import HTTPAdapter
from sqlalchemy import select

from fakes import FakeFleet, WallClock, create_fake
from fakes.core.fake import CONTROL_PREFIX, Fake
from fakes.core.server import FakeServers, serve
from scenarios import soak
from scenarios.bench_run import cpu_s
from scenarios.connectors.naive import PAGE_SIZE as NAIVE_PAGE_SIZE
from scenarios.connectors.naive import NaiveConnector
from scenarios.world import World, default_profile
from sync_core.config import parse_config
from sync_core.engine import Engine
from sync_core.store import Store, audit, metadata

ERP = "netsuite"
LATENCY_S = 0.05
SLOW_LATENCY_S = 0.25  # nearer a hosted ERP's write latency: the ERP is the bottleneck
CAP = 8
REPEATS = 3  # worker runs of erp_limit_efficiency; the median is the headline
# Orders per worker run. Back to back on one 2-core machine, runs of 300 gave 0.64 to 0.79 and
# runs of 600 gave 0.80 to 0.84: with 300 the window's 10th-percentile start likely still
# overlaps the worker's warm-up (its first reconcile and stock reads).
ORDERS = 600
NAIVE_MOST = 60
TARGET_EFFICIENCY = 0.9
TARGET_REQUESTS = 1.1  # ERP requests per order, steady window (warm-up lookups amortise away)
API = f"^(?!{re.escape(CONTROL_PREFIX)})"  # every vendor route, not the control plane
# Schedules other than the order poll stay out of the measured window (they ran at warm-up).
QUIET = {"stock_poll_s": 86_400.0, "fulfilment_poll_s": 86_400.0, "reconcile_s": 86_400.0}
ENGINE_POLICIES: dict[str, Any] = {
    **QUIET,
    "orders_poll_s": 5.0,
    "overlap_s": 60.0,
    "retry_base_s": 0.05,
    "retry_cap_s": 1.0,
    "max_attempts": 40,
    "breaker_cooldown_s": 1.0,
    "lease_s": 60.0,
    "http_timeout_s": 10.0,
    # a customer's "not on credit hold" answer serves its orders for 5 minutes (a hold found
    # is asked again every time): the NetSuite upsert path at one request per order
    "account_check_ttl_s": 300.0,
    "stock_check_ttl_s": 300.0,
}
UPSERT = {"create_via": "upsert"}
OTHER_FLOWS = ("prices", "accounts", "returns", "order_state")
# Enough orders that each worker process's warm-up (item ids, metadata, the stock snapshot)
# does not dominate: with 120, four workers spend a quarter of their run warming up.
PG_ORDERS = 400


@dataclass
class Limits:
    """The ERP fake's limits and what they saw."""

    LATENCY_TIMING = "response_time"  # the answer leaves latency_s after arrival, work included

    latency_s: float
    cap: int
    since: int = 0  # the ERP's journal entry when the limits came in

    def __post_init__(self) -> None:
        if self.latency_s <= 0:
            raise ValueError(
                f"latency_s must be above 0 (the limit is cap / latency), got {self.latency_s}"
            )
        if self.cap < 1:
            raise ValueError(f"cap must be at least 1, got {self.cap}")

    def add_to(self, fake: Fake) -> None:
        self.since = fake.journal.last_seq
        fake.add_fault(
            {
                "id": "bench-latency",
                "target": {"path": API},
                "effect": {
                    "kind": "latency",
                    "delay_s": self.latency_s,
                    "timing": self.LATENCY_TIMING,
                },
            }
        )
        fake.add_fault(
            {
                "id": "bench-cap",
                "target": {"path": API},
                "effect": {"kind": "concurrency_cap", "limit": self.cap, "retry_after_s": None},
            }
        )

    def seen(self, fake: Fake) -> dict[str, Any]:
        """ERP requests (refused ones too), peak in flight, peak attempted, refused, and the
        requests by kind."""
        cap = fake.faults.get("bench-cap")
        if cap is None:
            return {"requests": 0, "peak_in_flight": 0, "peak_attempted": 0, "rejected": 0}
        admitted = cap.matched - cap.rejected
        in_cap_ms = 1000 * cap.in_cap_s / admitted if admitted else None
        return {
            "requests": cap.matched,
            "peak_in_flight": cap.peak_in_flight,
            "peak_attempted": cap.peak_attempted,
            "rejected": cap.rejected,
            # the ERP fake's own time per request inside its cap: latency plus its work and
            # its waits; no client can beat cap / this, the fake's real ceiling
            "in_cap_ms_per_request": round(in_cap_ms, 2) if in_cap_ms else None,
            "fake_ceiling": round(1000 * self.latency_s / in_cap_ms, 3) if in_cap_ms else None,
            "by_kind": request_kinds(fake, self.since),
        }


RECORD_PATH = re.compile(r"/services/rest/(?:record/v1/(?P<record>[^/]+)|query/v1/(?P<query>\w+))")


def request_kinds(fake: Fake, since: int) -> dict[str, int]:
    """The ERP requests after journal entry ``since``, by method and record (or query)."""
    kinds: dict[str, int] = {}
    for entry in fake.entries(since):
        found = RECORD_PATH.search(entry.path)
        what = (found.group("record") or found.group("query")) if found else entry.path
        key = f"{entry.method} {what}" + (" (refused)" if entry.status == 429 else "")
        kinds[key] = kinds.get(key, 0) + 1
    return dict(sorted(kinds.items(), key=lambda item: -item[1]))


@dataclass
class Served:
    fakes: dict[str, Fake]
    servers: FakeServers
    clock: WallClock
    profile: dict[str, Any]
    workdir: Path

    @property
    def magento(self) -> Fake:
        return self.fakes["magento"]

    @property
    def erp(self) -> Fake:
        return self.fakes[ERP]

    def place(self, orders: int, seed: int) -> None:
        rng = random.Random(f"bench:{seed}")
        for _ in range(orders):
            lines = [
                {"sku": sku, "qty": rng.randint(1, 3)}
                for sku in rng.sample(soak.SKUS, rng.randint(1, 3))
            ]
            self.magento.event("place_order", lines=lines)

    def judge(self, store: Store | None = None) -> soak.Judgement:
        dead = store.open_dead_letters() if store is not None else []
        waiting = store.waiting_keys() if store is not None else []
        return soak.judge(ERP, self.magento.state(), self.erp.state(), dead, waiting)


@contextmanager
def served(seed: int) -> Iterator[Served]:
    """Magento and the ERP fake on 127.0.0.1, one dataset, one wall clock."""
    clock = WallClock()
    profile = default_profile(ERP)
    fakes = {
        name: create_fake(name, seed=seed, clock=clock, profile=profile)
        for name in ("magento", ERP)
    }
    workdir = Path(tempfile.mkdtemp(prefix="erp-bench-"))
    try:
        with serve(fakes) as servers:
            yield Served(fakes, servers, clock, profile, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def engine_settings(s: Served, store_url: str, **policies: Any) -> dict[str, Any]:
    ready = s.servers.ready()
    return {
        "magento": {
            "base_url": ready["magento"]["base_url"],
            "integration_token": ready["magento"]["credentials"]["integration_token"],
        },
        "erp": {
            "kind": ERP,
            "base_url": ready[ERP]["base_url"],
            "credentials": {k: str(v) for k, v in ready[ERP]["credentials"].items()},
            "options": dict(UPSERT),
        },
        "mapping": {k: v for k, v in s.profile.items() if k in ("items", "locations", "accounts")},
        "policies": {**ENGINE_POLICIES, "lookup_before_create": "after_failure", **policies},
        "store_url": store_url,
    }


def _session(threads: int) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=threads + 4)
    session.mount("http://", adapter)
    return session


def run_builtin(
    orders: int,
    limits: Limits,
    seed: int = 0,
    bound_s: float = 120.0,
    gate_requests: bool = True,
) -> dict[str, Any]:
    """The engine in this process, ``max_concurrency`` = the cap, until every order is done;
    ``gate_requests``: the limit gates the ERP's requests, not whole jobs."""
    with served(seed) as s:
        config = parse_config(
            engine_settings(
                s,
                f"sqlite:///{s.workdir / 'engine.db'}",
                max_concurrency=limits.cap,
                concurrency_gate="requests" if gate_requests else "jobs",
            ),
            "bench",
        )
        engine = Engine(config, session=_session(2 * limits.cap), name="bench")
        try:
            engine.tick()  # warm up: the scheduled pulls, with nothing to sync yet
            limits.add_to(s.erp)
            s.place(orders, seed)
            engine.orders_schedule.next_at = None  # poll now: the orders are waiting
            seconds = _drive(engine, orders, bound_s)
            verdict = s.judge(engine.store)
            adapted = engine.worker.gate(ERP).snapshot()
        finally:
            engine.close()
        return _figures("builtin", orders, seconds, verdict, limits.seen(s.erp), limits) | {
            "limit": adapted
        }


def run_builtin_worker(
    orders: int, limits: Limits, seed: int = 0, bound_s: float = 120.0
) -> dict[str, Any]:
    """The engine as it is deployed: one ``erp-harness engine worker`` process (durable SQLite,
    ``max_concurrency`` = the cap) against the fakes served from this process, so the ERP's
    work and the engine's do not take turns on one interpreter lock. Timed between the 10th
    and 90th percentile of the completed exports, as :func:`pg_workers` is."""
    with served(seed) as s:
        store_url = f"sqlite:///{s.workdir / 'worker.db'}"
        store = Store(store_url)
        try:
            limits.add_to(s.erp)
            s.place(orders, seed)
            cpu_before, fakes_before = cpu_s(), cpu_s(resource.RUSAGE_SELF)
            wall = _serve_until_done(
                s,
                store,
                store_url,
                1,
                seed,
                orders,
                bound_s,
                max_concurrency=limits.cap,
                concurrency_gate="requests",
            )
            engine_cpu_s = cpu_s() - cpu_before
            fakes_cpu_s = cpu_s(resource.RUSAGE_SELF) - fakes_before
            verdict = s.judge(store)
            counted, window = _window(store)
            seconds = _span_s(window)
            seen = limits.seen(s.erp)
            steady_requests = _steady_requests(s.erp, window)
        finally:
            store.close()
    figures = _figures(
        "builtin (worker process)", orders, seconds, verdict, seen, limits, counted, steady_requests
    )
    return figures | {
        "wall_s": round(wall, 2),
        "timed_orders": counted,
        # the warm-up (item ids, customers, metadata, stock checks) amortised away
        "steady_erp_requests_per_order": round(steady_requests / counted, 3) if counted else None,
        # the worker's CPU (start-up included) per order: what bounds it on a busy machine
        "engine_cpu_ms_per_order": round(1000 * engine_cpu_s / orders, 2),
        # this process serves both fakes (and waits for the worker, a store read every 0.2 s)
        "fakes_cpu_ms_per_order": round(1000 * fakes_cpu_s / orders, 2),
        # of the machine's cores, on average over the worker's whole run
        "cores_used": round((engine_cpu_s + fakes_cpu_s) / wall, 2) if wall else None,
    }


def _drive(engine: Engine, orders: int, bound_s: float) -> float:
    """Tick until every job is done or dead; the seconds it took."""
    started = time.perf_counter()
    while time.perf_counter() - started < bound_s:
        result = engine.tick()
        counts = engine.store.job_counts()
        finished = counts.get("done", 0) + counts.get("dead", 0)
        if finished >= orders and not counts.get("pending") and not counts.get("running"):
            break
        if result.jobs == 0:
            wait = (engine.next_wakeup() - engine.clock.now()).total_seconds()
            time.sleep(min(max(wait, 0.01), 0.2))
    return time.perf_counter() - started


def run_naive(orders: int, limits: Limits, seed: int = 0) -> dict[str, Any]:
    """The naive cron script: one cycle over every new order, one order after another."""
    with served(seed) as s:
        world = World(
            ERP, seed, cast(Any, s.clock), FakeFleet(s.fakes), s.profile, s.workdir / "naive"
        )
        naive = NaiveConnector(world)
        try:
            naive.cycle()  # warm up, as builtin does; its state file now says "now"
            s.clock.advance(2.0)  # orders come strictly after the last run
            limits.add_to(s.erp)
            s.place(orders, seed)
            started = time.perf_counter()
            naive.cycle()
            seconds = time.perf_counter() - started
        finally:
            naive.close()
        verdict = s.judge()
        return _figures("naive", orders, seconds, verdict, limits.seen(s.erp), limits)


def _figures(
    name: str,
    orders: int,
    seconds: float,
    verdict: soak.Judgement,
    seen: dict[str, Any],
    limits: Limits,
    timed: int | None = None,
    timed_requests: int | None = None,
) -> dict[str, Any]:
    """The figures of one run; ``timed`` orders took ``seconds`` (default: all delivered), in
    which the ERP got ``timed_requests`` requests (default: all it got). The slots' use is of
    those seconds and those requests."""
    per_s = (verdict.delivered if timed is None else timed) / seconds if seconds else 0.0
    ceiling = limits.cap / limits.latency_s
    requests = seen["requests"] if timed_requests is None else timed_requests
    return {
        "connector": name,
        "orders": orders,
        "seconds": round(seconds, 3),
        "orders_per_s": round(per_s, 2),
        "erp_limit_efficiency": round(per_s / ceiling, 3),
        "erp_requests_per_order": round(seen["requests"] / orders, 3) if orders else None,
        "erp_slot_utilisation": round(requests / seconds / ceiling, 3) if seconds else 0.0,
        "delivered": verdict.delivered,
        "lost": verdict.lost,
        "duplicated": verdict.duplicated,
        "dead_lettered": verdict.dead_lettered,
        "erp": seen,
    }


def naive_default(orders: int) -> int:
    """A fifth of ``orders``, at least 5 and at most ``NAIVE_MOST`` (naive's rate does not
    depend on the count; a longer run only takes longer), never a whole number of naive's
    pages: on a full last page naive asks for the next, gets the last one again (Magento's
    paging, FM-G13) and loops on it, which is a flaw the scenarios show, not a speed."""
    count = max(5, min(orders // 5, NAIVE_MOST))
    return count + 1 if count % NAIVE_PAGE_SIZE == 0 else count


def erp_limit_efficiency(
    orders: int = ORDERS,
    latency_s: float = LATENCY_S,
    cap: int = CAP,
    seed: int = 0,
    naive_orders: int | None = None,
    slow_latency_s: float = SLOW_LATENCY_S,
    repeats: int | None = None,
    quick: bool = False,
) -> dict[str, Any]:
    """builtin's and naive's order throughput against the limit ``cap / latency_s``. builtin
    is measured as deployed, a worker process beside the served fakes, ``repeats`` times: the
    headline is the median run (a run's steady window lasts a few seconds, so one run alone
    swings with whatever else the machine does); again against an ERP as slow as
    ``slow_latency_s`` (where the ERP, not the engine's CPU, is the bottleneck); and in this
    process, where the fakes' work competes with the engine's for one interpreter lock
    (``builtin_in_process``). naive works one order after another: ``naive_orders`` (default
    a fifth of ``orders``, 5 to ``NAIVE_MOST``) keeps its run short; a rate does not depend on the
    count. ``repeats`` defaults to ``REPEATS``, or one run with ``quick``. Judged as the issue
    sets it: efficiency at least ``TARGET_EFFICIENCY`` with at most ``TARGET_REQUESTS`` ERP
    requests per order in the steady window."""
    naive_count = naive_orders if naive_orders is not None else naive_default(orders)
    repeats = repeats if repeats is not None else (1 if quick else REPEATS)
    runs = [run_builtin_worker(orders, Limits(latency_s, cap), seed) for _ in range(repeats)]
    builtin = sorted(runs, key=lambda run: run["erp_limit_efficiency"])[len(runs) // 2]
    slow = run_builtin_worker(orders, Limits(slow_latency_s, cap), seed)
    in_process = run_builtin(orders, Limits(latency_s, cap), seed)
    naive = run_naive(naive_count, Limits(latency_s, cap), seed)
    return {
        "inputs": {
            "erp": ERP,
            "orders": orders,
            "naive_orders": naive_count,
            "latency_s": latency_s,
            "latency_timing": Limits.LATENCY_TIMING,
            "cap": cap,
            "limit_orders_per_s": round(cap / latency_s, 2),
            "slow_latency_s": slow_latency_s,
            "seed": seed,
            "builtin": {"max_concurrency": cap, "erp_options": UPSERT},
            "repeats": repeats,
            "machine": machine(),
        },
        "builtin": builtin,
        "builtin_runs": [run["erp_limit_efficiency"] for run in runs],
        "builtin_slow_erp": slow,
        "builtin_in_process": in_process,
        "naive": naive,
        "erp_limit_efficiency": builtin["erp_limit_efficiency"],
        "requests_per_order": builtin["erp_requests_per_order"],
        "steady_requests_per_order": builtin["steady_erp_requests_per_order"],
        "slow_erp_efficiency": slow["erp_limit_efficiency"],
        # latency / the ERP fake's own time per request: the most any client could reach here
        "fake_ceiling": builtin["erp"].get("fake_ceiling"),
        "naive_vs_builtin": _ratio(naive["erp_limit_efficiency"], builtin["erp_limit_efficiency"]),
        "target": f">= {TARGET_EFFICIENCY} at <= {TARGET_REQUESTS} ERP requests per order",
        "met": _met(builtin),
    }


def _met(run: dict[str, Any]) -> bool:
    steady = run["steady_erp_requests_per_order"]
    return bool(
        run["erp_limit_efficiency"] >= TARGET_EFFICIENCY
        and steady is not None
        and steady <= TARGET_REQUESTS
    )


def machine() -> dict[str, Any]:
    """What the figures depend on: the cores and how busy they were (1-minute load)."""
    return {"cpus": os.cpu_count(), "load_1m": round(os.getloadavg()[0], 2)}


def throughput_bench(
    orders: int = 200,
    latency_s: float = LATENCY_S,
    cap: int = CAP,
    seed: int = 0,
    pg_url: str | None = None,
    pg_orders: int = PG_ORDERS,
) -> dict[str, Any]:
    """Both benchmarks; ``pg_workers`` only with a PostgreSQL URL (else it says why not)."""
    result: dict[str, Any] = {
        "erp_limit_efficiency": erp_limit_efficiency(orders, latency_s, cap, seed)
    }
    if pg_url:
        result["pg_workers"] = pg_workers(pg_url, pg_orders, latency_s, cap, seed)
    else:
        result["pg_workers"] = {"skipped": "no PostgreSQL store URL (HARNESS_PG_URL)"}
    return result


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


# -- many worker processes on PostgreSQL -------------------------------------------------------


def pg_workers(
    store_url: str,
    orders: int = PG_ORDERS,
    latency_s: float = LATENCY_S,
    cap: int = CAP,
    seed: int = 0,
    counts: tuple[int, ...] = (1, 4),
    bound_s: float = 90.0,
) -> dict[str, Any]:
    """Orders a second of 1 and of 4 worker processes sharing ``store_url`` (PostgreSQL)."""
    runs = [_pg_run(store_url, n, orders, Limits(latency_s, cap), seed, bound_s) for n in counts]
    return {
        "inputs": {
            "erp": ERP,
            "orders": orders,
            "latency_s": latency_s,
            "latency_timing": Limits.LATENCY_TIMING,
            "cap": cap,
            "store": re.sub(r"//[^@/]*@", "//***@", store_url),
            "seed": seed,
            "worker": {"max_concurrency": 1, "erp_options": UPSERT},
            "machine": machine(),
        },
        "runs": runs,
        "ratio": _ratio(runs[-1]["orders_per_s"], runs[0]["orders_per_s"]),
    }


def _fresh(store_url: str) -> Store:
    store = Store(store_url)
    metadata.drop_all(store.engine)
    metadata.create_all(store.engine)
    return store


def _pg_run(
    store_url: str, workers: int, orders: int, limits: Limits, seed: int, bound_s: float
) -> dict[str, Any]:
    store = _fresh(store_url)
    try:
        with served(seed) as s:
            limits.add_to(s.erp)
            s.place(orders, seed)
            wall = _serve_until_done(s, store, store_url, workers, seed, orders, bound_s)
            verdict = s.judge(store)
            counted, window = _window(store)
            seconds = _span_s(window)
            seen = limits.seen(s.erp)
            steady_requests = _steady_requests(s.erp, window)
    finally:
        store.close()
    name = f"{workers} worker(s)"
    figures = _figures(name, orders, seconds, verdict, seen, limits, counted, steady_requests)
    return figures | {
        "workers": workers,
        "wall_s": round(wall, 2),
        "timed_orders": counted,
        "steady_erp_requests_per_order": round(steady_requests / counted, 3) if counted else None,
    }


def _serve_until_done(
    s: Served,
    store: Store,
    store_url: str,
    workers: int,
    seed: int,
    orders: int,
    bound_s: float,
    **policies: Any,
) -> float:
    """Start ``workers`` worker processes, wait until every order's export is done (at most
    ``bound_s``), stop them; the seconds it took."""
    pool = _start(s, store_url, workers, seed, **policies)
    started = time.perf_counter()
    try:
        _wait(store, orders, bound_s)
    finally:
        pool.stop_all()
    return time.perf_counter() - started


def _start(s: Served, store_url: str, workers: int, seed: int, **policies: Any) -> Any:
    config, env = soak.write_config(s.workdir, ERP, s.servers.ready(), s.profile, store_url, seed)
    patch = engine_settings_patch()
    patch["policies"].update(policies)
    # the other optional flows are not order throughput: a worker started with orders
    # waiting would otherwise read every price and company in the measured window
    patch["flows"] = {flow: {"enabled": False} for flow in OTHER_FLOWS}
    _amend(config, lambda data: data.update(patch))
    logs = s.workdir / "logs"
    logs.mkdir(exist_ok=True)
    pool = soak.Workers(config, env, logs)
    for slot in range(1, workers + 1):
        pool.start(slot)
    return pool


def engine_settings_patch() -> dict[str, Any]:
    return {
        "policies": {
            **soak.POLICIES,
            **QUIET,
            "lease_s": 60.0,
            "lookup_before_create": "after_failure",
            "account_check_ttl_s": ENGINE_POLICIES["account_check_ttl_s"],
            "stock_check_ttl_s": ENGINE_POLICIES["stock_check_ttl_s"],
        }
    }


def _amend(config: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    change(data)
    data["erp"]["options"] = dict(UPSERT)
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _wait(store: Store, orders: int, bound_s: float) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < bound_s:
        counts = store.job_counts()
        finished = counts.get("done", 0) + counts.get("dead", 0)
        if finished >= orders and not counts.get("pending") and not counts.get("running"):
            return
        time.sleep(0.2)


def _steady_requests(fake: Fake, window: tuple[datetime, datetime] | None) -> int:
    """The ERP requests (control plane aside) the fake journalled inside ``window``."""
    if window is None:
        return 0
    start, end = window
    return sum(
        1
        for entry in fake.entries()
        if not entry.path.startswith(CONTROL_PREFIX)
        and start <= datetime.fromisoformat(entry.at) <= end
    )


def _span_s(window: tuple[datetime, datetime] | None) -> float:
    return (window[1] - window[0]).total_seconds() if window else 0.0


def _window(store: Store) -> tuple[int, tuple[datetime, datetime] | None]:
    """Exports completed between the 10th and 90th percentile of the completion times, and
    those two times: worker start-up (staggered over seconds) and the tail are not
    throughput."""
    with store.tx() as conn:
        stamps = sorted(
            row[0]
            for row in conn.execute(
                select(audit.c.at).where(
                    audit.c.flow == "orders.export", audit.c.action == "complete"
                )
            )
        )
    if len(stamps) < 2:
        return 0, None
    low, high = len(stamps) // 10, len(stamps) - 1 - len(stamps) // 10
    return high - low, (stamps[low], stamps[high])
