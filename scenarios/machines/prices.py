"""Price batches under rejections, approvals and rollbacks, for the ``builtin`` connector
against any ERP with a price setter (:mod:`scenarios.flowviews.prices`).

Rules let the ERP's pricing clerk move a price (a little or a lot), let price runs happen,
make Magento reject rows inside its 200 answers, let the operator approve held batches and roll
back applied ones. After every step each batch's outcomes add up (accepted + rejected +
pending = submitted) and no batch with a change above the threshold was applied unapproved;
a rollback restores the batch's snapshot exactly. When the machine drains (faults cleared,
dead letters replayed, held batches approved), Magento holds the ERP's price of every SKU,
except prices the operator rolled back.

A failure prints the steps as a program; replay it with the printed ``@reproduce_failure``
or the same ``--hypothesis-seed``.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.flowviews.prices import magento_base, products, set_base
from scenarios.world import build_world
from sync_core.flows.prices import FLOW, PricesFlow
from sync_core.flows.prices_model import same

FACTORS = (Decimal("0.97"), Decimal("1.04"), Decimal("1.5"))
SKUS = 3
DRAIN_RUNS = 4
RUN_S = 300.0


class PriceBatches(RuleBasedStateMachine):
    """Subclass per ERP with :func:`machine_for`; the class attribute ``erp`` picks the fake."""

    erp = "netsuite"

    def __init__(self) -> None:
        super().__init__()
        world = build_world(
            self.erp, seed=0, connector_options={"flows": {"prices": {"every_s": RUN_S}}}
        )
        self.ctx = Ctx(world, BuiltinConnector(world), random.Random(0))
        self.erp_prices = dict(products(self.ctx, SKUS))
        self.rolled_back: set[tuple[str, Decimal]] = set()

    @property
    def flow(self) -> PricesFlow:
        engine = self.ctx.connector.engine  # type: ignore[attr-defined]
        found = next(f for f, _ in engine.optional if f.name == FLOW)
        assert isinstance(found, PricesFlow)
        return found

    # -- the ERP and Magento ---------------------------------------------------------------------
    @rule(index=st.integers(0, SKUS - 1), factor=st.sampled_from(FACTORS))
    def clerk_moves_a_price(self, index: int, factor: Decimal) -> None:
        sku = list(self.erp_prices)[index]
        price = (self.erp_prices[sku] * factor).quantize(Decimal("0.01"))
        set_base(self.ctx, sku, price)
        self.erp_prices[sku] = price

    @rule(reject=st.integers(1, 2), calls=st.integers(1, 3))
    def magento_rejects_rows(self, reject: int, calls: int) -> None:
        self.ctx.world.magento.add_fault(
            {
                "target": {"method": "POST", "path": r"/V1/products/base-prices$"},
                "effect": {
                    "kind": "vendor",
                    "name": "partial_price_batch",
                    "params": {"reject": reject},
                },
                "trigger": {"first": calls},
            }
        )

    @rule()
    def price_run(self) -> None:
        self.ctx.cycles(1, step_s=RUN_S)

    # -- the operator ----------------------------------------------------------------------------
    @precondition(lambda self: bool(self.flow.batches.batches(("pending_approval",))))
    @rule()
    def operator_approves(self) -> None:
        held = self.flow.batches.batches(("pending_approval",))[-1]
        self.flow.approve(int(held["id"]))

    @precondition(lambda self: bool(self._clean_applied()))
    @rule()
    def operator_rolls_back(self) -> None:
        batch = self._clean_applied()[-1]
        snapshot = dict(batch["snapshot"] or {})
        for item in self.flow.batches.items(int(batch["id"])):
            sku = str(item["key"]).split("|")[1]
            self.rolled_back.add(
                (sku, Decimal(str(item["new"]["price"])).quantize(Decimal("0.01")))
            )
        self.flow.rollback(int(batch["id"]))
        held = magento_base(self.ctx)
        for key, value in snapshot.items():
            sku = key.split("|")[1]
            assert abs(held[sku] - Decimal(str(value["price"]))) <= Decimal("0.005"), key

    def _clean_applied(self) -> list[dict[str, Any]]:
        """Applied batches every item of which Magento accepted, and no later batch touched."""
        batches = self.flow.batches.batches()
        out = []
        for index, batch in enumerate(batches):
            items = self.flow.batches.items(int(batch["id"]))
            keys = {i["key"] for i in items}
            later = {
                i["key"]
                for b in batches[index + 1 :]
                for i in self.flow.batches.items(int(b["id"]))
            }
            if (
                batch["status"] == "applied"
                and all(i["outcome"] == "accepted" for i in items)
                and not keys & later
            ):
                out.append(batch)
        return out

    # -- invariants ------------------------------------------------------------------------------
    @invariant()
    def outcomes_add_up(self) -> None:
        for batch in self.flow.batches.batches():
            counts = self.flow.batches.counts(int(batch["id"]))
            parts = counts["accepted"] + counts["rejected"] + counts["pending"]
            assert parts == counts["submitted"], f"batch {batch['id']}: {counts}"

    @invariant()
    def nothing_big_applied_unapproved(self) -> None:
        flow = self.flow
        for batch in flow.batches.batches(("applied", "rolled_back")):
            trail = flow.engine.store.audit_trail(f"batch:{batch['id']}")
            if any(t["action"] == "approve" for t in trail):
                continue
            for item in flow.batches.items(int(batch["id"])):
                assert self._cleared(int(batch["id"]), item), (batch, item)

    def _cleared(self, batch_id: int, item: dict[str, Any]) -> bool:
        """Under the threshold, or a retry of a price an earlier batch already had approved."""
        if float(item["change_pct"]) <= self.flow.threshold:
            return True
        return any(
            int(past["batch_id"]) < batch_id
            and same(past["new"], item["new"])
            and past["status"] in ("approved", "applied", "rolled_back")
            for past in self.flow.batches.history(str(item["key"]))
        )

    def teardown(self) -> None:
        try:
            self.ctx.world.magento.clear_faults()
            self.flow.replay()
            for _ in range(DRAIN_RUNS):
                self.ctx.cycles(1, step_s=RUN_S)
                for held in self.flow.batches.batches(("pending_approval",)):
                    self.flow.approve(int(held["id"]))
            held = magento_base(self.ctx)
            for sku, price in self.erp_prices.items():
                if (sku, price) in self.rolled_back:
                    continue
                assert abs(held[sku] - price) <= Decimal("0.005"), f"{sku}: {held[sku]} != {price}"
        finally:
            self.ctx.connector.close()
            self.ctx.world.close()


def machine_for(erp: str) -> type[PriceBatches]:
    """The state machine against ``erp`` (a kind with a price setter)."""
    return type(f"PriceBatches_{erp.replace('-', '_')}", (PriceBatches,), {"erp": erp})
