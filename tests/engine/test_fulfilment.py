"""The fulfilment flow (ERP deliveries -> Magento shipments) against the fakes, in-process.

Orders are exported by the engine itself; the ERP operator then delivers through the fakes'
``deliver`` event, and the flow is run directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from scenarios.catalog.sap_fulfilment import HOOKS
from scenarios.context import Ctx
from sync_core.flows.fulfilment import ENTITY, marker, plan_items
from sync_core.fulfilment_model import Shipment, ShipmentLine
from tests.engine.fulfilment_helpers import exported as _exported
from tests.engine.fulfilment_helpers import flow as _flow
from tests.engine.fulfilment_helpers import skus as _skus
from tests.engine.fulfilment_helpers import world

ERPS = ["sap-b1", "s4hana"]


@pytest.fixture(params=ERPS)
def ctx(request: pytest.FixtureRequest) -> Iterator[Ctx]:
    with world(str(request.param)) as context:
        yield context


def _deliver(ctx: Ctx, order: dict[str, Any], lines: list[tuple[str, int, str]]) -> None:
    HOOKS[ctx.world.erp][0](ctx, order, lines)


def _shipments(ctx: Ctx, order: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s
        for s in ctx.world.magento.state()["shipments"]
        if int(s["order_id"]) == int(order["entity_id"])
    ]


def _shipped(ctx: Ctx, order: dict[str, Any]) -> dict[str, float]:
    (found,) = [
        o for o in ctx.world.magento.state()["orders"] if o["entity_id"] == order["entity_id"]
    ]
    return {str(i["sku"]): float(i["qty_shipped"]) for i in found["items"]}


def test_partial_delivery_ships_only_what_left(ctx: Ctx) -> None:
    a, b = _skus(ctx, 2)
    order = _exported(ctx, [(a, 3), (b, 2)])
    _deliver(ctx, order, [(a, 1, "default")])
    result = _flow(ctx).run()
    assert result.shipped == 1 and not result.excess and not result.problems
    assert _shipped(ctx, order) == {a: 1.0, b: 0.0}
    (shipment,) = _shipments(ctx, order)
    assert shipment["extension_attributes"]["source_code"] == "default"
    assert "[erp-delivery " in shipment["comments"][0]["comment"]
    _deliver(ctx, order, [(a, 2, "wh-north"), (b, 2, "wh-north")])
    assert _flow(ctx).run().shipped == 1
    assert _shipped(ctx, order) == {a: 3.0, b: 2.0}
    sources = [s["extension_attributes"]["source_code"] for s in _shipments(ctx, order)]
    assert sources == ["default", "wh-north"]


def test_one_delivery_from_two_warehouses_makes_two_shipments(ctx: Ctx) -> None:
    a, b = _skus(ctx, 2)
    order = _exported(ctx, [(a, 2), (b, 1)])
    _deliver(ctx, order, [(a, 2, "default"), (b, 1, "wh-north")])
    assert _flow(ctx).run().shipped == 2
    docs = {
        s["extension_attributes"]["source_code"]: {i["sku"]: i["qty"] for i in s["items"]}
        for s in _shipments(ctx, order)
    }
    assert docs == {"default": {a: 2.0}, "wh-north": {b: 1.0}}


def test_rerun_and_lost_binding_never_ship_twice(ctx: Ctx) -> None:
    (a,) = _skus(ctx, 1)
    order = _exported(ctx, [(a, 3)])
    _deliver(ctx, order, [(a, 1, "default")])
    flow = _flow(ctx)
    assert flow.run().shipped == 1
    again = flow.run()
    assert again.shipped == 0 and again.already >= 1
    # the bindings are lost (a restored store, a replayed delivery): the marker in
    # Magento's shipment comment still says it was shipped
    store = ctx.connector.engine.store  # type: ignore[attr-defined]
    from sync_core.store import bindings

    with store.tx() as conn:
        conn.execute(bindings.delete().where(bindings.c.entity == ENTITY))
    store.set_cursor("fulfilment.since", "", ctx.world.clock.now())
    replay = flow.run()
    assert replay.shipped == 0 and replay.already == 1
    assert len(_shipments(ctx, order)) == 1
    assert _shipped(ctx, order) == {a: 1.0}


def test_over_shipment_is_capped_and_alerted(ctx: Ctx) -> None:
    (a,) = _skus(ctx, 1)
    order = _exported(ctx, [(a, 3)])
    flow = _flow(ctx)
    # someone ships 2 by hand in the Magento admin first
    item_id = flow.magento.get_order(int(order["entity_id"]))["items"][0]["item_id"]
    items = [{"order_item_id": item_id, "qty": 2}]
    flow.magento.ship(int(order["entity_id"]), items, [], "default", "by hand")
    _deliver(ctx, order, [(a, 3, "default")])
    result = flow.run()
    assert result.shipped == 1
    assert result.excess == [
        f"delivery {_doc(ctx)}: {a}: delivered 3 but Magento had only 1 left to ship"
    ]
    alerts = flow.store.alerts()
    assert any(x["kind"] == "over_shipment" and a in x["message"] for x in alerts)
    assert [s["total_qty"] for s in _shipments(ctx, order)] == [2.0, 1.0]
    assert _shipped(ctx, order) == {a: 3.0}
    # the same delivery read again: nothing more, and no second alert
    assert flow.run().shipped == 0
    assert len([x for x in flow.store.alerts() if x["kind"] == "over_shipment"]) == 1


def _doc(ctx: Ctx) -> str:
    state = ctx.world.erp_fake.state()
    if ctx.world.erp == "sap-b1":
        return str(state["DeliveryNotes"][-1]["DocEntry"])
    return str(state["deliveries"][-1]["DeliveryDocument"])


def test_plan_items_prefers_the_parent_and_caps() -> None:
    order = {
        "items": [
            {"item_id": 1, "sku": "TEE-S", "qty_ordered": 2, "qty_shipped": 0},
            {"item_id": 2, "sku": "TEE-S", "qty_ordered": 2, "qty_shipped": 0, "parent_item_id": 1},
            {"item_id": 3, "sku": "PART", "qty_ordered": 1, "qty_shipped": 0, "parent_item_id": 9},
        ]
    }

    def line(sku: str, qty: int) -> ShipmentLine:
        return ShipmentLine(sku=sku, item_code=sku, qty=Decimal(qty), location="01")

    plan, excess = plan_items(order, [line("TEE-S", 3), line("PART", 1), line("NOPE", 1)])
    assert plan == {1: Decimal(2), 3: Decimal(1)}
    assert excess == [
        "TEE-S: delivered 3 but Magento had only 2 left to ship",
        "NOPE: delivered 1 but the Magento order has no such item",
    ]


def test_marker_and_model() -> None:
    shipment = Shipment(
        system="sap-b1",
        erp_document_id="7",
        external_ref="mage-default-000000001",
        lines=[
            ShipmentLine(sku="A", item_code="A", qty=Decimal(1), location="01"),
            ShipmentLine(sku="B", item_code="B", qty=Decimal(1), location="02"),
            ShipmentLine(sku="C", item_code="C", qty=Decimal(1), location="01"),
        ],
    )
    assert shipment.locations() == ["01", "02"]
    assert marker("sap-b1", "7", "default") == "[erp-delivery sap-b1:7@default]"
