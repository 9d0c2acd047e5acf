"""The OData query options, through the API and on the parser directly."""

from __future__ import annotations

from datetime import datetime

import pytest

from fakes.core.fake import Fake
from fakes.sage200 import SPEC
from fakes.sage200.odata import (
    ODataError,
    Resource,
    apply,
    parse_datetime,
    parse_filter,
    parse_query,
)
from tests.fakes.sage200.conftest import SageClient

ROWS = [
    {"id": 1, "name": "Alpha Ltd", "balance": 10.0, "on_hold": False,
     "updated": "2026-01-05T09:00:00Z", "ref": None},
    {"id": 2, "name": "beta plc", "balance": 250.5, "on_hold": True,
     "updated": "2026-01-06T12:30:00Z", "ref": "B"},
    {"id": 3, "name": "Gamma's", "balance": 0.0, "on_hold": False,
     "updated": "2026-02-01T00:00:00Z", "ref": "C"},
]
RESOURCE = Resource(fields=frozenset(ROWS[0]))


def ids(args: dict[str, str]) -> list[int] | int:
    result = apply(list(ROWS), parse_query(args, RESOURCE), RESOURCE)
    return result if isinstance(result, int) else [row["id"] for row in result]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("id eq 2", [2]),
        ("name eq 'ALPHA LTD'", [1]),
        ("balance gt 5 and not on_hold", [1]),
        ("(balance ge 250 or id eq 3) and on_hold eq false", [3]),
        ("contains(name, 'ET')", [2]),
        ("startswith(name, 'gam') or endswith(name, 'Ltd')", [1, 3]),
        ("substringof('pha', name)", [1]),
        ("name eq 'Gamma''s'", [3]),
        ("updated gt 2026-01-05", [1, 2, 3]),
        ("updated gt 2026-01-05T09:00:00Z", [2, 3]),
        ("updated lt 2026-01-06T12:30:00.000Z", [1]),
        ("ref eq null", [1]),
        ("ref ne null", [2, 3]),
        ("tolower(name) eq 'beta plc'", [2]),
    ],
)
def test_filter(expression: str, expected: list[int]) -> None:
    assert ids({"$filter": expression}) == expected


@pytest.mark.parametrize(
    "expression",
    ["nope eq 1", "id eq", "id eq 1 and", "(id eq 1", "id eq 'x'", "bogus(name)", "name",
     "id eq 1 2", "contains(id, 'x')", "id ~ 2"],
)
def test_bad_filters_raise(expression: str) -> None:
    with pytest.raises(ODataError):
        ids({"$filter": expression})


def test_orderby_top_skip_count() -> None:
    assert ids({"$orderby": "balance desc"}) == [2, 1, 3]
    assert ids({"$orderby": "on_hold, name desc"}) == [3, 1, 2]
    assert ids({"$orderby": "id", "$skip": "1", "$top": "1"}) == [2]
    assert ids({"$count": "true", "$filter": "balance gt 1"}) == 2
    for bad in ({"$skip": "1"}, {"$top": "5001"}, {"$top": "-1"}, {"$orderby": "id sideways"},
                {"$orderby": "missing"}):
        with pytest.raises(ODataError):
            ids(bad)


def test_parse_datetime_is_naive_utc() -> None:
    assert parse_datetime("2026-01-05T10:00:00+01:00") == datetime(2026, 1, 5, 9, 0)
    assert parse_datetime("2026-01-05") == datetime(2026, 1, 5)
    assert parse_filter("id eq 1", frozenset({"id"})) is not None


def test_api_select_expand_and_errors(api: SageClient) -> None:
    order = api.order([{"code": "SKU-000001", "line_quantity": 1}], customer_document_no="S-1")
    picked = api.json("GET", "/sop_orders?$expand=customer&$select=id,customer.reference")
    assert picked == [{"id": order["id"], "customer": {"reference": "CUST0001"}}]
    single = api.json("GET", f"/sop_orders/{order['id']}?$select=document_no")
    assert single == {"document_no": order["document_no"]}
    for query in ("$filter=nope eq 1", "$expand=nothing", "$select=missing", "$top=9999",
                  "$skip=2", "$filter=id eq"):
        response = api.get(f"/sop_orders?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["statusCode"] == 400


def test_api_default_top_is_500_and_count() -> None:
    api = SageClient(Fake(SPEC, seed=1, size="medium"))
    assert api.json("GET", "/warehouse_holdings?$count=true") == 6000
    assert len(api.json("GET", "/warehouse_holdings")) == 500
    assert len(api.json("GET", "/warehouse_holdings?$top=5000")) == 5000
    page = api.json("GET", "/warehouse_holdings?$top=10&$skip=5995&$orderby=id desc")
    assert [row["id"] for row in page] == [40005, 40004, 40003, 40002, 40001]


def test_api_filter_on_dates(api: SageClient) -> None:
    api.order([{"code": "SKU-000001", "line_quantity": 1}])
    since = api.json("GET", "/sop_orders?$filter=date_time_updated ge 2026-01-05T09:00:00Z")
    assert len(since) == 1
    assert api.json("GET", "/sop_orders?$filter=document_date gt 2026-01-05") == []
