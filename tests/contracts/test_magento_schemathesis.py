"""The Magento fake against Adobe's own schemas, with schemathesis, for every implemented route.

Documents: the implemented subset of ``admin-schema-2.4.9.yaml`` (every route) and of
``guest-schema-2.4.9.yaml`` (the storefront routes it describes), cut with the reference's own
definitions by :func:`contracts.magento.extract_subset`. Two documented transforms of
:mod:`contracts.magento.wire` are applied before schemathesis sees them:

* :func:`~contracts.magento.wire.wire_document`: what Magento really sends beyond its schema
  (required getters written as ``null``, the ``error-parameters`` object/list shape, ``[]``
  for void methods), the differences ``tests/contracts/test_magento_contract.py`` allows too;
* :func:`~contracts.magento.wire.documented_statuses`: every reference operation answers
  ``default``, and schemathesis' ``status_code_conformance`` passes *any* status when an
  operation has ``default``. The copy lists Magento's error statuses (400, 401, 404, 500) in
  its place, so the check can fail (``test_the_checks_can_fail`` proves it).

Callers: the admin document is sent with the integration's access token (Bearer), or with a
customer token for the ``self`` routes (``/V1/carts/mine...``); the guest document anonymously.
Checks: not_a_server_error, status_code_conformance, response_schema_conformance, on positive
and negative cases (schemathesis' default modes). The coverage phase (boundary values of every
property: hundreds of fields on an order) is off; examples and fuzzing, derandomized, stay on.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.core.result import Ok
from schemathesis.openapi.checks import JsonSchemaError, UndefinedStatusCode
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

from contracts.magento import (
    GUEST_IMPLEMENTED,
    IMPLEMENTED,
    ReferenceNotFound,
    extract_subset,
    guest_reference_path,
    load_reference,
    reference_path,
)
from contracts.magento.wire import (
    ERROR_STATUSES,
    WIRE_NULLS,
    documented_statuses,
    wire_document,
)
from fakes.core.fake import Fake, create_fake
from fakes.magento.routes import ROUTES, implemented
from fakes.magento.webapi import SELF

CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
SETTINGS = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
SHOPPER = {"email": "shopper@example.org", "firstname": "Sam", "lastname": "Shop"}
PASSWORD = "Str0ng-Password"
ACL = {key: route.acl for key, route in zip(implemented(), ROUTES, strict=True)}

try:
    reference_path()
except ReferenceNotFound as missing:  # pragma: no cover - depends on the checkout
    pytest.skip(str(missing), allow_module_level=True)


def _seeded_fake() -> tuple[Fake, dict[str, str], dict[str, str]]:
    """Orders 1-3 to find, a customer with a token and a cart; admin and customer headers."""
    fake = create_fake("magento", seed=11)
    client = Client(fake.wsgi)
    for sku, paid in (("SKU-000001", True), ("SKU-000002", False), ("SKU-000003", True)):
        fake.event("place_order", lines=[{"sku": sku, "qty": 2}], paid=paid)
    created = client.post("/rest/V1/customers", json={"customer": SHOPPER, "password": PASSWORD})
    assert created.status_code == 200, created.get_data(as_text=True)
    token = client.post(
        "/rest/V1/integration/customer/token",
        json={"username": SHOPPER["email"], "password": PASSWORD},
    )
    assert token.status_code == 200, token.get_data(as_text=True)
    customer = {"Authorization": f"Bearer {token.get_json()}"}
    assert client.post("/rest/V1/carts/mine", headers=customer).status_code == 200
    admin = {"Authorization": f"Bearer {fake.credentials()['integration_token']}"}
    return fake, admin, customer


def _schema(document: dict[str, Any], fake: Fake) -> BaseSchema:
    schema = schemathesis.openapi.from_dict(documented_statuses(document), config=CONFIG)
    schema.app = fake.wsgi
    return schema


def admin_document() -> dict[str, Any]:
    return wire_document(IMPLEMENTED)


def guest_document() -> dict[str, Any]:
    return wire_document(GUEST_IMPLEMENTED, load_reference(guest_reference_path()))


FAKE, ADMIN_HEADERS, CUSTOMER_HEADERS = _seeded_fake()
ADMIN = _schema(admin_document(), FAKE)
GUEST = _schema(guest_document(), FAKE)


def admin_headers(method: str, path: str) -> dict[str, str]:
    """The customer token for a ``self`` route, else the integration token."""
    return CUSTOMER_HEADERS if ACL[(method.upper(), path)] == SELF else ADMIN_HEADERS


@pytest.mark.slow
@ADMIN.parametrize()
@SETTINGS
def test_admin_routes_conform(case: Any) -> None:
    response = case.call(headers=admin_headers(case.method, case.operation.path))
    case.validate_response(response, checks=CHECKS)


@pytest.mark.slow
@GUEST.parametrize()
@SETTINGS
def test_guest_routes_conform(case: Any) -> None:
    response = case.call()
    case.validate_response(response, checks=CHECKS)


def _operations(schema: BaseSchema) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # an operation schemathesis cannot read
        found.add((result.ok().method.upper(), result.ok().path))
    return found


def test_every_implemented_route_is_generated() -> None:
    assert _operations(ADMIN) == set(IMPLEMENTED) == set(ACL)
    assert _operations(GUEST) == set(GUEST_IMPLEMENTED)
    for document in (documented_statuses(admin_document()), documented_statuses(guest_document())):
        for item in document["paths"].values():
            for operation in item.values():
                assert "default" not in operation["responses"]
                assert set(ERROR_STATUSES) <= set(operation["responses"])


def test_the_wire_differences_are_narrow() -> None:
    reference, tested = extract_subset(IMPLEMENTED), admin_document()
    changed = {
        (name, prop)
        for name, definition in reference["definitions"].items()
        for prop, schema in definition.get("properties", {}).items()
        if tested["definitions"][name]["properties"][prop] != schema
    }
    assert changed and changed <= set(WIRE_NULLS)
    reshaped = [
        name
        for name, definition in reference["definitions"].items()
        if tested["definitions"][name].keys() != definition.keys()
    ]
    assert reshaped == ["error-parameters"]
    voids = {
        (method.upper(), path)
        for path, item in tested["paths"].items()
        for method, operation in item.items()
        if operation["responses"] != reference["paths"][path][method]["responses"]
    }
    assert voids == {
        ("POST", "/V1/inventory/source-items"),
        ("POST", "/V1/inventory/source-items-delete"),
    }


# -- the checks bite: a faulted fake answers what Magento would not -----------------------------
def _faulted(effect: dict[str, Any]) -> Any:
    fake = create_fake("magento", seed=11)
    fake.add_fault({"target": {"method": "GET", "path": r"/V1/orders/\d+$"}, "effect": effect})
    fake.event("place_order", lines=[{"sku": "SKU-000001", "qty": 1}])
    headers = {"Authorization": f"Bearer {fake.credentials()['integration_token']}"}
    return Client(fake.wsgi).get("/rest/default/V1/orders/1", headers=headers)


@pytest.mark.parametrize(
    ("effect", "check", "failure"),
    [
        ({"kind": "http_error", "status": 403}, status_code_conformance, UndefinedStatusCode),
        (
            {"kind": "field_drift", "params": {"retype": ["grand_total"]}},
            response_schema_conformance,
            JsonSchemaError,
        ),
        ({"kind": "http_error", "status": 500}, not_a_server_error, ServerError),
    ],
    ids=["undocumented-status", "wrong-type", "server-error"],
)
def test_the_checks_can_fail(effect: dict[str, Any], check: Any, failure: type) -> None:
    case = ADMIN["/V1/orders/{id}"]["GET"].Case(path_parameters={"id": 1})
    with pytest.raises((FailureGroup, failure)) as raised:
        case.validate_response(_faulted(effect), checks=[check])
    found = raised.value.exceptions if isinstance(raised.value, FailureGroup) else [raised.value]
    assert any(isinstance(error, failure) for error in found), found


def test_default_alone_lets_any_status_conform() -> None:
    # Why documented_statuses exists: with the reference's ``default``, a 403 passes.
    reference = schemathesis.openapi.from_dict(admin_document(), config=CONFIG)
    case = reference["/V1/orders/{id}"]["GET"].Case(path_parameters={"id": 1})
    forbidden = _faulted({"kind": "http_error", "status": 403})
    assert forbidden.status_code == 403
    case.validate_response(forbidden, checks=[status_code_conformance])


def test_a_conforming_answer_passes() -> None:
    case = ADMIN["/V1/orders/{id}"]["GET"].Case(path_parameters={"id": 1})
    response = _faulted({"kind": "latency", "delay_s": 0})
    assert response.status_code == 200
    case.validate_response(response, checks=CHECKS)
