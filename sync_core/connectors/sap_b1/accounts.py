"""SAP Business One side of the account flow: ``BusinessPartners`` of type ``cCustomer``.

* the card code is derived from the Magento company (``erp.options.account_code_prefix``,
  default ``MC``, then the company id: ``MC1``; for a customer ``U`` and its id: ``MCU7``),
  so the reference *is* the key: lookup is
  ``GET BusinessPartners('MC1')``, then the partner with the same ``EmailAddress``;
* create: ``POST BusinessPartners`` with ``Frozen`` ``tYES`` while the account awaits approval
  (the credit controller approves by unfreezing it and setting ``CreditLimit``); a repeated
  create of the same card code is refused by B1, never duplicated;
* a partner is on hold while ``Frozen`` is ``tYES`` (the flow reads no freeze period: a
  frozen flag counts) or ``Valid`` is ``tNO``;
* contact and address updates ``PATCH`` ``CardName``, ``EmailAddress``, ``Phone1`` and the
  header address (``Address``, ``City``, ``ZipCode``, ``Country``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.sap_b1.client import B1Client, odata_quote
from sync_core.connectors.sap_b1.connector import SapB1Connector
from sync_core.errors import MappingError, RemoteNotFound
from sync_core.flows.accounts_model import REF_PREFIX, AccountDraft, ErpAccount

if TYPE_CHECKING:
    from sync_core.engine import Engine

YES, NO = "tYES", "tNO"
LIMITS = {"CardName": 100, "EmailAddress": 100, "Phone1": 20, "Address": 100, "City": 100,
          "ZipCode": 20, "Country": 3, "CardCode": 15}  # fmt: skip


def card_code(prefix: str, draft: AccountDraft) -> str:
    return prefix + (draft.short or draft.ref.removeprefix(REF_PREFIX))


def body_for(draft: AccountDraft) -> dict[str, Any]:
    body = {
        "CardName": draft.name,
        "EmailAddress": draft.email,
        "Phone1": draft.phone,
        "Address": ", ".join(draft.street),
        "City": draft.city,
        "ZipCode": draft.postcode,
        "Country": draft.country_id,
    }
    _check(draft, body)
    return body


def _check(draft: AccountDraft, body: dict[str, Any]) -> None:
    for name, value in body.items():
        if len(str(value)) > LIMITS[name]:
            raise MappingError(draft.ref, name, f"is longer than {LIMITS[name]} characters")


class SapB1Accounts:
    system = "sap-b1"

    def __init__(self, client: B1Client, prefix: str = "MC") -> None:
        self.client = client
        self.prefix = prefix

    def find(self, draft: AccountDraft) -> ErpAccount | None:
        try:
            return self.read(card_code(self.prefix, draft))
        except RemoteNotFound:
            pass
        rows = self.client.query(
            "BusinessPartners",
            {"$filter": f"EmailAddress eq {odata_quote(draft.email)} and CardType eq 'cCustomer'"},
        )
        wanted = draft.email.casefold()
        for row in rows:
            if str(row.get("EmailAddress") or "").casefold() == wanted:
                return _account(row)
        return None

    def create(self, draft: AccountDraft, held: bool) -> ErpAccount:
        body = {"CardCode": card_code(self.prefix, draft), "CardType": "cCustomer"}
        _check(draft, {"CardCode": body["CardCode"]})
        body |= {**body_for(draft), "Frozen": YES if held else NO}
        if held:
            body["FrozenRemarks"] = "awaiting credit approval"
        created = self.client.create("BusinessPartners", body)
        return _account(created) if created else self.read(str(body["CardCode"]))

    def read(self, remote_id: str) -> ErpAccount:
        return _account(self.client.get(f"/BusinessPartners({odata_quote(remote_id)})"))

    def update_contact(self, remote_id: str, draft: AccountDraft) -> None:
        path = f"/BusinessPartners({odata_quote(remote_id)})"
        self.client.request("PATCH", path, json=body_for(draft))


def _account(row: dict[str, Any]) -> ErpAccount:
    limit = row.get("CreditLimit")
    return ErpAccount(
        id=str(row["CardCode"]),
        number=str(row["CardCode"]),
        on_hold=row.get("Frozen") == YES or row.get("Valid") == NO,
        credit_limit=None if limit is None else Decimal(str(limit)),
    )


def build(engine: Engine) -> SapB1Accounts | None:
    erp = engine.erp
    if not isinstance(erp, SapB1Connector):
        return None
    prefix = engine.config.erp.options.get("account_code_prefix", "MC")
    return SapB1Accounts(erp.client, prefix)
