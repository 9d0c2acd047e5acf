"""The JSON picture of one company for invariant checks: documents with their lines (as the API
renders them), master data, per-location stock and the item ledger with location codes.
"""

from __future__ import annotations

from typing import Any

from fakes.business_central.company import Company
from fakes.business_central.schema import STANDARD, EntityDef
from fakes.business_central.values import to_json

DOCUMENTS = ("salesOrders", "salesShipments", "salesInvoices", "salesCreditMemos")


def public(entity: EntityDef, record: dict[str, Any]) -> dict[str, Any]:
    return {name: to_json(record[name]) for name in entity.names}


def _with_location(entity: EntityDef, record: dict[str, Any]) -> dict[str, Any]:
    out = public(entity, record)
    if "_locationCode" in record:
        out["locationCode"] = record["_locationCode"]
    return out


def _document(company: Company, entity: EntityDef, record: dict[str, Any]) -> dict[str, Any]:
    out = public(entity, record)
    assert entity.lines is not None
    lines_def = STANDARD[entity.lines]
    out[entity.lines] = [
        {**_with_location(lines_def, line), "locationCode": company.location_code(
            line.get("locationId", "")) or line.get("_locationCode", "")}
        for line in company.lines(record, entity.lines)
    ]
    if record.get("_posted"):
        out["posted"] = True
    return out


def _item(record: dict[str, Any]) -> dict[str, Any]:
    out = public(STANDARD["items"], record)
    stock = record.get("_byLocation", {})
    out["inventoryByLocation"] = {code: to_json(qty) for code, qty in sorted(stock.items())}
    return out


def company_snapshot(company: Company) -> dict[str, Any]:
    snap: dict[str, Any] = {"id": company.id}
    for set_name in DOCUMENTS:
        entity = STANDARD[set_name]
        snap[set_name] = [_document(company, entity, r) for r in company.records(set_name)]
    snap["customers"] = [public(STANDARD["customers"], r) for r in company.records("customers")]
    snap["items"] = [_item(r) for r in company.records("items")]
    snap["locations"] = [public(STANDARD["locations"], r) for r in company.records("locations")]
    ledger = STANDARD["itemLedgerEntries"]
    snap["itemLedgerEntries"] = [
        _with_location(ledger, r) for r in company.records("itemLedgerEntries")
    ]
    return snap
