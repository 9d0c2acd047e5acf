"""Customer writes: ``POST /customers`` and ``PUT /customers/{id}``.

Fields after the Sage 200 customer schema (``sales.json``) as integrators document it:
``reference`` (string 8, the account reference, unique, required on create), ``name`` (60,
required on create), ``short_name`` (20, defaults to the reference), ``on_hold`` (the account
hold), ``credit_limit``. The default contact is written through ``contacts``: the first entry
(or the one with ``is_default``) gives ``first_name``/``last_name`` (60), its ``emails`` the
default e-mail (``email``, 227) and its ``telephones`` the default telephone (``number``;
the telephone item's field name is unconfirmed). Unknown and read-only properties are
ignored, as ASP.NET model binding does; a PUT changes only the properties it names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.sage200.errors import BadRequest
from fakes.sage200.fields import FieldType, clean
from fakes.sage200.models import Customer

if TYPE_CHECKING:
    from fakes.sage200.state import Sage200Backend

CUSTOMER_FIELDS = {
    "reference": FieldType("str", 8),
    "name": FieldType("str", 60),
    "short_name": FieldType("str", 20),
    "on_hold": FieldType("bool"),
    "credit_limit": FieldType("num"),
    "contacts": FieldType("arr"),
}
CONTACT_FIELDS = {
    "first_name": FieldType("str", 60),
    "last_name": FieldType("str", 60),
    "is_default": FieldType("bool"),
    "emails": FieldType("arr"),
    "telephones": FieldType("arr"),
}
EMAIL_FIELDS = {"email": FieldType("str", 227)}
TELEPHONE_FIELDS = {"number": FieldType("str", 227)}


def create(b: Sage200Backend, body: Any) -> Customer:
    data = clean(_object(body), CUSTOMER_FIELDS)
    for name in ("reference", "name"):
        if not str(data.get(name) or "").strip():
            raise BadRequest(f"The {name} field is required.")
    reference = str(data["reference"]).upper()
    if b.customer_by_reference(reference) is not None:
        raise BadRequest(f"The account reference '{reference}' already exists.")
    now = b.now()
    customer = Customer(
        id=b.next_id("customer"), reference=reference, name=str(data["name"]),
        short_name=str(data.get("short_name") or reference), email="", telephone="",
        created=now, updated=now, contact_id=b.next_id("contact"),
    )  # fmt: skip
    _apply(customer, data)
    b.customers[customer.id] = customer
    return customer


def update(b: Sage200Backend, customer_id: int, body: Any) -> Customer:
    customer: Customer = b.get(b.customers, customer_id, "Customer")
    data = clean(_object(body), CUSTOMER_FIELDS)
    if "reference" in data and str(data["reference"]).upper() != customer.reference:
        raise BadRequest("The reference field cannot be changed.")
    if "name" in data and not str(data["name"]).strip():
        raise BadRequest("The name field is required.")
    _apply(customer, data)
    customer.updated = b.now()
    return customer


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("The request is invalid.")
    return body


def _apply(customer: Customer, data: dict[str, Any]) -> None:
    for name in ("name", "short_name", "on_hold", "credit_limit"):
        if name in data:
            setattr(customer, name, data[name])
    contacts = [c for c in data.get("contacts") or [] if isinstance(c, dict)]
    if contacts:
        chosen = next((c for c in contacts if c.get("is_default")), contacts[0])
        _apply_contact(customer, clean(chosen, CONTACT_FIELDS))


def _apply_contact(customer: Customer, contact: dict[str, Any]) -> None:
    customer.contact_first_name = str(contact.get("first_name", customer.contact_first_name))
    customer.contact_last_name = str(contact.get("last_name", customer.contact_last_name))
    emails = [clean(e, EMAIL_FIELDS) for e in contact.get("emails") or [] if isinstance(e, dict)]
    if emails:
        customer.email = str(emails[0].get("email") or "")
    phones = [
        clean(t, TELEPHONE_FIELDS) for t in contact.get("telephones") or [] if isinstance(t, dict)
    ]
    if phones:
        customer.telephone = str(phones[0].get("number") or "")
