"""The Locust files of load/, run headless in child processes (Locust monkey-patches the process
that imports it, so never inside pytest): they exit 0 under thresholds a correct engine meets,
write the expected CSV rows, fail on a broken threshold, and work distributed."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scenarios.load_cli import load_app

ROOT = Path(__file__).resolve().parents[2]
LOAD = ROOT / "load"
PLACE = ("POST", "POST /V1/guest-carts/[cartId]/payment-information")
SYNC = ("SYNC", "order placed -> in ERP")
CHECKOUT_STEPS = {
    "POST /V1/guest-carts",
    "POST /V1/guest-carts/[cartId]/items",
    "POST /V1/guest-carts/[cartId]/estimate-shipping-methods",
    "POST /V1/guest-carts/[cartId]/shipping-information",
    "POST /V1/guest-carts/[cartId]/payment-information",
}
# Thresholds a correct engine meets on a loaded CI machine (2 shared cores).
SYNC_OPTIONS = {
    "--erp-latency-ms": "20",
    "--erp-cap": "4",
    "--workers": "2",
    "--order-rate": "2",
    "--p95-lag-ms": "30000",
    "--max-failure-ratio": "0",
    "--drain-s": "30",
}


def _flags(options: dict[str, str]) -> list[str]:
    return [part for option in options.items() for part in option]


def _command(locustfile: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", str(LOAD / locustfile), *args]


def _env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else "")}


def _locust(locustfile: str, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    command = _command(locustfile, *args)
    proc = subprocess.Popen(
        command, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        _stop(proc)
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def _stop(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM first: Locust then stops the fakes and engine workers it started."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _headless(seconds: int, users: int, csv_prefix: Path) -> list[str]:
    return [
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--csv",
        str(csv_prefix),
        "--only-summary",
    ]


def _rows(csv_prefix: Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        return {(row["Type"], row["Name"]): row for row in csv.DictReader(handle)}


def _count(row: dict[str, str]) -> tuple[int, int]:
    return int(row["Request Count"]), int(row["Failure Count"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_storefront_checks_out_under_its_thresholds(tmp_path: Path) -> None:
    prefix = tmp_path / "shop"
    args = [
        *_headless(4, 3, prefix),
        "--order-rate",
        "6",
        "--p95-ms",
        "5000",
        "--max-failure-ratio",
        "0",
    ]
    result = CliRunner().invoke(load_app, ["storefront", *args])
    assert result.exit_code == 0, result.output
    rows = _rows(prefix)
    assert {name for kind, name in rows if kind == "POST"} == CHECKOUT_STEPS
    placed, failed = _count(rows[PLACE])
    assert placed >= 1 and failed == 0
    assert _count(rows[("", "Aggregated")])[1] == 0


def test_an_impossible_p95_threshold_fails_the_run(tmp_path: Path) -> None:
    result = _locust("storefront.py", *_headless(2, 2, tmp_path / "shop"), "--p95-ms", "0")
    assert result.returncode == 3, result.stderr[-2000:]
    assert "gate BREACH: p95 ms" in result.stdout
    assert "gate ok: failure ratio" in result.stdout


def test_sync_lag_is_reported_for_every_order(tmp_path: Path) -> None:
    prefix = tmp_path / "sync"
    result = _locust("sync_lag.py", *_headless(5, 2, prefix), *_flags(SYNC_OPTIONS))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    rows = _rows(prefix)
    placed, _ = _count(rows[PLACE])
    synced, not_synced = _count(rows[SYNC])
    assert placed >= 1
    assert (synced, not_synced) == (placed, 0)  # one lag row per order, none lost
    assert "gate ok: p95 sync lag ms" in result.stdout


def _worker(port: str, log: Path) -> subprocess.Popen[bytes]:
    args = ["--worker", "--master-host", "127.0.0.1", "--master-port", port]
    with open(log, "wb") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            _command("sync_lag.py", *args),
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=handle,
        )


@pytest.mark.slow
def test_distributed_run_brings_the_sync_rows_to_the_master(tmp_path: Path) -> None:
    port = str(_free_port())
    prefix = tmp_path / "dist"
    master_args = ["--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", port]
    master_args += ["--expect-workers", "2", *_headless(5, 2, prefix)]
    master_args += _flags({**SYNC_OPTIONS, "--workers": "1"})  # engine workers: CPU is scarce
    master = subprocess.Popen(
        _command("sync_lag.py", *master_args),
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers = [_worker(port, tmp_path / f"worker-{n}.log") for n in range(2)]
    procs: list[subprocess.Popen[Any]] = [master, *workers]
    try:
        out, err = master.communicate(timeout=240)
        worker_codes = [w.wait(timeout=60) for w in workers]
    finally:
        for proc in procs:
            _stop(proc)
    assert master.returncode == 0, out[-2000:] + err[-3000:]
    assert worker_codes == [0, 0], (tmp_path / "worker-0.log").read_text()[-3000:]
    assert "to 2 ready workers" in err
    rows = _rows(prefix)
    placed, _ = _count(rows[PLACE])
    synced, not_synced = _count(rows[SYNC])
    assert placed >= 2 and 1 <= synced <= placed and not_synced == 0


def test_the_wrapper_names_its_profiles() -> None:
    result = CliRunner().invoke(load_app, ["nonsense"])
    assert result.exit_code == 2
    assert "No such command" in result.output
