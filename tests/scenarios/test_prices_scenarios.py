"""FM-T06, FM-T02 and FM-G05: builtin passes on every ERP each scenario declares; naive fails
with evidence naming the SKU (a change live before approval and no way back; a discount
applied early; rejected rows lost inside a 200)."""

from __future__ import annotations

import pytest

from scenarios.catalog import load
from scenarios.runner import run_scenario

ERPS = ["netsuite", "sap-b1", "business-central", "sage200", "s4hana", "legacy"]
DATED = ["sap-b1", "s4hana", "legacy", "sage200", "netsuite", "business-central"]


def test_the_catalog_declares_where_each_price_scenario_runs() -> None:
    catalog = load()
    assert set(catalog["FM-T06"].kinds()) == set(ERPS)
    assert set(catalog["FM-G05"].kinds()) == set(ERPS)
    assert sorted(catalog["FM-T02"].kinds()) == sorted(DATED)


@pytest.mark.parametrize("erp", ERPS)
def test_builtin_previews_holds_approves_and_rolls_back(erp: str) -> None:
    result = run_scenario(load()["FM-T06"], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence


@pytest.mark.parametrize("erp", ["sage200", "legacy"])
def test_naive_applies_a_big_change_unseen_and_cannot_roll_back(erp: str) -> None:
    result = run_scenario(load()["FM-T06"], erp, "naive", seed=0)
    assert result.status == "failed"
    assert any(
        "a 60% change reached Magento before approval" in line for line in result.evidence
    ), result.evidence
    assert any(
        "no price batch to preview, approve or roll back" in line for line in result.evidence
    )


@pytest.mark.parametrize("erp", ERPS)
def test_builtin_retries_or_dead_letters_rejected_rows(erp: str) -> None:
    result = run_scenario(load()["FM-G05"], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence


@pytest.mark.parametrize("erp", ["s4hana"])
def test_naive_loses_rows_rejected_inside_a_200(erp: str) -> None:
    result = run_scenario(load()["FM-G05"], erp, "naive", seed=0)
    assert result.status == "failed"
    lost = [
        line for line in result.evidence if "rejected inside a 200 and never sent again" in line
    ]
    assert len(lost) == 2, result.evidence
    assert any("neither applied nor dead-lettered and reported" in line for line in result.evidence)


@pytest.mark.parametrize("erp", DATED)
def test_builtin_applies_dated_prices_on_their_dates(erp: str) -> None:
    result = run_scenario(load()["FM-T02"], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence


@pytest.mark.parametrize("erp", DATED)
def test_naive_applies_a_dated_price_early_and_keeps_it(erp: str) -> None:
    result = run_scenario(load()["FM-T02"], erp, "naive", seed=0)
    assert result.status == "failed"
    assert any(
        line.startswith("SKU-000001 at ") and "(dated price applied early)" in line
        for line in result.evidence
    ), result.evidence
