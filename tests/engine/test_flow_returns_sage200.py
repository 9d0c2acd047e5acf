"""The returns flow on Sage 200: Magento credit memos become posted sales ledger credit notes
(``POST sales_credit_notes``), looked up by reference before every create; goods returned to
stock raise a manual-restock alert, since Sage's API cannot move stock in. In-process against
the Magento and Sage 200 fakes, and the adapter's body with a stub client."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from scenarios.context import Ctx
from scenarios.flowviews import returns as rv
from scenarios.flowviews.returns_erps import VIEWS
from sync_core.config import FlowSettings
from sync_core.connectors.sage200.returns import Sage200Credits, sage_reference
from sync_core.errors import InvalidData, MappingError
from sync_core.flows.returns import ReturnsFlow, attach
from sync_core.flows.returns_model import CreditLine, CreditNote, reference
from tests.engine.flow_helpers import engine_of as _engine
from tests.engine.flow_helpers import in_process

VIEW = VIEWS["sage200"]


@pytest.fixture
def ctx() -> Iterator[Ctx]:
    with in_process("sage200") as context:
        yield context


def _shipped(ctx: Ctx, lines: list[tuple[str, int]]) -> dict[str, Any]:
    placed = ctx.place(1, lines=[{"sku": s, "qty": q} for s, q in lines])[0]
    ctx.cycles(3)
    VIEW.prepare(ctx.world, placed)
    ctx.cycles(3)
    return placed


def _lose_first_credit_answer(ctx: Ctx) -> None:
    method, path = VIEW.credit_writes[0]
    ctx.world.erp_fake.add_fault(
        {
            "id": "lose-credit",
            "target": {"method": method, "path": path},
            "effect": {"kind": "lose_response", "after": "timeout"},
            "trigger": {"calls": [1]},
        }
    )


def test_attach_writes_credit_notes_but_reads_none(ctx: Ctx) -> None:
    engine = _engine(ctx)
    assert isinstance(attach(engine), ReturnsFlow)
    engine.config.flows["returns"] = FlowSettings(source_of_truth="erp")
    assert attach(engine) is None  # no credits() reader on Sage 200


def test_a_memo_is_one_credit_note_despite_a_lost_answer_and_asks_for_the_restock(
    ctx: Ctx,
) -> None:
    a, b = (p.sku for p in ctx.world.magento.ctx.dataset.products[:2])
    placed = _shipped(ctx, [(a, 3), (b, 1)])
    _lose_first_credit_answer(ctx)
    rv.refund(ctx.world, int(placed["entity_id"]), [(a, 2)], shipping=0, restock=True)
    ctx.cycles(6)
    state = ctx.world.erp_fake.state()
    (doc,) = VIEW.credits(state)
    assert (doc.ref, doc.order, doc.lines) == (
        reference("default", "000000001"),
        str(placed["increment_id"]),
        {a: Decimal(2)},
    )
    (note,) = state["sales_credit_notes"]
    assert note["reference"] == "default-CM000000001"
    assert ctx.world.erp_fake.faults.active()[0].hits == 1
    alerts = [x for x in _engine(ctx).store.alerts() if x["kind"] == "manual_restock"]
    assert len(alerts) == 1
    assert f"2 x {a} to HOME" in alerts[0]["message"]
    assert VIEW.restocked(state) == {}  # the API moved no stock


def test_a_full_refund_credits_shipping_as_its_own_analysis_item(ctx: Ctx) -> None:
    sku = ctx.world.magento.ctx.dataset.products[0].sku
    placed = _shipped(ctx, [(sku, 1)])
    rv.refund(ctx.world, int(placed["entity_id"]))
    ctx.cycles(4)
    (doc,) = VIEW.credits(ctx.world.erp_fake.state())
    memo = rv.memos(ctx.world)[0]
    assert doc.lines == memo.lines and doc.shipping == memo.shipping > 0
    assert not [x for x in _engine(ctx).store.alerts() if x["kind"] == "manual_restock"]


# -- the adapter with a stub client ---------------------------------------------------------
def _note(**extra: Any) -> CreditNote:
    line = CreditLine(1, "A", "IT-A", Decimal("2.0000"), Decimal(10), Decimal(20), Decimal(4))
    fields: dict[str, Any] = {
        "creditmemo_id": 9,
        "increment_id": "000000009",
        "reference": "mage-default-CM000000009",
        "order_entity_id": 3,
        "order_increment_id": "000000003",
        "order_ref": "mage-default-000000003",
        "erp_order_id": "60001",
        "lines": (line,),
        "shipping": Decimal(5),
        "adjustment": Decimal(0),
        "grand_total": Decimal(30),
        "currency": "GBP",
        "customer_email": "a@example.test",
        **extra,
    }
    return CreditNote(**fields)


def _credits(rows: list[dict[str, Any]] | None = None) -> Sage200Credits:
    client: Any = SimpleNamespace(rows=lambda resource, params: rows or [])
    return Sage200Credits(client, None, nominal_code="4010", tax_code_id=4)


def test_the_body_analyses_lines_shipping_and_tax() -> None:
    body = _credits().body(_note(), {"customer_id": 30001, "document_no": "0000000007"})
    assert body["reference"] == "default-CM000000009"
    assert body["second_reference"] == "0000000007"
    assert [(i["code"], i["narrative"], i["value"]) for i in body["nominal_analysis_items"]] == [
        ("4010", "IT-A x 2", 20.0),
        ("4010", "Shipping", 5.0),
    ]
    assert (body["document_goods_value"], body["document_tax_value"]) == (25.0, 5.0)
    assert body["tax_analysis_items"] == [
        {"tax_code_id": 4, "goods_amount": 25.0, "tax_amount": 5.0}
    ]


def test_a_reference_longer_than_sage_keeps_is_refused_naming_the_field() -> None:
    with pytest.raises(MappingError, match="'reference'"):
        sage_reference(_note(reference="mage-a_long_store_code-CM000000009"))


def test_a_credit_of_no_goods_value_is_refused() -> None:
    note = _note(lines=(), shipping=Decimal(0), adjustment=Decimal(-5), grand_total=Decimal(-5))
    with pytest.raises(InvalidData, match="credit memo 000000009"):
        _credits().body(note, {"customer_id": 1, "document_no": "1"})


def test_the_lookup_keeps_exact_credit_notes_only() -> None:
    rows = [
        {"id": 1, "reference": "DEFAULT-CM000000009", "trader_transaction_type": "x CreditNote"},
        {"id": 2, "reference": "default-CM000000009", "trader_transaction_type": "Invoice"},
        {"id": 3, "reference": "default-CM000000009", "urn": 77,
         "trader_transaction_type": "TradingTransactionTypeCreditNote"},
    ]  # fmt: skip
    found = _credits(rows).find_credit(_note())
    assert found is not None and (found.remote_id, found.display) == ("3", "URN 77")
    assert _credits([]).find_credit(_note()) is None
