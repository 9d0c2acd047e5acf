"""The fit report on S/4HANA for the returns and account flows: both supported, each naming
the SAP services it calls and how a lost answer is recovered."""

from __future__ import annotations

from pathlib import Path

from scenarios.fit import run_fit


def test_returns_are_written_as_credit_memo_requests_by_default(tmp_path: Path) -> None:
    returns = run_fit("s4hana", None, seed=0, run_scenarios=False).flow("returns")
    assert returns.status == "supported"
    calls = " ".join(e.call for e in returns.endpoints if e.used)
    assert "API_CREDIT_MEMO_REQUEST_SRV" in calls and "API_CUSTOMER_RETURN_SRV" in calls
    assert "PurchaseOrderByCustomer" in returns.idempotency
    profile = tmp_path / "profile.yaml"
    profile.write_text("flows:\n  returns: {source_of_truth: erp}\n", encoding="utf-8")
    reverse = run_fit("s4hana", profile, seed=0, run_scenarios=False).flow("returns")
    assert reverse.status == "supported" and "[erp-credit" in reverse.idempotency


def test_accounts_are_gated_by_the_customer_order_block() -> None:
    accounts = run_fit("s4hana", None, seed=0, run_scenarios=False).flow("accounts")
    assert accounts.status == "supported"
    assert "BusinessPartnerIDByExtSystem" in accounts.idempotency
    assert any("order block" in n for n in accounts.notes)
    assert any("API_CRDTMBUSINESSPARTNER" in e.call for e in accounts.endpoints)
