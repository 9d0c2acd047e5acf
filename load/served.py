"""Served fakes for a load run: ``python -m scenarios serve VENDOR... --ready-file`` as a child
process (waitress threads in one process, so every request of a fake sees the same state), and
a small client for a fake's control plane (``/__harness__/``)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

CONTROL_PREFIX = "/__harness__"


class Control:
    """One fake's control plane over HTTP."""

    def __init__(self, control_url: str, timeout_s: float = 10.0) -> None:
        self.url = control_url.rstrip("/")
        self.timeout_s = timeout_s
        self.session = requests.Session()

    @classmethod
    def for_host(cls, base_url: str) -> Control:
        """The control plane of the fake served at ``base_url`` (its server root)."""
        return cls(base_url.rstrip("/") + CONTROL_PREFIX)

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.session.request(method, self.url + path, json=body, timeout=self.timeout_s)
        if not response.ok:
            raise RuntimeError(
                f"control plane {method} {self.url + path} answered "
                f"{response.status_code}: {response.text[:300]}"
            )
        return response.json()

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self._call("GET", "/state")
        return state

    def add_fault(self, spec: dict[str, Any]) -> dict[str, Any]:
        fault: dict[str, Any] = self._call("POST", "/faults", spec)
        return fault

    def event(self, name: str, **payload: Any) -> Any:
        return self._call("POST", "/events", {"name": name, "payload": payload})

    def journal(self, since: int = 0) -> dict[str, Any]:
        journal: dict[str, Any] = self._call("GET", f"/journal?since={since}")
        return journal


class ServedFakes:
    """The fakes of one load run, served by a child ``erp-harness serve`` process."""

    def __init__(
        self, vendors: list[str], workdir: Path, seed: int = 0, remove_workdir: bool = False
    ) -> None:
        self.vendors = vendors
        self.workdir = workdir
        self.remove_workdir = remove_workdir
        self.ready_file = workdir / "ready.json"
        self.log_file = workdir / "serve.log"
        self.seed = seed
        self.proc: subprocess.Popen[bytes] | None = None
        self.ready: dict[str, Any] = {}
        self.profiles: dict[str, Any] = {}

    def start(self, timeout_s: float = 60.0) -> dict[str, Any]:
        """Start the server and wait for its ready file; answer the ready file's content."""
        self.ready_file.unlink(missing_ok=True)
        command = [sys.executable, "-m", "scenarios", "serve", *self.vendors]
        command += ["--port", "0", "--seed", str(self.seed), "--ready-file", str(self.ready_file)]
        with open(self.log_file, "wb") as log:
            self.proc = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + timeout_s
        profile_file = self.ready_file.with_name("ready.profile.json")
        while (profiles := _read_json(profile_file)) is None:  # written after the ready file
            if self.proc.poll() is not None:
                raise RuntimeError(f"erp-harness serve exited early; see {self.log_file}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"erp-harness serve not ready in {timeout_s:.0f} s")
            time.sleep(0.05)
        self.ready = json.loads(self.ready_file.read_text())
        self.profiles = profiles
        return self.ready

    def control(self, vendor: str) -> Control:
        return Control(str(self.ready[vendor]["control_url"]))

    def base_url(self, vendor: str) -> str:
        return str(self.ready[vendor]["base_url"])

    @classmethod
    def in_temp_dir(cls, vendors: list[str], seed: int = 0) -> ServedFakes:
        """Fakes whose ready file and log live in a new temporary folder, removed at stop."""
        return cls(vendors, Path(tempfile.mkdtemp(prefix="erp-load-")), seed, remove_workdir=True)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s); safe to call twice."""
        self._stop_process()
        if self.remove_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _stop_process(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def _read_json(path: Path) -> dict[str, Any] | None:
    """The file's JSON object, or None while it is missing or half written."""
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None
