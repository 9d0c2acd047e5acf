"""Customer accounts and groups: ``AccountManagement::createAccount``, ``CustomerRepository::save``
and ``deleteById``, ``GroupRepository``, and the customer login behind customer tokens.

* ``createAccount``: email, firstname and lastname are required (``"%fieldName" is required.
  Enter and try again.``), the email must look like one, and it must be unique in the website
  (``A customer with the same email address already exists in an associated website.``). A
  password needs 8 characters and 3 character classes. An anonymous caller cannot choose the
  group (group 1, General); an admin or integration can.
* ``save`` (``PUT /V1/customers/:customerId``) updates the customer the path names with the
  fields given; email, firstname and lastname must be sent; addresses are kept when not sent.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fakes.magento.catalog import GROUP_IDS, Catalog, stamp
from fakes.magento.errors import REQUIRED, InputError, NoSuchEntity, aggregate
from fakes.magento.stores import Store

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DUPLICATE_EMAIL = "A customer with the same email address already exists in an associated website."
NO_SUCH_ENTITY = "No such entity with %fieldName = %fieldValue"
MIN_PASSWORD = 8
PASSWORD_CLASSES = 3
TAX_CLASS = {"id": 3, "name": "Retail Customer"}


def groups() -> list[dict[str, Any]]:
    return [{"id": gid, "code": code, "tax_class_id": TAX_CLASS["id"],
             "tax_class_name": TAX_CLASS["name"]} for code, gid in GROUP_IDS.items()]


def group(group_id: int) -> dict[str, Any]:
    for row in groups():
        if row["id"] == group_id:
            return row
    raise NoSuchEntity(NO_SUCH_ENTITY, {"fieldName": "id", "fieldValue": group_id})


def _check_required(customer: dict[str, Any]) -> None:
    missing = [(REQUIRED, {"fieldName": name}) for name in ("email", "firstname", "lastname")
               if not str(customer.get(name) or "").strip()]
    if missing:
        raise aggregate(list(missing))
    if not EMAIL.match(str(customer["email"])):
        raise InputError('Invalid value of "%value" provided for the %fieldName field.',
                         {"value": customer["email"], "fieldName": "email"})


def _check_unique(catalog: Catalog, email: str, customer_id: int | None) -> None:
    found = catalog.customer_by_email(email)
    if found is not None and found["id"] != customer_id:
        raise InputError(DUPLICATE_EMAIL)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError("The password needs at least %1 characters. Create a new password and "
                         "try again.", [MIN_PASSWORD])
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^\w]"))
    if classes < PASSWORD_CLASSES:
        raise InputError("The password needs at least %1 of the following character classes: "
                         "Lower Case, Upper Case, Digits, Special Characters.", [PASSWORD_CLASSES])


def create(catalog: Catalog, data: dict[str, Any], store: Store, now: datetime,
           may_set_group: bool) -> dict[str, Any]:
    """``createAccount``: a new customer in the store's website."""
    _check_required(data)
    _check_unique(catalog, str(data["email"]), None)
    customer_id = max(catalog.customers, default=0) + 1
    group_id = data.get("group_id") if may_set_group and data.get("group_id") else 1
    customer = {
        "id": customer_id, "group_id": group_id, "created_at": stamp(now),
        "updated_at": stamp(now), "created_in": store.name, "email": data["email"],
        "firstname": data["firstname"], "lastname": data["lastname"],
        "store_id": store.id or 1, "website_id": store.website_id or 1,
        "addresses": [], "disable_auto_group_change": 0,
        "extension_attributes": {"is_subscribed": False},
    }
    _copy_optional(customer, data)
    customer["addresses"] = _addresses(catalog, customer, data.get("addresses") or [])
    catalog.customers[customer_id] = customer
    return customer


def update(catalog: Catalog, customer_id: int, data: dict[str, Any],
           now: datetime) -> dict[str, Any]:
    """``CustomerRepository::save`` for the customer of the path."""
    customer = catalog.customers.get(customer_id)
    if customer is None:
        raise NoSuchEntity(NO_SUCH_ENTITY, {"fieldName": "customerId", "fieldValue": customer_id})
    _check_required(data)
    _check_unique(catalog, str(data["email"]), customer_id)
    for key in ("email", "firstname", "lastname", "group_id"):
        if data.get(key) is not None:
            customer[key] = data[key]
    _copy_optional(customer, data)
    if data.get("addresses") is not None:
        customer["addresses"] = _addresses(catalog, customer, data["addresses"])
    customer["updated_at"] = stamp(now)
    return customer


def delete(catalog: Catalog, customer_id: int) -> bool:
    if catalog.customers.pop(customer_id, None) is None:
        raise NoSuchEntity(NO_SUCH_ENTITY, {"fieldName": "customerId", "fieldValue": customer_id})
    return True


def _copy_optional(customer: dict[str, Any], data: dict[str, Any]) -> None:
    for key in ("dob", "gender", "middlename", "prefix", "suffix", "taxvat",
                "disable_auto_group_change", "custom_attributes"):
        if data.get(key) is not None:
            customer[key] = data[key]
    extension = data.get("extension_attributes")
    if isinstance(extension, dict) and "is_subscribed" in extension:
        customer["extension_attributes"]["is_subscribed"] = bool(extension["is_subscribed"])


def _addresses(catalog: Catalog, customer: dict[str, Any],
               given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    next_id = max((a["id"] for c in catalog.customers.values() for a in c["addresses"]),
                  default=0) + 1
    out = []
    for offset, address in enumerate(given):
        row = {**address, "id": address.get("id") or next_id + offset,
               "customer_id": customer["id"]}
        row.setdefault("region", {"region_code": None, "region": None, "region_id": 0})
        out.append(row)
        for flag, key in (("default_billing", "default_billing"),
                          ("default_shipping", "default_shipping")):
            if row.get(flag):
                customer[key] = str(row["id"])
    return out


def login(catalog: Catalog, passwords: dict[int, str], default_password: str, username: str,
          password: str) -> dict[str, Any] | None:
    """The customer whose email and password these are, else ``None``."""
    customer = catalog.customer_by_email(username)
    if customer is None:
        return None
    expected = passwords.get(customer["id"], default_password)
    return customer if password == expected else None

