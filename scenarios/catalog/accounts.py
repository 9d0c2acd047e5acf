"""FM-T07: the account approval gate.

A buyer registers a company on the storefront. The connector must create exactly one ERP
account for it (the answer to the create is lost once: a retry must find the account, not make
a second), keep the Magento company pending and without credit until the ERP's credit
controller approves it, then activate it with the ERP's credit limit. Afterwards a credit hold
placed in the ERP blocks the company in Magento within a cycle, and a phone change made in
Magento reaches the ERP account. The verdict reads only the fakes' state (Magento
``companies``/``credits``, the ERP's accounts through :mod:`scenarios.flowviews.accounts`).
"""

from __future__ import annotations

from decimal import Decimal

from scenarios.catalog import scenario
from scenarios.context import Ctx
from scenarios.flowviews.accounts import (
    AccountView,
    accounts_for,
    company_state,
    hooks,
    kinds,
    register_company,
    update_company,
)

NAME = "Approval Test Trading Ltd"
EMAIL = "buyers@approval-test.example"
LIMIT = Decimal(7500)
NEW_PHONE = "0113 999 0002"
STATUS = {0: "pending", 1: "active", 2: "rejected", 3: "blocked"}


def _lose_create_answer(ctx: Ctx) -> None:
    ctx.world.erp_fake.add_fault(
        {
            "id": "lose-account-create",
            "target": {"path": hooks(ctx).create_paths, "body_contains": NAME},
            "effect": {"kind": "lose_response", "after": "timeout"},
            "trigger": {"calls": [1]},
        }
    )


def _before_approval(ctx: Ctx, company_id: int, label: str) -> list[str]:
    status, credit = company_state(ctx, company_id)
    evidence = []
    if status == 1:
        evidence.append(f"{label} was active in Magento before {ctx.world.erp} approved it")
    if credit != 0:
        evidence.append(f"{label} had a credit limit of {credit:f} before {ctx.world.erp} approved")
    return evidence


def _one_account(ctx: Ctx, label: str) -> tuple[AccountView | None, list[str]]:
    found = accounts_for(ctx, EMAIL)
    if not found:
        return None, [f"{label} has no {ctx.world.erp} account"]
    if len(found) > 1:
        numbers = ", ".join(a.number for a in found)
        return found[0], [f"{label} has {len(found)} {ctx.world.erp} accounts: {numbers}"]
    return found[0], []


def _after(
    ctx: Ctx, company_id: int, label: str, want: int, limit: Decimal, when: str
) -> list[str]:
    status, credit = company_state(ctx, company_id)
    evidence = []
    if status != want:
        evidence.append(f"{label} is {STATUS.get(status, status)} in Magento {when}")
    if credit != limit:
        evidence.append(
            f"{label} has credit limit {credit:f} in Magento {when}, ERP says {limit:f}"
        )
    return evidence


@scenario(
    "FM-T07",
    "Account approval gate",
    kinds(),
    harm="a new B2B company is activated and given credit in Magento before the ERP approved "
    "the account (it orders on terms it was never granted), a retried create makes a second "
    "ERP account, and a later ERP credit hold never reaches Magento",
    invariant="exactly one ERP account per company; the company stays pending with no credit "
    "until the ERP approves, then is active with the ERP's credit limit; an ERP credit hold "
    "blocks it within a cycle; a contact change in Magento reaches the ERP account",
)
def approval_gate(ctx: Ctx) -> list[str]:
    view = hooks(ctx)
    _lose_create_answer(ctx)
    company = register_company(ctx, NAME, EMAIL)
    company_id = int(company["id"])
    label = f"company {company_id} ({NAME})"
    ctx.cycles(4)
    ctx.metrics["create_answers_lost"] = sum(f.hits for f in ctx.world.erp_fake.faults.active())
    evidence = _before_approval(ctx, company_id, label)
    account, problems = _one_account(ctx, label)
    evidence += problems
    if account is None:
        return evidence
    ctx.metrics["erp_account"] = account.number
    view.approve(ctx, account, LIMIT)
    ctx.cycles(2)
    evidence += _after(ctx, company_id, label, 1, LIMIT, f"after {ctx.world.erp} approved it")
    view.hold(ctx, account)
    ctx.cycles(1)
    evidence += _after(ctx, company_id, label, 3, LIMIT, f"a cycle after the {ctx.world.erp} hold")
    update_company(ctx, company_id, telephone=NEW_PHONE)
    ctx.cycles(1)
    phones = {a.phone for a in accounts_for(ctx, EMAIL)}
    if phones != {NEW_PHONE}:
        evidence.append(f"{label}: phone changed to {NEW_PHONE} in Magento, ERP has {phones}")
    evidence += _one_account(ctx, label)[1]
    return evidence
