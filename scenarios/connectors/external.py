"""An external connector under test: any program, run once per sync cycle against the fakes
served on 127.0.0.1, with the ``HARNESS_*`` environment of architecture.md. It is judged only
by the fakes' state. A crash is a real SIGKILL once the fakes have seen N requests from it.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import time
from typing import TYPE_CHECKING, Any

from fakes.core.server import FakeServers, serve

if TYPE_CHECKING:
    from scenarios.world import World

CYCLE_TIMEOUT_S = 60.0
OUTPUT_TAIL = 4000


class ExternalConnector:
    def __init__(self, world: World, command: str, timeout_s: float = CYCLE_TIMEOUT_S) -> None:
        self.name = f"cmd:{command}"
        self.world = world
        self.command = command
        self.timeout_s = timeout_s
        self.servers: FakeServers = serve(world.fleet.fakes, hang_s=0.5)
        self.state_dir = world.workdir / "connector-state"
        self.state_dir.mkdir(exist_ok=True)
        self.ready_file = world.workdir / "ready.json"
        self.servers.write_ready_file(self.ready_file)
        self.crash_after: int | None = None
        self.runs: list[dict[str, Any]] = []

    def environment(self) -> dict[str, str]:
        ready = self.servers.ready()
        erp = ready[self.world.erp]
        env = {
            "HARNESS_MAGENTO_URL": ready["magento"]["base_url"],
            "HARNESS_MAGENTO_TOKEN": ready["magento"]["credentials"]["integration_token"],
            "HARNESS_ERP_KIND": self.world.erp,
            "HARNESS_ERP_URL": erp["base_url"],
            "HARNESS_READY_FILE": str(self.ready_file),
            "HARNESS_PROFILE": json.dumps(self.world.profile),
            "HARNESS_STATE_DIR": str(self.state_dir),
            "HARNESS_NOW": self.world.clock.now().isoformat(),
        }
        for key, value in erp["credentials"].items():
            env[f"HARNESS_ERP_{key.upper()}"] = str(value)
        return {**os.environ, **env}

    def _requests_seen(self) -> int:
        return sum(fake.journal.last_seq for fake in self.world.fleet.fakes.values())

    def cycle(self) -> None:
        started, seen_before = time.monotonic(), self._requests_seen()
        proc = subprocess.Popen(
            shlex.split(self.command),
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=self.state_dir,
            start_new_session=True,
        )
        killed = self._watch(proc, started, seen_before)
        output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        if proc.stdout:
            proc.stdout.close()
        self.runs.append(
            {
                "at": self.world.clock.now().isoformat(),
                "exit": proc.returncode,
                "killed": killed,
                "output": output[-OUTPUT_TAIL:],
            }
        )

    def _watch(self, proc: subprocess.Popen[bytes], started: float, seen_before: int) -> str:
        while proc.poll() is None:
            if time.monotonic() - started > self.timeout_s:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return f"timeout after {self.timeout_s:.0f}s"
            if self.crash_after is not None and (
                self._requests_seen() - seen_before >= self.crash_after
            ):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                self.crash_after = None
                return "SIGKILL (crash point)"
            time.sleep(0.002)
        return ""

    def arm_crash(self, after_requests: int, after_send: bool = True) -> None:
        self.crash_after = after_requests

    def crash(self) -> None:
        """Each cycle is a new process already; nothing survives but HARNESS_STATE_DIR."""

    def alerts(self) -> list[dict[str, Any]] | None:
        return None

    def quarantined(self) -> list[dict[str, Any]] | None:
        return None

    def output(self) -> list[dict[str, Any]]:
        return self.runs

    def close(self) -> None:
        self.servers.close()
