"""What a scenario run observed beyond pass or fail, for the report's pictures: each order's
sync lag (placed in Magento -> first seen in the ERP), the outbox depth per cycle, and the
stock drift per SKU at the end. All on the simulated clock."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from scenarios.views import erp_stock, magento_stock

if TYPE_CHECKING:
    from scenarios.context import Ctx

MAX_POINTS = 200


def observe(ctx: Ctx) -> dict[str, Any]:
    """``sync_lag_s``, ``queue_depth`` and ``stock_drift`` (only what the run can tell)."""
    found: dict[str, Any] = {}
    lags = _lags(ctx)
    if lags:
        found["sync_lag_s"] = lags[:MAX_POINTS]
    depth = [
        [round(s["t"] - ctx.samples[0]["t"]), s["queue_depth"]]
        for s in ctx.samples
        if s["queue_depth"] is not None
    ]
    if depth:
        found["queue_depth"] = depth[:MAX_POINTS]
    drift = _drift(ctx)
    if drift:
        found["stock_drift"] = drift
    return found


def _lags(ctx: Ctx) -> list[float]:
    lags = []
    for increment, placed in ctx.placed_at.items():
        seen = next((s["t"] for s in ctx.samples if increment in s["arrived"]), None)
        if seen is not None:
            lags.append(round(seen - placed, 1))
    return sorted(lags)


def _drift(ctx: Ctx) -> dict[str, float]:
    """|Magento - ERP| per SKU over mapped sources, only SKUs that differ (top 20)."""
    sources = {loc: src for src, loc in ctx.world.profile.get("locations", {}).items()}
    erp: dict[tuple[str, str], Decimal] = {}
    for (sku, location), qty in erp_stock(ctx.world.erp, ctx.world.erp_fake.state()).items():
        if location in sources:
            key = (sku, sources[location])
            erp[key] = erp.get(key, Decimal(0)) + qty
    magento = magento_stock(ctx.world.magento.state())
    per_sku: dict[str, Decimal] = {}
    for key in set(erp) | {k for k in magento if k[1] in sources.values()}:
        gap = abs(magento.get(key, Decimal(0)) - erp.get(key, Decimal(0)))
        if gap:
            per_sku[key[0]] = per_sku.get(key[0], Decimal(0)) + gap
    top = sorted(per_sku.items(), key=lambda item: (-item[1], item[0]))[:20]
    return {sku: float(gap) for sku, gap in top}
