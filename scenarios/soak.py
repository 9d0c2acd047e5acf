"""``erp-harness soak``: the sync engine as it runs in production, under faults and crashes.

Magento and one ERP fake are served on 127.0.0.1 (wall clock) in this process; ``workers``
engine worker processes (``python -m scenarios engine worker -c engine.yaml``) share one
store; paid orders are placed in Magento over the run; the ERP's API answers 503 or loses its
answer (after committing) with a seeded probability; and every ``kill_every_s`` seconds a
random worker is SIGKILLed and started again. The run ends when every order is in the ERP or
dead-lettered and no job is left, or at a time bound. It is judged by the fakes' state only
(:func:`scenarios.invariants.orders_exactly_once`) and the store's dead letters: it passes
when no order is lost and none is duplicated.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fakes import WallClock, create_fake
from fakes.core.fake import CONTROL_PREFIX
from fakes.core.server import serve
from scenarios.invariants import orders_exactly_once
from scenarios.views import magento_orders
from scenarios.world import ERP_KINDS, default_profile
from sync_core.store import Store

SKUS = tuple(f"SKU-{n:06d}" for n in range(1, 11))
ENV_PREFIX = "SOAK_"
_CLAIM = re.compile(r"\(entity (\d+)\) is (missing|duplicated) in ")
_ENTITY_KEY = re.compile(r"^magento-order:(\d+)$")

# Short intervals so a run of a few hundred orders settles in about a minute. ``lease_s``
# bounds how long a killed worker's jobs and schedules stay claimed; it must stay well above
# the time one claimed batch takes, or a slow worker and the one that took its lease over
# both work the same order (nothing fences the ERP call itself).
POLICIES: dict[str, Any] = {
    "orders_poll_s": 1.0,
    "stock_poll_s": 3600.0,
    "fulfilment_poll_s": 3600.0,
    "reconcile_s": 86_400.0,
    "overlap_s": 60.0,
    "retry_base_s": 0.2,
    "retry_cap_s": 2.0,
    "max_attempts": 40,
    "give_up_after_s": 3600.0,
    "breaker_threshold": 5,
    "breaker_cooldown_s": 1.0,
    "lease_s": 8.0,
    "http_timeout_s": 5.0,
}


@dataclass
class Judgement:
    delivered: int
    lost: int
    duplicated: int
    dead_lettered: int
    evidence: list[str]
    pending: int = 0


@dataclass
class SoakResult:
    erp: str
    orders: int
    fault_rate: float
    kill_every_s: float
    workers: int
    seed: int
    store: str
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    dead_lettered: int = 0
    pending: int = 0  # still in the outbox when the time bound struck: backlog, not loss
    evidence: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    kills: int = 0
    settled: bool = False  # everything delivered or dead-lettered before the time bound
    faults_struck: int = 0
    erp_requests: int = 0

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def judge(
    erp: str,
    magento_state: dict[str, Any],
    erp_state: dict[str, Any],
    dead_letters: Iterable[dict[str, Any]] = (),
    waiting: Iterable[str] = (),
) -> Judgement:
    """Count the paid Magento orders that are in the ERP once (delivered), missing without a
    dead letter (lost), in it more than once (duplicated), or missing with an open dead letter
    (dead-lettered, an accepted outcome, e.g. a poison order). Evidence is the invariant's,
    with dead-lettered orders told by their reason instead of as missing. Orders whose job is
    still ``waiting`` in the outbox (entity keys) are backlog: counted as pending, not lost."""
    reasons: dict[int, str] = {}
    for row in dead_letters:
        match = _ENTITY_KEY.match(str(row.get("entity_key", "")))
        if match:
            reasons[int(match.group(1))] = f"{row.get('reason_class')}: {row.get('reason')}"
    paid = [o for o in magento_orders(magento_state) if o.state in ("processing", "complete")]
    missing: set[int] = set()
    duplicated: set[int] = set()
    evidence: list[str] = []
    for line in orders_exactly_once(erp, magento_state, erp_state):
        match = _CLAIM.search(line)
        if match and match.group(2) == "missing":
            entity = int(match.group(1))
            missing.add(entity)
            if entity in reasons:
                told = line.replace("is missing", "is dead-lettered")
                evidence.append(f"{told} ({reasons[entity]})")
                continue
        elif match:
            duplicated.add(int(match.group(1)))
        evidence.append(line)
    dead = missing & set(reasons)
    queued = {int(m.group(1)) for key in waiting if (m := _ENTITY_KEY.match(key))}
    pending = (missing - dead) & queued
    evidence = [
        line for line in evidence if not ((m := _CLAIM.search(line)) and int(m.group(1)) in pending)
    ]
    if pending:
        evidence.append(f"{len(pending)} order(s) still queued in the outbox at the bound")
    return Judgement(
        delivered=len(paid) - len(missing),
        lost=len(missing - dead - pending),
        duplicated=len(duplicated),
        dead_lettered=len(dead),
        evidence=evidence,
        pending=len(pending),
    )


def _env_name(key: str) -> str:
    return ENV_PREFIX + "ERP_" + re.sub(r"\W", "_", key).upper()


def write_config(
    directory: Path,
    erp: str,
    ready: dict[str, Any],
    profile: dict[str, Any],
    store_url: str,
    seed: int,
) -> tuple[Path, dict[str, str]]:
    """The engine config (secrets as ``${ENV}`` references) and the environment they name."""
    env = {ENV_PREFIX + "MAGENTO_TOKEN": str(ready["magento"]["credentials"]["integration_token"])}
    credentials: dict[str, str] = {}
    for key, value in ready[erp]["credentials"].items():
        env[_env_name(key)] = str(value)
        credentials[key] = "${" + _env_name(key) + "}"
    env[ENV_PREFIX + "STORE_URL"] = store_url  # may hold a database password
    config = {
        "magento": {
            "base_url": ready["magento"]["base_url"],
            "integration_token": "${" + ENV_PREFIX + "MAGENTO_TOKEN}",
        },
        "erp": {"kind": erp, "base_url": ready[erp]["base_url"], "credentials": credentials},
        "mapping": {
            k: v
            for k, v in profile.items()
            if k in ("items", "locations", "accounts", "default_customer")
        },
        "policies": POLICIES,
        "store_url": "${" + ENV_PREFIX + "STORE_URL}",
        "seed": seed,
    }
    path = directory / "engine.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    os.chmod(path, 0o600)
    return path, env


class Workers:
    """The worker processes: started, SIGKILLed and restarted under new names."""

    def __init__(self, config: Path, env: dict[str, str], logs: Path) -> None:
        self.config = config
        root = str(Path(__file__).resolve().parents[1])  # the children run this checkout
        path = os.environ.get("PYTHONPATH")
        self.env = {**os.environ, **env, "PYTHONPATH": root + (os.pathsep + path if path else "")}
        self.logs = logs
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.incarnations: dict[int, int] = {}

    def start(self, slot: int) -> None:
        n = self.incarnations.get(slot, 0)
        self.incarnations[slot] = n + 1
        name = f"worker-{slot}" if n == 0 else f"worker-{slot}-r{n}"
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - the child owns it
        try:
            self.procs[slot] = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "scenarios",
                    "engine",
                    "worker",
                    "-c",
                    str(self.config),
                    "--name",
                    name,
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        finally:
            log.close()

    def kill(self, slot: int) -> None:
        proc = self.procs[slot]
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_soak(
    erp: str,
    orders: int,
    fault_rate: float,
    kill_every_s: float,
    workers: int,
    store_url: str | None = None,
    seed: int = 0,
    time_bound_s: float | None = None,
    workdir: Path | None = None,
) -> SoakResult:
    """Run one soak; see the module docstring. ``kill_every_s`` <= 0 kills nobody."""
    if erp not in ERP_KINDS:
        raise ValueError(f"unknown ERP kind {erp!r}; known: {', '.join(ERP_KINDS)}")
    if orders < 1 or workers < 1 or not 0.0 <= fault_rate <= 1.0:
        raise ValueError("need orders >= 1, workers >= 1 and 0 <= fault_rate <= 1")
    bound = time_bound_s if time_bound_s is not None else orders / 5 + 120
    with tempfile.TemporaryDirectory(prefix="erp-soak-") as tmp:
        directory = Path(workdir) if workdir is not None else Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        url = store_url or f"sqlite:///{directory / 'engine.db'}"
        shown = url if store_url is None else re.sub(r"//[^@/]*@", "//***@", url)
        result = SoakResult(erp, orders, fault_rate, kill_every_s, workers, seed, shown)
        _soak(result, directory, url, bound)
    return result


def _soak(result: SoakResult, directory: Path, url: str, bound: float) -> None:
    rng = random.Random(f"soak:{result.seed}")
    clock = WallClock()
    profile = default_profile(result.erp)
    fakes = {
        "magento": create_fake("magento", seed=result.seed, clock=clock, profile=profile),
        result.erp: create_fake(result.erp, seed=result.seed, clock=clock, profile=profile),
    }
    erp_fake = fakes[result.erp]
    api = f"^(?!{re.escape(CONTROL_PREFIX)})"
    if result.fault_rate > 0:  # each request is struck with about ``fault_rate``
        half = result.fault_rate / 2
        erp_fake.add_fault(
            {
                "id": "soak-503",
                "target": {"path": api},
                "effect": {"kind": "http_error", "status": 503, "retry_after_s": None},
                "trigger": {"probability": half},
            }
        )
        erp_fake.add_fault(
            {
                "id": "soak-lost",
                "target": {"path": api},
                "effect": {"kind": "lose_response", "after": "reset"},
                "trigger": {"probability": half / (1 - half) if half < 1 else 1.0},
            }
        )
    store = Store(url)
    logs = directory / "logs"
    logs.mkdir(exist_ok=True)
    # orders arrive over the first part of the run, about 20 a second
    place_at = sorted(rng.uniform(0, result.orders / 20) for _ in range(result.orders))
    with serve(fakes) as servers:
        config, env = write_config(
            directory, result.erp, servers.ready(), profile, url, result.seed
        )
        pool = Workers(config, env, logs)
        start = time.monotonic()
        next_kill = start + result.kill_every_s if result.kill_every_s > 0 else float("inf")
        next_check = start + 1.0
        placed = 0
        try:
            for slot in range(1, result.workers + 1):
                pool.start(slot)
            while True:
                now = time.monotonic()
                while placed < result.orders and now - start >= place_at[placed]:
                    lines = [
                        {"sku": sku, "qty": rng.randint(1, 3)}
                        for sku in rng.sample(SKUS, rng.randint(1, 3))
                    ]
                    fakes["magento"].event("place_order", lines=lines)
                    placed += 1
                if now >= next_kill:
                    slot = rng.randint(1, result.workers)
                    pool.kill(slot)
                    result.kills += 1
                    pool.start(slot)
                    next_kill += result.kill_every_s
                if now - start >= bound:
                    break
                if placed == result.orders and now >= next_check:
                    next_check = now + 1.0
                    if _settled(result.erp, fakes, store, result.orders):
                        result.settled = True
                        break
                time.sleep(0.05)
        finally:
            pool.stop_all()
            result.wall_s = round(time.monotonic() - start, 2)
        verdict = judge(
            result.erp,
            fakes["magento"].state(),
            erp_fake.state(),
            store.open_dead_letters(),
            store.waiting_keys(),
        )
        active = erp_fake.faults.active()
        result.faults_struck = sum(f.hits for f in active)
        result.erp_requests = max((f.matched for f in active), default=0)
    store.close()
    result.delivered = verdict.delivered
    result.lost = verdict.lost
    result.duplicated = verdict.duplicated
    result.dead_lettered = verdict.dead_lettered
    result.pending = verdict.pending
    result.evidence = verdict.evidence
    if not result.settled:
        counts = store_counts(url)
        result.evidence.append(f"not settled within {bound:.0f} s: jobs by status {counts}")


def store_counts(url: str) -> dict[str, int]:
    store = Store(url)
    try:
        return store.job_counts()
    finally:
        store.close()


def _settled(erp: str, fakes: dict[str, Any], store: Store, orders: int) -> bool:
    """Every placed order is judged delivered or dead-lettered, and no job is waiting."""
    counts = store.job_counts()
    if counts.get("pending", 0) or counts.get("running", 0):
        return False
    verdict = judge(erp, fakes["magento"].state(), fakes[erp].state(), store.open_dead_letters())
    return verdict.delivered + verdict.dead_lettered >= orders and verdict.lost == 0
