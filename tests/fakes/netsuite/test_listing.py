"""Record collections: paging envelope, links, and the ``q`` filter."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from tests.fakes.netsuite.conftest import RECORD, TBA, first_ids, order_body


def rels(body: dict[str, Any]) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in body["links"]}


def listed(ns: requests.Session, record: str, **params: Any) -> list[str]:
    response = ns.get(f"{RECORD}/{record}", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_collection_envelope_and_links(ns: requests.Session) -> None:
    url = f"{RECORD}/customer"
    first = ns.get(url, params={"limit": 5}).json()
    assert (first["count"], first["hasMore"], first["offset"], first["totalResults"]) == (
        5, True, 0, 12)
    assert first["items"][0] == {
        "links": [{"rel": "self", "href": f"{url}/101"}], "id": "101"}
    assert rels(first) == {"first": f"{url}?limit=5&offset=0", "next": f"{url}?limit=5&offset=5",
                           "last": f"{url}?limit=5&offset=10", "self": f"{url}?limit=5&offset=0"}
    middle = ns.get(rels(first)["next"]).json()
    assert rels(middle)["prev"] == f"{url}?limit=5&offset=0"
    last = ns.get(rels(first)["last"]).json()
    assert (last["count"], last["hasMore"]) == (2, False)
    assert "next" not in rels(last)


def test_paging_visits_every_record_once(ns: requests.Session) -> None:
    seen: list[str] = []
    url: str | None = f"{RECORD}/inventoryItem?limit=7"
    while url:
        body = ns.get(url).json()
        seen += [item["id"] for item in body["items"]]
        url = rels(body).get("next") if body["hasMore"] else None
    assert seen == [str(i) for i in range(501, 525)]


def test_single_page_has_only_self_link(ns: requests.Session) -> None:
    body = ns.get(f"{RECORD}/location").json()
    assert [link["rel"] for link in body["links"]] == ["self"]
    assert body["totalResults"] == 3 and body["hasMore"] is False


@pytest.mark.parametrize("params", [{"limit": 1001}, {"limit": 0}, {"limit": "ten"},
                                    {"offset": -1}])
def test_bad_paging_parameters(ns: requests.Session, params: Any) -> None:
    response = ns.get(f"{RECORD}/customer", params=params)
    assert response.status_code == 400
    detail = response.json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["o:errorQueryParam"] == next(iter(params))


def test_offset_multiple_option() -> None:
    fake = create_fake("netsuite", seed=7, options={"offset_multiple_of_limit": True})
    with FakeFleet({"netsuite": fake}):
        session = requests.Session()
        session.auth = TBA(fake.credentials(), fake.clock.time)
        assert session.get(f"{RECORD}/customer", params={"limit": 5, "offset": 5}).ok
        bad = session.get(f"{RECORD}/customer", params={"limit": 5, "offset": 3})
        assert bad.status_code == 400


def test_string_operators(ns: requests.Session, fake: Fake) -> None:
    customers = fake.state()["customers"]
    email = customers[3]["email"]
    assert listed(ns, "customer", q=f'email IS "{email.upper()}"') == [customers[3]["id"]]
    assert listed(ns, "customer", q=f"email START_WITH {email[:6]}") == [
        c["id"] for c in customers if c["email"].startswith(email[:6])]
    assert len(listed(ns, "customer", q="email END_WITH example.com")) == 12
    assert listed(ns, "customer", q="email CONTAIN .4@") == [customers[3]["id"]]
    assert len(listed(ns, "customer", q="email CONTAIN_NOT .4@")) == 11
    assert listed(ns, "customer", q="phone EMPTY") == []
    assert len(listed(ns, "customer", q="companyName EMPTY_NOT")) == 12


def test_number_and_boolean_operators(ns: requests.Session) -> None:
    assert listed(ns, "customer", q="id ANY_OF [101, 103, 999]") == ["101", "103"]
    assert listed(ns, "customer", q="id BETWEEN [102, 104]") == ["102", "103", "104"]
    assert listed(ns, "customer", q="id GREATER_OR_EQUAL 111") == ["111", "112"]
    assert listed(ns, "customer", q="id LESS 102") == ["101"]
    assert listed(ns, "customer", q="id EQUAL_NOT 101 AND id LESS_OR_EQUAL 103") == ["102", "103"]
    assert len(listed(ns, "customer", q="isInactive IS false")) == 12
    assert listed(ns, "customer", q="isinactive IS true") == []


def test_and_or_parentheses(ns: requests.Session) -> None:
    q = "(id EQUAL 101 OR id EQUAL 105) AND isInactive IS false"
    assert listed(ns, "customer", q=q) == ["101", "105"]
    assert listed(ns, "customer", q="id EQUAL 101 OR id EQUAL 105 AND id EQUAL 101") == ["101"]


def test_date_and_enum_operators(ns: requests.Session, fake: Fake) -> None:
    ids = first_ids(fake)
    ns.post(f"{RECORD}/salesOrder", json=order_body(ids))
    fake.clock.advance(86_400)
    ns.post(f"{RECORD}/salesOrder", json=order_body(ids, orderStatus={"id": "A"}))
    assert listed(ns, "salesOrder", q='lastModifiedDate ON_OR_AFTER "1/6/2026"') == ["1002"]
    assert listed(ns, "salesOrder", q="tranDate BEFORE 2026-01-06") == ["1001"]
    assert listed(ns, "salesOrder", q='lastModifiedDate AFTER "2026-01-05T10:00:00Z"') == ["1002"]
    assert listed(ns, "salesOrder", q="tranDate ON 2026-01-05") == ["1001"]
    assert listed(ns, "salesOrder", q="orderStatus ANY_OF [A]") == ["1002"]
    assert listed(ns, "salesOrder", q=f"entity ANY_OF [{ids['customer']}]") == ["1001", "1002"]
    assert listed(ns, "salesOrder", q="total GREATER 0") == ["1001", "1002"]


def test_filtered_paging_links_keep_the_query(ns: requests.Session) -> None:
    body = ns.get(f"{RECORD}/customer", params={"q": "id GREATER 101", "limit": "4"}).json()
    assert body["totalResults"] == 11
    assert rels(body)["next"].endswith("limit=4&offset=4&q=id%20GREATER%20101")
    assert [i["id"] for i in ns.get(rels(body)["next"]).json()["items"]] == [
        "106", "107", "108", "109"]


@pytest.mark.parametrize(
    "q",
    ["nosuchfield IS x", "email GREATER 3", "id EQUAL abc", "id ANY_OF [1, 2",
     "(id EQUAL 1", "email IS", "id BETWEEN [1]", "dateCreated ON yesterday", "id EQUAL 1 garbage",
     "isInactive IS maybe"],
)
def test_bad_queries_are_refused(ns: requests.Session, q: str) -> None:
    response = ns.get(f"{RECORD}/customer", params={"q": q})
    assert response.status_code == 400, q
    detail = response.json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["o:errorQueryParam"] == "q"
