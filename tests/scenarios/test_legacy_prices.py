"""The price scenarios on the legacy ERP: the naive script copies the newest price export into
Magento as it reads it (no approval, no rollback, dates ignored), so FM-T06 and FM-T02 show the
harm; the builtin engine holds, approves and rolls back, and sends dated prices on their days."""

from __future__ import annotations

from scenarios.catalog import load
from scenarios.runner import run_scenario


def test_naive_copies_a_60_percent_change_from_the_export_unseen() -> None:
    result = run_scenario(load()["FM-T06"], "legacy", "naive", seed=0)
    assert result.status == "failed"
    assert any(
        "a 60% change reached Magento before approval" in line for line in result.evidence
    ), result.evidence
    assert any(
        "no price batch to preview, approve or roll back" in line for line in result.evidence
    )


def test_naive_charges_a_dated_export_price_before_its_first_day() -> None:
    result = run_scenario(load()["FM-T02"], "legacy", "naive", seed=0)
    assert result.status == "failed"
    assert any("(dated price applied early)" in line for line in result.evidence), result.evidence


def test_builtin_passes_every_price_scenario_on_legacy() -> None:
    catalog = load()
    for scenario_id in ("FM-T06", "FM-T02", "FM-G05"):
        result = run_scenario(catalog[scenario_id], "legacy", "builtin", seed=0)
        assert result.status == "passed", (scenario_id, result.evidence)
