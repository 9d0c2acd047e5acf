"""The account flow on S/4HANA, in-process against the Magento and S/4HANA fakes: a business
partner created with the customer's order block (SD refuses its orders until approval), the
credit limit read from credit management, holds, contact updates and lookups by external
reference and e-mail."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from scenarios.context import Ctx
from scenarios.flowviews.accounts import (
    accounts_for,
    company_state,
    hooks,
    register_company,
    update_company,
)
from tests.engine.flow_helpers import accounts_pass, in_process

NAME, EMAIL = "Gate S4 Ltd", "gate@s4.example"


@pytest.fixture
def ctx() -> Iterator[Ctx]:
    with in_process("s4hana") as context:
        yield context


def _run(ctx: Ctx) -> Any:
    return accounts_pass(ctx)


def _partner(ctx: Ctx, number: str) -> dict[str, Any]:
    partners = ctx.world.erp_fake.state()["businessPartners"]
    return next(p for p in partners if p["BusinessPartner"] == number)


def _order_answer(ctx: Ctx, customer: str) -> requests.Response:
    """A sales order for ``customer``, posted as any SD client would."""
    creds = ctx.world.erp_fake.credentials()
    session = requests.Session()
    session.auth = (creds["username"], creds["password"])
    root = f"{ctx.world.erp_fake.base_url}/sap/opu/odata/sap/API_SALES_ORDER_SRV"
    token = session.head(f"{root}/", headers={"x-csrf-token": "Fetch"}, timeout=5)
    body = {
        "SalesOrderType": "OR",
        "SalesOrganization": "1010",
        "DistributionChannel": "10",
        "OrganizationDivision": "00",
        "SoldToParty": customer,
        "to_Item": [{"Material": ctx.world.magento.ctx.dataset.products[0].sku,
                     "RequestedQuantity": "1"}],
    }  # fmt: skip
    return session.post(
        f"{root}/A_SalesOrder",
        json=body,
        headers={"x-csrf-token": token.headers["x-csrf-token"], "Accept": "application/json"},
        timeout=5,
    )


def test_a_new_company_is_a_blocked_customer_until_credit_management_approves(ctx: Ctx) -> None:
    company = register_company(ctx, NAME, EMAIL)
    assert _run(ctx).created == 1
    (account,) = accounts_for(ctx, EMAIL)
    partner = _partner(ctx, account.id)
    assert partner["BusinessPartnerIDByExtSystem"] == f"MAGE-COMPANY-{company['id']}"
    assert partner["customer"]["OrderIsBlockedForCustomer"] == "01"
    assert [a["SalesOrganization"] for a in partner["salesAreas"]] == ["1010"]
    assert account.on_hold and company_state(ctx, company["id"]) == (0, Decimal(0))
    refused = _order_answer(ctx, account.id)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "V1/462"
    hooks(ctx).approve(ctx, account, Decimal(4200))
    assert _run(ctx).approved == 1
    assert company_state(ctx, company["id"]) == (1, Decimal(4200))
    assert _order_answer(ctx, account.id).status_code == 201
    hooks(ctx).hold(ctx, account)
    assert _run(ctx).blocked == 1
    assert company_state(ctx, company["id"]) == (3, Decimal(4200))


def test_phone_and_address_changes_reach_the_partner(ctx: Ctx) -> None:
    company = register_company(ctx, NAME, EMAIL)
    _run(ctx)
    assert _run(ctx).updated == 0
    update_company(ctx, company["id"], telephone="0200 123 456", city="Hull")
    assert _run(ctx).updated == 1
    (account,) = accounts_for(ctx, EMAIL)
    assert account.phone == "0200 123 456"
    backend: Any = ctx.world.erp_fake.backend
    (address,) = backend.tables["A_BusinessPartnerAddress"].where(BusinessPartner=account.id)
    assert address["CityName"] == "Hull"


def test_an_existing_customer_with_the_email_is_bound_not_duplicated(ctx: Ctx) -> None:
    seeded = ctx.world.magento.ctx.dataset.customers[0]
    before = accounts_for(ctx, seeded.email)
    register_company(ctx, "Known S4 Ltd", seeded.email)
    result = _run(ctx)
    assert (result.found, result.created) == (1, 0)
    assert [a.id for a in accounts_for(ctx, seeded.email)] == [a.id for a in before]
