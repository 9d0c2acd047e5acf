"""FM-T04 (refunds and credit notes): builtin makes exactly one matching ERP credit note per
Magento credit memo despite a lost answer, with the restock in the mapped warehouse; naive
credits whole orders and re-sends every memo."""

from __future__ import annotations

import pytest

from scenarios.catalog import load
from scenarios.runner import run_scenario

ERPS = ["netsuite", "business-central", "sap-b1", "legacy", "s4hana"]


def test_fm_t04_declares_exactly_the_erps_it_judges() -> None:
    # Sage 200 too, judged on a manual-restock alert (tests/scenarios/test_sage200_returns.py)
    assert load()["FM-T04"].kinds() == [*ERPS, "sage200"]


@pytest.mark.parametrize("erp", ERPS)
def test_builtin_passes_despite_a_lost_answer(erp: str) -> None:
    result = run_scenario(load()["FM-T04"], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence
    assert result.metrics["credit_answers_lost"] == 1


@pytest.mark.parametrize("erp", ERPS)
def test_naive_fails_naming_the_credit_memo_and_order(erp: str) -> None:
    result = run_scenario(load()["FM-T04"], erp, "naive", seed=0)
    assert result.status == "failed"
    partial = "credit memo 000000002 of order 000000002: "
    assert any(line.startswith(partial) for line in result.evidence), result.evidence
    assert any("returned to ERP warehouse" in line for line in result.evidence), result.evidence
