"""Optional flows plug into the engine here, so adding one never means editing the engine.

A flow module listed in :data:`OPTIONAL` exports ``attach(engine) -> ScheduledFlow | None``:
it returns ``None`` when the ERP connector or the profile does not support the flow (the flow
is then simply absent), else an object the engine runs every ``every_s`` seconds under the
lease ``schedule:<name>``. A flow that works through the durable outbox also returns job
handlers (flow name -> handler), which the engine's worker runs like order exports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from sync_core.store import Job

if TYPE_CHECKING:
    from sync_core.engine import Engine

OPTIONAL = (
    "sync_core.flows.prices",
    "sync_core.flows.accounts",
    "sync_core.flows.returns",
    "sync_core.flows.order_state",
)


class ScheduledFlow(Protocol):
    name: str
    """The lease and audit name, e.g. ``prices.import``."""
    every_s: float
    system: str | None
    """The system whose circuit breaker guards the run (the ERP's), or None."""

    def run(self, fence: tuple[str, int]) -> Any:
        """One scheduled pass; raise a SyncError to report failure."""
        ...

    def handlers(self) -> Mapping[str, Callable[[Job], str]]:
        """Outbox job handlers this flow owns (may be empty)."""
        ...


def attach_all(engine: Engine, modules: tuple[str, ...] = OPTIONAL) -> list[ScheduledFlow]:
    """Every optional flow the engine's connector and profile support."""
    attached: list[ScheduledFlow] = []
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        flow = module.attach(engine)
        if flow is not None:
            attached.append(flow)
    return attached
