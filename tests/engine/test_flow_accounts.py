"""The account flow: mapping units, and the flow in-process against the Magento and ERP fakes
(register a company, gate, approve, hold, address change, lookup before create)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest

from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.flowviews.accounts import (
    accounts_for,
    company_state,
    hooks,
    magento_call,
    register_company,
    update_company,
)
from scenarios.world import build_world
from sync_core.config import FlowSettings
from sync_core.connectors.business_central.accounts import body_for as bc_body
from sync_core.connectors.netsuite.accounts import NetSuiteAccounts
from sync_core.connectors.sap_b1.accounts import card_code
from sync_core.errors import MappingError, RetryableError
from sync_core.flows.accounts import ENTITY, FLOW, AccountsFlow, attach
from sync_core.flows.accounts_model import AccountDraft, ErpAccount, company_from
from sync_core.store import LeaseLost
from tests.engine.flow_helpers import run_under_lease

ERPS = ["netsuite", "business-central", "sap-b1", "sage200"]
COMPANY: dict[str, Any] = {
    "id": 4,
    "status": 0,
    "company_name": "Unit Test Ltd",
    "company_email": "ap@unit.example",
    "street": ["1 Road", "Unit 2"],
    "city": "York",
    "postcode": "YO1 1AA",
    "country_id": "GB",
    "telephone": "01904 000000",
}


# -- mapping --------------------------------------------------------------------------------
def test_a_company_becomes_a_draft_with_its_reference_and_address() -> None:
    company = company_from(COMPANY)
    assert company.key == "magento-company:4"
    assert company.draft.ref == "mage-company-4"
    assert company.draft.street == ("1 Road", "Unit 2")
    assert (company.draft.city, company.draft.postcode) == ("York", "YO1 1AA")


def test_a_company_without_an_email_names_the_field() -> None:
    with pytest.raises(MappingError) as caught:
        company_from({**COMPANY, "company_email": " "})
    assert caught.value.field == "company_email" and "company 4" in caught.value.message


def test_the_draft_version_follows_the_address_only() -> None:
    base = company_from(COMPANY).draft
    assert company_from(dict(COMPANY)).draft.version() == base.version()
    moved = company_from({**COMPANY, "city": "Hull"}).draft
    assert moved.version() != base.version()
    assert company_from({**COMPANY, "status": 1}).draft.version() == base.version()


def test_the_erp_version_changes_with_hold_and_limit() -> None:
    open_ = ErpAccount("1", "C1", False, Decimal("7500.00"))
    assert open_.version() == "open:7500"
    assert ErpAccount("1", "C1", True, Decimal(7500)).version() == "hold:7500"
    assert ErpAccount("1", "C1", False, None).version() == "open:-"


def test_netsuite_reads_hold_from_the_override_and_inactive_flag() -> None:
    read = NetSuiteAccounts._account
    on = read({"id": "5", "entityId": "CUST5", "creditHoldOverride": {"id": "ON"}})
    assert on.on_hold and on.number == "CUST5" and on.credit_limit is None
    inactive = read({"id": "5", "creditHoldOverride": {"id": "AUTO"}, "isInactive": True})
    assert inactive.on_hold
    released = read({"id": "5", "creditHoldOverride": {"id": "AUTO"}, "creditLimit": 100.5})
    assert not released.on_hold and released.credit_limit == Decimal("100.5")


def test_business_central_refuses_a_value_longer_than_the_field() -> None:
    draft = AccountDraft("mage-company-9", "N", "e@x.example", city="C" * 31)
    with pytest.raises(MappingError) as caught:
        bc_body(draft)
    assert caught.value.field == "city" and caught.value.record == "mage-company-9"
    body = bc_body(AccountDraft("mage-company-9", "N", "e@x.example", street=("a", "b", "c")))
    assert body["addressLine1"] == "a" and body["addressLine2"] == "b c"


def test_the_b1_card_code_comes_from_the_company() -> None:
    assert card_code("MC", AccountDraft("mage-company-12", "N", "e@x.example")) == "MC12"


# -- in-process against the fakes -------------------------------------------------------------
@contextmanager
def _opened(erp: str, **policies: Any) -> Iterator[Ctx]:
    """The builtin connector (with ``policies``) on a fresh world of ``erp``, closed after."""
    world = build_world(erp, 0)
    context = Ctx(world, BuiltinConnector(world, **policies), random.Random(0))
    try:
        yield context
    finally:
        context.connector.close()
        context.world.close()


@pytest.fixture(params=ERPS)
def ctx(request: pytest.FixtureRequest) -> Iterator[Ctx]:
    with _opened(str(request.param)) as context:
        yield context


def _flow(ctx: Ctx) -> AccountsFlow:
    engine = ctx.connector.engine  # type: ignore[attr-defined]
    flows = [f for f, _ in engine.optional if isinstance(f, AccountsFlow)]
    assert len(flows) == 1
    return flows[0]


def _run(ctx: Ctx) -> Any:
    return run_under_lease(ctx, _flow(ctx), FLOW)


def test_a_pass_whose_lease_moved_on_cannot_record_what_it_applied() -> None:
    with _opened("netsuite") as ctx:
        register_company(ctx, "Fenced Ltd", "fenced@ltd.example")
        with pytest.raises(LeaseLost):
            _flow(ctx).run((f"schedule:{FLOW}", 99))


def test_a_new_company_waits_for_erp_approval_then_gets_its_limit(ctx: Ctx) -> None:
    company = register_company(ctx, "Gate Ltd", "gate@ltd.example")
    first = _run(ctx)
    assert first.created == 1 and first.approved == 0
    assert company_state(ctx, company["id"]) == (0, Decimal(0))
    engine = ctx.connector.engine  # type: ignore[attr-defined]
    binding = engine.store.binding(ctx.world.erp, ENTITY, f"magento-company:{company['id']}")
    assert binding is not None and binding["state"] == "pending"
    (account,) = accounts_for(ctx, "gate@ltd.example")
    assert account.on_hold
    assert _run(ctx).created == 0  # bound: no second create
    hooks(ctx).approve(ctx, account, Decimal(2500))
    assert _run(ctx).approved == 1
    assert company_state(ctx, company["id"]) == (1, Decimal(2500))
    hooks(ctx).hold(ctx, account)
    assert _run(ctx).blocked == 1
    assert company_state(ctx, company["id"]) == (3, Decimal(2500))
    hooks(ctx).approve(ctx, account, Decimal(3000))  # released, with a new limit
    _run(ctx)
    assert company_state(ctx, company["id"]) == (1, Decimal(3000))
    before = ctx.world.magento.entries()[-1].seq
    _run(ctx)  # nothing changed: no write to Magento
    writes = [e for e in ctx.world.magento.entries(before) if e.method != "GET"]
    assert writes == []
    assert len(accounts_for(ctx, "gate@ltd.example")) == 1


def test_a_company_activated_in_magento_before_approval_is_set_back(ctx: Ctx) -> None:
    company = register_company(ctx, "Eager Ltd", "eager@ltd.example")
    update_company(ctx, company["id"], status=1)
    _run(ctx)
    assert company_state(ctx, company["id"])[0] == 0


def test_an_address_change_reaches_the_erp_account(ctx: Ctx) -> None:
    company = register_company(ctx, "Moving Ltd", "moving@ltd.example")
    _run(ctx)
    assert _run(ctx).updated == 0  # nothing changed since the create
    update_company(ctx, company["id"], telephone="0200 123 456")
    assert _run(ctx).updated == 1
    assert [a.phone for a in accounts_for(ctx, "moving@ltd.example")] == ["0200 123 456"]


@pytest.fixture(params=[*ERPS, "legacy", "s4hana"])
def any_ctx(request: pytest.FixtureRequest) -> Iterator[Ctx]:
    """Every ERP with an accounts flow: legacy and S/4HANA have files of their own for the
    rest, where their gates differ."""
    with _opened(str(request.param)) as context:
        yield context


def test_a_lost_create_answer_is_found_by_lookup_not_created_again(any_ctx: Ctx) -> None:
    ctx = any_ctx
    company = register_company(ctx, "Lost Answer Ltd", "lost@ltd.example")
    ctx.world.erp_fake.add_fault(
        {
            "id": "lose",
            "target": {"path": hooks(ctx).create_paths, "body_contains": "Lost Answer Ltd"},
            "effect": {"kind": "lose_response", "after": "timeout"},
            "trigger": {"calls": [1]},
        }
    )
    with pytest.raises(RetryableError):  # the unknown outcome ends the pass
        _run(ctx)
    again = _run(ctx)
    assert again.created == 0 and again.found == 1
    assert len(accounts_for(ctx, "lost@ltd.example")) == 1
    assert company_state(ctx, company["id"]) == (0, Decimal(0))


def test_a_rejected_company_is_never_sent() -> None:
    with _opened("netsuite") as ctx:
        company = register_company(ctx, "Refused Ltd", "refused@ltd.example")
        ctx.world.magento.event("set_company_status", company_id=company["id"], status=2,
                                reject_reason="fraud")  # fmt: skip
        _run(ctx)
        assert accounts_for(ctx, "refused@ltd.example") == []


def test_without_the_approval_policy_the_account_is_created_open_and_active() -> None:
    with _opened("netsuite", account_approval=False) as ctx:
        company = register_company(ctx, "Open Ltd", "open@ltd.example")
        result = _run(ctx)
        assert result.created == 1 and result.approved == 0  # nothing to wait for
        (account,) = accounts_for(ctx, "open@ltd.example")
        assert not account.on_hold
        assert company_state(ctx, company["id"]) == (1, Decimal(0))


def test_an_existing_erp_customer_with_the_email_is_bound_not_duplicated() -> None:
    with _opened("netsuite") as ctx:
        seeded = ctx.world.magento.ctx.dataset.customers[0]
        before = len(accounts_for(ctx, seeded.email))
        register_company(ctx, "Known Ltd", seeded.email)
        result = _run(ctx)
        assert result.found == 1 and result.created == 0
        assert result.updated == 1  # the found account gets the company's contact
        assert len(accounts_for(ctx, seeded.email)) == before == 1


def test_the_flow_is_absent_when_the_profile_disables_it() -> None:
    with _opened("netsuite") as ctx:
        engine = ctx.connector.engine  # type: ignore[attr-defined]
        assert attach(engine) is not None
        disabled = {"accounts": FlowSettings(enabled=False)}
        engine.config = engine.config.model_copy(update={"flows": disabled})
        assert attach(engine) is None


def test_merchant_block_and_rejection_are_respected_around_the_gate() -> None:
    with _opened("netsuite") as ctx:
        blocked = register_company(ctx, "Blocked Ltd", "blocked@ltd.example")
        refused = register_company(ctx, "Later Refused Ltd", "later@ltd.example")
        ctx.world.magento.event("set_company_status", company_id=blocked["id"], status=3)
        _run(ctx)
        assert company_state(ctx, blocked["id"])[0] == 3  # not set back to pending
        ctx.world.magento.event("set_company_status", company_id=refused["id"], status=2,
                                reject_reason="duplicate")  # fmt: skip
        (account,) = accounts_for(ctx, "later@ltd.example")
        hooks(ctx).approve(ctx, account, Decimal(100))
        _run(ctx)
        assert company_state(ctx, refused["id"]) == (2, Decimal(0))  # never activated


def test_customers_of_the_profile_groups_get_accounts_and_keep_them_in_step() -> None:
    with _opened("netsuite", account_customer_groups=[2]) as ctx:
        seeded = [c for c in ctx.world.magento.state()["customers"] if c["group_id"] == 2]
        member = register_company(ctx, "Member Ltd", "member@ltd.example")  # admin: group 1
        new = magento_call(ctx, "POST", "/customers", {"customer": {
            "email": "trade@buyer.example", "firstname": "Tra", "lastname": "De",
            "group_id": 2, "addresses": [{
                "default_billing": True, "firstname": "Tra", "lastname": "De",
                "street": ["9 Mill Lane"], "city": "Bath", "postcode": "BA1 1AA",
                "country_id": "GB", "telephone": "01225 000"}]}})  # fmt: skip
        result = _run(ctx)
        assert result.found == len(seeded)  # seeded accounts carry mage-customer-<id>
        assert result.created == 2  # the company (held) and the new wholesale customer
        (account,) = accounts_for(ctx, "trade@buyer.example")
        assert not account.on_hold and account.phone == "01225 000"
        assert accounts_for(ctx, f"admin.{member['company_email']}") == []  # company user
        body = {**new, "addresses": [{**new["addresses"][0], "telephone": "01225 999"}]}
        magento_call(ctx, "PUT", f"/customers/{new['id']}", {"customer": body})
        _run(ctx)
        assert [a.phone for a in accounts_for(ctx, "trade@buyer.example")] == ["01225 999"]


def test_when_the_erp_owns_accounts_companies_are_bound_never_created() -> None:
    with _opened("netsuite") as ctx:
        engine = ctx.connector.engine  # type: ignore[attr-defined]
        owner = {"accounts": FlowSettings(source_of_truth="erp")}
        engine.config = engine.config.model_copy(update={"flows": owner})
        flow = attach(engine)
        assert flow is not None
        engine.optional = [(flow, engine.optional[0][1])]
        seeded = ctx.world.magento.ctx.dataset.customers[0]
        known = register_company(ctx, "Known Ltd", seeded.email)
        unknown = register_company(ctx, "Unknown Ltd", "nobody@unknown.example")
        result = _run(ctx)
        assert (result.created, result.found) == (0, 1)
        assert accounts_for(ctx, "nobody@unknown.example") == []
        key = f"magento-company:{known['id']}"
        assert engine.store.binding("netsuite", ENTITY, key) is not None
        assert engine.store.binding("netsuite", ENTITY, f"magento-company:{unknown['id']}") is None
