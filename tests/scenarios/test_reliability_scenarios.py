"""FM-G12 (out-of-order updates) on every ERP it declares: a lagging read must strike, builtin
must refuse the older figure, naive must show the harm."""

from __future__ import annotations

import pytest

from scenarios.catalog import load
from scenarios.runner import run_scenario

G12_ERPS = load()["FM-G12"].erps


@pytest.mark.parametrize("erp", G12_ERPS)
def test_builtin_refuses_the_older_figure(erp: str) -> None:
    result = run_scenario(load()["FM-G12"], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence
    assert result.metrics["stale_reads"] > 0  # the lagging replica really served old figures


@pytest.mark.parametrize("erp", G12_ERPS)
def test_naive_lets_stock_go_wrong(erp: str) -> None:
    result = run_scenario(load()["FM-G12"], erp, "naive", seed=0)
    assert result.status == "failed"
    assert any("stock SKU-000001 @ default" in line for line in result.evidence), result.evidence


G04_ERPS = load()["FM-G04"].erps


@pytest.mark.parametrize("erp", G04_ERPS)
def test_builtin_refuses_drifted_stock_answers(erp: str) -> None:
    result = run_scenario(load()["FM-G04"], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence
    assert result.metrics["drifted_answers"] > 0  # the upgrade really changed the answers


@pytest.mark.parametrize("erp", G04_ERPS)
def test_naive_writes_what_a_drifted_answer_says(erp: str) -> None:
    result = run_scenario(load()["FM-G04"], erp, "naive", seed=0)
    assert result.status == "failed"
    assert any("SKU-000001 @ default" in line for line in result.evidence), result.evidence
