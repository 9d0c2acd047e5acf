"""NetSuite side of the account flow: ``customer`` records.

* lookup: ``GET customer/eid:<ref>`` (the Magento company reference as ``externalId``), then
  SuiteQL on ``customer.email``;
* create: ``PUT customer/eid:<ref>`` (an upsert, so even a blind retry cannot make a second
  customer) with ``creditHoldOverride`` ``ON`` while the account awaits approval: NetSuite
  then refuses sales orders over the customer's credit, and the credit controller approves by
  setting ``creditLimit`` and releasing the hold (``AUTO``);
* an account is on hold while ``creditHoldOverride`` is ``ON`` or it is inactive
  (``isInactive``);
* contact updates ``PATCH`` ``companyName``, ``email`` and ``phone``. The address book
  (``addressBook`` sublist) is not written: the harness fake does not model it yet.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.netsuite.client import RECORD, WRITE_HEADERS, NetSuiteClient
from sync_core.errors import RemoteNotFound
from sync_core.flows.accounts_model import AccountDraft, ErpAccount

if TYPE_CHECKING:
    from sync_core.engine import Engine

RECORD_TYPE = "customer"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _enum(value: Any) -> str:
    return str(value.get("id") if isinstance(value, dict) else value or "")


class NetSuiteAccounts:
    system = "netsuite"

    def __init__(self, client: NetSuiteClient) -> None:
        self.client = client

    def find(self, draft: AccountDraft) -> ErpAccount | None:
        try:
            return self._account(self.client.get_record(RECORD_TYPE, f"eid:{draft.ref}"))
        except RemoteNotFound:
            pass
        email = _quote(draft.email.lower())
        rows = list(self.client.suiteql(f"SELECT id FROM customer WHERE LOWER(email) = {email}"))
        return self.read(str(rows[0]["id"])) if rows else None

    def create(self, draft: AccountDraft, held: bool) -> ErpAccount:
        body = {
            **self._contact(draft),
            "isPerson": False,
            "creditHoldOverride": {"id": "ON" if held else "AUTO"},
        }
        return self.read(self.client.upsert(RECORD_TYPE, draft.ref, body))

    def read(self, remote_id: str) -> ErpAccount:
        return self._account(self.client.get_record(RECORD_TYPE, remote_id))

    def update_contact(self, remote_id: str, draft: AccountDraft) -> None:
        self.client.http.request(
            "PATCH",
            f"{RECORD}/{RECORD_TYPE}/{remote_id}",
            json=self._contact(draft),
            headers=WRITE_HEADERS,
        )

    @staticmethod
    def _contact(draft: AccountDraft) -> dict[str, Any]:
        body = {"companyName": draft.name, "email": draft.email, "phone": draft.phone}
        return {k: v for k, v in body.items() if v}

    @staticmethod
    def _account(record: dict[str, Any]) -> ErpAccount:
        limit = record.get("creditLimit")
        held = _enum(record.get("creditHoldOverride")) == "ON" or bool(record.get("isInactive"))
        return ErpAccount(
            id=str(record["id"]),
            number=str(record.get("entityId") or record["id"]),
            on_hold=held,
            credit_limit=None if limit is None else Decimal(str(limit)),
        )


def build(engine: Engine) -> NetSuiteAccounts | None:
    client = getattr(engine.erp, "client", None)
    return NetSuiteAccounts(client) if isinstance(client, NetSuiteClient) else None
