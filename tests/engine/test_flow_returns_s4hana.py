"""The returns flow on S/4HANA with Magento owning refunds, in-process against the Magento and
S/4HANA fakes: a credit memo request copied from the invoice per Magento credit memo, a
customer return (with a billing block) for the goods going back to stock, lookups that
recover lost answers, and waiting for the invoice."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from scenarios.context import Ctx
from scenarios.flowviews import returns as rv
from scenarios.flowviews.returns_erps import VIEWS
from sync_core.errors import InvalidData
from sync_core.flows.returns import ReturnsFlow, attach
from sync_core.flows.returns_model import CreditNote
from tests.engine.flow_helpers import engine_of as _engine
from tests.engine.flow_helpers import in_process

VIEW = VIEWS["s4hana"]


@pytest.fixture
def ctx() -> Iterator[Ctx]:
    with in_process("s4hana") as context:
        yield context


def _sku(ctx: Ctx, n: int = 0) -> str:
    return ctx.world.magento.ctx.dataset.products[n].sku


def _billed_order(ctx: Ctx, lines: list[tuple[str, int]]) -> dict[str, Any]:
    placed = ctx.place(1, lines=[{"sku": s, "qty": q} for s, q in lines])[0]
    ctx.cycles(3)
    VIEW.prepare(ctx.world, placed)
    ctx.cycles(2, step_s=300)  # the fulfilment flow ships it in Magento
    return placed


def _state(ctx: Ctx) -> dict[str, Any]:
    return ctx.world.erp_fake.state()


def _lose_first(ctx: Ctx, path: str) -> None:
    ctx.world.erp_fake.add_fault(
        {
            "id": f"lose-{path}",
            "target": {"method": "POST", "path": path},
            "effect": {"kind": "lose_response", "after": "timeout"},
            "trigger": {"calls": [1]},
        }
    )


def test_the_flow_attaches_for_s4hana(ctx: Ctx) -> None:
    assert isinstance(attach(_engine(ctx)), ReturnsFlow)


def test_a_partial_memo_becomes_one_request_copied_from_the_invoice(ctx: Ctx) -> None:
    sku_a, sku_b = _sku(ctx), _sku(ctx, 1)
    placed = _billed_order(ctx, [(sku_a, 3), (sku_b, 1)])
    rv.refund(ctx.world, int(placed["entity_id"]), [(sku_a, 2)], shipping=0)
    ctx.cycles(3)
    state = _state(ctx)
    (request,) = state["creditMemoRequests"]
    assert request["PurchaseOrderByCustomer"] == "mage-default-CM000000001"
    assert (request["CreditMemoRequestType"], request["HeaderBillingBlockReason"]) == ("CR", "08")
    invoice = next(d for d in state["billingDocuments"] if d["SDDocumentCategory"] == "M")
    assert request["ReferenceSDDocument"] == invoice["BillingDocument"]
    (item,) = request["items"]
    assert (item["Material"], Decimal(item["RequestedQuantity"])) == (sku_a, Decimal(2))
    assert state["customerReturns"] == []  # nothing went back to stock
    (doc,) = VIEW.credits(state)
    assert (doc.order, doc.lines) == (placed["increment_id"], {sku_a: Decimal(2)})


def test_restocked_lines_go_back_through_a_customer_return_once_despite_lost_answers(
    ctx: Ctx,
) -> None:
    sku = _sku(ctx)
    placed = _billed_order(ctx, [(sku, 3)])
    _lose_first(ctx, r"/A_CustomerReturn$")
    _lose_first(ctx, r"/A_CreditMemoRequest$")
    rv.refund(ctx.world, int(placed["entity_id"]), [(sku, 2)], shipping=0, restock=True)
    ctx.cycles(8)
    assert sum(f.hits for f in ctx.world.erp_fake.faults.active()) == 2
    state = _state(ctx)
    (returned,) = state["customerReturns"]
    assert (returned["CustomerReturnType"], returned["HeaderBillingBlockReason"]) == ("CBAR", "08")
    location = str(ctx.world.profile["locations"]["default"])
    assert VIEW.restocked(state) == {(placed["increment_id"], sku, location): Decimal(2)}
    assert len(state["creditMemoRequests"]) == 1
    number = returned["CustomerReturn"]
    plant, _, sloc = location.partition("/")
    before = _stock(state, sku, plant, sloc)
    ctx.world.erp_fake.event("receive_return", customer_return=number)
    assert _stock(_state(ctx), sku, plant, sloc) == before + 2


def _stock(state: dict[str, Any], material: str, plant: str, sloc: str) -> Decimal:
    return sum(
        (
            Decimal(r["quantity"])
            for r in state["stock"]
            if (r["material"], r["plant"], r["storage_location"]) == (material, plant, sloc)
        ),
        Decimal(0),
    )


def test_a_memo_waits_for_the_invoice_then_credits_once(ctx: Ctx) -> None:
    sku = _sku(ctx)
    placed = ctx.place(1, lines=[{"sku": sku, "qty": 2}])[0]
    ctx.cycles(3)
    rv.refund(ctx.world, int(placed["entity_id"]), [(sku, 1)], shipping=0)
    ctx.cycles(2)
    assert _state(ctx)["creditMemoRequests"] == []
    jobs = _engine(ctx).store.job_counts()
    assert jobs.get("pending", 0) + jobs.get("retry", 0) >= 1, jobs
    VIEW.prepare(ctx.world, placed)
    ctx.cycles(5, step_s=300)
    docs = VIEW.credits(_state(ctx))
    assert [(d.ref, d.lines) for d in docs] == [("mage-default-CM000000001", {sku: Decimal(1)})]


def test_two_memos_of_one_order_share_the_invoice_without_over_crediting(ctx: Ctx) -> None:
    sku = _sku(ctx)
    placed = _billed_order(ctx, [(sku, 3)])
    rv.refund(ctx.world, int(placed["entity_id"]), [(sku, 1)], shipping=0)
    ctx.cycles(3)
    rv.refund(ctx.world, int(placed["entity_id"]), [(sku, 2)], shipping=0)
    ctx.cycles(3)
    docs = sorted(VIEW.credits(_state(ctx)), key=lambda d: d.id)
    assert [d.lines[sku] for d in docs] == [Decimal(1), Decimal(2)]


def test_an_adjustment_is_refused_naming_the_memo(ctx: Ctx) -> None:
    adapter: Any = attach(_engine(ctx))
    note = CreditNote(
        creditmemo_id=1,
        increment_id="000000009",
        reference="mage-default-CM000000009",
        order_entity_id=1,
        order_increment_id="000000001",
        order_ref="mage-default-000000001",
        erp_order_id="1",
        lines=(),
        shipping=Decimal(0),
        adjustment=Decimal(5),
        grand_total=Decimal(5),
        currency="EUR",
        customer_email="a@example.test",
    )
    with pytest.raises(InvalidData, match="credit memo 000000009 of order 000000001"):
        adapter.erp.create_credit(note)
