"""Business Central's dated sales prices (the new pricing experience, table 7001 "Price List
Line"), read through page 7005 "Price List Line Review" published as an OData V4 web service.

The standard API v2.0 has no price list entity, so an administrator publishes the page on the
Web Services page under a name the profile gives as ``erp.options["price_list_service"]``. The
service answers at ``/v2.0/{tenant}/{environment}/ODataV4/Company('{name}')/{service}`` with
the page's control names as properties (``Unit_Price``, ``Starting_Date``, ``Ending_Date``...).

A line counts when it is ``Active``, prices an ``Item`` (no variant, unit price, minimum
quantity at most 1, the company currency) and belongs to the price list
``erp.options["price_list_code"]``, or, without one, is assigned to ``All_Customers``. Its
dates are whole days: from 00:00 of ``Starting_Date`` to 23:59:59 of ``Ending_Date`` (UTC);
``0001-01-01`` means open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from sync_core.errors import SchemaDrift

BLANK_DATE = "0001-01-01"
FIELDS = (
    "Price_List_Code,Line_No,Status,Source_Type,Asset_Type,Asset_No,Variant_Code,"
    "Minimum_Quantity,Amount_Type,Currency_Code,Unit_Price,Starting_Date,Ending_Date"
)


@dataclass(frozen=True)
class PriceLine:
    item: str
    amount: Decimal
    valid_from: datetime | None
    valid_to: datetime | None
    where: str


def service_url(settings: Any, company_name: str, service: str) -> str:
    company = quote(company_name.replace("'", "''"), safe="")
    return (
        f"{settings.base_url}/v2.0/{settings.tenant}/{settings.environment}"
        f"/ODataV4/Company('{company}')/{quote(service, safe='')}"
    )


def line_filter(price_list_code: str | None) -> str:
    scope = (
        f"Price_List_Code eq '{price_list_code.replace(chr(39), chr(39) * 2)}'"
        if price_list_code
        else "Source_Type eq 'All_Customers'"
    )
    return f"{scope} and Status eq 'Active' and Asset_Type eq 'Item'"


def _day(row: dict[str, Any], field: str, where: str) -> date | None:
    raw = row.get(field)
    if raw in (None, "", BLANK_DATE):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise SchemaDrift(
            f"business central price list line {where}: {field} {raw!r} is no date"
        ) from None


def _amount(row: dict[str, Any], where: str) -> Decimal:
    try:
        return Decimal(str(row["Unit_Price"]))
    except (KeyError, InvalidOperation):
        raise SchemaDrift(
            f"business central price list line {where}: Unit_Price "
            f"{row.get('Unit_Price')!r} is no amount"
        ) from None


def _counts(row: dict[str, Any]) -> bool:
    """An item's unit price for one piece in the company currency (not a discount line)."""
    return (
        row.get("Status") == "Active"
        and row.get("Asset_Type") == "Item"
        and bool(row.get("Asset_No"))
        and not row.get("Variant_Code")
        and not row.get("Currency_Code")
        and row.get("Amount_Type", "Price") in ("Price", "Any")
        and Decimal(str(row.get("Minimum_Quantity") or 0)) <= 1
    )


def parse(row: dict[str, Any]) -> PriceLine | None:
    """One page row as a dated item price, or None when the line prices something else."""
    if not _counts(row):
        return None
    where = f"{row.get('Price_List_Code')}/{row.get('Line_No')}"
    start, end = _day(row, "Starting_Date", where), _day(row, "Ending_Date", where)
    if start is not None and end is not None and end < start:
        raise SchemaDrift(
            f"business central price list line {where}: ends {end} before it starts {start}"
        )
    return PriceLine(
        str(row["Asset_No"]),
        _amount(row, where),
        datetime.combine(start, time.min, UTC) if start else None,
        datetime.combine(end, time(23, 59, 59), UTC) if end else None,
        where,
    )
