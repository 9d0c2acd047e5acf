"""The OrderService's customer operations: ``CreateCustomer``, ``GetCustomer``,
``FindCustomersByReference`` and ``UpdateCustomer`` (the rules are in
:mod:`fakes.legacy.customers`).

``CreateCustomer`` opens an account pending approval and never looks for an existing one
(FM-L03). ``FindCustomersByReference`` takes an ``external_ref``, an ``email`` or both (all
given must match; the e-mail case-insensitively) and answers every match. ``GetCustomer`` and
``UpdateCustomer`` of an unknown account are ``UNKNOWN_CUSTOMER`` Client faults.
``UpdateCustomer`` changes only the contact fields it is given; status, credit hold and credit
limit belong to the ERP's credit controller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from fakes.legacy.customers import CONTACT_FIELDS, Account, account_dict
from fakes.legacy.errors import ClientFault
from fakes.legacy.service import Armed, Handler, _text, el

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend

OPTIONAL = ("phone", "street", "city", "postcode", "country")


def customer_element(backend: LegacyBackend, account: Account) -> etree._Element:
    data = account_dict(backend, account)
    return el(
        "customer",
        el("customer_ref", data["customer_ref"]),
        el("external_ref", data["external_ref"]) if data["external_ref"] else None,
        el("name", data["name"]),
        el("email", data["email"]),
        *[el(name, data[name]) if data[name] else None for name in OPTIONAL],
        el("status", data["status"]),
        el("credit_hold", "true" if data["credit_hold"] else "false"),
        el("credit_limit", data["credit_limit"]),
        el("balance", data["balance"]),
        el("created_at", data["created_at"]),
        el("updated_at", data["updated_at"]),
    )


def _fields(payload: etree._Element, names: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for name in names:
        value = _text(payload, name)
        if value is not None:
            found[name] = value
    return found


def _required(fields: dict[str, str], name: str) -> None:
    if name in fields and not fields[name]:
        raise ClientFault(f"{name} must not be empty.", field=name, code="MISSING_FIELD")


def _account(backend: LegacyBackend, payload: etree._Element) -> Account:
    ref = _text(payload, "customer_ref") or ""
    account = backend.account_book.get(ref)
    if account is None:
        raise ClientFault(
            f"Customer {ref!r} does not exist.", field="customer_ref", code="UNKNOWN_CUSTOMER"
        )
    return account


def create_customer(
    backend: LegacyBackend, payload: etree._Element, armed: Armed
) -> etree._Element:
    fields = _fields(payload, ("external_ref", *CONTACT_FIELDS))
    for name in ("name", "email"):
        fields.setdefault(name, "")
        _required(fields, name)
    account = backend.account_book.create(backend, fields)
    return el("CreateCustomerResponse", customer_element(backend, account))


def get_customer(backend: LegacyBackend, payload: etree._Element, armed: Armed) -> etree._Element:
    return el("GetCustomerResponse", customer_element(backend, _account(backend, payload)))


def find_customers(backend: LegacyBackend, payload: etree._Element, armed: Armed) -> etree._Element:
    external_ref = _text(payload, "external_ref") or None
    email = _text(payload, "email") or None
    if external_ref is None and email is None:
        raise ClientFault("Give external_ref or email.", field="external_ref", code="MISSING_FIELD")
    found = backend.account_book.find(external_ref, email)
    return el(
        "FindCustomersByReferenceResponse",
        el("customers", *[customer_element(backend, a) for a in found]),
    )


def update_customer(
    backend: LegacyBackend, payload: etree._Element, armed: Armed
) -> etree._Element:
    account = _account(backend, payload)
    fields = _fields(payload, CONTACT_FIELDS)
    for name in ("name", "email"):
        _required(fields, name)
    backend.account_book.update(backend, account, fields)
    return el("UpdateCustomerResponse", customer_element(backend, account))


HANDLERS: dict[str, Handler] = {
    "CreateCustomer": create_customer,
    "GetCustomer": get_customer,
    "FindCustomersByReference": find_customers,
    "UpdateCustomer": update_customer,
}
