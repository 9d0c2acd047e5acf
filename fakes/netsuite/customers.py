"""Customer records: required names, ``entityId`` numbering, credit hold override.

A company customer needs ``companyName``; a person (``isPerson: true``) needs ``firstName`` and
``lastName``. ``entityId`` defaults to ``CUST<id>`` (auto-numbering), ``creditHoldOverride``
to ``AUTO``; ``creditLimit`` (the account's credit limit, a number) starts unset.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from fakes.netsuite.model import CUSTOMER
from fakes.netsuite.records import WriteOptions, apply_fields, missing_value

if TYPE_CHECKING:
    from fakes.netsuite.state import NetSuiteBackend

PREFIXES = ("custentity",)


def build_customer(
    b: NetSuiteBackend, body: dict[str, Any], existing: dict[str, Any] | None, opts: WriteOptions
) -> dict[str, Any]:
    customer = copy.deepcopy(existing) if existing is not None else _blank()
    apply_fields(CUSTOMER, customer, body, opts, b.resolve_ref, PREFIXES)
    if customer.get("isPerson"):
        for name in ("firstName", "lastName"):
            if not customer.get(name):
                raise missing_value(name, name)
    elif not customer.get("companyName"):
        raise missing_value("companyName", "companyName")
    return customer


def _blank() -> dict[str, Any]:
    return {"id": None, "entityId": None, "externalId": None, "companyName": None,
            "firstName": None, "lastName": None, "email": None, "phone": None,
            "isPerson": False, "creditHoldOverride": {"id": "AUTO"}, "creditLimit": None,
            "isInactive": False,
            "dateCreated": None, "lastModifiedDate": None}
