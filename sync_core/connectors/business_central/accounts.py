"""Business Central side of the account flow: the API v2.0 ``customers`` entity.

* lookup: the customer whose ``email`` is the company's (the v2.0 customer has no external
  reference field; the e-mail is the key both systems share);
* create: ``POST customers`` with name, contact and address, and ``blocked`` ``All`` while the
  account awaits approval; the credit controller approves by clearing ``blocked`` and setting
  ``creditLimit``;
* an account is on hold while ``blocked`` is ``Ship``, ``Invoice`` or ``All``;
* contact and address updates are a ``PATCH`` with the entity's ETag.

Every call first checks that the connection still points at the configured company.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.business_central.client import BCClient, odata_quote
from sync_core.connectors.business_central.connector import BusinessCentralConnector
from sync_core.errors import MappingError
from sync_core.flows.accounts_model import AccountDraft, ErpAccount

if TYPE_CHECKING:
    from sync_core.engine import Engine

LIMITS = {"displayName": 100, "email": 80, "phoneNumber": 30, "addressLine1": 100,
          "addressLine2": 50, "city": 30, "state": 30, "country": 10, "postalCode": 20}  # fmt: skip


def body_for(draft: AccountDraft) -> dict[str, Any]:
    """The customer fields the company fills; a value longer than Business Central takes is a
    :class:`MappingError` naming the field."""
    street = list(draft.street) + ["", ""]
    body = {
        "displayName": draft.name,
        "email": draft.email,
        "phoneNumber": draft.phone,
        "addressLine1": street[0],
        "addressLine2": " ".join(street[1:]).strip(),
        "city": draft.city,
        "state": draft.region,
        "country": draft.country_id,
        "postalCode": draft.postcode,
    }
    for name, value in body.items():
        if len(value) > LIMITS[name]:
            raise MappingError(draft.ref, name, f"is longer than {LIMITS[name]} characters")
    return body


class BusinessCentralAccounts:
    system = "business-central"

    def __init__(self, connector: BusinessCentralConnector) -> None:
        self.connector = connector
        self.client: BCClient = connector.client

    def _url(self, path: str) -> str:
        return self.client.settings.company_url(path)

    def find(self, draft: AccountDraft) -> ErpAccount | None:
        self.connector.guard.ensure()
        rows = self.client.collect(
            self._url("customers"),
            {"$filter": f"email eq {odata_quote(draft.email)}", "$orderby": "number"},
        )
        wanted = draft.email.casefold()
        matches = [r for r in rows if str(r.get("email", "")).casefold() == wanted]
        return _account(matches[0]) if matches else None

    def create(self, draft: AccountDraft, held: bool) -> ErpAccount:
        self.connector.guard.ensure()
        body = {**body_for(draft), "blocked": "All" if held else " "}
        return _account(self.client.post(self._url("customers"), body))

    def read(self, remote_id: str) -> ErpAccount:
        return _account(self.client.get(self._url(f"customers({remote_id})")))

    def update_contact(self, remote_id: str, draft: AccountDraft) -> None:
        self.client.update(self._url(f"customers({remote_id})"), body_for(draft))


def _account(row: dict[str, Any]) -> ErpAccount:
    limit = row.get("creditLimit")
    return ErpAccount(
        id=str(row["id"]),
        number=str(row.get("number") or row["id"]),
        on_hold=str(row.get("blocked") or " ").strip() != "",
        credit_limit=None if limit is None else Decimal(str(limit)),
    )


def build(engine: Engine) -> BusinessCentralAccounts | None:
    erp = engine.erp
    return BusinessCentralAccounts(erp) if isinstance(erp, BusinessCentralConnector) else None
