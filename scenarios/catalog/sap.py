"""SAP Business One and S/4HANA failure modes (FM-S*).

The scripts are ERP-generic: everything ERP-specific goes through ``ctx.support`` or through
small hooks of the ERP's harness module (:mod:`scenarios.erps.sap_b1`: ``add_location``,
``remove_location``, ``guard_duplicates``; :mod:`scenarios.erps.s4hana`:
``unmapped_location``). An ERP joins a scenario by being named in its ``erps`` and, where a
hook is needed, by providing it; optional hooks that are missing skip their phase (S/4HANA
cannot remove a plant, nor has it a duplicate guard).

FM-S03 and FM-S06 are in :mod:`scenarios.catalog.sap_finance`; FM-S05 (partial shipments)
comes with the fulfilment flow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from scenarios.catalog import scenario
from scenarios.context import Ctx
from scenarios.erps import MODULES
from scenarios.views import magento_stock


def hook(ctx: Ctx, name: str) -> Callable[..., Any] | None:
    """An optional per-ERP hook from the ERP's harness module, or None."""
    module = importlib.import_module(MODULES[ctx.world.erp])
    found = getattr(module, name, None)
    return found if callable(found) else None


def required_hook(ctx: Ctx, name: str) -> Callable[..., Any]:
    found = hook(ctx, name)
    if found is None:
        raise NotImplementedError(f"{MODULES[ctx.world.erp]} has no {name}() hook")
    return found


def _held_with_reason(ctx: Ctx, placed: list[dict[str, Any]], why: str) -> list[str]:
    """Each order of ``placed`` is in the connector's quarantine, the reason naming it."""
    return ctx.held_back(placed, why)


def _not_held(ctx: Ctx, placed: list[dict[str, Any]]) -> list[str]:
    """None of ``placed`` (good orders) sits in the connector's quarantine."""
    held = ctx.connector.quarantined() or []
    keys = {f"magento-order:{o['entity_id']}": o for o in placed}
    return [
        f"order {keys[q['entity']]['increment_id']} was quarantined: {q['reason']}"
        for q in held
        if q["entity"] in keys
    ]


@scenario(
    "FM-S01",
    "Duplicate order submission",
    ("sap-b1", "s4hana"),
    harm="a retried POST after a lost answer, or a redelivered order, makes a second ERP "
    "sales order; the ERP accepts both",
    invariant="one ERP order per Magento order (binding plus lookup on the external-reference "
    "field); a duplicate guard in the ERP is read as 'already there', never as a failure",
)
def duplicate_submission(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    _lose_order_answers(ctx, "lose", [1, 2, 5])
    first = ctx.place(4)
    ctx.cycles(6)
    for order in first:  # Magento re-emits every order (an edit, a status change)
        ctx.world.magento.event("touch_order", entity_id=order["entity_id"])
    ctx.cycles(6)
    lost = sum(f.hits for f in erp.faults.active())
    guard = hook(ctx, "guard_duplicates")
    second: list[dict[str, Any]] = []
    if guard is not None:  # the ERP's own duplicate guard on; answers lost again
        guard(erp, True)
        erp.clear_faults()
        _lose_order_answers(ctx, "lose-guarded", [1, 3])
        second = ctx.place(3)
        ctx.cycles(12)
        lost += sum(f.hits for f in erp.faults.active())
    ctx.metrics["responses_lost"] = lost
    return ctx.judge_orders() + _not_held(ctx, first + second)


def _lose_order_answers(ctx: Ctx, name: str, calls: list[int]) -> None:
    for n, (method, path) in enumerate(ctx.support.order_writes):
        ctx.world.erp_fake.add_fault(
            {
                "id": f"{name}-{n}",
                "target": {"method": method, "path": path},
                "effect": {"kind": "lose_response", "after": "reset"},
                "trigger": {"calls": calls},
            }
        )


@scenario(
    "FM-S02",
    "Failed business-partner lookup",
    ("sap-b1", "s4hana"),
    harm="an order whose customer has no business partner is posted to a catch-all account, "
    "or rejected by the ERP and dropped from the log nobody reads",
    invariant="with no default customer set, the order is held with a reason naming it; "
    "never dropped and never on a guessed account; other orders still flow",
)
def partner_lookup(ctx: Ctx) -> list[str]:
    ctx.place(2)
    strangers = [
        ctx.place(1, poison=True, customer_email=f"no-partner-{n}@example.org")[0] for n in range(2)
    ]
    ctx.place(2)
    ctx.cycles(10)
    return ctx.judge_orders() + _held_with_reason(ctx, strangers, "no business partner")


@scenario(
    "FM-S04",
    "Warehouse-code mismatch",
    ("sap-b1", "s4hana"),
    harm="stock of an unmapped or missing ERP warehouse lands in a Magento source it does not "
    "belong to, or several warehouses are summed into one source",
    invariant="each Magento source gets exactly its mapped warehouse's stock; a warehouse with "
    "no source is reported, never written; a source whose warehouse is missing is left alone",
)
def warehouse_mismatch(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    locations: dict[str, str] = dict(ctx.world.profile["locations"])
    sources = sorted(locations)
    remove, add, unmapped = (
        hook(ctx, name) for name in ("remove_location", "add_location", "unmapped_location")
    )
    # the last source's mapped warehouse does not exist in the ERP (where one can be removed)
    orphan_source = sources[-1] if remove is not None else None
    missing = locations[sources[-1]]
    extra = unmapped() if unmapped is not None else "99"  # no Magento source maps to it
    if remove is not None:
        remove(erp, missing)
    if add is not None:
        add(erp, extra)
    products = ctx.world.magento.ctx.dataset.products[:4]
    for n, product in enumerate(products):
        code = ctx.world.profile.get("items", {}).get(product.sku, product.sku)
        for k, source in enumerate(s for s in sources if s != orphan_source):
            ctx.support.set_stock(erp, code, locations[source], 10 + 30 * k + n)
        ctx.support.set_stock(erp, code, extra, 500 + n)
    before = magento_stock(ctx.world.magento.state())
    ctx.place(3)
    ctx.cycles(4, step_s=300)
    first = products[0]  # a later move at one place
    code = ctx.world.profile.get("items", {}).get(first.sku, first.sku)
    ctx.support.set_stock(erp, code, locations[sources[0]], 3)
    ctx.cycles(4, step_s=300)
    evidence = ctx.judge_stock() + ctx.judge_orders()
    after = magento_stock(ctx.world.magento.state())
    for (sku, source), qty in sorted(after.items()):
        if source == orphan_source and before.get((sku, source), qty) != qty:
            evidence.append(
                f"stock {sku} @ {source} changed from {before.get((sku, source))} to {qty}, "
                f"but its mapped warehouse {missing} does not exist in {ctx.world.erp}"
            )
    return evidence
