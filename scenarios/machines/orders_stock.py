"""Orders and stock under faults and crashes, for the ``builtin`` connector against any ERP.

Rules place paid orders (in two stores), redeliver them (touch: they reappear in Magento's
change feed), move ERP stock, inject and clear faults on the ERP, let simulated time pass
with sync cycles, and kill the engine mid-request. After every step no Magento order may have
more than one ERP order; whenever the machine drains, every paid order must be in the ERP
exactly once and Magento's stock must equal the ERP's.

A failure prints the steps as a program; replay it with the printed ``@reproduce_failure``
or the same ``--hypothesis-seed``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from scenarios.connectors.builtin import BuiltinConnector
from scenarios.erps import support
from scenarios.invariants import orders_exactly_once, stock_converges
from scenarios.views import erp_orders, magento_orders
from scenarios.world import World, build_world

FAULTS: dict[str, dict[str, Any]] = {
    "lose_response": {"kind": "lose_response", "after": "timeout"},
    "outage": {"kind": "http_error", "status": 503},
    "throttle": {"kind": "throttle", "retry_after_s": 30},
    "reset": {"kind": "reset"},
}
DRAIN_CYCLES = 60


class OrdersAndStock(RuleBasedStateMachine):
    """Subclass per ERP with :func:`machine_for`; the class attribute ``erp`` picks the fake."""

    erp = "netsuite"

    def __init__(self) -> None:
        super().__init__()
        self.world: World = build_world(self.erp, seed=0)
        self.connector = BuiltinConnector(self.world)
        found = support(self.erp)
        assert found is not None, f"no harness support for {self.erp}"
        self.support = found
        self.locations = sorted(self.world.profile["locations"].values())
        self.skus = [p.sku for p in self.world.magento.ctx.dataset.products[:6]]
        self.placed = 0

    @rule(
        count=st.integers(1, 3),
        store=st.sampled_from(["default", "eu"]),
        sku=st.integers(0, 5),
        qty=st.integers(1, 4),
    )
    def place_orders(self, count: int, store: str, sku: int, qty: int) -> None:
        for _ in range(count):
            self.world.magento.event(
                "place_order", store_code=store, lines=[{"sku": self.skus[sku], "qty": qty}]
            )
        self.placed += count

    @precondition(lambda self: self.placed > 0)
    @rule(index=st.integers(0, 50))
    def redeliver(self, index: int) -> None:
        orders = self.world.magento.state()["orders"]
        self.world.magento.event("touch_order", entity_id=orders[index % len(orders)]["entity_id"])

    @rule(sku=st.integers(0, 5), location=st.integers(0, 2), qty=st.integers(0, 500))
    def move_erp_stock(self, sku: int, location: int, qty: int) -> None:
        where = self.locations[location % len(self.locations)]
        self.support.set_stock(self.world.erp_fake, self.skus[sku], where, qty)

    @rule(
        kind=st.sampled_from(sorted(FAULTS)),
        method=st.sampled_from(["PUT", "GET", "POST"]),
        first=st.integers(1, 3),
    )
    def inject_fault(self, kind: str, method: str, first: int) -> None:
        self.world.erp_fake.add_fault(
            {
                "target": {"method": method, "path": self.support.api_paths},
                "effect": FAULTS[kind],
                "trigger": {"first": first},
            }
        )

    @rule()
    def clear_faults(self) -> None:
        self.world.erp_fake.clear_faults()

    @rule(seconds=st.sampled_from([10, 60, 300, 900]))
    def tick(self, seconds: int) -> None:
        self.connector.cycle()
        self.world.advance(seconds)

    @rule(after=st.integers(1, 6), after_send=st.booleans())
    def crash_mid_request(self, after: int, after_send: bool) -> None:
        self.connector.arm_crash(after, after_send)
        self.connector.cycle()
        self.world.advance(60)

    @rule()
    def drain_and_check(self) -> None:
        self.world.erp_fake.clear_faults()
        for cycle in range(DRAIN_CYCLES):
            self.connector.cycle()
            self.world.advance(300)
            busy = self.connector.engine.store.job_counts()
            if cycle >= 2 and not busy.get("pending") and not busy.get("running"):
                break
        magento, erp = self.world.magento.state(), self.world.erp_fake.state()
        assert orders_exactly_once(self.erp, magento, erp) == []
        assert stock_converges(self.erp, magento, erp, self.world.profile) == []

    @invariant()
    def never_duplicated(self) -> None:
        magento = magento_orders(self.world.magento.state())
        refs = [
            ref
            for o in erp_orders(self.erp, self.world.erp_fake.state())
            for ref in o.refs
            if ref.startswith("mage-")
        ]
        duplicated = {r for r in refs if refs.count(r) > 1}
        assert not duplicated, f"duplicated ERP orders for {sorted(duplicated)}"
        assert len(set(refs)) <= len(magento)

    def teardown(self) -> None:
        try:
            self.drain_and_check()
        finally:
            self.connector.close()
            self.world.close()


def machine_for(erp: str) -> type[OrdersAndStock]:
    """The state machine against ``erp`` (any kind the harness can judge)."""
    return type(f"OrdersAndStock_{erp.replace('-', '_')}", (OrdersAndStock,), {"erp": erp})
