"""Fulfilment failure modes: FM-S05 (partial shipments, an SAP-section id: SAP Business One
and S/4HANA) and FM-T05 (one delivery from two warehouses, on every ERP whose connector reads
deliveries).

The ERP operator ships through the per-ERP actions of :mod:`scenarios.flowviews.fulfilment`
(B1: a DeliveryNote copied from the order; S/4HANA: an outbound delivery with goods issue
posted; legacy: a shipment picked from two warehouses; ...). The verdict reads only the fakes'
state: the ERP's deliveries against Magento's shipments (items,
``extension_attributes.source_code``, tracks) and order items (``qty_shipped``):

* per order and SKU, Magento's shipped quantity equals what the ERP delivered, never more;
* per order, SKU and source, the quantity in Magento's shipments from that source equals what
  the ERP delivered from the warehouse mapped to it;
* (FM-T05) every tracking number the ERP recorded for the order is on a Magento shipment.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scenarios.catalog import scenario
from scenarios.context import Ctx
from scenarios.flowviews.fulfilment import Key, kinds, num, view_for

ERPS = ("sap-b1", "s4hana")
SPLIT_ERPS = ("sap-b1", "s4hana", "netsuite", "business-central", "sage200", "legacy")
HOOKS = {kind: (view_for(kind).deliver, view_for(kind).delivered) for kind in kinds()}


# -- the verdict ---------------------------------------------------------------------------------
def magento_shipped(ctx: Ctx) -> tuple[dict[Key, Decimal], dict[tuple[str, str], Decimal]]:
    """Per (increment, sku, source) the quantity in Magento's shipments, and per (increment,
    sku) the order items' ``qty_shipped``."""
    state = ctx.world.magento.state()
    increments = {int(o["entity_id"]): str(o["increment_id"]) for o in state["orders"]}
    by_source: dict[Key, Decimal] = {}
    for doc in state["shipments"]:
        source = str((doc.get("extension_attributes") or {}).get("source_code") or "default")
        increment = increments.get(int(doc["order_id"]), "?")
        for item in doc.get("items") or []:
            key = (increment, str(item["sku"]), source)
            by_source[key] = by_source.get(key, Decimal(0)) + num(item["qty"])
    items: dict[tuple[str, str], Decimal] = {}
    for order in state["orders"]:
        for item in order["items"]:
            if item.get("parent_item_id"):
                continue
            pair = (str(order["increment_id"]), str(item["sku"]))
            items[pair] = items.get(pair, Decimal(0)) + num(item.get("qty_shipped"))
    return by_source, items


def judge_shipments(ctx: Ctx, placed: list[dict[str, Any]]) -> list[str]:
    delivered = view_for(ctx.world.erp).delivered(ctx)
    by_source, items = magento_shipped(ctx)
    ours = {str(p["increment_id"]) for p in placed}
    evidence: list[str] = []
    totals: dict[tuple[str, str], Decimal] = {}
    for (increment, sku, _), qty in delivered.items():
        totals[(increment, sku)] = totals.get((increment, sku), Decimal(0)) + qty
    for pair in sorted(set(totals) | {k for k in items if items[k]}):
        increment, sku = pair
        if increment not in ours:
            continue
        erp, mage = totals.get(pair, Decimal(0)), items.get(pair, Decimal(0))
        if mage > erp:
            evidence.append(
                f"order {increment}: {sku} over-shipped: ERP delivered {erp:f} but Magento "
                f"shows {mage:f} shipped"
            )
        elif mage < erp:
            evidence.append(
                f"order {increment}: {sku} ERP delivered {erp:f} but Magento shows {mage:f} shipped"
            )
    for triple in sorted(set(delivered) | set(by_source)):
        increment, sku, source = triple
        erp, mage = delivered.get(triple, Decimal(0)), by_source.get(triple, Decimal(0))
        if (
            increment in ours
            and erp != mage
            and totals.get((increment, sku)) == items.get((increment, sku))
        ):
            evidence.append(
                f"order {increment}: {sku} from source {source}: ERP delivered {erp:f}, "
                f"Magento shipments from {source} carry {mage:f}"
            )
    return evidence


def _products(ctx: Ctx, count: int) -> list[str]:
    return [p.sku for p in ctx.world.magento.ctx.dataset.products[:count]]


def _lose_ship_answers(ctx: Ctx, calls: list[int]) -> None:
    ctx.world.magento.add_fault(
        {
            "id": "lose-ship",
            "target": {"method": "POST", "path": r".*/V1/order/\d+/ship/?$"},
            "effect": {"kind": "lose_response", "after": "timeout"},
            "trigger": {"calls": calls},
        }
    )


@scenario(
    "FM-S05",
    "Partial shipment handling",
    ERPS,
    harm="the ERP ships part of an order and the rest later, from another warehouse; Magento "
    "never hears (the customer sees nothing shipped), or a retried or re-read delivery ships "
    "twice, or the whole order is marked shipped after the first part",
    invariant="per order and SKU Magento's shipped quantity equals the ERP's delivered "
    "quantity (never more), each Magento shipment from the source mapped to the ERP "
    "warehouse; a lost answer to the shipment POST does not make a second shipment",
)
def partial_shipments(ctx: Ctx) -> list[str]:
    deliver = view_for(ctx.world.erp).deliver
    sku_a, sku_b, sku_c = _products(ctx, 3)
    first = ctx.place(1, lines=[{"sku": sku_a, "qty": 3}, {"sku": sku_b, "qty": 2}])[0]
    second = ctx.place(1, lines=[{"sku": sku_c, "qty": 2}])[0]
    ctx.cycles(4)
    _lose_ship_answers(ctx, [1])  # the first shipment is made, its answer lost
    deliver(ctx, first, [(sku_a, 1, "default")])
    deliver(ctx, second, [(sku_c, 2, "default")])
    ctx.cycles(12)
    deliver(ctx, first, [(sku_a, 2, "wh-north"), (sku_b, 2, "wh-north")])
    ctx.cycles(12)
    ctx.metrics["ship_answers_lost"] = sum(f.hits for f in ctx.world.magento.faults.active())
    return judge_shipments(ctx, [first, second])


def judge_tracking(ctx: Ctx, placed: dict[str, Any]) -> list[str]:
    """Every tracking number the ERP recorded for the order is on one of its shipments."""
    increment = str(placed["increment_id"])
    wanted = view_for(ctx.world.erp).tracked(ctx).get(increment, set())
    carried = {
        str(track.get("track_number"))
        for s in ctx.world.magento.state()["shipments"]
        if int(s["order_id"]) == int(placed["entity_id"])
        for track in s.get("tracks") or []
    }
    return [
        f"order {increment}: ERP tracking number {number} is on no Magento shipment"
        for number in sorted(wanted - carried)
    ]


@scenario(
    "FM-T05",
    "One delivery from two warehouses",
    SPLIT_ERPS,
    harm="a single ERP delivery whose lines leave from two warehouses becomes one Magento "
    "shipment from one source (or none): the wrong source is deducted, the order may be "
    "over-shipped, the tracking number is lost",
    invariant="one Magento shipment per delivery per source, each with the source mapped to "
    "its warehouse and exactly the quantities that left from it (never more), carrying the "
    "ERP's tracking numbers",
)
def warehouse_split(ctx: Ctx) -> list[str]:
    deliver = view_for(ctx.world.erp).deliver
    sku_a, sku_b = _products(ctx, 2)
    order = ctx.place(1, lines=[{"sku": sku_a, "qty": 2}, {"sku": sku_b, "qty": 1}])[0]
    ctx.cycles(4)
    deliver(
        ctx, order, [(sku_a, 2, "default"), (sku_b, 1, "wh-north")], tracking="1Z999AA10123456784"
    )
    ctx.cycles(12)
    evidence = judge_shipments(ctx, [order])
    sources = sorted(
        str((s.get("extension_attributes") or {}).get("source_code"))
        for s in ctx.world.magento.state()["shipments"]
        if int(s["order_id"]) == int(order["entity_id"])
    )
    if not evidence and sources != ["default", "wh-north"]:
        evidence.append(
            f"order {order['increment_id']}: expected one shipment from default and one from "
            f"wh-north, Magento has {sources}"
        )
    return evidence + judge_tracking(ctx, order)
