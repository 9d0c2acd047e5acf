"""The Sage 200 fake against Sage's own Swagger (SopSalesOrders, Stock), with schemathesis.

Only the paths and verbs the fake implements are kept. The reference declares no auth or header
parameters, so each case carries a valid bearer token, X-Site and X-Company. Checks:
not_a_server_error, status_code_conformance and response_schema_conformance.

Narrow exclusions (the reference disagrees with the documented wire behaviour):
* 404: the reference lists only 200 and 400, but Sage answers 404 for an unknown id or a verb
  the endpoint lacks [SelectCo NotFoundException; realnetintegrations]. A 404 is added to the
  operations of the copy tested here.
* ``sop_order.document_status`` and ``sop_order_despatch_line_view.sop_order_document_status_type``
  have ``maxLength: 20`` while their values are enum names such as ``EnumDocumentStatusLive``
  (22 characters) [Zynk Sage 200 Online sales order docs]; the limit is lifted in the copy.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

from contracts.sage200 import ReferenceMissing, load
from fakes.core.fake import Fake
from fakes.sage200 import SPEC
from fakes.sage200.variants import BASE_PATHS, ENDPOINTS, PROFESSIONAL

BASE = BASE_PATHS[PROFESSIONAL]
# The coverage phase enumerates boundary values of every property of sop_order (100+ fields):
# too slow for this suite. Examples and fuzzing phases stay on.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
STATUS_FIELDS = (
    ("sop_order", "document_status"),
    ("sop_order_despatch_line_view", "sop_order_document_status_type"),
)
NOT_FOUND = {"description": "Unknown id, or a verb or endpoint the site does not have."}


def _implemented() -> dict[str, set[str]]:
    paths: dict[str, set[str]] = {}
    for endpoint in ENDPOINTS.values():
        path = re.sub(r"<(\w+)>", r"{\1}", endpoint.path)
        paths.setdefault(path, set()).update(m.lower() for m in endpoint.methods)
    return paths


def _subset(document: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(document)
    implemented = _implemented()
    schema["paths"] = {
        path: {k: v for k, v in item.items() if k in implemented[path] or k.startswith("x-")}
        for path, item in schema["paths"].items()
        if path in implemented
    }
    schema["basePath"] = BASE
    schema.pop("host", None)
    for item in schema["paths"].values():
        for key, operation in item.items():
            if not key.startswith("x-"):
                operation["responses"].setdefault("404", NOT_FOUND)
    for definition, field in STATUS_FIELDS:
        properties = schema["definitions"].get(definition, {}).get("properties", {})
        properties.get(field, {}).pop("maxLength", None)
    return schema


def _seeded_fake() -> tuple[Fake, dict[str, str]]:
    fake = Fake(SPEC, seed=5)
    client = Client(fake.wsgi)
    creds = fake.credentials()
    token = client.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "X-Site": creds["site_id"],
               "X-Company": creds["company_id"]}
    for customer_id, quantity in ((30001, 2), (30002, 5)):
        order = client.post(f"{BASE}/sop_orders?$expand=lines", headers=headers, json={
            "customer_id": customer_id, "customer_document_no": f"C-{customer_id}",
            "lines": [{"code": "SKU-000001", "line_quantity": quantity}],
        }).get_json()
        client.post(f"{BASE}/sop_confirm_despatch", headers=headers, json={
            "sop_order_return_id": order["id"],
            "items": [{"id": order["lines"][0]["id"], "quantity": 1}],
        })
    return fake, headers


def _schema(name: str, fake: Fake) -> Any:
    try:
        document = load(name)
    except ReferenceMissing as exc:
        pytest.skip(str(exc), allow_module_level=True)
    schema = schemathesis.openapi.from_dict(_subset(document), config=CONFIG)
    schema.app = fake.wsgi
    return schema


FAKE, HEADERS = _seeded_fake()
SOP = _schema("SopSalesOrders", FAKE)
STOCK = _schema("Stock", FAKE)
SETTINGS = settings(
    max_examples=15, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)


@SOP.parametrize()
@SETTINGS
def test_sop_sales_orders(case: Any) -> None:
    response = case.call(headers=HEADERS)
    case.validate_response(response, checks=CHECKS)


@STOCK.parametrize()
@SETTINGS
def test_stock(case: Any) -> None:
    response = case.call(headers=HEADERS)
    case.validate_response(response, checks=CHECKS)


def _get(path: str) -> Any:
    return Client(FAKE.wsgi).get(BASE + path, headers=HEADERS)


@pytest.mark.parametrize(
    ("schema", "template", "path"),
    [
        ("SOP", "/sop_orders", "/sop_orders?$expand=lines,customer,delivery_address"),
        ("SOP", "/sop_orders/{Id}", "/sop_orders/60001?$expand=lines,customer"),
        ("SOP", "/sop_orders/{sopOrderId}/sop_order_lines/{Id}",
         "/sop_orders/60001/sop_order_lines/70001?$expand=product,warehouse"),
        ("SOP", "/sop_order_lines/{Id}", "/sop_order_lines/70002"),
        ("SOP", "/customers/{customerId}/sop_orders", "/customers/30002/sop_orders"),
        ("SOP", "/sop_despatch_receipts/{Id}", "/sop_despatch_receipts/80001"),
        ("SOP", "/sop_confirm_despatch", "/sop_confirm_despatch"),
        ("STOCK", "/products/{Id}", "/products/20001?$expand=warehouse_holdings"),
        ("STOCK", "/warehouses/{Id}", "/warehouses/1001"),
        ("STOCK", "/warehouse_holdings/{Id}",
         "/warehouse_holdings/40001?$expand=product,warehouse"),
        ("STOCK", "/products/{productId}/warehouse_holdings", "/products/20002/warehouse_holdings"),
    ],
)
def test_seeded_entities_conform(schema: str, template: str, path: str) -> None:
    response = _get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json(), "expected a non-empty answer to validate"
    operation = (SOP if schema == "SOP" else STOCK)[template]["GET"]
    operation.validate_response(response)
