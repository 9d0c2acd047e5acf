"""Legacy ERP customer accounts over SOAP: ``GetCustomer``, ``FindCustomersByReference``.

An account has a ``customer_ref`` (the ERP's account number, what orders name), an optional
``external_ref`` (ours: ``mage-company-<id>``), an e-mail, a ``status`` (``pending`` until the
ERP's credit controller approves it, ``approved``, ``blocked``), a ``credit_hold`` flag, a
credit limit and a balance. An account may take orders on terms only when it is approved and
not on credit hold.

``GetCustomer`` of an unknown account is an ``UNKNOWN_CUSTOMER`` Client fault, read here as
:class:`~sync_core.errors.RemoteNotFound`. ``FindCustomersByReference`` answers every match
(the ERP does not stop duplicates), so callers choose: the approved account, then the lowest
number.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from lxml import etree

from sync_core.connectors.legacy.client import SoapFault, children, text
from sync_core.errors import RemoteNotFound, SchemaDrift

if TYPE_CHECKING:
    from sync_core.connectors.legacy.client import SoapClient

log = logging.getLogger("sync_core.connectors.legacy")
APPROVED = "approved"


@dataclass(frozen=True)
class LegacyCustomer:
    customer_ref: str
    external_ref: str
    email: str
    status: str
    credit_hold: bool
    credit_limit: Decimal
    balance: Decimal
    phone: str = ""

    @property
    def may_order(self) -> bool:
        return self.status == APPROVED and not self.credit_hold

    def hold_reason(self) -> str | None:
        """Why the account may not order on terms, or None."""
        if self.credit_hold:
            return f"account {self.customer_ref} is on credit hold in legacy"
        if self.status != APPROVED:
            return f"account {self.customer_ref} is {self.status} in legacy (not approved)"
        return None


def _decimal(node: etree._Element, path: str) -> Decimal:
    raw = text(node, path)
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise SchemaDrift(f"legacy customer: {path} {raw!r} is not a number") from exc


def parse(node: etree._Element) -> LegacyCustomer:
    """A ``Customer`` element of a response."""
    return LegacyCustomer(
        customer_ref=text(node, "customer_ref"),
        external_ref=text(node, "external_ref", required=False),
        email=text(node, "email"),
        status=text(node, "status"),
        credit_hold=text(node, "credit_hold").lower() in ("true", "1"),
        credit_limit=_decimal(node, "credit_limit"),
        balance=_decimal(node, "balance"),
        phone=text(node, "phone", required=False),
    )


def get(soap: SoapClient, customer_ref: str) -> LegacyCustomer:
    try:
        response = soap.call("GetCustomer", [("customer_ref", customer_ref)])
    except SoapFault as fault:
        if fault.code == "UNKNOWN_CUSTOMER":
            raise RemoteNotFound(f"legacy has no customer {customer_ref!r}") from fault
        raise
    found = children(response, "customer")
    if not found:
        raise SchemaDrift("legacy GetCustomer answered no customer")
    return parse(found[0])


def find(
    soap: SoapClient, *, external_ref: str | None = None, email: str | None = None
) -> list[LegacyCustomer]:
    """Every account with this external reference and/or e-mail."""
    fields = [("external_ref", external_ref), ("email", email)]
    response = soap.call("FindCustomersByReference", fields)
    return [parse(node) for node in children(response, "customers/customer")]


def best(found: list[LegacyCustomer], wanted: str) -> LegacyCustomer | None:
    """The approved account if any, else the lowest number; several are logged."""
    if not found:
        return None
    if len(found) > 1:
        numbers = ", ".join(sorted(c.customer_ref for c in found))
        log.warning("legacy holds %d accounts for %s: %s", len(found), wanted, numbers)
    ordered = sorted(found, key=lambda c: (c.status != APPROVED, c.customer_ref))
    return ordered[0]
