"""The command line: run writes the three reports and sets the exit code; serve serves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import requests
from typer.testing import CliRunner

from scenarios.cli import app

runner = CliRunner()


def test_run_writes_reports_and_exits_zero(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--erp", "netsuite", "--scenario", "FM-G07",
                                 "--scenario", "FM-G11", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text())
    assert set(report) == {"run", "summary", "scenarios"}
    assert set(report["run"]) == {"seed", "erp", "connector", "started_at", "duration_s"}
    assert report["summary"] == {"passed": 2, "failed": 0, "errored": 0, "skipped": 0}
    for scenario in report["scenarios"]:
        assert {"id", "erp", "status", "duration_s", "evidence", "reproduce"} <= set(scenario)
    suite = ET.parse(tmp_path / "junit.xml").getroot()[0]
    assert suite.get("tests") == "2" and suite.get("failures") == "0"
    assert "<svg" in (tmp_path / "report.html").read_text()


def test_naive_lost_response_exits_non_zero_naming_the_order(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--connector", "naive", "--scenario", "FM-G07",
                                 "--erp", "netsuite", "--out", str(tmp_path)])
    assert result.exit_code == 1
    (scenario,) = json.loads((tmp_path / "report.json").read_text())["scenarios"]
    assert scenario["status"] == "failed"
    assert any("default/000000001" in e and "duplicated" in e for e in scenario["evidence"])
    failure = ET.parse(tmp_path / "junit.xml").getroot().find(".//failure")
    assert failure is not None and "reproduce: erp-harness run" in (failure.text or "")


def test_unknown_scenario_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--scenario", "FM-X99", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "FM-X99" in result.output


def test_scenarios_json_lists_the_catalog() -> None:
    result = runner.invoke(app, ["scenarios", "--json"])
    ids = {row["id"] for row in json.loads(result.output)}
    assert {"FM-G07", "FM-G09", "FM-G11", "FM-G13", "FM-N05"} <= ids


def test_serve_writes_ready_file_and_serves_on_loopback(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scenarios", "serve", "magento", "netsuite", "--port", "0",
         "--ready-file", str(ready)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "120"},
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert ready.exists(), "serve wrote no ready file"
        info = json.loads(ready.read_text())
        assert set(info) == {"magento", "netsuite"}
        for entry in info.values():
            assert entry["base_url"].startswith("http://127.0.0.1:")
            assert entry["control_url"] == entry["base_url"] + "/__harness__"
        assert {"username", "password", "integration_token"} <= set(info["magento"]["credentials"])
        token = info["magento"]["credentials"]["integration_token"]
        views = requests.get(info["magento"]["base_url"] + "/rest/V1/store/storeViews",
                             headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert views.status_code == 200
        state = requests.get(info["netsuite"]["control_url"] + "/state", timeout=5)
        assert state.status_code == 200 and "salesOrders" in state.json()
        assert (tmp_path / "ready.profile.json").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0, stderr.decode()


def test_demo_tells_both_sides_the_same_way_every_time(tmp_path: Path) -> None:
    outputs = []
    for n in range(2):
        page = tmp_path / f"demo{n}.html"
        result = runner.invoke(app, ["demo", "FM-G07", "--erp", "netsuite", "--seed", "4",
                                     "--html", str(page)])
        assert result.exit_code == 0, result.output
        outputs.append(page.read_text())
    assert outputs[0] == outputs[1]
    assert "naive: harmed (failed)" in outputs[0] and "builtin: held" in outputs[0]
    assert "is duplicated in netsuite" in outputs[0]
