"""A long-running external connector under test (``--connector-daemon CMD``): started once
against the fakes served on 127.0.0.1, restarted only when it dies or a crash point kills it.

Each sync cycle the harness writes ``{"cycle": n, "now": <simulated time>}`` to
``HARNESS_CYCLE_FILE``. A daemon that speaks this small protocol runs one pass and writes
``{"cycle": n}`` to ``HARNESS_ACK_FILE``; the cycle then ends at once, so the run keeps to
simulated time. A daemon that knows nothing of it runs on its own timer, and each cycle lasts
until its requests have been quiet for ``settle_s`` (bounded by ``max_cycle_s`` of wall time).
Like every external connector it is judged only by the fakes' state.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from scenarios.connectors.external import CYCLE_TIMEOUT_S, OUTPUT_TAIL, ExternalConnector

if TYPE_CHECKING:
    from scenarios.world import World

SETTLE_S = 0.3
MAX_CYCLE_S = 5.0


class DaemonConnector(ExternalConnector):
    def __init__(
        self,
        world: World,
        command: str,
        timeout_s: float = CYCLE_TIMEOUT_S,
        settle_s: float = SETTLE_S,
        max_cycle_s: float = MAX_CYCLE_S,
    ) -> None:
        super().__init__(world, command, timeout_s)
        self.name = f"daemon:{command}"
        self.settle_s, self.max_cycle_s = settle_s, max_cycle_s
        self.cycle_file = self.state_dir / "harness-cycle.json"
        self.ack_file = self.state_dir / "harness-ack.json"
        self.log_file = self.world.workdir / "daemon-output.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.cycle_no = 0
        self.speaks_protocol = False
        self.starts = 0
        self._crash_base = 0

    def environment(self) -> dict[str, str]:
        env = super().environment()
        env["HARNESS_CYCLE_FILE"] = str(self.cycle_file)
        env["HARNESS_ACK_FILE"] = str(self.ack_file)
        return env

    # -- the process ----------------------------------------------------------------------------
    def _ensure_running(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        if self._log is None:
            self._log = self.log_file.open("ab")
        self.proc = subprocess.Popen(
            shlex.split(self.command),
            env=self.environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self.state_dir,
            start_new_session=True,
        )
        self.starts += 1

    def _kill(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        code = self.proc.wait()
        self.proc = None
        return code

    # -- one cycle ------------------------------------------------------------------------------
    def cycle(self) -> None:
        self._ensure_running()
        self.cycle_no += 1
        _write_json(self.cycle_file, {"cycle": self.cycle_no, "now": self._now()})
        outcome, exit_code = self._wait()
        self.runs.append(
            {
                "at": self._now(),
                "exit": exit_code,
                "killed": outcome if outcome.startswith(("SIGKILL", "timeout")) else "",
                "outcome": outcome,
                "output": self._output_tail(),
            }
        )

    def _wait(self) -> tuple[str, int]:
        started, seen = time.monotonic(), self._requests_seen()
        last_change, activity = started, False
        while True:
            time.sleep(0.005)
            now, requests_seen = time.monotonic(), self._requests_seen()
            if requests_seen != seen:
                activity, last_change, seen = True, now, requests_seen
            if self._crash_due(requests_seen):
                self.crash_after = None
                return "SIGKILL (crash point)", self._kill() or -9
            if self.proc is not None and self.proc.poll() is not None:
                return "exited", self._kill() or 0
            if self._acked():
                return "acknowledged", 0
            if self.speaks_protocol and now - started > self.timeout_s:
                return f"timeout after {self.timeout_s:.0f}s without an acknowledgement", 124
            if not self.speaks_protocol and self._settled(now, started, last_change, activity):
                return "settled", 0

    def _settled(self, now: float, started: float, last_change: float, activity: bool) -> bool:
        if now - started >= self.max_cycle_s:
            return True
        return activity and now - last_change >= self.settle_s

    def _crash_due(self, requests_seen: int) -> bool:
        return self.crash_after is not None and requests_seen - self._crash_base >= self.crash_after

    def _acked(self) -> bool:
        try:
            acked = int(json.loads(self.ack_file.read_text(encoding="utf-8"))["cycle"])
        except (OSError, ValueError, KeyError, TypeError):
            return False
        self.speaks_protocol = True
        return acked >= self.cycle_no

    def _now(self) -> str:
        return self.world.clock.now().isoformat()

    def _output_tail(self) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            data = self.log_file.read_bytes()
        except OSError:
            return ""
        return data[-OUTPUT_TAIL:].decode(errors="replace")

    # -- harness hooks --------------------------------------------------------------------------
    def arm_crash(self, after_requests: int, after_send: bool = True) -> None:
        self.crash_after = after_requests
        self._crash_base = self._requests_seen()

    def close(self) -> None:
        self._kill()
        if self._log is not None:
            self._log.close()
        super().close()


def _write_json(path: Path, data: dict[str, object]) -> None:
    """Write atomically, so a daemon polling the file never reads half of it."""
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(data), encoding="utf-8")
    partial.replace(path)
