"""FM-T04, refunds and credit notes: Magento credit memos (one full, one partial with goods
returned to stock) become exactly one ERP credit note each, linked to the exported order, with
the memo's lines, quantities and shipping, and the returned goods back in the ERP warehouse
mapped from the Magento source they left from; the first answer to the ERP's credit-note create
is lost after the ERP committed it. Where the ERP's API cannot move goods into stock (Sage 200:
no SOP return or stock adjustment write), the returned goods must instead be handed to a person
as an alert naming the memo's SKU, quantity and warehouse, and the ERP must show no movement.

The verdict reads only the fakes' state (:mod:`scenarios.flowviews.returns` and, per ERP,
:mod:`scenarios.flowviews.returns_erps`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scenarios.catalog import scenario
from scenarios.context import Ctx
from scenarios.flowviews import returns as rv
from scenarios.flowviews.returns_erps import VIEWS
from sync_core.flows.returns_model import reference

ERPS = ("netsuite", "business-central", "sap-b1", "legacy", "s4hana", "sage200")


def _skus(ctx: Ctx, count: int) -> list[str]:
    return [p.sku for p in ctx.world.magento.ctx.dataset.products[:count]]


def _ship_rest(ctx: Ctx, placed: dict[str, Any]) -> None:
    """Ship from ``default`` whatever the ERP's fulfilment did not ship in Magento."""
    order = rv.magento(ctx.world, "GET", f"/orders/{placed['entity_id']}")
    if any(rv.num(i.get("qty_shipped")) < rv.num(i.get("qty_ordered")) for i in order["items"]):
        rv.ship(ctx.world, int(placed["entity_id"]))


def _sources(ctx: Ctx, entity_id: int) -> dict[str, str]:
    """SKU -> the Magento source it was shipped from."""
    found: dict[str, str] = {}
    for doc in ctx.world.magento.state()["shipments"]:
        if int(doc["order_id"]) != entity_id:
            continue
        source = str((doc.get("extension_attributes") or {}).get("source_code") or "default")
        for item in doc.get("items") or []:
            found.setdefault(str(item["sku"]), source)
    return found


def _lose_credit_answers(ctx: Ctx) -> None:
    for n, (method, path) in enumerate(VIEWS[ctx.world.erp].credit_writes):
        ctx.world.erp_fake.add_fault(
            {
                "id": f"lose-credit-{n}",
                "target": {"method": method, "path": path},
                "effect": {"kind": "lose_response", "after": "timeout"},
                "trigger": {"calls": [1]},
            }
        )


@scenario(
    "FM-T04",
    "Refunds and credit notes",
    ERPS,
    harm="a Magento refund is credited in the ERP twice (a lost answer, or a script that "
    "re-sends every memo), or for the whole order when only some lines were refunded, or the "
    "returned goods never reach the ERP's warehouse",
    invariant="exactly one ERP credit note per Magento credit memo, linked to the order, with "
    "the memo's lines, quantities and shipping; restocked goods returned to the ERP warehouse "
    "mapped from the Magento source they were shipped from",
)
def refunds(ctx: Ctx) -> list[str]:
    view = VIEWS[ctx.world.erp]
    sku_a, sku_b, sku_c = _skus(ctx, 3)
    full = ctx.place(1, lines=[{"sku": sku_a, "qty": 2}, {"sku": sku_b, "qty": 1}])[0]
    part = ctx.place(1, lines=[{"sku": sku_c, "qty": 3}, {"sku": sku_a, "qty": 1}])[0]
    ctx.cycles(3)
    for placed in (full, part):
        view.prepare(ctx.world, placed)
    ctx.cycles(3)
    for placed in (full, part):
        _ship_rest(ctx, placed)
    _lose_credit_answers(ctx)
    rv.refund(ctx.world, int(full["entity_id"]))
    rv.refund(ctx.world, int(part["entity_id"]), [(sku_c, 2)], shipping=0, restock=True)
    ctx.cycles(12)
    ctx.metrics["credit_answers_lost"] = sum(f.hits for f in ctx.world.erp_fake.faults.active())
    memos = rv.memos(ctx.world)
    refs = {m.entity_id: reference("default", m.increment_id) for m in memos}
    state = ctx.world.erp_fake.state()
    source = _sources(ctx, int(part["entity_id"])).get(sku_c, "default")
    location = str(ctx.world.profile["locations"].get(source, f"?{source}"))
    expected = {(str(part["increment_id"]), sku_c, location): Decimal(2)}
    evidence = rv.judge_credits(memos, view.credits(state), refs)
    if not view.restocks:
        alerts = ctx.connector.alerts() or []
        handed = rv.judge_restock_handed_over(expected, alerts)
        return evidence + handed + rv.judge_restock({}, view.restocked(state))
    return evidence + rv.judge_restock(expected, view.restocked(state))
