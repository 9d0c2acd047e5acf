"""The systems of a sync-lag run: Magento and one ERP fake served by one child process (waitress
threads, wall clock), the ERP slowed down and capped through its control plane, and engine
worker processes (``erp-harness engine worker``) sharing one SQLite store.

The engine config, its policies (short poll intervals) and the worker processes are the soak
run's (:mod:`scenarios.soak`).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from load.served import CONTROL_PREFIX, Control, ServedFakes
from scenarios.soak import Workers, write_config
from scenarios.world import ERP_KINDS, default_profile

API_PATHS = f"^(?!{CONTROL_PREFIX})"  # every vendor route, never the control plane


def erp_faults(latency_ms: float, cap: int) -> list[dict[str, Any]]:
    """The ERP's load conditions as fault specs: a response time (each answer leaves
    ``latency_ms`` after its request arrived, the fake's own processing included, as an ERP's
    measured response time) and a concurrency cap (the requests over it get the vendor's
    concurrency error with ``Retry-After: 1``)."""
    faults: list[dict[str, Any]] = []
    if latency_ms > 0:
        faults.append(
            {
                "id": "load-latency",
                "target": {"path": API_PATHS},
                "effect": {
                    "kind": "latency",
                    "delay_s": latency_ms / 1000.0,
                    "timing": "response_time",
                },
            }
        )
    if cap > 0:
        faults.append(
            {
                "id": "load-concurrency-cap",
                "target": {"path": API_PATHS},
                "effect": {"kind": "concurrency_cap", "limit": cap, "retry_after_s": 1.0},
            }
        )
    return faults


class SyncRig:
    """Start and stop everything a sync-lag run measures."""

    def __init__(
        self,
        erp: str,
        workers: int,
        latency_ms: float = 0.0,
        cap: int = 0,
        seed: int = 0,
        workdir: Path | None = None,
    ) -> None:
        if erp not in ERP_KINDS:
            raise ValueError(f"--erp {erp!r} is unknown; known: {', '.join(ERP_KINDS)}")
        if workers < 1:
            raise ValueError("--workers must be at least 1")
        self.erp = erp
        self.workers = workers
        self.latency_ms = latency_ms
        self.cap = cap
        self.seed = seed
        self.keep = workdir is not None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="erp-load-"))
        self.served = ServedFakes(["magento", erp], self.workdir, seed)
        self.pool: Workers | None = None

    @property
    def magento_url(self) -> str:
        return self.served.base_url("magento")

    @property
    def magento(self) -> Control:
        return self.served.control("magento")

    @property
    def erp_control(self) -> Control:
        return self.served.control(self.erp)

    def start(self, timeout_s: float = 60.0) -> None:
        """Serve the fakes, set the ERP's faults, start the workers and wait until the engine
        polls Magento."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        ready = self.served.start(timeout_s)
        for fault in erp_faults(self.latency_ms, self.cap):
            self.erp_control.add_fault(fault)
        profile = self.served.profiles.get(self.erp) or default_profile(self.erp)
        store_url = f"sqlite:///{self.workdir / 'engine.db'}"
        config, env = write_config(self.workdir, self.erp, ready, profile, store_url, self.seed)
        logs = self.workdir / "logs"
        logs.mkdir(exist_ok=True)
        self.pool = Workers(config, env, logs)
        for slot in range(1, self.workers + 1):
            self.pool.start(slot)
        self._wait_for_engine(timeout_s)

    def _wait_for_engine(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        since = 0
        while time.monotonic() < deadline:
            journal = self.magento.journal(since)
            since = int(journal["last_seq"])
            if any("/V1/orders" in str(e["path"]) for e in journal["entries"]):
                return
            self._check_workers()
            time.sleep(0.1)
        raise RuntimeError(f"the engine did not poll Magento within {timeout_s:.0f} s")

    def _check_workers(self) -> None:
        assert self.pool is not None
        for slot, proc in self.pool.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(
                    f"engine worker {slot} exited with {proc.returncode}; "
                    f"see {self.workdir / 'logs'}"
                )

    def stop(self) -> None:
        """Stop the workers and the fakes; remove the work folder unless it was given."""
        if self.pool is not None:
            self.pool.stop_all()
            self.pool = None
        self.served.stop()
        if not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
