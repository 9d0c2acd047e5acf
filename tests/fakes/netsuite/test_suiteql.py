"""SuiteQL: the Prefer header, SELECT only, rows as strings, paging, the modelled tables."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from tests.fakes.netsuite.conftest import RECORD, SUITEQL, TBA, first_ids, order_body

TRANSIENT = {"Prefer": "transient"}


def query(ns: requests.Session, q: str, **params: Any) -> requests.Response:
    return ns.post(SUITEQL, json={"q": q}, headers=TRANSIENT, params=params)


def rows(ns: requests.Session, q: str) -> list[dict[str, Any]]:
    response = query(ns, q)
    assert response.status_code == 200, response.text
    return [{k: v for k, v in row.items() if k != "links"} for row in response.json()["items"]]


def error(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 400
    return dict(response.json()["o:errorDetails"][0])


@pytest.fixture
def orders(ns: requests.Session, fake: Fake) -> dict[str, str]:
    ids = first_ids(fake)
    ns.post(f"{RECORD}/salesOrder", json=order_body(ids, externalId="M-1", otherRefNum="PO-9"))
    fake.clock.advance(3600)
    ns.post(f"{RECORD}/salesOrder", json=order_body(ids, externalId="M-2"))
    return ids


def test_prefer_transient_is_required(ns: requests.Session) -> None:
    response = ns.post(SUITEQL, json={"q": "SELECT id FROM location"})
    detail = error(response)
    assert (detail["o:errorCode"], detail["o:errorHeader"]) == ("INVALID_HEADER", "Prefer")


@pytest.mark.parametrize(
    "q",
    ["DELETE FROM customer", "UPDATE customer SET email = 'x'", "INSERT INTO location VALUES (9)",
     "DROP TABLE customer", "SELECT id FROM location; DELETE FROM location",
     "WITH x AS (SELECT 1) SELECT * FROM x", "ATTACH DATABASE 'x' AS y"],
)
def test_only_a_single_select_runs(ns: requests.Session, q: str) -> None:
    assert error(query(ns, q))["o:errorCode"] == "INVALID_PARAMETER"
    assert len(rows(ns, "SELECT id FROM location")) == 3


@pytest.mark.parametrize("body", [{}, {"q": ""}, {"q": 5}, [1]])
def test_body_needs_q(ns: requests.Session, body: Any) -> None:
    response = ns.post(SUITEQL, json=body, headers=TRANSIENT)
    assert error(response)["o:errorCode"] == "INVALID_CONTENT"


def test_unknown_column_and_table(ns: requests.Session) -> None:
    detail = error(query(ns, "SELECT nosuch FROM customer"))
    assert detail["detail"].startswith("Invalid search query.")
    assert "nosuch" in detail["detail"]
    assert "nowhere" in error(query(ns, "SELECT id FROM nowhere"))["detail"]


def test_rows_are_lower_case_strings_without_nulls(ns: requests.Session, fake: Fake) -> None:
    result = query(ns, "SELECT ID, EntityId AS Code, email, phone, isinactive FROM customer "
                       "WHERE id = 101").json()
    customer = fake.state()["customers"][0]
    assert result["items"] == [{"links": [], "id": "101", "code": customer["entityId"],
                                "email": customer["email"], "phone": customer["phone"],
                                "isinactive": "F"}]
    assert rows(ns, "SELECT id, NULL AS blank FROM location WHERE id = 1") == [{"id": "1"}]


def test_paging_envelope(ns: requests.Session) -> None:
    body = query(ns, "SELECT id FROM item ORDER BY id", limit=10, offset=10).json()
    assert (body["count"], body["hasMore"], body["offset"], body["totalResults"]) == (
        10, True, 10, 24)
    assert [row["id"] for row in body["items"]][:2] == ["511", "512"]
    links = {link["rel"]: link["href"] for link in body["links"]}
    assert links["next"] == f"{SUITEQL}?limit=10&offset=20"
    assert query(ns, "SELECT id FROM item", limit=1001).status_code == 400


def test_transactions_and_lines(ns: requests.Session, orders: dict[str, str]) -> None:
    headers = rows(ns, "SELECT id, tranid, externalid, type, status, entity, otherrefnum, "
                       "trandate FROM transaction ORDER BY id DESC")
    assert headers == [
        {"id": "1002", "tranid": "SO2", "externalid": "M-2", "type": "SalesOrd", "status": "B",
         "entity": orders["customer"], "trandate": "1/5/2026"},
        {"id": "1001", "tranid": "SO1", "externalid": "M-1", "type": "SalesOrd", "status": "B",
         "entity": orders["customer"], "otherrefnum": "PO-9", "trandate": "1/5/2026"},
    ]
    lines = rows(ns, "SELECT t.tranid, tl.linesequencenumber, tl.item, tl.quantity, tl.rate, "
                     "tl.location FROM transaction t JOIN transactionline tl "
                     "ON tl.transaction = t.id WHERE tl.mainline = 'F' AND t.id = 1001 "
                     "ORDER BY tl.linesequencenumber")
    assert lines[0] == {"tranid": "SO1", "linesequencenumber": "1", "item": orders["item"],
                        "quantity": "-2", "rate": "10", "location": orders["location"]}
    assert len(lines) == 2
    mainline = rows(ns, "SELECT linesequencenumber FROM transactionline WHERE mainline = 'T'")
    assert len(mainline) == 2


def test_where_operators(ns: requests.Session, orders: dict[str, str]) -> None:
    assert rows(ns, "SELECT id FROM customer WHERE id IN (101, 102) AND id <> 102") == [
        {"id": "101"}]
    assert len(rows(ns, "SELECT id FROM customer WHERE id >= 110 OR id < 102")) == 4
    assert rows(ns, "SELECT id FROM transaction WHERE otherrefnum IS NOT NULL") == [
        {"id": "1001"}]
    assert len(rows(ns, "SELECT id FROM transaction WHERE otherrefnum IS NULL")) == 1
    assert rows(ns, "SELECT itemid FROM item WHERE itemid LIKE 'SKU-00002%' ORDER BY itemid") == [
        {"itemid": f"SKU-00002{i}"} for i in range(5)]
    assert rows(ns, "SELECT id FROM item WHERE itemid LIKE 'sku-%'") == []
    assert rows(ns, "SELECT name FROM location WHERE name != 'Main Warehouse' ORDER BY name") == [
        {"name": "North Warehouse"}, {"name": "South Warehouse"}]


def test_dates_and_oracle_functions(ns: requests.Session, orders: dict[str, str]) -> None:
    q = ("SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS changed "
         "FROM transaction WHERE lastmodifieddate > TO_TIMESTAMP('2026-01-05 09:30:00', "
         "'YYYY-MM-DD HH24:MI:SS')")
    assert rows(ns, q) == [{"id": "1002", "changed": "2026-01-05 10:00:00"}]
    assert rows(ns, "SELECT id FROM transaction WHERE trandate = TO_DATE('01/05/2026', "
                    "'MM/DD/YYYY') ORDER BY id") == [{"id": "1001"}, {"id": "1002"}]
    assert rows(ns, "SELECT NVL(memo, 'none') AS m FROM transaction WHERE id = 1001") == [
        {"m": "none"}]
    assert len(rows(ns, "SELECT id FROM transaction WHERE lastmodifieddate <= SYSDATE")) == 2
    assert error(query(ns, "SELECT TO_DATE('nope', 'YYYY') FROM location"))["o:errorCode"] == (
        "INVALID_PARAMETER")


def test_iso_date_option(orders: dict[str, str]) -> None:
    fake = create_fake("netsuite", seed=7, options={"suiteql_dates": "iso"})
    with FakeFleet({"netsuite": fake}):
        session = requests.Session()
        session.auth = TBA(fake.credentials(), fake.clock.time)
        result = rows(session, "SELECT datecreated FROM customer WHERE id = 101")
        assert result == [{"datecreated": "2026-01-05T09:00:00Z"}]


def test_inventory_locations_and_state_changes(ns: requests.Session, fake: Fake) -> None:
    q = ("SELECT l.quantityonhand, l.quantityavailable, l.quantitycommitted FROM "
         "inventoryitemlocations l JOIN item i ON i.id = l.item "
         "WHERE i.itemid = 'SKU-000001' AND l.location = 1")
    before = rows(ns, q)[0]
    on_hand = int(before["quantityonhand"])
    ns.post(f"{RECORD}/salesOrder", json=order_body(first_ids(fake)))
    committed = min(2, on_hand)
    assert rows(ns, q)[0] == {"quantityonhand": str(on_hand),
                              "quantityavailable": str(on_hand - committed),
                              "quantitycommitted": str(committed)}
    fake.event("set_stock", item_code="SKU-000001", location_id="1", quantity=500)
    assert rows(ns, q)[0]["quantityonhand"] == "500"


def test_custom_body_fields_are_columns(ns: requests.Session, fake: Fake) -> None:
    ns.post(f"{RECORD}/salesOrder", json=order_body(first_ids(fake), custbody_store="eu"))
    assert rows(ns, "SELECT custbody_store FROM transaction") == [{"custbody_store": "eu"}]


def test_runaway_queries_are_stopped(ns: requests.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from fakes.netsuite import suiteql

    monkeypatch.setattr(suiteql, "MAX_PROGRESS_CALLS", 3)
    detail = error(query(ns, "SELECT COUNT(*) AS n FROM item a, item b, item c, item d"))
    assert "stopped" in detail["detail"]
    monkeypatch.undo()
    assert rows(ns, "SELECT COUNT(*) AS n FROM item a, item b") == [{"n": "576"}]
