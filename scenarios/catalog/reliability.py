"""Engine-reliability scenarios that strike every ERP the same way: out-of-order updates
(FM-G12) and schema drift (FM-G04)."""

from __future__ import annotations

from decimal import Decimal

from scenarios.catalog import scenario
from scenarios.context import Ctx
from scenarios.views import magento_stock

WATCH_CYCLES = 8
# Where each ERP's stock figures are read (a lagging replica serves these); default: any GET.
STOCK_READS: dict[str, dict[str, str]] = {
    "netsuite": {"method": "POST", "path": r"/services/rest/query/v1/suiteql"},
}


def _magento_qty(ctx: Ctx, sku: str, source: str) -> Decimal:
    return magento_stock(ctx.world.magento.state()).get((sku, source), Decimal(0))


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


# -- FM-G12 ---------------------------------------------------------------------------------------
@scenario(
    "FM-G12",
    "Out-of-order updates",
    ("netsuite", "sap-b1", "s4hana", "sage200", "business-central"),
    harm="an older stock figure that arrives after a newer one overwrites it: Magento goes back "
    "to a quantity the ERP no longer has",
    invariant="last writer by the ERP's version wins: once Magento shows the newer figure it "
    "never goes back; the final state equals the ERP's newest",
)
def out_of_order_updates(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    sku = ctx.world.magento.ctx.dataset.products[0].sku
    source, location = next(iter(ctx.world.profile["locations"].items()))
    ctx.cycles(2, step_s=300)
    erp.add_fault(
        {
            "id": "lagging-replica",
            "target": STOCK_READS.get(
                ctx.world.erp, {"method": "GET", "path": ctx.support.api_paths}
            ),
            "effect": {"kind": "stale_read"},
            # the replica's copy is taken at the first read; later reads alternate with fresh ones
            "trigger": {"calls": list(range(1, 4000, 2))},
        }
    )
    ctx.cycles(1, step_s=300)
    before = _magento_qty(ctx, sku, source)
    ctx.support.set_stock(erp, sku, location, int(before) + 37)
    evidence = _watch(ctx, sku, source, before)
    fault = erp.faults.get("lagging-replica")
    ctx.metrics["stale_reads"] = fault.hits if fault else 0
    erp.clear_faults("lagging-replica")
    ctx.cycles(3, step_s=300)
    return evidence + ctx.judge_stock()


def _watch(ctx: Ctx, sku: str, source: str, baseline: Decimal) -> list[str]:
    """After the ERP's figure changed, Magento may move to it but never away from it again."""
    newest: Decimal | None = None
    for cycle in range(1, WATCH_CYCLES + 1):
        ctx.cycles(1, step_s=300)
        qty = _magento_qty(ctx, sku, source)
        if newest is None and qty != baseline:
            newest = qty
        elif newest is not None and qty != newest:
            return [
                f"stock {sku} @ {source} went back from {_num(newest)} to {_num(qty)} in cycle "
                f"{cycle}, when a lagging read served the older figure: an out-of-order update "
                f"overwrote a newer one"
            ]
    if newest is None:
        return [f"stock {sku} @ {source} never took the ERP's new figure"]
    return []
