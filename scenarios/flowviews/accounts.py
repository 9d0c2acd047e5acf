"""Account views for FM-T07: a company registering in Magento, Magento's company status and
credit, and per ERP the accounts the fake holds and the credit controller's actions (approve
with a credit limit, place on credit hold).

ERP hooks register themselves in :data:`VIEWS` by kind (see :mod:`accounts_erps`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests

from scenarios.context import Ctx


@dataclass(frozen=True)
class AccountView:
    """One ERP account as the fake holds it."""

    id: str
    number: str
    email: str
    on_hold: bool
    credit_limit: Decimal
    phone: str = ""


@dataclass(frozen=True)
class AccountHooks:
    accounts: Callable[[Ctx], list[AccountView]]
    approve: Callable[[Ctx, AccountView, Decimal], None]
    hold: Callable[[Ctx, AccountView], None]
    create_paths: str
    """Regular expression of the paths an account create goes to (for faults)."""


VIEWS: dict[str, AccountHooks] = {}


def register(kind: str, hooks: AccountHooks) -> None:
    VIEWS[kind] = hooks


def hooks(ctx: Ctx) -> AccountHooks:
    from scenarios.flowviews import accounts_erps  # noqa: F401  (registers the ERP hooks)

    return VIEWS[ctx.world.erp]


def kinds() -> tuple[str, ...]:
    from scenarios.flowviews import accounts_erps  # noqa: F401

    return tuple(VIEWS)


def decimal(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0)).normalize()


# -- Magento ---------------------------------------------------------------------------------
def magento_call(ctx: Ctx, method: str, path: str, body: Any = None) -> Any:
    """A Magento REST call as the storefront or the merchant makes it (integration token)."""
    token = ctx.world.magento.credentials()["integration_token"]
    response = requests.request(
        method,
        f"{ctx.world.magento.base_url}/rest/V1{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    if response.status_code >= 300:
        raise AssertionError(f"{method} {path}: {response.status_code} {response.text}")
    return response.json()


def register_company(ctx: Ctx, name: str, email: str) -> dict[str, Any]:
    """A buyer registers a company account on the storefront: an admin customer, then the
    company, pending approval (Magento's default)."""
    first, _, last = name.partition(" ")
    customer = magento_call(
        ctx,
        "POST",
        "/customers",
        {"customer": {"email": f"admin.{email}", "firstname": first, "lastname": last or "Ltd"}},
    )
    company = {
        "company_name": name,
        "company_email": email,
        "street": ["1 Trade Street"],
        "city": "Leeds",
        "country_id": "GB",
        "postcode": "LS1 1AA",
        "telephone": "0113 000 0001",
        "super_user_id": customer["id"],
        "customer_group_id": 1,
    }
    created: dict[str, Any] = magento_call(ctx, "POST", "/company/", {"company": company})
    return created


def update_company(ctx: Ctx, company_id: int, **fields: Any) -> None:
    """The merchant edits the company (address, phone) in the admin."""
    current = magento_call(ctx, "GET", f"/company/{company_id}")
    body = {k: v for k, v in {**current, **fields}.items() if k != "extension_attributes"}
    magento_call(ctx, "PUT", f"/company/{company_id}", {"company": body})


def company_state(ctx: Ctx, company_id: int) -> tuple[int, Decimal]:
    """The company's status and its company credit limit, from Magento's state."""
    state = ctx.world.magento.state()
    company = next(c for c in state["companies"] if int(c["id"]) == company_id)
    credit = next(c for c in state["credits"] if int(c["company_id"]) == company_id)
    return int(company["status"]), decimal(credit.get("credit_limit"))


def accounts_for(ctx: Ctx, email: str) -> list[AccountView]:
    """The ERP accounts carrying this e-mail."""
    wanted = email.lower()
    return [a for a in hooks(ctx).accounts(ctx) if a.email.lower() == wanted]
