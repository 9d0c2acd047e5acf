"""The returns flow: mapping Magento credit memos for the ERP (unit), and the flow in-process
against the Magento and NetSuite fakes, both directions."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.flowviews import returns as rv
from scenarios.flowviews.returns_erps import ERP_OWNED, VIEWS
from sync_core.config import FlowSettings, MappingConfig
from sync_core.connectors.magento.returns import return_to_stock
from sync_core.connectors.netsuite.returns import InvoiceLine, _allocate
from sync_core.engine import Engine
from sync_core.errors import InvalidData, MappingError
from sync_core.flows.returns import ReturnsFlow, attach
from sync_core.flows.returns_map import CreditMapper, shipped_from
from sync_core.flows.returns_model import ErpCredit, ErpCreditLine, reference
from sync_core.flows.returns_reverse import ReverseReturnsFlow, refund_items
from tests.engine.flow_helpers import engine_of as _engine
from tests.engine.flow_helpers import in_process

ORDER: dict[str, Any] = {
    "entity_id": 7,
    "increment_id": "000000007",
    "customer_email": "a@example.test",
    "order_currency_code": "GBP",
    "items": [
        {"item_id": 1, "sku": "A", "price": 10.0, "qty_invoiced": 3, "qty_refunded": 1},
        {"item_id": 2, "sku": "CONF", "price": 20.0, "qty_invoiced": 2, "qty_refunded": 0},
        {"item_id": 3, "sku": "CONF-RED", "price": 0.0, "parent_item_id": 2},
    ],
}
BINDING = {"remote_id": "55", "external_ref": "mage-default-000000007"}
SHIPMENTS = [
    {
        "entity_id": 2,
        "extension_attributes": {"source_code": "wh-north"},
        "items": [{"order_item_id": 1}],
    },
    {"entity_id": 3, "items": [{"order_item_id": 2}]},
]


def memo(**extra: Any) -> dict[str, Any]:
    return {
        "entity_id": 9,
        "increment_id": "000000003",
        "order_id": 7,
        "shipping_amount": 5.0,
        "adjustment": 0.0,
        "grand_total": 35.0,
        "items": [
            {"order_item_id": 1, "qty": 1, "row_total": 10.0, "tax_amount": 2.0},
            {"order_item_id": 2, "qty": 1, "row_total": 20.0, "tax_amount": 0.0},
            {"order_item_id": 3, "qty": 1, "row_total": 0.0, "tax_amount": 0.0},
            {"order_item_id": 1, "qty": 0, "row_total": 0.0},
        ],
        **extra,
    }


def mapper(policy: str = "magento", **locations: str) -> CreditMapper:
    mapping = MappingConfig(items={"A": "ITEM-A"}, locations=locations or {"wh-north": "2"})
    return CreditMapper(mapping, policy)


# -- unit: reading Magento ---------------------------------------------------------------------
def test_return_to_stock_reads_the_extension_attribute_and_item_flags() -> None:
    assert return_to_stock(memo()) is None
    listed = memo(extension_attributes={"return_to_stock_items": [1, "2"]})
    assert return_to_stock(listed) == {1, 2}
    flagged = memo()
    flagged["items"][0]["back_to_stock"] = True
    flagged["items"][1]["extension_attributes"] = {"back_to_stock": 0}
    assert return_to_stock(flagged) == {1}


def test_shipped_from_takes_the_first_shipment_and_defaults_the_source() -> None:
    assert shipped_from(SHIPMENTS) == {1: "wh-north", 2: "default"}


# -- unit: the mapping -------------------------------------------------------------------------
def test_lines_skip_children_and_zero_quantities_and_map_item_codes() -> None:
    note = mapper().note(memo(), ORDER, SHIPMENTS, "default", BINDING)
    assert [(x.sku, x.item_code, x.qty, x.price) for x in note.lines] == [
        ("A", "ITEM-A", Decimal(1), Decimal("10.0")),
        ("CONF", "CONF", Decimal(1), Decimal("20.0")),
    ]
    assert note.reference == reference("default", "000000003") == "mage-default-CM000000003"
    assert (note.erp_order_id, note.shipping, note.label) == (
        "55",
        Decimal("5.0"),
        "credit memo 000000003 of order 000000007",
    )
    assert note.restocked == ()


def test_restock_follows_the_memo_to_the_mapped_warehouse() -> None:
    listed = memo(extension_attributes={"return_to_stock_items": [1]})
    note = mapper().note(listed, ORDER, SHIPMENTS, "default", BINDING)
    assert [(x.sku, x.location) for x in note.restocked] == [("A", "2")]


def test_restock_policies_always_and_never() -> None:
    always = mapper("always", **{"wh-north": "2", "default": "1"})
    note = always.note(memo(), ORDER, SHIPMENTS, "default", BINDING)
    assert [(x.sku, x.location) for x in note.restocked] == [("A", "2"), ("CONF", "1")]
    listed = memo(extension_attributes={"return_to_stock_items": [1]})
    assert mapper("never").note(listed, ORDER, SHIPMENTS, "default", BINDING).restocked == ()


def test_an_unmapped_source_is_refused_naming_the_memo_and_order() -> None:
    listed = memo(extension_attributes={"return_to_stock_items": [2]})
    with pytest.raises(MappingError, match="credit memo 000000003 of order 000000007.*'default'"):
        mapper().note(listed, ORDER, SHIPMENTS, "default", BINDING)


def test_a_line_of_another_order_is_refused() -> None:
    bad = memo(items=[{"order_item_id": 99, "qty": 1}])
    with pytest.raises(MappingError, match=r"items\[0\].order_item_id"):
        mapper().note(bad, ORDER, SHIPMENTS, "default", BINDING)


# -- unit: NetSuite invoice lines and the reverse mapping ---------------------------------------
def test_netsuite_allocation_spreads_over_invoice_lines_or_refuses() -> None:
    lines = [InvoiceLine("5", 1, "10", Decimal(1)), InvoiceLine("5", 2, "10", Decimal(2))]
    assert _allocate(lines, [("10", Decimal(2))]) == [
        {"orderLine": 1, "quantity": 1.0},
        {"orderLine": 2, "quantity": 1.0},
    ]
    assert _allocate(lines, [("10", Decimal(4))]) is None


def test_reverse_refund_items_cap_at_what_is_left_to_refund() -> None:
    credit = ErpCredit("1", "CM1", "55", None, (ErpCreditLine("A", Decimal(2)),), Decimal(0), "")
    assert refund_items(ORDER, credit) == [{"order_item_id": 1, "qty": 2.0}]
    over = ErpCredit("1", "CM1", "55", None, (ErpCreditLine("A", Decimal(3)),), Decimal(0), "")
    with pytest.raises(InvalidData, match="CM1 \\(order 000000007\\): A x 3"):
        refund_items(ORDER, over)


# -- in-process against the fakes -----------------------------------------------------------
@pytest.fixture
def ctx() -> Iterator[Ctx]:
    with in_process("netsuite") as context:
        yield context


def _billed_order(ctx: Ctx, skus: list[tuple[str, int]]) -> dict[str, Any]:
    placed = ctx.place(1, lines=[{"sku": s, "qty": q} for s, q in skus])[0]
    ctx.cycles(3)
    VIEWS["netsuite"].prepare(ctx.world, placed)
    ctx.cycles(2, step_s=300)  # the fulfilment flow ships it in Magento from ``default``
    return placed


def test_attach_follows_the_profile(ctx: Ctx) -> None:
    engine = _engine(ctx)
    assert isinstance(attach(engine), ReturnsFlow)
    config = engine.config
    config.flows["returns"] = FlowSettings(source_of_truth="erp")
    assert isinstance(attach(engine), ReverseReturnsFlow)
    config.flows["returns"] = FlowSettings(enabled=False)
    assert attach(engine) is None


def test_a_memo_waits_for_the_erp_invoice_then_credits_once(ctx: Ctx) -> None:
    sku = ctx.world.magento.ctx.dataset.products[0].sku
    placed = ctx.place(1, lines=[{"sku": sku, "qty": 2}])[0]
    ctx.cycles(3)
    rv.refund(ctx.world, int(placed["entity_id"]), [(sku, 1)], shipping=0)
    ctx.cycles(2)
    assert VIEWS["netsuite"].credits(ctx.world.erp_fake.state()) == []
    jobs = _engine(ctx).store.job_counts()
    assert jobs.get("pending", 0) + jobs.get("retry", 0) >= 1, jobs
    VIEWS["netsuite"].prepare(ctx.world, placed)
    ctx.cycles(5, step_s=300)
    docs = VIEWS["netsuite"].credits(ctx.world.erp_fake.state())
    assert [(d.ref, d.lines) for d in docs] == [("mage-default-CM000000001", {sku: Decimal(1)})]


def test_an_unmapped_return_source_is_dead_lettered_naming_the_memo(ctx: Ctx) -> None:
    sku = ctx.world.magento.ctx.dataset.products[0].sku
    placed = _billed_order(ctx, [(sku, 2)])
    del ctx.world.profile["locations"]["default"]
    ctx.connector.close()
    ctx.connector = BuiltinConnector(ctx.world)
    rv.refund(ctx.world, int(placed["entity_id"]), [(sku, 1)], shipping=0, restock=True)
    ctx.cycles(3)
    dead = [d for d in ctx.connector.quarantined() or [] if "creditmemo" in d["entity"]]
    assert len(dead) == 1
    assert "credit memo 000000001 of order 000000001" in dead[0]["reason"]
    assert dead[0]["reason_class"] == "mapping"


@pytest.fixture(params=sorted(ERP_OWNED))
def any_erp(request: pytest.FixtureRequest) -> Iterator[Ctx]:
    with in_process(str(request.param)) as context:
        yield context


def _erp_owned(ctx: Ctx) -> None:
    """Restart the engine with ``flows.returns.source_of_truth: erp``."""
    config = _engine(ctx).config
    config.flows["returns"] = FlowSettings(source_of_truth="erp")
    ctx.connector.close()
    connector = BuiltinConnector(ctx.world)
    connector.engine.close()
    connector.config = config
    connector.engine = Engine(config, clock=ctx.world.clock, session=connector.session)
    ctx.connector = connector


def test_erp_owned_refunds_become_one_magento_memo_despite_a_lost_answer(any_erp: Ctx) -> None:
    ctx = any_erp
    prepare, credit = ERP_OWNED[ctx.world.erp]
    sku = ctx.world.magento.ctx.dataset.products[0].sku
    placed = ctx.place(1, lines=[{"sku": sku, "qty": 3}])[0]
    ctx.cycles(3)
    prepare(ctx.world, placed)
    ctx.cycles(2, step_s=300)
    assert isinstance(attach(_engine(ctx)), ReturnsFlow)  # Magento-owned refunds: the default
    _erp_owned(ctx)
    credit(ctx.world, placed, sku, 2)
    ctx.world.magento.add_fault(
        {
            "id": "lose-refund",
            "target": {"method": "POST", "path": r".*/V1/order/\d+/refund/?$"},
            "effect": {"kind": "lose_response", "after": "timeout"},
            "trigger": {"calls": [1]},
        }
    )
    ctx.cycles(6, step_s=120)
    memos = [m for m in rv.memos(ctx.world) if m.order == placed["increment_id"]]
    assert [(m.lines, m.shipping) for m in memos] == [({sku: Decimal(2)}, Decimal(0))]
    assert sum(f.hits for f in ctx.world.magento.faults.active()) == 1
