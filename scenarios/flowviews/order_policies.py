"""Per-ERP hooks for the order-policy scenarios (FM-T01, FM-T03): the ERP account each seeded
customer has, how the ERP's credit controller puts it on hold (each with the vendor's own
field or control-plane event), and what Magento now says about an order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from requests_oauthlib import OAuth1

from fakes.core.dataset import Customer
from scenarios.context import Ctx


@dataclass(frozen=True)
class MagentoView:
    """A Magento order as the fake holds it: its state and its status-history comments."""

    entity_id: int
    increment_id: str
    state: str
    comments: tuple[str, ...]

    def says(self, *words: str) -> bool:
        """Some comment names every one of ``words``."""
        return any(all(w in c for w in words) for c in self.comments)


def magento_view(ctx: Ctx, entity_id: int) -> MagentoView:
    for raw in ctx.world.magento.state()["orders"]:
        if int(raw["entity_id"]) == entity_id:
            comments = tuple(str(h.get("comment") or "") for h in raw.get("status_histories", []))
            return MagentoView(entity_id, str(raw["increment_id"]), str(raw["state"]), comments)
    raise KeyError(f"magento has no order {entity_id}")


# -- accounts per ERP -------------------------------------------------------------------------
def _ns_code(c: Customer) -> str:
    return f"CUST{100 + c.id}"


def _ns_hold(ctx: Ctx, c: Customer) -> None:
    """The credit controller sets Credit Hold to On (``creditHoldOverride``) over REST."""
    creds = ctx.world.erp_fake.credentials()
    auth = OAuth1(
        creds["consumer_key"],
        creds["consumer_secret"],
        creds["token_id"],
        creds["token_secret"],
        signature_method="HMAC-SHA256",
        realm=creds["account"],
    )
    response = requests.patch(
        f"{ctx.world.erp_fake.base_url}/services/rest/record/v1/customer/{100 + c.id}",
        json={"creditHoldOverride": {"id": "ON"}},
        auth=auth,
        timeout=30,
    )
    if response.status_code >= 300:
        raise AssertionError(f"netsuite customer {100 + c.id}: {response.text}")


def _event(name: str, field: str, **extra: Any) -> Callable[[Ctx, str], None]:
    def hold(ctx: Ctx, code: str) -> None:
        ctx.world.erp_fake.event(name, **{field: code}, **extra)

    return hold


@dataclass(frozen=True)
class AccountHold:
    code: Callable[[Customer], str]
    hold: Callable[[Ctx, Customer], None]


def _by_code(code: Callable[[Customer], str], act: Callable[[Ctx, str], None]) -> AccountHold:
    return AccountHold(code, lambda ctx, c: act(ctx, code(c)))


HOLDS: dict[str, AccountHold] = {
    "netsuite": AccountHold(_ns_code, _ns_hold),
    "sap-b1": _by_code(lambda c: f"C{c.id:05d}", _event("freeze_partner", "card_code")),
    "s4hana": _by_code(lambda c: str(10_000_000 + c.id), _event("block_customer", "customer")),
    "sage200": _by_code(
        lambda c: f"CUST{c.id:04d}", _event("hold_customer", "reference", on_hold=True)
    ),
    "business-central": _by_code(lambda c: f"C{c.id:05d}", _event("block_customer", "number")),
    "legacy": _by_code(
        lambda c: f"CUST{c.id:04d}", _event("set_credit_hold", "customer_ref", on_hold=True)
    ),
}


def hold_account(ctx: Ctx, customer: Customer) -> str:
    """Put the ERP account of ``customer`` on credit hold; answer its ERP code."""
    found = HOLDS[ctx.world.erp]
    found.hold(ctx, customer)
    return found.code(customer)


def release(ctx: Ctx, entity_id: int) -> None:
    """The merchant lifts the hold on an order (``POST /V1/orders/{id}/unhold``)."""
    token = ctx.world.magento.credentials()["integration_token"]
    response = requests.post(
        f"{ctx.world.magento.base_url}/rest/V1/orders/{entity_id}/unhold",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    if response.status_code >= 300:
        raise AssertionError(f"unhold of order {entity_id}: {response.text}")
