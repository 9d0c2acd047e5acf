"""NetSuite failure modes (FM-N*).

FM-N01 and FM-N03 are about the order mapping's extra body fields, which the builtin connector
takes from ``erp.options`` (``order_fields``, a JSON object; see
:mod:`sync_core.connectors.netsuite.connector`) and the naive script from the same
``erp_settings`` of the world. FM-N01 ends with the operator's fix (the mapping gains the field,
the dead letters are replayed); connectors with no engine to rebuild or dead letters to replay
are judged on the end state alone.
"""

from __future__ import annotations

import json
from typing import Any

from scenarios.catalog import scenario
from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.views import ErpOrder, MagentoOrder, erp_orders, magento_orders
from sync_core.engine import Engine

CHANNEL = "custbody_sales_channel"
CHANNEL_VALUE = "web"
CHANNEL_SETTINGS = {"order_fields": json.dumps({CHANNEL: CHANNEL_VALUE})}
APPROVAL_WAIT_S = 6 * 3600


# -- helpers ------------------------------------------------------------------------------------
def field_fault(name: str) -> dict[str, Any]:
    return {
        "id": name,
        "effect": {
            "kind": "vendor",
            "name": name,
            "params": {"record": "salesOrder", "field": CHANNEL},
        },
    }


def fix_mapping(ctx: Ctx, settings: dict[str, str]) -> None:
    """The operator's fix: the deployment's ERP settings gain ``settings``; the builtin engine
    is rebuilt with them (same durable store), as a redeploy would."""
    merged = {**dict(ctx.world.connector_options.get("erp_settings") or {}), **settings}
    ctx.world.connector_options["erp_settings"] = merged
    cut = ctx.connector
    if not isinstance(cut, BuiltinConnector):
        return
    erp = cut.config.erp
    cut.config = cut.config.model_copy(
        update={"erp": erp.model_copy(update={"options": {**erp.options, **merged}})}
    )
    cut.engine.close()
    cut.engine = Engine(
        cut.config, clock=ctx.world.clock, session=cut.session, name=cut.worker_name
    )


def replay_dead_letters(ctx: Ctx) -> int:
    """Replay every open dead letter, where the connector under test keeps them."""
    store = getattr(getattr(ctx.connector, "engine", None), "store", None)
    if store is None:
        return 0
    now = ctx.world.clock.now()
    return sum(bool(store.replay(d["id"], now)) for d in store.open_dead_letters())


def copies(ctx: Ctx) -> dict[str, tuple[MagentoOrder, list[tuple[ErpOrder, dict[str, Any]]]]]:
    """Magento orders by increment id, with the ERP orders (view and raw record) naming each."""
    state = ctx.world.erp_fake.state()
    raw = {str(r["id"]): r for r in state.get("salesOrders", [])}
    views = erp_orders(ctx.world.erp, state)
    found: dict[str, tuple[MagentoOrder, list[tuple[ErpOrder, dict[str, Any]]]]] = {}
    for order in magento_orders(ctx.world.magento.state()):
        names = order.references() | {order.increment_id}
        found[order.increment_id] = (
            order,
            [(v, raw.get(v.id, {})) for v in views if v.refs & names],
        )
    return found


def held_for(ctx: Ctx, order: dict[str, Any]) -> list[dict[str, Any]] | None:
    return ctx.held(int(order["entity_id"]))


def judge_held_as_drift(ctx: Ctx, placed: list[dict[str, Any]]) -> list[str]:
    """Each of these orders is quarantined as schema drift with a reason naming the field."""
    evidence = []
    for order in placed:
        held = held_for(ctx, order)
        if held is None:
            continue
        drift = [q for q in held if q["reason_class"] == "schema_drift"]
        if not drift:
            evidence.append(
                f"order {order['increment_id']} was not quarantined as schema_drift: {held}"
            )
        elif not any(CHANNEL in str(q["reason"]) for q in drift):
            evidence.append(
                f"the quarantine of order {order['increment_id']} does not name {CHANNEL}: "
                f"{drift[0]['reason']!r}"
            )
    return evidence


@scenario(
    "FM-N05",
    "Duplicate external ids across stores",
    ("netsuite",),
    harm="an upsert by bare increment id overwrites another store's order, or two ERP "
    "orders carry the same ambiguous reference",
    invariant="external ids namespaced per store; no order overwritten",
)
def duplicate_external_ids(ctx: Ctx) -> list[str]:
    for n in range(3):
        increment = f"{700000001 + n}"
        ctx.place(1, store_code="default", increment_id=increment)
        ctx.place(1, store_code="eu", increment_id=increment)
    ctx.place(2, store_code="eu")
    ctx.cycles(15)
    return ctx.judge_orders()


@scenario(
    "FM-N04",
    "Inventory-location mismatch",
    ("netsuite",),
    harm="stock of every location lands in one Magento source, or in the wrong one",
    invariant="per-location stock maps to the right source; unmapped locations reported",
)
def location_mismatch(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    locations = list(ctx.world.profile["locations"].values())
    for n, product in enumerate(ctx.world.magento.ctx.dataset.products[:4]):
        for k, location in enumerate(locations):
            ctx.support.set_stock(erp, product.sku, location, 10 + 30 * k + n)
    ctx.cycles(8, step_s=300)
    return ctx.judge_stock()


@scenario(
    "FM-N01",
    "Required-field change",
    ("netsuite",),
    harm="an administrator makes a sales-order field mandatory; every write fails and the "
    "orders are lost silently",
    invariant="orders quarantined as schema_drift naming the field, with an alert; after the "
    "mapping fix and a replay every order is in NetSuite exactly once, with the field set",
)
def required_field_change(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    ctx.place(2)
    ctx.cycles(3)
    erp.add_fault(field_fault("mandatory_field"))
    after = ctx.place(3)
    ctx.cycles(5)
    evidence = judge_held_as_drift(ctx, after)
    alerts = ctx.connector.alerts()
    if alerts is not None and not any(a["kind"] == "dead_letters" for a in alerts):
        evidence.append("orders were quarantined and no dead_letters alert was raised")
    fix_mapping(ctx, CHANNEL_SETTINGS)
    ctx.metrics["replayed"] = replay_dead_letters(ctx)
    ctx.cycles(5)
    evidence += ctx.judge_orders()
    found = copies(ctx)
    for order in after:
        for view, raw in found[str(order["increment_id"])][1]:
            if raw.get(CHANNEL) != CHANNEL_VALUE:
                evidence.append(
                    f"order {order['increment_id']} is in netsuite as {view.label} without "
                    f"{CHANNEL} = {CHANNEL_VALUE!r}"
                )
    return evidence


@scenario(
    "FM-N02",
    "Workflow approval blocks",
    ("netsuite",),
    harm="orders wait in Pending Approval for hours; nobody is told, the customer waits",
    invariant="every order held in approval past the threshold (4 h) is alerted by name; none "
    "is reported as fulfilled",
)
def approval_blocks(ctx: Ctx) -> list[str]:
    ctx.world.erp_fake.add_fault(
        {"id": "approval", "effect": {"kind": "vendor", "name": "pending_approval"}}
    )
    placed = ctx.place(3)
    ctx.cycles(int(APPROVAL_WAIT_S / 600), step_s=600)
    evidence = ctx.judge_orders()
    magento = ctx.world.magento.state()
    shipped = {int(s.get("order_id") or 0) for s in magento.get("shipments", [])}
    states = {int(o["entity_id"]): str(o.get("state")) for o in magento.get("orders", [])}
    for order in placed:
        entity = int(order["entity_id"])
        if entity in shipped or states.get(entity) == "complete":
            evidence.append(
                f"order {order['increment_id']} is reported as fulfilled in Magento while it "
                "waits for approval in netsuite"
            )
    alerts = ctx.connector.alerts()
    if alerts is None:
        evidence.append(
            "the connector has no alerting: orders held in Pending Approval for 6 h go unseen"
        )
        return evidence
    waiting = [a["message"] for a in alerts if a["kind"] == "pending_approval"]
    evidence += [
        f"order {o['increment_id']} waited 6 h in Pending Approval and no alert named it"
        for o in placed
        if not any(str(o["increment_id"]) in m for m in waiting)
    ]
    return evidence


@scenario(
    "FM-N03",
    "Custom-field mapping drift",
    ("netsuite",),
    harm="the custom field the mapping fills is removed or renamed in the account; NetSuite "
    "drops the value without a word and orders arrive without it",
    invariant="a field the account no longer has is caught (metadata catalog, strict field "
    "names): orders quarantined as schema_drift naming it; no order written without it",
    erp_settings=CHANNEL_SETTINGS,
)
def custom_field_drift(ctx: Ctx) -> list[str]:
    ctx.place(2)
    ctx.cycles(3)
    ctx.world.erp_fake.add_fault(field_fault("custom_field_removed"))
    after = ctx.place(3)
    ctx.cycles(8)
    evidence = []
    found = copies(ctx)
    for placed in [*ctx.placed]:
        order, erp = found[str(placed["increment_id"])]
        if len(erp) > 1:
            evidence.append(
                f"order {order.label} is duplicated in netsuite: "
                f"{', '.join(v.label for v, _ in erp)}"
            )
        for view, raw in erp:
            if raw.get(CHANNEL) != CHANNEL_VALUE:
                evidence.append(
                    f"order {order.label} is in netsuite as {view.label} without its {CHANNEL} "
                    f"value {CHANNEL_VALUE!r}: lost silently"
                )
        if not erp:
            held = held_for(ctx, placed)
            if held is None:
                evidence.append(f"order {order.label} never reached netsuite: lost silently")
            elif placed not in after:
                evidence.append(f"order {order.label} is missing in netsuite")
    return evidence + judge_held_as_drift(
        ctx, [p for p in after if not found[str(p["increment_id"])][1]]
    )
