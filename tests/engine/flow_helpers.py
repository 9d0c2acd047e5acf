"""Shared set-up of the in-process flow tests: one ERP's world with the builtin connector,
and the engine inside it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.world import build_world
from sync_core.engine import Engine
from sync_core.flows.accounts import FLOW as ACCOUNTS
from sync_core.flows.accounts import AccountsFlow


@contextmanager
def in_process(erp: str) -> Iterator[Ctx]:
    """A world of ``erp`` on seed 0 driven by ``builtin``, closed afterwards."""
    world = build_world(erp, 0)
    connector = BuiltinConnector(world)
    context = Ctx(world, connector, random.Random(0))
    try:
        yield context
    finally:
        context.close()
        context.connector.close()
        world.close()


def engine_of(ctx: Ctx) -> Engine:
    engine = ctx.connector.engine  # type: ignore[attr-defined]
    assert isinstance(engine, Engine)
    return engine


def run_under_lease(ctx: Ctx, flow: Any, name: str) -> Any:
    """One pass of an optional ``flow`` under its schedule's lease, as the engine runs it."""
    engine = engine_of(ctx)
    lease, now = f"schedule:{name}", ctx.world.clock.now()
    token = engine.store.acquire_lease(lease, "test", now, 300)
    assert token is not None
    try:
        return flow.run((lease, token))
    finally:
        engine.store.release_lease(lease, token, now)


def accounts_pass(ctx: Ctx) -> Any:
    """One pass of the accounts flow (the one the engine attached)."""
    (flow,) = [f for f, _ in engine_of(ctx).optional if isinstance(f, AccountsFlow)]
    return run_under_lease(ctx, flow, ACCOUNTS)
