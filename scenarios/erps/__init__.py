"""What the harness knows of each ERP to judge connectors: how to read its orders and stock
from the fake's state, which requests create orders, and the naive script's ERP half.

One module per ERP kind, each exporting ``SUPPORT`` (an :class:`ErpSupport`). A kind is
judged once its module exists; nothing else needs editing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fakes.core.fake import Fake
    from scenarios.views import ErpOrder

MODULES = {
    "netsuite": "scenarios.erps.netsuite",
    "sap-b1": "scenarios.erps.sap_b1",
    "s4hana": "scenarios.erps.s4hana",
    "sage200": "scenarios.erps.sage200",
    "business-central": "scenarios.erps.business_central",
    "legacy": "scenarios.erps.legacy",
}


@dataclass(frozen=True)
class ErpSupport:
    kind: str
    orders: Callable[[dict[str, Any]], list[ErpOrder]]
    stock: Callable[[dict[str, Any]], dict[tuple[str, str], Decimal]]
    set_stock: Callable[[Fake, str, str, int], None]
    order_writes: tuple[tuple[str, str], ...]
    api_paths: str
    naive: Callable[..., Any] | None = None
    cancel_order: Callable[[Fake, str], None] | None = None
    world_options: Callable[[Any], dict[str, Any]] = field(default=lambda workdir: {})


def support(kind: str) -> ErpSupport | None:
    module = MODULES.get(kind)
    if module is None:
        return None
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    found: ErpSupport = loaded.SUPPORT
    return found


def supported() -> list[str]:
    return [kind for kind in MODULES if support(kind) is not None]
