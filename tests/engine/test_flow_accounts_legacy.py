"""Accounts and credit holds on the legacy ERP, in-process against the Magento and legacy fakes:
the approval gate (pending until the credit controller approves), a lost create answer found by
reference, contact updates, the account an order maps to by e-mail, and the credit-hold check
before an order is created."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from scenarios.context import Ctx
from scenarios.flowviews.accounts import (
    accounts_for,
    company_state,
    hooks,
    register_company,
    update_company,
)
from sync_core.connectors.legacy.accounts import LegacyAccounts
from sync_core.connectors.legacy.order_state import LegacyChecks
from sync_core.errors import RemoteNotFound
from sync_core.flows.accounts import ENTITY
from sync_core.flows.accounts_model import AccountDraft
from sync_core.flows.order_checks import checks_for
from tests.engine.flow_helpers import accounts_pass, engine_of, in_process
from tests.engine.test_flow_order_policies import order


@pytest.fixture
def ctx() -> Iterator[Ctx]:
    with in_process("legacy") as context:
        yield context


def _engine(ctx: Ctx) -> Any:
    return engine_of(ctx)  # typed loosely: the tests reach into the legacy connector


def _run(ctx: Ctx) -> Any:
    return accounts_pass(ctx)


def test_a_company_waits_pending_until_the_credit_controller_approves(ctx: Ctx) -> None:
    company = register_company(ctx, "Gate Ltd", "gate@ltd.example")
    first = _run(ctx)
    assert (first.created, first.approved) == (1, 0)
    (account,) = accounts_for(ctx, "gate@ltd.example")
    assert account.on_hold and account.credit_limit == 0
    key = f"magento-company:{company['id']}"
    binding = _engine(ctx).store.binding("legacy", ENTITY, key)
    assert binding is not None and binding["remote_id"] == account.number == "C000001"
    assert company_state(ctx, company["id"]) == (0, Decimal(0))
    hooks(ctx).approve(ctx, account, Decimal(2500))
    assert _run(ctx).approved == 1
    assert company_state(ctx, company["id"]) == (1, Decimal(2500))
    hooks(ctx).hold(ctx, account)
    assert _run(ctx).blocked == 1
    assert company_state(ctx, company["id"]) == (3, Decimal(2500))
    update_company(ctx, company["id"], telephone="0200 123 456")
    assert _run(ctx).updated == 1
    assert [a.phone for a in accounts_for(ctx, "gate@ltd.example")] == ["0200 123 456"]


def test_lookup_falls_back_to_the_email_and_prefers_the_approved_copy(ctx: Ctx) -> None:
    adapter = LegacyAccounts(_engine(ctx).erp.soap)
    seeded = ctx.world.magento.ctx.dataset.customers[1]
    found = adapter.find(AccountDraft("mage-company-77", "Known", seeded.email))
    assert found is not None and (found.number, found.on_hold) == ("CUST0002", False)
    copy = adapter.create(AccountDraft("mage-company-77", "Known", seeded.email), held=True)
    assert copy.on_hold  # pending
    again = adapter.find(AccountDraft("mage-company-77", "Known", seeded.email))
    assert again is not None and again.number == copy.number  # by reference first
    with pytest.raises(RemoteNotFound):
        adapter.read("NOPE")
    with pytest.raises(RemoteNotFound):
        adapter.update_contact("NOPE", AccountDraft("mage-company-77", "Known", seeded.email))


def test_orders_map_to_the_account_with_their_email_and_holds_are_read(ctx: Ctx) -> None:
    erp = _engine(ctx).erp
    checks = checks_for(erp)
    assert isinstance(checks, LegacyChecks)
    buyer = ctx.world.magento.ctx.dataset.customers[2]
    mine = order(("SKU-000001", 1)).model_copy(update={"customer_email": buyer.email})
    assert erp.customer_ref(mine) == "CUST0003"
    stranger = order(("SKU-000001", 1)).model_copy(update={"customer_email": "nobody@else.example"})
    assert erp.customer_ref(stranger) == "CUST0001"  # mapping.default_customer
    assert checks.account_hold(mine) is None
    ctx.world.erp_fake.event("set_credit_hold", customer_ref="CUST0003")
    assert checks.account_hold(mine) == "account CUST0003 is on credit hold in legacy"
    ctx.world.erp_fake.event("set_credit_hold", customer_ref="CUST0003", on_hold=False)
    ctx.world.erp_fake.event("block_customer", customer_ref="CUST0003")
    assert checks.account_hold(mine) == "account CUST0003 is blocked in legacy (not approved)"
    assert checks.account_hold(stranger) is None
