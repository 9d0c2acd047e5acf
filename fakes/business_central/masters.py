"""Master data that clients may write: customers, items and locations (key uniqueness, related
tables, and the deletes Business Central refuses while documents or ledger entries exist).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fakes.business_central.company import Company
from fakes.business_central.errors import BCError, Dialog, TableRelation
from fakes.business_central.schema import EntityDef
from fakes.business_central.values import check_body

KEYS = {"customers": "number", "items": "number", "locations": "code"}
TABLES = {"customers": "Customer", "items": "Item", "locations": "Location"}
KEY_CAPTION = {"number": "No.", "code": "Code"}


def create_master(company: Company, entity: EntityDef, body: Any, now: datetime) -> dict[str, Any]:
    values = check_body(entity, body)
    key = KEYS[entity.set_name]
    if not values.get(key):
        values[key] = _auto_key(company, entity)
    _check_unique(company, entity, values[key], None)
    _defaults(company, entity.set_name, values)
    _check_relations(company, entity.set_name, values)
    return company.insert(entity, values, now)


def update_master(
    company: Company, entity: EntityDef, record: dict[str, Any], body: Any, now: datetime
) -> dict[str, Any]:
    values = check_body(entity, body)
    key = KEYS[entity.set_name]
    if key in values:
        if not values[key]:
            raise _blank_key(entity, record[key])
        _check_unique(company, entity, values[key], record["id"])
    _check_relations(company, entity.set_name, values)
    record.update(values)
    company.touch(record, now)
    return record


def delete_master(company: Company, entity: EntityDef, record: dict[str, Any]) -> None:
    if entity.set_name == "customers":
        _refuse_if(company.find("salesOrders", customerId=record["id"]) is not None,
                   f"You cannot delete Customer {record['number']} because there is at least one "
                   "outstanding Sales Order for this customer.")
    if entity.set_name == "items":
        _refuse_if(company.find("salesOrderLines", itemId=record["id"]) is not None,
                   f"You cannot delete Item {record['number']} because there is at least one "
                   "outstanding Sales Order that includes this item.")
        _refuse_if(company.find("itemLedgerEntries", itemNumber=record["number"]) is not None,
                   f"You cannot delete Item {record['number']} because it has ledger entries.")
    company.remove(entity, record["id"])


def _refuse_if(condition: bool, message: str) -> None:
    if condition:
        raise Dialog(message)


def _auto_key(company: Company, entity: EntityDef) -> str:
    if entity.set_name == "customers":
        return company.next_number("customers")
    if entity.set_name == "items":
        return str(company.counter("items", 70001))
    raise _blank_key(entity, "")


def _blank_key(entity: EntityDef, current: str) -> BCError:
    key = KEYS[entity.set_name]
    return Dialog(
        f"{KEY_CAPTION[key]} must have a value in {TABLES[entity.set_name]}: "
        f"{KEY_CAPTION[key]}={current}. It cannot be zero or empty.",
        code="Application_FieldValidationException",
    )


def _check_unique(company: Company, entity: EntityDef, value: str, own_id: str | None) -> None:
    key = KEYS[entity.set_name]
    other = company.find(entity.set_name, **{key: value})
    if other is not None and other["id"] != own_id:
        raise BCError(
            f"The {TABLES[entity.set_name]} already exists. Identification fields and values: "
            f"{KEY_CAPTION[key]}='{value}'",
            code="Internal_EntityWithSameKeyExists", status=409,
        )


def _defaults(company: Company, set_name: str, values: dict[str, Any]) -> None:
    if set_name == "items":
        values.setdefault("baseUnitOfMeasureCode", "PCS")
        values.setdefault("type", "Inventory")
    if set_name == "customers":
        values.setdefault("type", "Company")
        values.setdefault("blocked", " ")
    if set_name == "locations":
        values.setdefault("displayName", values["code"])


def _check_relations(company: Company, set_name: str, values: dict[str, Any]) -> None:
    if set_name == "items" and "baseUnitOfMeasureCode" in values:
        code = str(values["baseUnitOfMeasureCode"]).upper()
        if code not in company.units:
            raise TableRelation(
                f"The field Base Unit of Measure of table Item contains a value ({code}) that "
                "cannot be found in the related table (Unit of Measure)."
            )
        values["baseUnitOfMeasureCode"] = code
        values["baseUnitOfMeasureId"] = company.units[code]
    if "currencyCode" in values and values["currencyCode"] not in ("", "GBP", *company.currencies):
        raise Dialog('The "currencyCode" does not match to a Currency.')


def is_master(set_name: str) -> bool:
    return set_name in KEYS

