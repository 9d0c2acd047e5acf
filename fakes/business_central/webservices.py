"""OData V4 page web services (``/v2.0/{tenant}/{environment}/ODataV4/Company('{name}')/
{ServiceName}``): pages an administrator published on the Web Services page, served with the
same query options and paging as the API.

One page can be published: page 7005 "Price List Line Review" (caption "Price List Lines", a
list over table 7001 "Price List Line", the new pricing experience's dated prices), which the
standard API v2.0 does not expose. Property names are the page's control names with spaces
replaced by underscores and dots, parentheses removed and ``%`` spelled ``Percent``; the
table's primary key (``Price_List_Code``, ``Line_No``) is always included. Options and enums
are rendered as their names with underscores (``All_Customers``); blank dates as
``0001-01-01``. The page allows no insert or delete (GET only here).

Publishing: backend option ``web_services`` (``{service name: page id}``) or the
``publish_web_service`` event; an unpublished name answers 404 as Business Central does.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from fakes.business_central.company import Company
from fakes.business_central.errors import MethodNotAllowed, NotFound
from fakes.business_central.odata import parse_query, run
from fakes.business_central.schema import BOOL, DATE, DEC, EMPTY_DATE, INT, STR, EntityDef, Field
from fakes.business_central.values import etag, to_json
from fakes.business_central.wire import ApiRequest, ApiResponse

PRICE_LIST_LINE_PAGE = 7005
TABLE = "priceListLines"
COMPANY_SEGMENT = re.compile(r"^Company\('(?P<name>(?:[^']|'')*)'\)$")

FIELDS = (
    Field("Price_List_Code", STR, True, 20),
    Field("Line_No", INT, True),
    Field("PriceListDescription", STR, True),
    Field("Status", STR, True),
    Field("Source_Type", STR, True),
    Field("Source_No", STR, True, 20),
    Field("Asset_Type", STR, True),
    Field("Asset_No", STR, True, 20),
    Field("Description", STR, True, 100),
    Field("Variant_Code", STR, True, 10),
    Field("Work_Type_Code", STR, True, 10),
    Field("Unit_of_Measure_Code", STR, True, 10),
    Field("Minimum_Quantity", DEC, True),
    Field("Amount_Type", STR, True),
    Field("Currency_Code", STR, True, 10),
    Field("Unit_Price", DEC, True),
    Field("Cost_Factor", DEC, True),
    Field("DirectUnitCost", DEC, True),
    Field("Unit_Cost", DEC, True),
    Field("Starting_Date", DATE, True),
    Field("Ending_Date", DATE, True),
    Field("Allow_Line_Disc", BOOL, True),
    Field("Line_Discount_Percent", DEC, True),
    Field("PurchLineDiscountPct", DEC, True),
    Field("Allow_Invoice_Disc", BOOL, True),
)
STATUSES = ("Draft", "Active", "Inactive")
SOURCE_TYPES = ("All_Customers", "Customer", "Customer_Price_Group", "Campaign", "Contact")


def page_entity(service: str) -> EntityDef:
    return EntityDef(service, service, "Price List Line", FIELDS, insert=False, delete=False)


def check_page(page_id: int) -> int:
    if page_id != PRICE_LIST_LINE_PAGE:
        raise ValueError(
            f"web service page {page_id}: only page {PRICE_LIST_LINE_PAGE} "
            "(Price List Line Review) can be published in this fake"
        )
    return page_id


# -- the price list lines (table 7001) ------------------------------------------------------------
def _day(value: str | None, name: str) -> str:
    if value in (None, ""):
        return EMPTY_DATE
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(f"price list line {name}: {value!r} is no date (YYYY-MM-DD)") from None


def add_line(company: Company, values: dict[str, Any]) -> dict[str, Any]:
    """A price list line as a pricing clerk enters it (10000 steps per price list)."""
    code = str(values["price_list_code"]).upper()
    status = str(values.get("status", "Active"))
    source_type = str(values.get("source_type", "All_Customers"))
    if status not in STATUSES:
        raise ValueError(f"price list line {code}: status {status!r} not in {STATUSES}")
    if source_type not in SOURCE_TYPES:
        raise ValueError(f"price list line {code}: source_type {source_type!r} unknown")
    start = _day(values.get("starting_date"), "starting_date")
    end = _day(values.get("ending_date"), "ending_date")
    if end != EMPTY_DATE and start != EMPTY_DATE and end < start:
        raise ValueError(f"price list line {code}: ending_date {end} is before {start}")
    table = company.tables.setdefault(TABLE, {})
    line_no = 10000 * (1 + sum(1 for r in table.values() if r["Price_List_Code"] == code))
    record = {f.name: f.default() for f in FIELDS}
    record.update(
        {
            "id": f"{code}|{line_no}",
            "_v": 1,
            "Price_List_Code": code,
            "Line_No": line_no,
            "Status": status,
            "Source_Type": source_type,
            "Source_No": str(values.get("source_no", "")),
            "Asset_Type": "Item",
            "Asset_No": str(values["asset_no"]),
            "Amount_Type": "Price",
            "Currency_Code": str(values.get("currency_code", "")),
            "Minimum_Quantity": Decimal(str(values.get("minimum_quantity", 0))),
            "Unit_Price": Decimal(str(values["unit_price"])),
            "Starting_Date": start,
            "Ending_Date": end,
            "Allow_Line_Disc": True,
            "Allow_Invoice_Disc": True,
        }
    )
    item = company.item_by_number(record["Asset_No"])
    record["Description"] = str(item.get("displayName", "")) if item else ""
    table[record["id"]] = record
    return record


# -- serving ---------------------------------------------------------------------------------------
def company_name(segment: str, req: ApiRequest) -> str:
    match = COMPANY_SEGMENT.match(segment)
    if match is None:
        raise NotFound(
            f"No HTTP resource was found that matches the request URI '{req.root}v2.0/{req.path}'."
        )
    return match.group("name").replace("''", "'")


def serve(
    company: Company, service: str, req: ApiRequest, page_size: int, context_root: str
) -> ApiResponse:
    """GET a published page's collection: ``$filter``/``$select``/``$orderby``/``$top``/
    ``$skip``/``$count`` and server-driven paging (``@odata.nextLink`` with ``$skiptoken``)."""
    entity = page_entity(service)
    if req.method != "GET":
        raise MethodNotAllowed(
            f"'{req.method}' requests for '{service}' of EdmType 'Entity' "
            "are not allowed within Microsoft Dynamics NAV OData web services."
        )
    query = parse_query(req.args, entity, {})
    records = sorted(
        company.tables.get(TABLE, {}).values(), key=lambda r: (r["Price_List_Code"], r["Line_No"])
    )
    page = run(records, query, entity, page_size)
    quoted = company.name.replace("'", "''")
    body: dict[str, Any] = {
        "@odata.context": f"{context_root}$metadata#Company('{quoted}')/{service}"
    }
    if query.count:
        body["@odata.count"] = page.total
    body["value"] = [_render(r, query.select or entity.names) for r in page.records]
    if page.next_token is not None:
        body["@odata.nextLink"] = _next_link(req, page.next_token, page.next_top)
    return ApiResponse(200, body)


def _render(record: dict[str, Any], names: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"@odata.etag": etag(record)}
    out.update({name: to_json(record.get(name)) for name in names})
    return out


def _next_link(req: ApiRequest, token: str, top: int | None) -> str:
    args = {k: v for k, v in req.args.items() if k not in ("$skip", "$skiptoken", "$top")}
    if top is not None:
        args["$top"] = str(top)
    args["$skiptoken"] = token
    query = "&".join(f"{quote(k, safe='$')}={quote(v, safe='')}" for k, v in args.items())
    return f"{req.root}v2.0/{quote(req.path, safe='/()')}?{query}"
