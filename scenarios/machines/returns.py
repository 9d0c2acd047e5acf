"""Returns (Magento credit memos -> ERP credit notes) under faults and crashes, for the
``builtin`` connector against every ERP whose credit notes the flow writes (FM-T04's kinds,
:mod:`scenarios.flowviews.returns_erps`).

Rules let the ERP invoice an exported order (Magento ships whatever the ERP's fulfilment did not),
refund part of a line or the rest of an order in Magento with or without return to stock and
with or without shipping, lose the ERP's answer to the credit-note create (after the ERP
committed it) or take that endpoint down, let simulated time pass with sync cycles, and kill the
engine mid-request. After every step no credit memo has more than one ERP credit note and no
order has more credit notes than memos. When the machine drains, each memo has exactly one ERP
credit note with its lines, quantities and shipping, and restocked goods are back in the ERP
warehouse mapped from the source they were shipped from. Magento refusing any of the machine's
refunds (all within what is left to refund) fails it.

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

from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.flowviews import returns as rv
from scenarios.flowviews.returns_erps import VIEWS, ReturnsView
from scenarios.machines.replay import drain, run_machine
from scenarios.views import erp_stock, magento_stock
from scenarios.world import World, build_world
from sync_core.flows.returns_model import reference

FAULTS: dict[str, dict[str, Any]] = {
    "lose_response": {"kind": "lose_response", "after": "timeout"},
    "outage": {"kind": "http_error", "status": 503},
}
MAX_ORDERS = 3
EXPORT_CYCLES = 4
DRAIN_CYCLES = 24
MIN_STOCK = 10


def kinds() -> list[str]:
    """The ERP kinds the machine runs on: those whose credit notes and restocks the returns
    flow writes (not Sage 200, whose API cannot move goods into stock)."""
    return [erp for erp, view in VIEWS.items() if view.restocks]


def stocked_skus(world: World, count: int) -> list[str]:
    """The first ``count`` products with stock at the default source in Magento and at its
    mapped ERP warehouse (Magento cannot ship, so cannot return, what its source lacks)."""
    location = str(world.profile["locations"]["default"])
    erp = erp_stock(world.erp, world.erp_fake.state())
    magento = magento_stock(world.magento.state())
    products = [p.sku for p in world.magento.ctx.dataset.products]
    stocked = [
        sku
        for sku in products
        if erp.get((sku, location), 0) >= MIN_STOCK
        and magento.get((sku, "default"), 0) >= MIN_STOCK
    ]
    return (stocked + products)[:count]


class Returns(RuleBasedStateMachine):
    """One subclass per ERP (:func:`machine_for`); ``world_seed`` seeds the fakes' data."""

    erp = "netsuite"
    world_seed = 0

    def __init__(self) -> None:
        super().__init__()
        world = build_world(self.erp, seed=self.world_seed)
        self.ctx = Ctx(world, BuiltinConnector(world), random.Random(self.world_seed))
        self.view: ReturnsView = VIEWS[self.erp]
        self.skus = stocked_skus(world, 3)
        self.orders: dict[str, dict[str, Any]] = {}  # increment id -> the placed order
        self.invoiced: list[str] = []  # increment ids the ERP invoiced (Magento shipped)
        self.restocked: set[int] = set()  # credit memo ids that returned goods to stock

    # -- storefront and ERP operator -----------------------------------------------------------
    @initialize(qty_a=st.integers(1, 3), qty_b=st.integers(1, 2), restock=st.booleans())
    def exported_orders(self, qty_a: int, qty_b: int, restock: bool) -> None:
        """Two orders placed and exported; the ERP invoices the first, Magento refunds one of
        its first line (so even the simplest example credits something)."""
        self.place_order(0, qty_a, qty_b)
        self.place_order(1, qty_b, qty_a)
        for _ in range(EXPORT_CYCLES):
            self.ctx.cycles(1)
            if len(self._exported()) == len(self.orders):
                break
        self.erp_invoices(0)
        self.refund_part(0, 0, 1, restock, 0)

    @precondition(lambda self: len(self.orders) < MAX_ORDERS)
    @rule(first=st.integers(0, 2), qty_a=st.integers(1, 3), qty_b=st.integers(1, 2))
    def place_order(self, first: int, qty_a: int, qty_b: int) -> None:
        sku_a, sku_b = self.skus[first], self.skus[(first + 1) % len(self.skus)]
        lines = [{"sku": sku_a, "qty": qty_a}, {"sku": sku_b, "qty": qty_b}]
        placed = self.ctx.place(1, lines=lines)[0]
        self.orders[str(placed["increment_id"])] = placed

    def _exported(self) -> list[str]:
        held = {increment for _, increment in self.ctx.judge_refs()}
        return [i for i in self.orders if i in held]

    @rule(index=st.integers(0, MAX_ORDERS - 1))
    def erp_invoices(self, index: int) -> None:
        """The ERP readies an exported order for credit (bills it); after a cycle Magento ships
        whatever the ERP's fulfilment did not, so every line has a source to return to."""
        waiting = [i for i in self._exported() if i not in self.invoiced]
        if not waiting:
            return
        increment = waiting[index % len(waiting)]
        placed = self.orders[increment]
        self.view.prepare(self.ctx.world, placed)
        self.ctx.cycles(1)
        order = rv.magento(self.ctx.world, "GET", f"/orders/{placed['entity_id']}")
        if any(rv.num(i.get("qty_shipped")) < rv.num(i.get("qty_ordered")) for i in order["items"]):
            rv.ship(self.ctx.world, int(placed["entity_id"]))
        self.invoiced.append(increment)

    def _refundable(self, increment: str) -> dict[str, int]:
        """SKU -> quantity Magento can still refund of the order's top-level items."""
        placed = self.orders[increment]
        order = rv.magento(self.ctx.world, "GET", f"/orders/{placed['entity_id']}")
        left = {}
        for item in order["items"]:
            qty = rv.num(item.get("qty_invoiced")) - rv.num(item.get("qty_refunded"))
            if not item.get("parent_item_id") and qty > 0:
                left[str(item["sku"])] = int(qty)
        return left

    @precondition(lambda self: bool(self.invoiced))
    @rule(
        index=st.integers(0, MAX_ORDERS - 1),
        line=st.integers(0, 1),
        qty=st.integers(1, 3),
        restock=st.booleans(),
        shipping=st.sampled_from([0, None]),
    )
    def refund_part(
        self, index: int, line: int, qty: int, restock: bool, shipping: int | None
    ) -> None:
        """A credit memo for up to ``qty`` of one line (shipping 0, or what is left of it)."""
        increment = self.invoiced[index % len(self.invoiced)]
        left = self._refundable(increment)
        if not left:
            return
        sku = sorted(left)[line % len(left)]
        lines = [(sku, min(qty, left[sku]))]
        self._refund(increment, lines, shipping=shipping, restock=restock)

    @precondition(lambda self: bool(self.invoiced))
    @rule(index=st.integers(0, MAX_ORDERS - 1), restock=st.booleans())
    def refund_rest(self, index: int, restock: bool) -> None:
        """A credit memo for everything of the order not refunded yet."""
        increment = self.invoiced[index % len(self.invoiced)]
        if self._refundable(increment):
            self._refund(increment, None, shipping=None, restock=restock)

    def _refund(
        self,
        increment: str,
        lines: list[tuple[str, int]] | None,
        *,
        shipping: int | None,
        restock: bool,
    ) -> None:
        entity_id = int(self.orders[increment]["entity_id"])
        memo = rv.refund(self.ctx.world, entity_id, lines, shipping=shipping, restock=restock)
        if restock:
            self.restocked.add(memo)

    # -- faults, time, crashes ---------------------------------------------------------------
    @rule(kind=st.sampled_from(sorted(FAULTS)), first=st.integers(1, 2))
    def fault_on_credit_create(self, kind: str, first: int) -> None:
        for method, path in self.view.credit_writes:
            self.ctx.world.erp_fake.add_fault(
                {
                    "target": {"method": method, "path": path},
                    "effect": FAULTS[kind],
                    "trigger": {"first": first},
                }
            )

    @rule()
    def clear_faults(self) -> None:
        self.ctx.world.erp_fake.clear_faults()

    @rule(seconds=st.sampled_from([60, 300, 3600]))
    def tick(self, seconds: int) -> None:
        self.ctx.cycles(1, step_s=seconds)

    @rule(after=st.integers(1, 6), after_send=st.booleans())
    def crash_mid_request(self, after: int, after_send: bool) -> None:
        self.ctx.connector.arm_crash(after, after_send)
        self.ctx.cycles(1)

    # -- checks ------------------------------------------------------------------------------
    def _refs(self, memos: list[rv.MemoView]) -> dict[int, str]:
        return {m.entity_id: reference("default", m.increment_id) for m in memos}

    @invariant()
    def at_most_one_credit_note_per_memo(self) -> None:
        memos = rv.memos(self.ctx.world)
        notes = self.view.credits(self.ctx.world.erp_fake.state())
        for memo in memos:
            ref = reference("default", memo.increment_id).casefold()
            found = [n.id for n in notes if n.ref is not None and n.ref.casefold() == ref]
            assert len(found) <= 1, f"{memo.label}: {len(found)} ERP credit notes {found}"
        for order in {m.order for m in memos} | {n.order for n in notes}:
            mine = [m for m in memos if m.order == order]
            theirs = [n.id for n in notes if n.order == order]
            assert len(theirs) <= len(mine), (
                f"order {order}: {len(theirs)} ERP credit notes {theirs} for {len(mine)} memos"
            )

    def _shipped_from(self) -> dict[tuple[str, str], str]:
        """(order increment, sku) -> the Magento source it was first shipped from."""
        state = self.ctx.world.magento.state()
        increments = {int(o["entity_id"]): str(o["increment_id"]) for o in state["orders"]}
        sources: dict[tuple[str, str], str] = {}
        for doc in state["shipments"]:
            source = str((doc.get("extension_attributes") or {}).get("source_code") or "default")
            for item in doc.get("items") or []:
                pair = (increments.get(int(doc["order_id"]), "?"), str(item["sku"]))
                sources.setdefault(pair, source)
        return sources

    def _expected_restock(self, memos: list[rv.MemoView]) -> rv.Restock:
        """(order, sku, ERP location) -> quantity the restocking memos returned."""
        sources = self._shipped_from()
        locations = self.ctx.world.profile["locations"]
        expected: rv.Restock = {}
        for memo in memos:
            if memo.entity_id not in self.restocked:
                continue
            for sku, qty in memo.lines.items():
                source = sources.get((memo.order, sku), "default")
                key = (memo.order, sku, str(locations.get(source, f"?{source}")))
                expected[key] = expected.get(key, Decimal(0)) + qty
        return expected

    def _evidence(self) -> list[str]:
        memos = rv.memos(self.ctx.world)
        state = self.ctx.world.erp_fake.state()
        evidence = rv.judge_credits(memos, self.view.credits(state), self._refs(memos))
        return evidence + rv.judge_restock(
            self._expected_restock(memos), self.view.restocked(state)
        )

    @rule()
    def drain_and_check(self) -> None:
        """Faults cleared, cycles until every memo has its one credit note (at least two, at
        most ``DRAIN_CYCLES``); the at-most-one invariant still runs after this step."""
        self.ctx.world.erp_fake.clear_faults()
        drain(self.ctx, self._evidence, DRAIN_CYCLES)

    def teardown(self) -> None:
        try:
            self.drain_and_check()
        finally:
            self.ctx.connector.close()
            self.ctx.world.close()


def machine_for(erp: str, world_seed: int = 0) -> type[Returns]:
    """The state machine against ``erp`` (a kind whose credit notes the flow writes)."""
    name = f"Returns_{erp.replace('-', '_')}"
    return type(name, (Returns,), {"erp": erp, "world_seed": world_seed})


def run(erp: str, node: str) -> None:
    """Run the machine against ``erp`` (see :func:`scenarios.machines.replay.run_machine`)."""
    run_machine(erp, node, machine_for)
