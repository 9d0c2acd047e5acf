"""The account approval gate under faults and crashes, for the ``builtin`` connector against
every ERP with account hooks (:mod:`scenarios.flowviews.accounts`).

Rules register B2B companies on the storefront, let the merchant activate one early, let the
ERP's credit controller approve (with a limit) or hold an account, inject and clear faults on
the ERP's account creates and reads, let simulated time pass with sync cycles, and kill the
engine mid-request. After every step no company has more than one ERP account, and after a
cycle no company the ERP never released is active or has credit in Magento. When the machine
drains, each company's Magento status and credit follow the controller's last action.

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
from scenarios.flowviews.accounts import (
    AccountView,
    accounts_for,
    company_state,
    hooks,
    register_company,
    update_company,
)
from scenarios.world import build_world

FAULTS: dict[str, dict[str, Any]] = {
    "lose_response": {"kind": "lose_response", "after": "timeout"},
    "outage": {"kind": "http_error", "status": 503},
    "reset": {"kind": "reset"},
}
LIMITS = (Decimal(500), Decimal(2500), Decimal(10000))
DRAIN_CYCLES = 6


class AccountGate(RuleBasedStateMachine):
    """Subclass per ERP with :func:`machine_for`; the class attribute ``erp`` picks the fake."""

    erp = "netsuite"

    def __init__(self) -> None:
        super().__init__()
        world = build_world(self.erp, seed=0)
        self.ctx = Ctx(world, BuiltinConnector(world), random.Random(0))
        self.companies: dict[str, int] = {}  # e-mail -> Magento company id
        self.last: dict[str, tuple[str, Decimal]] = {}  # e-mail -> controller's last action

    # -- storefront and merchant ---------------------------------------------------------------
    @precondition(lambda self: len(self.companies) < 4)
    @rule()
    def register(self) -> None:
        n = len(self.companies) + 1
        email = f"buyers{n}@machine.example"
        company = register_company(self.ctx, f"Machine Trading {n} Ltd", email)
        self.companies[email] = int(company["id"])

    @precondition(lambda self: bool(self.companies))
    @rule(index=st.integers(0, 3))
    def merchant_activates_early(self, index: int) -> None:
        email = sorted(self.companies)[index % len(self.companies)]
        if email not in self.last:
            update_company(self.ctx, self.companies[email], status=1)

    # -- the ERP's credit controller -----------------------------------------------------------
    def _account(self, index: int) -> tuple[str, AccountView] | None:
        if not self.companies:
            return None
        email = sorted(self.companies)[index % len(self.companies)]
        found = accounts_for(self.ctx, email)
        return (email, found[0]) if found else None

    @rule(index=st.integers(0, 3), limit=st.sampled_from(LIMITS))
    def controller_approves(self, index: int, limit: Decimal) -> None:
        found = self._account(index)
        if found is not None:
            hooks(self.ctx).approve(self.ctx, found[1], limit)
            self.last[found[0]] = ("open", limit)

    @rule(index=st.integers(0, 3))
    def controller_holds(self, index: int) -> None:
        found = self._account(index)
        if found is not None and found[0] in self.last:
            hooks(self.ctx).hold(self.ctx, found[1])
            self.last[found[0]] = ("hold", self.last[found[0]][1])

    # -- faults, time, crashes ---------------------------------------------------------------
    @rule(kind=st.sampled_from(sorted(FAULTS)), first=st.integers(1, 2))
    def inject_fault(self, kind: str, first: int) -> None:
        self.ctx.world.erp_fake.add_fault(
            {
                "target": {"path": hooks(self.ctx).create_paths},
                "effect": FAULTS[kind],
                "trigger": {"first": first},
            }
        )

    @rule()
    def clear_faults(self) -> None:
        self.ctx.world.erp_fake.clear_faults()

    @rule()
    def tick(self) -> None:
        self.ctx.cycles(1)
        self._check_gate()

    @rule(after=st.integers(1, 6), after_send=st.booleans())
    def crash_mid_request(self, after: int, after_send: bool) -> None:
        self.ctx.connector.arm_crash(after, after_send)
        self.ctx.cycles(1)

    # -- checks ------------------------------------------------------------------------------
    def _check_gate(self) -> None:
        for email, company_id in self.companies.items():
            if email in self.last:
                continue
            status, credit = company_state(self.ctx, company_id)
            assert status != 1, f"{email}: active before the ERP released it"
            assert credit == 0, f"{email}: credit {credit} before the ERP released it"

    @invariant()
    def one_account_per_company(self) -> None:
        for email in self.companies:
            found = accounts_for(self.ctx, email)
            assert len(found) <= 1, f"{email}: {len(found)} ERP accounts"

    def drain_and_check(self) -> None:
        self.ctx.world.erp_fake.clear_faults()
        self.ctx.cycles(DRAIN_CYCLES)
        self._check_gate()
        for email, company_id in self.companies.items():
            assert len(accounts_for(self.ctx, email)) == 1, f"{email}: no single ERP account"
            action = self.last.get(email)
            if action is None:
                continue
            status, credit = company_state(self.ctx, company_id)
            if action[0] == "open":
                assert (status, credit) == (1, action[1]), f"{email}: {status}, {credit}"
            else:
                assert status != 1, f"{email}: still active after the ERP hold"

    def teardown(self) -> None:
        try:
            self.drain_and_check()
        finally:
            self.ctx.connector.close()
            self.ctx.world.close()


def machine_for(erp: str) -> type[AccountGate]:
    """The state machine against ``erp`` (a kind with account hooks)."""
    return type(f"AccountGate_{erp.replace('-', '_')}", (AccountGate,), {"erp": erp})
