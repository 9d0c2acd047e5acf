"""Shared in-process checks of the fulfilment flow against one ERP fake (used by the
``test_flow_fulfilment_<erp>.py`` files): orders exported by the engine, the ERP operator
ships through :mod:`scenarios.flowviews.fulfilment`, the flow is run directly."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.flowviews.fulfilment import view_for
from scenarios.world import build_world
from sync_core.flows.fulfilment import FulfilmentFlow


@contextmanager
def world(erp: str) -> Iterator[Ctx]:
    built = build_world(erp, 0)
    connector = BuiltinConnector(built)
    try:
        yield Ctx(built, connector, random.Random(0))
    finally:
        connector.close()
        built.close()


def skus(ctx: Ctx, count: int) -> list[str]:
    return [p.sku for p in ctx.world.magento.ctx.dataset.products[:count]]


def exported(ctx: Ctx, lines: list[tuple[str, int]]) -> dict[str, Any]:
    order = ctx.place(1, lines=[{"sku": sku, "qty": qty} for sku, qty in lines])[0]
    ctx.cycles(3)
    return order


def flow(ctx: Ctx) -> FulfilmentFlow:
    found = ctx.connector.engine.fulfilment  # type: ignore[attr-defined]
    assert isinstance(found, FulfilmentFlow)
    return found


def deliver(
    ctx: Ctx, order: dict[str, Any], lines: list[tuple[str, int, str]], tracking: str | None
) -> None:
    view_for(ctx.world.erp).deliver(ctx, order, lines, tracking)


def shipments(ctx: Ctx, order: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s
        for s in ctx.world.magento.state()["shipments"]
        if int(s["order_id"]) == int(order["entity_id"])
    ]


def summary(ctx: Ctx, order: dict[str, Any]) -> list[tuple[str, dict[str, float], list[str]]]:
    """Per Magento shipment: source, {sku: qty}, tracking numbers."""
    return [
        (
            str(s["extension_attributes"]["source_code"]),
            {str(i["sku"]): float(i["qty"]) for i in s["items"]},
            [str(t["track_number"]) for t in s.get("tracks") or []],
        )
        for s in shipments(ctx, order)
    ]


def partial_then_split(ctx: Ctx, tracked: bool) -> None:
    """A partial delivery, then the rest from two warehouses; re-runs never ship again."""
    a, b = skus(ctx, 2)
    order = exported(ctx, [(a, 2), (b, 1)])
    run = flow(ctx)
    deliver(ctx, order, [(a, 1, "default")], "TRK-1")
    first = run.run()
    assert first.shipped == 1 and not first.problems and not first.excess, first
    deliver(ctx, order, [(a, 1, "default"), (b, 1, "wh-north")], "TRK-2")
    second = run.run()
    assert second.shipped == 2 and not second.problems and not second.excess, second
    again = run.run()
    assert again.shipped == 0 and not again.problems
    one, two = (["TRK-1"], ["TRK-2"]) if tracked else ([], [])
    assert summary(ctx, order) == [
        ("default", {a: 1.0}, one),
        ("default", {a: 1.0}, two),
        ("wh-north", {b: 1.0}, two),
    ]
