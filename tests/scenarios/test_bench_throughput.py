"""The throughput benchmarks on a handful of orders: the shape of their figures and that every
order arrived exactly once. Speed is not asserted here; ``erp-harness bench`` reports it."""

from __future__ import annotations

import os
from typing import Any

import pytest

from scenarios.bench_throughput import Limits, erp_limit_efficiency, pg_workers

PG_URL = os.environ.get("HARNESS_PG_URL")
FIGURES = {
    "orders_per_s",
    "erp_limit_efficiency",
    "erp_requests_per_order",
    "delivered",
    "lost",
    "duplicated",
    "erp",
}


def exactly_once(run: dict[str, Any], orders: int) -> None:
    assert set(run) >= FIGURES
    assert (run["delivered"], run["lost"], run["duplicated"]) == (orders, 0, 0), run
    assert run["orders_per_s"] > 0 and run["erp_requests_per_order"] >= 1


def builtin_steady(result: dict[str, Any]) -> float:
    steady = result["builtin"]["steady_erp_requests_per_order"]
    assert isinstance(steady, float) and steady >= 0  # six orders: edges dominate the window
    return steady


def test_erp_limit_efficiency_reports_builtin_naive_and_their_ratio() -> None:
    result = erp_limit_efficiency(
        orders=6, latency_s=0.02, cap=4, seed=1, naive_orders=6, slow_latency_s=0.04
    )
    assert result["inputs"]["limit_orders_per_s"] == 200.0
    assert result["inputs"]["builtin"]["max_concurrency"] == 4
    exactly_once(result["builtin"], 6)
    exactly_once(result["builtin_in_process"], 6)
    exactly_once(result["builtin_slow_erp"], 6)
    assert result["slow_erp_efficiency"] == result["builtin_slow_erp"]["erp_limit_efficiency"]
    assert result["steady_requests_per_order"] == builtin_steady(result)
    exactly_once(result["naive"], 6)
    builtin = result["builtin"]
    assert builtin["erp"]["peak_in_flight"] <= 4 and builtin["engine_cpu_ms_per_order"] > 0
    in_process = result["builtin_in_process"]
    assert in_process["erp"]["peak_in_flight"] <= 4 and in_process["limit"]["maximum"] == 4
    assert result["erp_limit_efficiency"] == builtin["erp_limit_efficiency"]
    assert result["requests_per_order"] == builtin["erp_requests_per_order"]
    expected = result["naive"]["erp_limit_efficiency"] / builtin["erp_limit_efficiency"]
    assert result["naive_vs_builtin"] == pytest.approx(expected, abs=0.01)


def test_limits_refuse_a_latency_or_cap_that_makes_no_limit() -> None:
    with pytest.raises(ValueError, match="latency_s"):
        Limits(0, 8)
    with pytest.raises(ValueError, match="cap"):
        Limits(0.05, 0)


@pytest.mark.postgres
def test_pg_workers_reports_one_and_four_worker_processes() -> None:
    if not PG_URL:
        pytest.skip("HARNESS_PG_URL is not set: no PostgreSQL server for this run")
    result = pg_workers(PG_URL, orders=8, latency_s=0.02, cap=8, seed=2)
    assert "***" in result["inputs"]["store"] or "@" not in PG_URL
    assert [run["workers"] for run in result["runs"]] == [1, 4]
    for run in result["runs"]:
        exactly_once(run, 8)
    one, four = result["runs"]
    assert result["ratio"] == pytest.approx(four["orders_per_s"] / one["orders_per_s"], abs=0.01)
