"""``erp-harness bench`` on tiny inputs through the command line: every figure is present with
its inputs and what was measured, and each is sane (no speed is asserted: figures depend on
the machine)."""

from __future__ import annotations

import importlib.machinery
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scenarios import bench_external
from scenarios.bench_run import default_run_s
from scenarios.cli import app

runner = CliRunner()
OURS = (
    "naive_vs_builtin_in_process",
    "fake_overhead",
    "engine_overhead",
    "reconcile_scale",
    "scenario_rate",
    "default_run_s",
)
ORDERS, SKUS = 4, 3000


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench") / "b.json"
    args = ["bench", "--quick", "--orders", str(ORDERS), "--skus", str(SKUS)]
    result = runner.invoke(app, [*args, "--only", ",".join(OURS), "--json", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text()), result.output


def test_every_figure_is_reported_with_inputs_target_and_measurements(tiny):
    report, output = tiny
    assert set(report) == {"bench", "options", "results", "skipped", "errors"}
    assert report["errors"] == {}
    measured = set(OURS) - {"default_run_s"} | {"peak_memory_mb"}
    assert set(report["results"]) == measured
    for name, entry in report["results"].items():
        assert {"value", "unit", "target", "met", "inputs", "measured"} <= set(entry), name
        assert entry["inputs"] and entry["measured"], name
        assert isinstance(entry["value"], int | float) and entry["value"] > 0, name
        assert f"{name} = {entry['value']}" in output
    assert report["results"]["fake_overhead"]["target"] == ">= 0.6"
    assert report["results"]["reconcile_scale"]["target"] == "<= 1.5"
    assert report["bench"]["cpus"] and report["options"]["quick"] is True


def test_quick_skips_timing_the_full_run(tiny):
    report, output = tiny
    assert report["skipped"] == {"default_run_s": "--quick"}
    assert "default_run_s: skipped (--quick)" in output


def test_throughput_figures_export_every_order_once(tiny):
    results = tiny[0]["results"]
    for name, sides in (
        ("naive_vs_builtin_in_process", ("builtin",)),
        ("engine_overhead", ("builtin", "bare_loop")),
    ):
        assert results[name]["inputs"]["orders"] == ORDERS
        for side in sides:
            figures = results[name]["measured"][side]
            assert figures["exported_exactly_once"] == ORDERS, (name, side)
            assert figures["requests_per_order"] >= 1
    engine = results["engine_overhead"]["measured"]
    ratio = engine["builtin"]["orders_per_s"] / engine["bare_loop"]["orders_per_s"]
    assert results["engine_overhead"]["value"] == pytest.approx(ratio, rel=0.05)


def test_fake_overhead_compares_read_and_write_without_errors(tiny):
    entry = tiny[0]["results"]["fake_overhead"]
    for kind in ("read", "write"):
        pair = entry["measured"][kind]
        for side in ("fake", "empty"):
            assert pair[side]["requests"] > 0 and pair[side]["errors"] == 0, (kind, side)
        assert pair["ratio"] == pytest.approx(pair["fake"]["rps"] / pair["empty"]["rps"], 0.01)
        # what the server process spent per request on each side, and what the clients used
        fake_cpu = pair["fake"]["server_cpu_ms_per_request"]
        empty_cpu = pair["empty"]["server_cpu_ms_per_request"]
        assert fake_cpu > 0 and empty_cpu > 0, kind
        assert pair["server_cpu_ratio"] == pytest.approx(empty_cpu / fake_cpu, 0.01)
        assert pair["fake"]["client_cores"] > 0 and pair["empty"]["client_cores"] > 0
    assert entry["value"] == min(entry["measured"][k]["ratio"] for k in ("read", "write"))
    assert entry["inputs"]["server_threads"] == 16


def test_reconcile_scale_finds_every_seeded_difference_within_bounded_memory(tiny):
    results = tiny[0]["results"]
    entry = results["reconcile_scale"]
    assert entry["inputs"]["skus"] == SKUS and entry["inputs"]["sources"] == 2
    assert entry["measured"]["found_all"] is True
    assert entry["measured"]["found"]["mismatched"] >= 1
    assert entry["measured"]["rows_read"] > 3 * SKUS
    assert 0 < results["peak_memory_mb"]["value"] < 512


def test_scenario_rate_counts_steps_of_a_passing_machine(tiny):
    entry = tiny[0]["results"]["scenario_rate"]
    assert entry["measured"]["failure"] is None
    assert 0 < entry["measured"]["steps"] <= 2 * 5
    assert entry["measured"]["machines"] == 2
    # each teardown drains with at least three sync cycles; ticks and crashes add more
    assert entry["measured"]["engine_cycles"] >= 3 * 2
    assert 0 < entry["measured"]["engine_cycle_share"] < 1
    assert entry["measured"]["ms_per_engine_cycle"] > 0
    assert entry["measured"]["steps_per_s_without_cycles"] > entry["value"]


def test_an_unknown_figure_is_refused_by_name():
    result = runner.invoke(app, ["bench", "--only", "fake_overhead,warp_speed"])
    assert result.exit_code == 2
    assert "warp_speed" in result.output


def test_a_missing_throughput_module_is_skipped_with_a_note(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(bench_external, "THROUGHPUT_MODULE", "scenarios.no_such_bench_module")
    out = tmp_path / "b.json"
    args = ["bench", "--quick", "--only", "naive_vs_builtin", "--json", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "scenarios.no_such_bench_module is not installed" in result.output
    # the figure read off erp_limit_efficiency says why it is missing
    assert json.loads(out.read_text())["skipped"] == {
        "erp_limit_efficiency": "scenarios.no_such_bench_module is not installed",
        "naive_vs_builtin": "erp_limit_efficiency did not run",
    }


def _limited_run(efficiency: float, orders: int) -> dict[str, Any]:
    return {
        "orders": orders,
        "orders_per_s": round(160 * efficiency, 2),
        "erp_limit_efficiency": efficiency,
        "erp_requests_per_order": 1.0,
        "lost": 0,
    }


def test_naive_vs_builtin_is_read_off_the_erp_limit_runs(monkeypatch, tmp_path: Path):
    module = types.ModuleType("scenarios.limited_bench_throughput")
    module.__spec__ = importlib.machinery.ModuleSpec(module.__name__, None)

    def erp_limit_efficiency(seed: int = 0) -> dict[str, Any]:
        inputs = {"erp": "netsuite", "latency_s": 0.05, "cap": 8, "limit_orders_per_s": 160.0}
        return {
            "inputs": {**inputs, "orders": 600, "seed": seed},
            "builtin": _limited_run(0.8, 600),
            "naive": _limited_run(0.04, 60),
            "erp_limit_efficiency": 0.8,
            "naive_vs_builtin": 0.05,
        }

    module.erp_limit_efficiency = erp_limit_efficiency  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(bench_external, "THROUGHPUT_MODULE", module.__name__)
    out = tmp_path / "b.json"
    args = ["bench", "--quick", "--seed", "4", "--only", "naive_vs_builtin", "--json", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    results = json.loads(out.read_text())["results"]
    assert set(results) == {"erp_limit_efficiency", "naive_vs_builtin"}
    entry = results["naive_vs_builtin"]
    assert (entry["value"], entry["unit"], entry["target"]) == (0.05, "ratio", None)
    assert entry["inputs"]["cap"] == 8 and entry["inputs"]["seed"] == 4
    assert entry["measured"]["naive"]["erp_limit_efficiency"] == 0.04
    assert entry["measured"]["builtin"]["orders"] == 600
    assert "lost" not in entry["measured"]["builtin"]
    assert "naive_vs_builtin = 0.05 ratio" in result.output


def test_the_throughput_module_figures_are_included_as_they_come(monkeypatch, tmp_path: Path):
    module = types.ModuleType("scenarios.fake_bench_throughput")
    module.__spec__ = importlib.machinery.ModuleSpec(module.__name__, None)
    calls: list[dict[str, Any]] = []

    def erp_limit_efficiency(orders: int = 200, seed: int = 0) -> dict[str, Any]:
        calls.append({"orders": orders, "seed": seed})
        return {"inputs": {"orders": orders}, "erp_limit_efficiency": 0.5}

    def pg_workers(store_url: str, seed: int = 0) -> dict[str, Any]:
        raise AssertionError("must not run without a store URL")

    module.erp_limit_efficiency = erp_limit_efficiency  # type: ignore[attr-defined]
    module.pg_workers = pg_workers  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(bench_external, "THROUGHPUT_MODULE", module.__name__)
    monkeypatch.delenv(bench_external.PG_URL_ENV, raising=False)
    out = tmp_path / "b.json"
    args = ["bench", "--quick", "--orders", "7", "--seed", "3", "--json", str(out)]
    result = runner.invoke(app, [*args, "--only", "erp_limit_efficiency,pg_workers"])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert calls == [{"orders": 7, "seed": 3}]
    assert report["results"]["erp_limit_efficiency"]["erp_limit_efficiency"] == 0.5
    assert report["skipped"] == {"pg_workers": "pg_workers() needs store_url"}


def test_default_run_s_times_erp_harness_run_in_a_child_process():
    entry = default_run_s(("--erp", "netsuite", "--scenario", "FM-G07"))
    assert entry["value"] > 0
    assert entry["measured"]["exit_code"] == 0, entry
    assert entry["measured"]["summary"].startswith("1 passed, 0 failed")
    assert entry["inputs"]["command"] == "erp-harness run --erp netsuite --scenario FM-G07"


def test_a_process_cpu_time_is_read_for_a_live_process_only():
    import os

    from scenarios.bench_http import process_cpu_s

    sum(range(200_000))  # some CPU of our own to read back
    assert (process_cpu_s(os.getpid()) or 0) > 0
    assert process_cpu_s(2**22 + 12345) is None  # above Linux's default pid_max
