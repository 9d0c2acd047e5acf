"""Fulfilment as the harness sees it, per ERP kind: how the ERP operator ships (part of) an
order, and what the ERP's own delivery documents say left which warehouse.

``deliver(ctx, placed, lines, tracking)`` ships ``(sku, qty, Magento source)`` of the ERP order
for the placed Magento order in one delivery document (each line from the ERP warehouse mapped
to its source), with a tracking number where the ERP records one; ``delivered(ctx)`` sums the
ERP's deliveries per (increment id, sku, Magento source); ``tracked(ctx)`` the tracking numbers
per increment id (empty where the ERP's delivery carries none). Only the fakes' state is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from scenarios.context import Ctx

Key = tuple[str, str, str]  # increment id, sku, Magento source
Lines = list[tuple[str, int, str]]


class Deliver(Protocol):
    def __call__(
        self, ctx: Ctx, placed: dict[str, Any], lines: Lines, tracking: str | None = None
    ) -> None: ...


@dataclass(frozen=True)
class FulfilmentView:
    deliver: Deliver
    delivered: Callable[[Ctx], dict[Key, Decimal]]
    tracked: Callable[[Ctx], dict[str, set[str]]]


def num(value: Any) -> Decimal:
    return Decimal(str(value or 0)).normalize()


def source_of(ctx: Ctx, location: str) -> str:
    for source, mapped in ctx.world.profile["locations"].items():
        if mapped == location:
            return str(source)
    return f"?{location}"


def increment(ref: str) -> str:
    return ref.rsplit("-", 1)[-1]


def location(ctx: Ctx, source: str) -> str:
    return str(ctx.world.profile["locations"][source])


def add(found: dict[Key, Decimal], key: Key, qty: Any) -> None:
    found[key] = found.get(key, Decimal(0)) + num(qty)


def no_tracking(ctx: Ctx) -> dict[str, set[str]]:
    return {}


VIEWS: dict[str, FulfilmentView] = {}


def register(kind: str, view: FulfilmentView) -> None:
    VIEWS[kind] = view


def view_for(kind: str) -> FulfilmentView:
    _load()
    return VIEWS[kind]


def kinds() -> list[str]:
    _load()
    return list(VIEWS)


def _load() -> None:
    # the per-ERP halves register themselves on import
    from scenarios.flowviews import fulfilment_erps, fulfilment_sap  # noqa: F401
