"""The OData query options, through the API and on the parser directly."""

from __future__ import annotations

from datetime import datetime

import pytest

from fakes.core.fake import Fake
from fakes.sage200 import SPEC, render
from fakes.sage200.odata import (
    ODataError,
    Resource,
    apply,
    matches,
    parse_datetime,
    parse_filter,
    parse_query,
    pinned,
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


# -- a collection narrowed by what its filter pins ---------------------------------------------
@pytest.mark.parametrize(("expression", "expected"), [
    ("name eq 'Alpha Ltd'", {"name": "Alpha Ltd"}),
    ("'B' eq ref and balance gt 1", {"ref": "B"}),
    ("id eq 1 and (name eq 'x' or id eq 2)", {"id": 1}),
    ("id eq 1 or id eq 2", {}),
    ("not (id eq 1)", {}),
    ("id ne 1", {}),
])
def test_pinned_fields_are_those_every_kept_row_equals(expression: str, expected: dict) -> None:
    assert pinned(parse_filter(expression, RESOURCE.fields)) == expected


def _orders_by_ref(api: SageClient) -> dict[str | None, dict]:
    line = {"code": api.product()["code"], "line_quantity": 1}
    return {ref: api.order([line], **({"customer_document_no": ref} if ref else {}))
            for ref in ("WEB-1", "web-2", "WEB-3", None)}


@pytest.mark.parametrize(("expression", "count"), [
    ("customer_document_no eq 'WEB-1'", 1),
    ("customer_document_no eq 'web-1'", 1),
    ("'WEB-3' eq customer_document_no", 1),
    ("customer_document_no eq 'WEB-1' or customer_document_no eq 'web-2'", 2),
    ("customer_document_no eq 'WEB-1' and id gt 0", 1),
    ("customer_document_no eq 'WEB-1' and customer_document_no eq 'WEB-3'", 0),
    ("customer_document_no eq null", 1),
    ("not (customer_document_no eq 'WEB-1')", 3),
    ("id eq {id}", 1),
    ("document_no eq '{document_no}' and customer_id eq {customer_id}", 1),
])
def test_a_narrowed_order_list_answers_what_the_filter_keeps_of_every_order(
    api: SageClient, expression: str, count: int
) -> None:
    """The order list renders only the orders the filter's pinned fields allow; the answer must
    be the filter applied to every order rendered."""
    second = _orders_by_ref(api)["web-2"]
    text = expression.format(**second)
    everything = api.json("GET", "/sop_orders")
    node = parse_filter(text, render.order_resource(api.fake.backend).fields)
    expected = [row["id"] for row in everything if matches(node, row)]
    answered = api.json("GET", "/sop_orders", query_string={"$filter": text})
    assert [row["id"] for row in answered] == expected and len(expected) == count


def test_a_pinned_field_of_the_wrong_type_is_still_refused(api: SageClient) -> None:
    _orders_by_ref(api)
    response = api.get("/sop_orders", query_string={"$filter": "customer_document_no eq 5"})
    assert response.status_code == 400
