"""The failure-mode catalog as runnable scenarios, by the ids of docs/failure-modes.md.

A scenario script sets the world up, strikes it with the failure, lets the connector under
test run on simulated time, and returns evidence from the fakes' state (empty = passed).
Scenarios live in modules by theme (``generic``, one per vendor); each registers itself.
``erps=("*",)`` means every ERP the harness can judge (see :mod:`scenarios.erps`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scenarios.erps import supported

if TYPE_CHECKING:
    from scenarios.context import Ctx

Script = Callable[["Ctx"], list[str]]
MODULES = (
    "generic",
    "netsuite",
    "sap",
    "s4hana",
    "sap_fulfilment",
    "sap_finance",
    "business_central",
    "sage200",
    "legacy",
    "magento",
    "reliability",
    "prices",
    "accounts",
    "order_policies",
    "returns",
    "fulfilment",
)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    erps: tuple[str, ...]
    harm: str
    invariant: str
    script: Script
    world: dict[str, Any] = field(default_factory=dict)

    def runs_on(self, erp: str) -> bool:
        return erp in self.erps or ("*" in self.erps and erp in supported())

    def kinds(self) -> list[str]:
        return supported() if "*" in self.erps else list(self.erps)


CATALOG: dict[str, Scenario] = {}


def scenario(
    id: str, title: str, erps: tuple[str, ...], harm: str, invariant: str, **world: Any
) -> Callable[[Script], Script]:
    def register(script: Script) -> Script:
        if id in CATALOG:
            raise ValueError(f"scenario {id} is registered twice")
        CATALOG[id] = Scenario(id, title, erps, harm, invariant, script, dict(world))
        return script

    return register


def load() -> dict[str, Scenario]:
    for name in MODULES:
        try:
            importlib.import_module(f"scenarios.catalog.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"scenarios.catalog.{name}":
                raise
    return CATALOG


def select(ids: list[str] | None, erp: str) -> list[Scenario]:
    catalog = load()
    if ids:
        unknown = [i for i in ids if i not in catalog]
        if unknown:
            raise KeyError(
                f"unknown scenario id(s): {', '.join(unknown)}; see `erp-harness scenarios`"
            )
        return [catalog[i] for i in ids if catalog[i].runs_on(erp)]
    return [s for s in catalog.values() if s.runs_on(erp)]
