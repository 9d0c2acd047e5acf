"""Sage 200 side of the account flow: sales ledger ``customers``.

* the account reference is derived from the Magento company (``erp.options.
  account_code_prefix``, default ``MC``, then the company id: ``MC1``, or ``U`` and the id of
  a customer: ``MCU7``; Sage references are at most 8 characters, so the reference *is* the
  key): lookup is ``customers?$filter=reference
  eq 'MC1'``, then the customer whose default contact has the company's e-mail
  (``$expand=contacts``: Sage keeps e-mails on contacts);
* create: ``POST customers`` with ``on_hold`` true while the account awaits approval (the
  credit controller approves by taking it off hold and setting ``credit_limit``); Sage refuses
  a second customer with the same reference, so a blind retry cannot duplicate;
* an account is on hold while ``on_hold`` is true or its ``account_status_type`` is anything
  but ``AccountStatusActive``;
* contact updates ``PUT customers/{id}`` with the name and the default contact (e-mail and
  telephone). Sage's customer record has no address fields of its own here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.sage200.client import Sage200Client
from sync_core.connectors.sage200.connector import Sage200Connector
from sync_core.errors import MappingError
from sync_core.flows.accounts_model import REF_PREFIX, AccountDraft, ErpAccount

if TYPE_CHECKING:
    from sync_core.engine import Engine

ACTIVE = "AccountStatusActive"
LIMITS = {"reference": 8, "name": 60}


def reference(prefix: str, draft: AccountDraft) -> str:
    return (prefix + (draft.short or draft.ref.removeprefix(REF_PREFIX))).upper()


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class Sage200Accounts:
    system = "sage200"

    def __init__(self, client: Sage200Client, prefix: str = "MC") -> None:
        self.client = client
        self.prefix = prefix

    def find(self, draft: AccountDraft) -> ErpAccount | None:
        ref = reference(self.prefix, draft)
        rows = self.client.rows("customers", {"$filter": f"reference eq {_quote(ref)}"})
        if rows:
            return _account(rows[0])
        wanted = draft.email.casefold()
        for row in self.client.collection("customers", {"$expand": "contacts"}):
            emails = {
                str(c.get("default_email") or "").casefold() for c in row.get("contacts") or []
            }
            if wanted in emails:
                return _account(row)
        return None

    def create(self, draft: AccountDraft, held: bool) -> ErpAccount:
        body = {"reference": reference(self.prefix, draft), **self._contact(draft)}
        body["on_hold"] = held
        for name, limit in LIMITS.items():
            if len(str(body[name])) > limit:
                raise MappingError(draft.ref, name, f"is longer than {limit} characters")
        return _account(self.client.post("customers", body))

    def read(self, remote_id: str) -> ErpAccount:
        return _account(self.client.get(f"customers/{remote_id}"))

    def update_contact(self, remote_id: str, draft: AccountDraft) -> None:
        self.client.request("PUT", f"/customers/{remote_id}", json=self._contact(draft))

    @staticmethod
    def _contact(draft: AccountDraft) -> dict[str, Any]:
        contact: dict[str, Any] = {"is_default": True, "emails": [{"email": draft.email}]}
        if draft.phone:
            contact["telephones"] = [{"number": draft.phone}]
        return {"name": draft.name, "contacts": [contact]}


def _account(row: dict[str, Any]) -> ErpAccount:
    limit = row.get("credit_limit")
    status = str(row.get("account_status_type") or ACTIVE)
    return ErpAccount(
        id=str(row["id"]),
        number=str(row.get("reference") or row["id"]),
        on_hold=bool(row.get("on_hold")) or status != ACTIVE,
        credit_limit=None if limit is None else Decimal(str(limit)),
    )


def build(engine: Engine) -> Sage200Accounts | None:
    erp = engine.erp
    if not isinstance(erp, Sage200Connector):
        return None
    prefix = engine.config.erp.options.get("account_code_prefix", "MC")
    return Sage200Accounts(erp.client, prefix)
