"""FM-T01 (stockout at the ERP) and FM-T03 (account on credit hold): builtin holds, backorders
or rejects per policy, visibly in Magento, while valid orders flow; naive pushes every order on
(or loses it in a log) and never tells Magento."""

from __future__ import annotations

import pytest

from scenarios.catalog import load
from scenarios.runner import run_scenario

T01 = ["netsuite", "sap-b1", "s4hana", "sage200", "business-central", "legacy"]
T03 = ["netsuite", "sap-b1", "s4hana", "sage200", "business-central", "legacy"]
ACCOUNTS = {
    "netsuite": "CUST101",
    "sap-b1": "C00001",
    "s4hana": "10000001",
    "sage200": "CUST0001",
    "business-central": "C00001",
    "legacy": "CUST0001",
}


def test_the_scenarios_declare_exactly_the_erps_they_judge() -> None:
    catalog = load()
    assert catalog["FM-T01"].kinds() == T01
    assert catalog["FM-T03"].kinds() == T03


@pytest.mark.parametrize("erp", T01)
def test_fm_t01_builtin_holds_then_backorders(erp: str) -> None:
    result = run_scenario(load()["FM-T01"], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence


@pytest.mark.parametrize("erp", T01)
def test_fm_t01_naive_pushes_the_order_and_tells_magento_nothing(erp: str) -> None:
    result = run_scenario(load()["FM-T01"], erp, "naive", seed=0)
    assert result.status == "failed"
    held = "order 000000001 (SKU-000001 out of stock, policy hold)"
    assert f"{held} is processing in Magento, not holded" in " ".join(result.evidence)
    assert any(line.startswith(f"{held} reached {erp} as ") for line in result.evidence)
    assert any(
        line.startswith("order 000000003 (SKU-000001 out of stock, policy backorder) has no ")
        and "'short 2'" in line
        for line in result.evidence
    ), result.evidence


@pytest.mark.parametrize("erp", T03)
def test_fm_t03_builtin_holds_then_rejects_and_valid_buyers_flow(erp: str) -> None:
    result = run_scenario(load()["FM-T03"], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence


@pytest.mark.parametrize("erp", T03)
def test_fm_t03_naive_leaves_held_accounts_orders_processing(erp: str) -> None:
    result = run_scenario(load()["FM-T03"], erp, "naive", seed=0)
    assert result.status == "failed"
    account = ACCOUNTS[erp]
    for n, policy in (("1", "hold"), ("3", "reject")):
        label = f"order 00000000{n} (account {account} on credit hold, policy {policy})"
        assert any(line.startswith(f"{label} is processing in Magento") for line in result.evidence)
        assert any(
            line.startswith(f"{label} has no Magento comment naming '{account}'")
            for line in result.evidence
        ), result.evidence
    assert not any("a valid buyer" in line for line in result.evidence), result.evidence
