"""NetSuite failure modes (FM-N*)."""

from __future__ import annotations

from scenarios.catalog import scenario
from scenarios.context import Ctx


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
