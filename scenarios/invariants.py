"""Invariants on the fakes' state. Each returns evidence: an empty list means it holds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from scenarios.views import (
    ErpOrder,
    MagentoOrder,
    erp_orders,
    erp_stock,
    magento_orders,
    magento_stock,
)

PAID = ("processing", "complete")


def _index(orders: list[ErpOrder], magento: list[MagentoOrder]) -> dict[int, list[ErpOrder]]:
    """Which ERP orders claim each Magento order. A bare increment id shared by two stores
    is ambiguous, so it is counted for each: that ambiguity is the harm."""
    strong: dict[str, list[MagentoOrder]] = defaultdict(list)
    bare: dict[str, list[MagentoOrder]] = defaultdict(list)
    for order in magento:
        bare[order.increment_id].append(order)
        for ref in order.references():
            strong[ref].append(order)
    claims: dict[int, list[ErpOrder]] = defaultdict(list)
    for erp_order in orders:
        owners = {o.entity_id for ref in erp_order.refs for o in strong.get(ref, [])}
        if not owners:  # only a bare increment id: it may name several stores' orders
            owners = {o.entity_id for ref in erp_order.refs for o in bare.get(ref, [])}
        for entity_id in owners:
            claims[entity_id].append(erp_order)
    return claims


def orders_exactly_once(
    erp: str,
    magento_state: dict[str, Any],
    erp_state: dict[str, Any],
    excluded: Iterable[int] = (),
) -> list[str]:
    """Every paid Magento order (but those ``excluded``) is in the ERP exactly once, with the
    same quantities; nothing in the ERP claims an excluded or unknown order."""
    skip = set(excluded)
    magento = magento_orders(magento_state)
    orders = erp_orders(erp, erp_state)
    claims = _index(orders, magento)
    evidence = []
    for order in magento:
        found = claims.get(order.entity_id, [])
        if order.entity_id in skip:
            if found:
                evidence.append(
                    f"order {order.label} should have been held back but is in "
                    f"{erp} as {', '.join(o.label for o in found)}"
                )
            continue
        if order.state not in PAID:
            continue
        if not found:
            evidence.append(f"order {order.label} is missing in {erp}")
        elif len(found) > 1:
            evidence.append(
                f"order {order.label} is duplicated in {erp}: {len(found)} orders {_labels(found)}"
            )
        elif found[0].lines != order.lines:
            evidence.append(
                f"order {order.label} differs in {erp} {found[0].label}: "
                f"magento {_fmt(order.lines)} vs {erp} {_fmt(found[0].lines)}"
            )
    claimed = {id(o) for group in claims.values() for o in group}
    for erp_order in orders:
        if id(erp_order) not in claimed and erp_order.refs:
            evidence.append(
                f"{erp} order {erp_order.label} claims no Magento order "
                f"(refs {sorted(erp_order.refs)})"
            )
    return evidence


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _labels(orders: list[ErpOrder], most: int = 5) -> str:
    shown = ", ".join(o.label for o in orders[:most])
    return shown + (f" and {len(orders) - most} more" if len(orders) > most else "")


def _fmt(lines: dict[str, Decimal]) -> str:
    return ", ".join(f"{sku} x{_num(qty)}" for sku, qty in sorted(lines.items()))


def stock_converges(
    erp: str,
    magento_state: dict[str, Any],
    erp_state: dict[str, Any],
    profile: dict[str, Any],
) -> list[str]:
    """Magento's quantity per SKU x source equals the ERP's at the mapped location."""
    items = profile.get("items", {})
    locations = profile.get("locations", {})
    erp_levels = erp_stock(erp, erp_state)
    magento = magento_stock(magento_state)
    evidence = []
    for (sku, source), qty in sorted(magento.items()):
        location = locations.get(source)
        if location is None:
            continue
        expected = erp_levels.get((items.get(sku, sku), location))
        if expected is not None and expected != qty:
            evidence.append(
                f"stock {sku} @ {source}: magento {_num(qty)} but {erp} "
                f"{_num(expected)} at location {location}"
            )
    return evidence
