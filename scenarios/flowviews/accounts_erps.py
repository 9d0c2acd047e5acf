"""Per-ERP account hooks for FM-T07: the accounts each fake holds, and how its credit
controller approves an account (releases the hold, sets the credit limit) or places it on
credit hold, each with the vendor's own field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import requests
from requests_oauthlib import OAuth1

from scenarios.connectors.builtin import engine_config
from scenarios.context import Ctx
from scenarios.erps.business_central import of_record as bc_of_record
from scenarios.flowviews.accounts import AccountHooks, AccountView, decimal, register
from sync_core.connectors.business_central.client import BCClient
from sync_core.connectors.sap_b1.client import B1Client


# -- NetSuite: customer creditHoldOverride / creditLimit / isInactive -------------------------
def _ns_auth(ctx: Ctx) -> OAuth1:
    creds = ctx.world.erp_fake.credentials()
    return OAuth1(
        creds["consumer_key"],
        creds["consumer_secret"],
        creds["token_id"],
        creds["token_secret"],
        signature_method="HMAC-SHA256",
        realm=creds["account"],
    )


def _ns_patch(ctx: Ctx, account: AccountView, body: dict[str, Any]) -> None:
    """The credit controller edits the customer (through the REST record service)."""
    response = requests.patch(
        f"{ctx.world.erp_fake.base_url}/services/rest/record/v1/customer/{account.id}",
        json=body,
        auth=_ns_auth(ctx),
        timeout=30,
    )
    if response.status_code >= 300:
        raise AssertionError(f"netsuite customer {account.id}: {response.text}")


def ns_accounts(ctx: Ctx) -> list[AccountView]:
    found = []
    for c in ctx.world.erp_fake.state()["customers"]:
        hold = (c.get("creditHoldOverride") or {}).get("id") == "ON" or bool(c.get("isInactive"))
        found.append(
            AccountView(
                str(c["id"]),
                str(c.get("entityId")),
                str(c.get("email") or ""),
                hold,
                decimal(c.get("creditLimit")),
                str(c.get("phone") or ""),
            )
        )
    return found


def ns_approve(ctx: Ctx, account: AccountView, limit: Decimal) -> None:
    _ns_patch(ctx, account, {"creditHoldOverride": {"id": "AUTO"}, "creditLimit": float(limit)})


def ns_hold(ctx: Ctx, account: AccountView) -> None:
    _ns_patch(ctx, account, {"creditHoldOverride": {"id": "ON"}})


register(
    "netsuite",
    AccountHooks(ns_accounts, ns_approve, ns_hold, r"/record/v1/customer(/eid:[^/]+)?$"),
)


# -- Business Central: customers blocked / creditLimit ----------------------------------------
def bc_accounts(ctx: Ctx) -> list[AccountView]:
    snapshot = bc_of_record(ctx.world.erp_fake.state())
    return [
        AccountView(
            str(c["id"]),
            str(c["number"]),
            str(c.get("email") or ""),
            str(c.get("blocked") or " ").strip() != "",
            decimal(c.get("creditLimit")),
            str(c.get("phoneNumber") or ""),
        )
        for c in snapshot.get("customers", [])
    ]


def bc_approve(ctx: Ctx, account: AccountView, limit: Decimal) -> None:
    """Release the block and grant the limit (the customer card, through the API)."""
    config = engine_config(ctx.world).erp
    client = BCClient(config, requests.Session())
    url = client.settings.company_url(f"customers({account.id})")
    client.update(url, {"creditLimit": float(limit)})
    ctx.world.erp_fake.event("block_customer", number=account.number, blocked=" ")


def bc_hold(ctx: Ctx, account: AccountView) -> None:
    ctx.world.erp_fake.event("block_customer", number=account.number, blocked="All")


register(
    "business-central",
    AccountHooks(bc_accounts, bc_approve, bc_hold, r"/api/v2\.0/companies\([^)]*\)/customers$"),
)


# -- SAP Business One: BusinessPartners Frozen / Valid / CreditLimit --------------------------
def b1_accounts(ctx: Ctx) -> list[AccountView]:
    return [
        AccountView(
            str(p["CardCode"]),
            str(p["CardCode"]),
            str(p.get("EmailAddress") or ""),
            p.get("Frozen") == "tYES" or p.get("Valid") == "tNO",
            decimal(p.get("CreditLimit")),
            str(p.get("Phone1") or ""),
        )
        for p in ctx.world.erp_fake.state()["BusinessPartners"]
        if p.get("CardType", "cCustomer") == "cCustomer"
    ]


def b1_approve(ctx: Ctx, account: AccountView, limit: Decimal) -> None:
    """Grant the limit on the partner master data, then unfreeze it."""
    client = B1Client(engine_config(ctx.world).erp, requests.Session())
    path = f"/BusinessPartners('{account.id}')"
    client.request("PATCH", path, json={"CreditLimit": float(limit)})
    ctx.world.erp_fake.event("freeze_partner", card_code=account.id, frozen=False)


def b1_hold(ctx: Ctx, account: AccountView) -> None:
    ctx.world.erp_fake.event("freeze_partner", card_code=account.id, frozen=True)


register("sap-b1", AccountHooks(b1_accounts, b1_approve, b1_hold, r"/BusinessPartners$"))


# -- Sage 200: customers on_hold / credit_limit ------------------------------------------------
def sage_accounts(ctx: Ctx) -> list[AccountView]:
    customers = getattr(ctx.world.erp_fake.backend, "customers", {})
    return [
        AccountView(
            str(c.id),
            str(c.reference),
            str(c.email),
            bool(c.on_hold),
            decimal(c.credit_limit),
            str(c.telephone),
        )
        for c in customers.values()
    ]


def sage_approve(ctx: Ctx, account: AccountView, limit: Decimal) -> None:
    ctx.world.erp_fake.event("set_credit", reference=account.number, credit_limit=float(limit))
    ctx.world.erp_fake.event("hold_customer", reference=account.number, on_hold=False)


def sage_hold(ctx: Ctx, account: AccountView) -> None:
    ctx.world.erp_fake.event("hold_customer", reference=account.number, on_hold=True)


register("sage200", AccountHooks(sage_accounts, sage_approve, sage_hold, r"/customers$"))


# -- legacy: SOAP customer accounts, status / credit_hold / credit_limit -----------------------
def legacy_accounts(ctx: Ctx) -> list[AccountView]:
    return [
        AccountView(
            str(c["customer_ref"]),
            str(c["customer_ref"]),
            str(c.get("email") or ""),
            c.get("status") != "approved" or bool(c.get("credit_hold")),
            decimal(c.get("credit_limit")),
            str(c.get("phone") or ""),
        )
        for c in ctx.world.erp_fake.state()["customers"]
    ]


def legacy_approve(ctx: Ctx, account: AccountView, limit: Decimal) -> None:
    """The credit controller approves the account with its limit (one screen in the ERP)."""
    ctx.world.erp_fake.event("approve_customer", customer_ref=account.id, credit_limit=str(limit))


def legacy_hold(ctx: Ctx, account: AccountView) -> None:
    ctx.world.erp_fake.event("set_credit_hold", customer_ref=account.id, on_hold=True)


register(
    "legacy",
    AccountHooks(legacy_accounts, legacy_approve, legacy_hold, r"^/soap/OrderService/?$"),
)


# -- SAP S/4HANA: business partner with customer order block, credit management limit ---------
def s4_accounts(ctx: Ctx) -> list[AccountView]:
    found = []
    for p in ctx.world.erp_fake.state()["businessPartners"]:
        customer = p.get("customer")
        if not customer:
            continue
        emails, phones = p.get("emails") or [""], p.get("phones") or [""]
        found.append(
            AccountView(
                str(p["BusinessPartner"]),
                str(p["BusinessPartner"]),
                str(emails[0]),
                bool(
                    customer.get("OrderIsBlockedForCustomer") or p.get("BusinessPartnerIsBlocked")
                ),
                decimal(p.get("creditLimit")),
                str(phones[0]),
            )
        )
    return found


def s4_approve(ctx: Ctx, account: AccountView, limit: Decimal) -> None:
    """Credit management grants the limit; the sales clerk removes the order block."""
    ctx.world.erp_fake.event("set_credit_limit", customer=account.id, limit=str(limit))
    ctx.world.erp_fake.event("block_customer", customer=account.id, blocked=False, kind="order")


def s4_hold(ctx: Ctx, account: AccountView) -> None:
    ctx.world.erp_fake.event("block_customer", customer=account.id, blocked=True, kind="order")


register("s4hana", AccountHooks(s4_accounts, s4_approve, s4_hold, r"/A_BusinessPartner$"))
