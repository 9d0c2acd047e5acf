"""FM-T04 on Sage 200, whose API posts credit notes but cannot move goods into stock (no SOP
return or stock adjustment write): builtin posts exactly one matching credit note per memo
despite a lost answer and hands the restock to a person as a ``manual_restock`` alert naming
the SKU, quantity and warehouse; the naive script credits whole orders on every run and says
nothing about the goods."""

from __future__ import annotations

from scenarios.catalog import load
from scenarios.runner import run_scenario


def test_builtin_credits_each_memo_once_and_hands_the_restock_over() -> None:
    result = run_scenario(load()["FM-T04"], "sage200", "builtin", seed=0)
    assert result.status == "passed", result.evidence
    assert result.metrics["credit_answers_lost"] == 1


def test_naive_credits_whole_orders_again_and_again() -> None:
    result = run_scenario(load()["FM-T04"], "sage200", "naive", seed=0)
    assert result.status == "failed"
    partial = "credit memo 000000002 of order 000000002: expected exactly 1 ERP credit note"
    assert any(line.startswith(partial) for line in result.evidence), result.evidence
    assert any("credits 3 of SKU-000003, the memo credits 2" in x for x in result.evidence)
    restock = "order 000000002: 2 x SKU-000003 should go back to ERP warehouse HOME"
    assert any(line.startswith(restock) for line in result.evidence), result.evidence


def test_the_alert_must_name_the_sku_quantity_and_warehouse() -> None:
    from decimal import Decimal

    from scenarios.flowviews.returns import judge_restock_handed_over

    expected = {("000000002", "SKU-000003", "HOME"): Decimal(2)}
    named = "CM1: return 2 x SKU-000003 to HOME to stock in Sage 200 by hand"
    assert judge_restock_handed_over(expected, [{"kind": "manual_restock", "message": named}]) == []
    for alerts in (
        [],
        [{"kind": "manual_restock", "message": named.replace("2 x", "3 x")}],
        [{"kind": "manual_restock", "message": named.replace("HOME", "EAST")}],
        [{"kind": "stock_stale", "message": named}],
    ):
        assert judge_restock_handed_over(expected, alerts), alerts
