"""The record metadata catalog: the list, OpenAPI 3.0 and JSON Schema per record, custom fields
as the account has them (and as a ``custom_field_removed`` fault leaves them)."""

from __future__ import annotations

import requests

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from tests.fakes.netsuite.conftest import RECORD, TBA, first_ids, order_body

CATALOG = f"{RECORD}/metadata-catalog"
SWAGGER = {"Accept": "application/swagger+json"}
SCHEMA = {"Accept": "application/schema+json"}


def test_catalog_lists_record_types_with_links(ns: requests.Session) -> None:
    response = ns.get(CATALOG)
    assert response.status_code == 200
    items = {i["name"]: i for i in response.json()["items"]}
    assert {"salesOrder", "customer", "inventoryItem"} <= set(items)
    media = {link["mediaType"] for link in items["salesOrder"]["links"]}
    assert media == {"application/json", "application/swagger+json", "application/schema+json"}


def test_record_json_schema_has_standard_and_custom_fields(ns: requests.Session) -> None:
    response = ns.get(f"{CATALOG}/salesOrder", headers=SCHEMA)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/schema+json")
    props = response.json()["properties"]
    assert props["externalId"]["type"] == "string"
    assert props["tranDate"]["format"] == "date"
    assert props["custbody_sales_channel"]["x-ns-custom-field"] is True
    assert props["custbody_sales_channel"]["title"] == "Sales Channel"
    assert "items" in props["item"]["properties"]


def test_record_openapi_document(ns: requests.Session) -> None:
    response = ns.get(f"{CATALOG}/salesorder", headers=SWAGGER)
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.0")
    assert "/salesOrder" in doc["paths"] and "post" in doc["paths"]["/salesOrder"]
    assert "custbody_sales_channel" in doc["components"]["schemas"]["salesOrder"]["properties"]


def test_catalog_select_in_openapi(ns: requests.Session) -> None:
    doc = ns.get(CATALOG, params={"select": "customer,salesorder"}, headers=SWAGGER).json()
    assert set(doc["components"]["schemas"]) == {"customer", "salesOrder"}


def test_unknown_record_type_is_not_found(ns: requests.Session) -> None:
    assert ns.get(f"{CATALOG}/nosuchrecord").status_code == 404


def test_removed_custom_field_leaves_the_metadata(ns: requests.Session, fake: Fake) -> None:
    fake.add_fault({"effect": {"kind": "vendor", "name": "custom_field_removed",
                               "params": {"record": "salesOrder",
                                          "field": "custbody_sales_channel"}}})
    props = ns.get(f"{CATALOG}/salesOrder", headers=SCHEMA).json()["properties"]
    assert "custbody_sales_channel" not in props
    assert "custbody_magento_store" in props


def test_custom_fields_option() -> None:
    fake = create_fake("netsuite", seed=7,
                       options={"custom_fields": {"salesOrder": {"custbody_x": "X"}}})
    with FakeFleet({"netsuite": fake}):
        session = requests.Session()
        session.auth = TBA(fake.credentials(), fake.clock.time)
        props = session.get(f"{CATALOG}/salesOrder", headers=SCHEMA).json()["properties"]
    assert props["custbody_x"]["title"] == "X"
    assert "custbody_sales_channel" not in props


def test_mandatory_custom_field_is_named_by_its_label(ns: requests.Session, fake: Fake) -> None:
    fake.add_fault({"effect": {"kind": "vendor", "name": "mandatory_field",
                               "params": {"record": "salesOrder",
                                          "field": "custbody_sales_channel"}}})
    response = ns.post(f"{RECORD}/salesOrder", json=order_body(first_ids(fake)))
    assert response.status_code == 400
    detail = response.json()["o:errorDetails"][0]
    assert detail["detail"] == "Please enter value(s) for: Sales Channel"
    assert detail["o:errorPath"] == "custbody_sales_channel"
    ok = ns.post(f"{RECORD}/salesOrder",
                 json=order_body(first_ids(fake), custbody_sales_channel="web"))
    assert ok.status_code == 204
