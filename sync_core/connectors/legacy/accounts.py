"""Legacy ERP side of the account flow: customer accounts over SOAP.

* lookup: ``FindCustomersByReference(external_ref=<ref>)`` (the company's
  ``mage-company-<id>``), then ``FindCustomersByReference(email=...)``; several matches (the
  ERP allows duplicates) are logged and the approved one, else the lowest number, is taken;
* create: ``CreateCustomer`` with the reference, name, e-mail, phone and address. The ERP
  opens every new account *pending* its credit controller's approval, whatever we ask (so
  ``held=False`` cannot be honoured: an account for a customer group waits for approval
  too). ``CreateCustomer`` has no idempotency (FM-L03): the flow looks up before every create,
  and a lost answer is found by its reference on the next pass;
* an account is on hold while it is not ``approved`` or its ``credit_hold`` is set; its
  credit limit is the ERP's ``credit_limit``;
* contact updates: ``UpdateCustomer`` with the name, e-mail, phone and address (the street
  lines joined with ``, ``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sync_core.connectors.legacy import customers
from sync_core.connectors.legacy.client import SoapClient, SoapFault, children
from sync_core.connectors.legacy.connector import LegacyConnector
from sync_core.connectors.legacy.customers import LegacyCustomer
from sync_core.errors import InvalidData, MappingError, RemoteNotFound, SchemaDrift
from sync_core.flows.accounts_model import AccountDraft, ErpAccount

if TYPE_CHECKING:
    from sync_core.engine import Engine


def _account(customer: LegacyCustomer) -> ErpAccount:
    return ErpAccount(
        id=customer.customer_ref,
        number=customer.customer_ref,
        on_hold=not customer.may_order,
        credit_limit=customer.credit_limit,
    )


def _contact(draft: AccountDraft) -> list[tuple[str, Any]]:
    return [
        ("name", draft.name),
        ("email", draft.email),
        ("phone", draft.phone or None),
        ("street", ", ".join(draft.street) or None),
        ("city", draft.city or None),
        ("postcode", draft.postcode or None),
        ("country", draft.country_id or None),
    ]


class LegacyAccounts:
    system = "legacy"

    def __init__(self, soap: SoapClient) -> None:
        self.soap = soap

    def find(self, draft: AccountDraft) -> ErpAccount | None:
        found = customers.best(customers.find(self.soap, external_ref=draft.ref), draft.ref)
        if found is None and draft.email:
            by_email = customers.find(self.soap, email=draft.email)
            found = customers.best(by_email, draft.email)
        return None if found is None else _account(found)

    def create(self, draft: AccountDraft, held: bool) -> ErpAccount:
        for name, value in (("name", draft.name), ("email", draft.email)):
            if not value.strip():
                raise MappingError(draft.ref, name, "is empty: the legacy ERP requires it")
        fields = [("external_ref", draft.ref), *_contact(draft)]
        try:
            response = self.soap.call("CreateCustomer", fields)
        except SoapFault as fault:
            raise InvalidData(
                f"{draft.ref}: legacy refused the account: {fault.message}"
            ) from fault
        return _account(self._one(response, "CreateCustomer"))

    def read(self, remote_id: str) -> ErpAccount:
        return _account(customers.get(self.soap, remote_id))

    def update_contact(self, remote_id: str, draft: AccountDraft) -> None:
        try:
            self.soap.call("UpdateCustomer", [("customer_ref", remote_id), *_contact(draft)])
        except SoapFault as fault:
            if fault.code == "UNKNOWN_CUSTOMER":
                raise RemoteNotFound(f"legacy has no customer {remote_id!r}") from fault
            raise InvalidData(f"{draft.ref}: legacy refused the update: {fault.message}") from fault

    @staticmethod
    def _one(response: Any, operation: str) -> LegacyCustomer:
        found = children(response, "customer")
        if not found:
            raise SchemaDrift(f"legacy {operation} answered no customer")
        return customers.parse(found[0])


def build(engine: Engine) -> LegacyAccounts | None:
    erp = engine.erp
    return LegacyAccounts(erp.soap) if isinstance(erp, LegacyConnector) else None
