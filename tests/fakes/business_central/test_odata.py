"""OData v4 conventions: query options, server paging, ETags and concurrency, error envelope."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fakes.core.bridge import FakeFleet
from tests.fakes.business_central.conftest import BC, error_of, make_fake


def _numbers(bc: BC, query: str) -> list[str]:
    return [i["number"] for i in bc.values(f"items?{query}")]


def test_filter_operators(bc: BC) -> None:
    items = bc.values("items")
    price = sorted(i["unitPrice"] for i in items)[10]
    assert len(_numbers(bc, f"$filter=unitPrice gt {price}")) == \
        sum(1 for i in items if i["unitPrice"] > price)
    assert len(_numbers(bc, f"$filter=unitPrice le {price}")) == \
        sum(1 for i in items if i["unitPrice"] <= price)
    assert _numbers(bc, "$filter=number eq 'sku-000003'") == ["SKU-000003"]
    assert len(_numbers(bc, "$filter=number ne 'SKU-000003'")) == len(items) - 1
    assert _numbers(bc, "$filter=number eq 'SKU-000001' or number eq 'SKU-000002'") == \
        ["SKU-000001", "SKU-000002"]
    assert len(_numbers(bc, "$filter=startswith(number,'SKU-00001')")) == 10
    assert _numbers(bc, "$filter=contains(number,'0024') and not (inventory lt 0)") == \
        ["SKU-000024"]
    assert _numbers(bc, "$filter=endswith(tolower(number),'sku-000005')") == ["SKU-000005"]


def test_filter_typed_literals(bc: BC) -> None:
    item = bc.first("items")
    assert _numbers(bc, f"$filter=id eq {item['id']}") == [item["number"]]
    assert _numbers(bc, "$filter=lastModifiedDateTime ge 2026-01-01T00:00:00Z") == \
        _numbers(bc, "")
    assert _numbers(bc, "$filter=lastModifiedDateTime gt 2027-01-01T00:00:00Z") == []
    order = bc.new_order().json()
    today = order["orderDate"]
    found = bc.values(f"salesOrders?$filter=orderDate eq {today} and status eq 'Draft'")
    assert [o["id"] for o in found] == [order["id"]]
    enum = bc.values("customers?$filter=blocked eq Microsoft.NAV.customerBlocked' '&$top=1")
    assert len(enum) == 1


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("$filter=id eq 'abc'", "incompatible types"),
        ("$filter=colour eq 'red'", "Could not find a property named 'colour'"),
        ("$filter=number eq", "Syntax error"),
        ("$filter=number eq 'x' 'y'", "Syntax error"),
        ("$filter=length(number) eq 3", "unknown function"),
        ("$orderby=colour", "Could not find a property named 'colour'"),
        ("$select=number,colour", "Could not find a property named 'colour'"),
        ("$top=-1", "requires a non-negative integer"),
        ("$expand=lines", "Could not find a property named 'lines'"),
        ("$filter=number", "must evaluate to a single boolean value"),
        ("$filter=startswith(number, 1)", "No function signature for the function"),
        ("$filter=(number eq 'x'", "Syntax error"),
    ],
)
def test_query_errors(bc: BC, query: str, fragment: str) -> None:
    status, code, message = error_of(bc.get(f"items?{query}"))
    assert status == 400 and code in ("BadRequest", "BadRequest_NotFound")
    assert fragment in message


def test_orderby_select_top_skip_count(bc: BC) -> None:
    response = bc.get("items?$orderby=unitPrice desc,number&$select=number,unitPrice"
                      "&$top=5&$skip=2&$count=true").json()
    assert response["@odata.count"] == 24
    prices = [i["unitPrice"] for i in response["value"]]
    assert prices == sorted(prices, reverse=True) and len(prices) == 5
    assert set(response["value"][0]) == {"@odata.etag", "number", "unitPrice"}
    everything = bc.values("items?$orderby=unitPrice desc,number")
    assert [i["number"] for i in response["value"]] == [i["number"] for i in everything[2:7]]


def test_expand_lines_with_options(bc: BC) -> None:
    bc.new_order(lines=[{"lineObjectNumber": n["number"], "quantity": 1}
                        for n in bc.values("items?$top=3")])
    order = bc.values("salesOrders?$expand=salesOrderLines($select=sequence;$orderby=sequence "
                      "desc)")[0]
    assert [ln["sequence"] for ln in order["salesOrderLines"]] == [30000, 20000, 10000]
    assert set(order["salesOrderLines"][0]) == {"@odata.etag", "sequence"}


def _follow(bc: BC, url: str) -> tuple[list[str], int]:
    numbers: list[str] = []
    pages = 0
    while url:
        body = bc.get(url).json()
        numbers += [i["number"] for i in body["value"]]
        url = body.get("@odata.nextLink", "")
        pages += 1
    return numbers, pages


def test_server_paging_with_next_link() -> None:
    fake = make_fake(page_size=5)
    with FakeFleet({"business-central": fake}):
        bc = BC(fake)
        first = bc.get("items").json()
        assert len(first["value"]) == 5
        assert first["@odata.nextLink"].startswith(bc.company_url() + "/items?")
        numbers, pages = _follow(bc, f"{bc.company_url()}/items")
        assert (len(numbers), len(set(numbers)), pages) == (24, 24, 5)
        limited, _ = _follow(bc, f"{bc.company_url()}/items?$top=7&$orderby=number desc")
        assert limited == [f"SKU-{n:06d}" for n in range(24, 17, -1)]


def test_paging_survives_inserts_between_pages() -> None:
    fake = make_fake(page_size=4)
    with FakeFleet({"business-central": fake}):
        bc = BC(fake)
        first = bc.get("customers?$orderby=number").json()
        seen = [c["number"] for c in first["value"]]
        bc.post("customers", json={"number": "C00000", "displayName": "Early bird"})
        numbers, _ = _follow(bc, first["@odata.nextLink"])
        assert seen + numbers == [f"C{n:05d}" for n in range(1, 13)]


def test_prefer_maxpagesize(bc: BC) -> None:
    response = bc.get("items", headers={"Prefer": "odata.maxpagesize=10"})
    assert len(response.json()["value"]) == 10
    assert response.headers["Preference-Applied"] == "odata.maxpagesize=10"
    assert "@odata.nextLink" in response.json()


def test_etag_changes_on_every_update(bc: BC) -> None:
    item = bc.first("items")
    tags = {item["@odata.etag"]}
    for n in range(3):
        tag = bc.get(f"items({item['id']})").headers["ETag"]
        response = bc.patch(f"items({item['id']})", json={"displayName": f"v{n}"},
                            headers={"If-Match": tag})
        assert response.status_code == 200
        tags.add(response.json()["@odata.etag"])
    assert len(tags) == 4
    assert all(re.fullmatch(r'W/"[A-Za-z0-9+/=]+"', t) for t in tags)


def test_if_match_rules(bc: BC) -> None:
    item = bc.first("items")
    missing = bc.patch(f"items({item['id']})", json={"displayName": "x"})
    status, code, message = error_of(missing)
    assert (status, code) == (400, "BadRequest_InvalidToken")
    assert message.startswith("Could not validate the client concurrency token")
    assert bc.patch(f"items({item['id']})", json={"displayName": "y"},
                    headers={"If-Match": "*"}).status_code == 200
    stale = bc.patch(f"items({item['id']})", json={"displayName": "z"},
                     headers={"If-Match": item["@odata.etag"]})
    assert error_of(stale)[:2] == (409, "Request_EntityChanged")
    assert error_of(stale)[2].startswith("Another user has already changed the record.")
    delete = bc.delete(f"items({item['id']})", headers={"If-Match": item["@odata.etag"]})
    assert error_of(delete)[0] == 409


def test_stale_etag_status_option() -> None:
    fake = make_fake(etag_conflict_status=412)
    with FakeFleet({"business-central": fake}):
        bc = BC(fake)
        item = bc.first("items")
        bc.patch(f"items({item['id']})", json={"displayName": "a"}, headers={"If-Match": "*"})
        stale = bc.patch(f"items({item['id']})", json={"displayName": "b"},
                         headers={"If-Match": item["@odata.etag"]})
        assert error_of(stale)[:2] == (412, "Request_EntityChanged")


def test_error_envelope_shape(bc: BC) -> None:
    response = bc.get("items(11111111-2222-3333-4444-555555555555)")
    body: dict[str, Any] = response.json()
    assert list(body) == ["error"] and set(body["error"]) == {"code", "message"}
    assert re.search(r"  CorrelationId:  [0-9a-f-]{36}\.$", body["error"]["message"])
    assert response.headers["Content-Type"].startswith("application/json")


def test_same_seed_same_answers() -> None:
    def run() -> list[Any]:
        fake = make_fake()
        with FakeFleet({"business-central": fake}):
            bc = BC(fake)
            order = bc.new_order().json()
            bad = bc.get("items(11111111-2222-3333-4444-555555555555)").json()
            return [order["id"], order["@odata.etag"], bad, fake.credentials()]

    assert run() == run()
