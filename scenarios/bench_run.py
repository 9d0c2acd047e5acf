"""``default_run_s`` of ``erp-harness bench``: the wall time of a default ``erp-harness run``
(every scenario on every ERP, builtin connector, seed 0), timed in a child process with its
reports written to a temporary folder. Its exit code, summary line and CPU seconds are kept: a
run that fails scenarios still measures how long the suite takes, and the CPU seconds tell
what the wall time would be on a machine nobody else is using.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import scenarios

PROJECT_ROOT = Path(scenarios.__file__).resolve().parent.parent


def command(out: Path, extra: tuple[str, ...] = ()) -> list[str]:
    """``erp-harness run --out DIR [EXTRA]`` through this interpreter (no reliance on PATH)."""
    return [sys.executable, "-m", "scenarios", "run", "--out", str(out), *extra]


def child_env() -> dict[str, str]:
    """This environment with the project importable, whatever the child's working folder."""
    paths = [str(PROJECT_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


def default_run_s(extra: tuple[str, ...] = (), timeout_s: float = 900.0) -> dict[str, Any]:
    """Time ``erp-harness run`` (``extra`` narrows it, for tests; the figure is without)."""
    with tempfile.TemporaryDirectory(prefix="harness-bench-run-") as out:
        started, cpu = time.perf_counter(), cpu_s()
        try:
            done = subprocess.run(
                command(Path(out), extra),
                capture_output=True,
                text=True,
                timeout=timeout_s,
                env=child_env(),
                check=False,
            )
        except subprocess.TimeoutExpired:
            done = None
        elapsed = time.perf_counter() - started
    measured = {**_outcome(done, timeout_s), "cpu_s": round(cpu_s() - cpu, 1)}
    return {
        "value": round(elapsed, 1),
        "inputs": {
            "command": " ".join(["erp-harness run", *extra]),
            "defaults": "--erp all --connector builtin --seed 0",
        },
        "measured": measured,
    }


def cpu_s(who: int = resource.RUSAGE_CHILDREN) -> float:
    """User and system CPU seconds of this process's finished children (and theirs), or with
    ``resource.RUSAGE_SELF`` of this process. For the run, the children's CPU is about its
    wall time on an idle machine, since it works in one process on in-process fakes."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _outcome(done: subprocess.CompletedProcess[str] | None, timeout_s: float) -> dict[str, Any]:
    """Exit code and summary line; a run stopped at the timeout makes the time a lower bound."""
    if done is None:
        return {"exit_code": None, "summary": f"stopped after {timeout_s:g} s (a lower bound)"}
    lines = [line.strip() for line in done.stdout.splitlines() if " passed, " in line]
    return {
        "exit_code": done.returncode,
        "summary": lines[-1] if lines else done.stderr.strip()[-300:],
    }
