"""Fulfilment (ERP deliveries -> Magento shipments) under faults and crashes, for the
``builtin`` connector against every ERP whose deliveries the harness can drive
(:mod:`scenarios.flowviews.fulfilment`).

Rules place paid two-line orders, set low ERP stock levels, let the ERP operator deliver part
of a line (or all of it, never more than the warehouse holds) from one mapped warehouse, or the
rest of the order in one delivery whose lines leave from two warehouses (with a tracking number
where the ERP records one), lose Magento's answers to the shipment POST or take that endpoint
down, let simulated time pass with sync cycles, and kill the engine mid-request. After every
step no order item is shipped in Magento beyond what the ERP delivered, per SKU and per source,
and every shipment's source is a mapped one. When the machine drains, Magento's shipments equal
the ERP's deliveries per order, SKU and source, and carry the ERP's tracking numbers.

A failure names the command that replays it (:func:`run`): the same seed, examples and steps.
Shrinking (minutes: every attempt builds a world) runs only with ``HARNESS_SM_SHRINK=1``.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from scenarios.catalog.sap_fulfilment import judge_shipments, judge_tracking, magento_shipped
from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.erps import ErpSupport, support
from scenarios.flowviews.fulfilment import FulfilmentView, view_for
from scenarios.machines.replay import drain, run_machine
from scenarios.views import erp_stock
from scenarios.world import build_world

SHIP_PATH = r".*/V1/order/\d+/ship/?$"
FAULTS: dict[str, dict[str, Any]] = {
    "lose_response": {"kind": "lose_response", "after": "timeout"},
    "outage": {"kind": "http_error", "status": 503},
}
MAX_ORDERS = 3
DRAIN_CYCLES = 12
EXPORT_CYCLES = 4
PINNED = {"sage200", "business-central"}
"""ERPs where a line, once (partly) shipped, keeps its warehouse, so the rest leaves from the
same one: Sage 200 refuses to change "the product or warehouse of a despatched line", Business
Central to "change Location Code because Quantity Shipped is not 0"."""


class Fulfilment(RuleBasedStateMachine):
    """One subclass per ERP (:func:`machine_for`); ``world_seed`` seeds the fakes' data."""

    erp = "netsuite"
    world_seed = 0

    def __init__(self) -> None:
        super().__init__()
        world = build_world(self.erp, seed=self.world_seed)
        self.ctx = Ctx(world, BuiltinConnector(world), random.Random(self.world_seed))
        self.view: FulfilmentView = view_for(self.erp)
        found = support(self.erp)
        assert found is not None, f"no harness support for {self.erp}"
        self.support: ErpSupport = found
        self.skus = [p.sku for p in world.magento.ctx.dataset.products[:3]]
        self.sources = sorted(world.profile["locations"])[:2]
        self.ordered: dict[str, dict[str, int]] = {}  # increment id -> sku -> qty ordered
        self.orders: dict[str, dict[str, Any]] = {}  # increment id -> the placed order
        self.trackings = 0
        self.pinned: dict[tuple[str, str], str] = {}  # (increment, sku) -> warehouse's source

    # -- storefront and ERP operator -----------------------------------------------------------
    @initialize(qty_a=st.integers(1, 3), qty_b=st.integers(1, 2), first=st.integers(1, 2))
    def exported_orders(self, qty_a: int, qty_b: int, first: int) -> None:
        """Two orders placed and exported; the ERP delivers ``first`` of the first one's first
        line from the first source (so even the simplest example ships something)."""
        self.place_order(0, qty_a, qty_b)
        self.place_order(1, qty_b, qty_a)
        for _ in range(EXPORT_CYCLES):
            self.ctx.cycles(1)
            if len(self._exported()) == len(self.orders):
                break
        self.deliver_part(0, 0, first, 0, True)

    @precondition(lambda self: len(self.orders) < MAX_ORDERS)
    @rule(first=st.integers(0, 2), qty_a=st.integers(1, 3), qty_b=st.integers(1, 2))
    def place_order(self, first: int, qty_a: int, qty_b: int) -> None:
        sku_a, sku_b = self.skus[first], self.skus[(first + 1) % len(self.skus)]
        lines = [{"sku": sku_a, "qty": qty_a}, {"sku": sku_b, "qty": qty_b}]
        placed = self.ctx.place(1, lines=lines)[0]
        increment = str(placed["increment_id"])
        self.orders[increment] = placed
        self.ordered[increment] = {sku_a: qty_a, sku_b: qty_b}

    def _exported(self) -> list[str]:
        """Increment ids of placed orders the ERP holds, in placing order."""
        held = {increment for _, increment in self.ctx.judge_refs()}
        return [i for i in self.orders if i in held]

    def _left(self, increment: str) -> dict[str, int]:
        """SKU -> quantity of the order the ERP has not delivered yet."""
        delivered: dict[str, Decimal] = {}
        for (ref, sku, _), qty in self.view.delivered(self.ctx).items():
            if ref == increment:
                delivered[sku] = delivered.get(sku, Decimal(0)) + qty
        ordered = self.ordered[increment]
        return {
            s: q - int(delivered.get(s, 0)) for s, q in ordered.items() if q > delivered.get(s, 0)
        }

    def _tracking(self, tracked: bool) -> str | None:
        if not tracked:
            return None
        self.trackings += 1
        return f"1ZMACHINE{self.trackings:08d}"

    def _deliver(self, increment: str, lines: list[tuple[str, int, str]], tracked: bool) -> None:
        """One delivery document; the operator ships no more than the warehouse holds."""
        if self.erp in PINNED:
            lines = [(sku, qty, self.pinned.get((increment, sku), src)) for sku, qty, src in lines]
        on_hand = erp_stock(self.erp, self.ctx.world.erp_fake.state())
        locations = self.ctx.world.profile["locations"]
        lines = [
            (sku, min(qty, int(on_hand.get((sku, str(locations[src])), 0))), src)
            for sku, qty, src in lines
        ]
        lines = [line for line in lines if line[1] > 0]
        if not lines:
            return
        for sku, _, source in lines:
            self.pinned.setdefault((increment, sku), source)
        self.view.deliver(self.ctx, self.orders[increment], lines, self._tracking(tracked))

    @rule(sku=st.integers(0, 2), source=st.integers(0, 1), qty=st.integers(0, 4))
    def erp_stock_level(self, sku: int, source: int, qty: int) -> None:
        """The ERP's stock controller counts ``qty`` of a SKU in a mapped warehouse (low levels:
        a delivery may take the last units)."""
        location = str(self.ctx.world.profile["locations"][self.sources[source]])
        self.support.set_stock(self.ctx.world.erp_fake, self.skus[sku], location, qty)

    @rule(
        index=st.integers(0, MAX_ORDERS - 1),
        line=st.integers(0, 1),
        qty=st.integers(1, 3),
        source=st.integers(0, 1),
        tracked=st.booleans(),
    )
    def deliver_part(self, index: int, line: int, qty: int, source: int, tracked: bool) -> None:
        """The ERP delivers up to ``qty`` of one line from one warehouse."""
        exported = self._exported()
        if not exported:
            return
        increment = exported[index % len(exported)]
        left = self._left(increment)
        if not left:
            return
        sku = sorted(left)[line % len(left)]
        self._deliver(increment, [(sku, min(qty, left[sku]), self.sources[source])], tracked)

    @rule(index=st.integers(0, MAX_ORDERS - 1), tracked=st.booleans())
    def deliver_rest_split(self, index: int, tracked: bool) -> None:
        """The ERP delivers what is left of the order in one delivery, line by line from
        alternating warehouses (two warehouses when two lines are left)."""
        exported = self._exported()
        if not exported:
            return
        increment = exported[index % len(exported)]
        left = self._left(increment)
        if not left:
            return
        lines = [(sku, q, self.sources[n % 2]) for n, (sku, q) in enumerate(sorted(left.items()))]
        self._deliver(increment, lines, tracked)

    # -- faults, time, crashes ---------------------------------------------------------------
    @rule(kind=st.sampled_from(sorted(FAULTS)), first=st.integers(1, 2))
    def fault_on_ship(self, kind: str, first: int) -> None:
        self.ctx.world.magento.add_fault(
            {
                "target": {"method": "POST", "path": SHIP_PATH},
                "effect": FAULTS[kind],
                "trigger": {"first": first},
            }
        )

    @rule()
    def clear_faults(self) -> None:
        self.ctx.world.magento.clear_faults()

    @rule(seconds=st.sampled_from([60, 300, 3600]))
    def tick(self, seconds: int) -> None:
        self.ctx.cycles(1, step_s=seconds)

    @rule(after=st.integers(1, 6), after_send=st.booleans())
    def crash_mid_request(self, after: int, after_send: bool) -> None:
        self.ctx.connector.arm_crash(after, after_send)
        self.ctx.cycles(1)

    # -- checks ------------------------------------------------------------------------------
    @invariant()
    def never_over_shipped(self) -> None:
        delivered = self.view.delivered(self.ctx)
        by_source, items = magento_shipped(self.ctx)
        totals: dict[tuple[str, str], Decimal] = {}
        for (increment, sku, _), qty in delivered.items():
            totals[(increment, sku)] = totals.get((increment, sku), Decimal(0)) + qty
        for (increment, sku), shipped in items.items():
            erp = totals.get((increment, sku), Decimal(0))
            assert shipped <= erp, f"order {increment}: {sku} shipped {shipped} > delivered {erp}"
        mapped = set(self.ctx.world.profile["locations"])
        for (increment, sku, source), shipped in by_source.items():
            assert source in mapped, f"order {increment}: {sku} shipped from unmapped {source}"
            erp = delivered.get((increment, sku, source), Decimal(0))
            assert shipped <= erp, (
                f"order {increment}: {sku} shipped {shipped} from {source}, ERP delivered {erp}"
            )

    def _evidence(self) -> list[str]:
        placed = list(self.orders.values())
        evidence = judge_shipments(self.ctx, placed)
        for order in placed:
            evidence += judge_tracking(self.ctx, order)
        return evidence

    @rule()
    def drain_and_check(self) -> None:
        """Faults cleared, cycles until Magento matches the ERP (at least two, at most
        ``DRAIN_CYCLES``); the never-over-shipped invariant still runs after this step."""
        self.ctx.world.magento.clear_faults()
        drain(self.ctx, self._evidence, DRAIN_CYCLES)

    def teardown(self) -> None:
        try:
            self.drain_and_check()
        finally:
            self.ctx.connector.close()
            self.ctx.world.close()


def machine_for(erp: str, world_seed: int = 0) -> type[Fulfilment]:
    """The state machine against ``erp`` (a kind with a fulfilment view)."""
    name = f"Fulfilment_{erp.replace('-', '_')}"
    return type(name, (Fulfilment,), {"erp": erp, "world_seed": world_seed})


def run(erp: str, node: str) -> None:
    """Run the machine against ``erp`` (see :func:`scenarios.machines.replay.run_machine`)."""
    run_machine(erp, node, machine_for)
