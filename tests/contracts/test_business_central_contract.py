"""The Business Central fake against the hand-written API v2.0 contract, with schemathesis.

``contracts/business_central/api-v2.0.yaml`` is written from Microsoft's API v2.0 reference (see
:mod:`contracts.business_central`), not from the fake. Every call carries a bearer token from the
fake's Entra ID client-credentials endpoint. Checks: not_a_server_error,
status_code_conformance, response_schema_conformance and content_type_conformance.

The copy tested here pins ``company_id`` to the seeded company, so fuzzing reaches the entity
sets instead of stopping at ``Internal_CompanyNotFound``; entity ids stay random (404s). The
seeded and written entities are then checked directly: every GET route's 200, create (201),
PATCH with the ETag (200), the bound actions (204), DELETE (204), the refusals (If-Match
missing or stale). A last test holds every entity set and property of the contract against the
fake's CSDL ``$metadata``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from lxml import etree
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

from contracts.business_central import entity_sets, load, operations, properties
from fakes.business_central import SPEC
from fakes.core.fake import Fake

SCOPE = "https://api.businesscentral.dynamics.com/.default"
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance,
          content_type_conformance]
SETTINGS = settings(
    max_examples=6, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"


def new_fake() -> Fake:
    return Fake(SPEC, seed=3)


def bearer_headers(fake: Fake) -> dict[str, str]:
    creds = fake.credentials()
    response = Client(fake.wsgi).post(urlsplit(creds["token_url"]).path, data={
        "grant_type": "client_credentials", "client_id": creds["client_id"],
        "client_secret": creds["client_secret"], "scope": SCOPE})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def api_root(fake: Fake) -> str:
    creds = fake.credentials()
    return f"/v2.0/{creds['tenant']}/{creds['environment']}/api/v2.0"


def _schema(fake: Fake) -> Any:
    document = load()
    document["servers"] = [{"url": api_root(fake)}]
    company = document["components"]["parameters"]["company_id"]["schema"]
    company["enum"] = [fake.credentials()["company_id"]]
    schema = schemathesis.openapi.from_dict(document, config=CONFIG)
    schema.app = fake.wsgi
    return schema


FUZZED = new_fake()
FUZZ_HEADERS = bearer_headers(FUZZED)
SCHEMA = _schema(FUZZED)


@SCHEMA.parametrize()
@SETTINGS
def test_fake_conforms_to_the_contract(case: Any) -> None:
    response = case.call(headers=FUZZ_HEADERS)
    case.validate_response(response, checks=CHECKS)


# -- the happy paths, on a fake of their own -----------------------------------------------------
class Session:
    """Cases built by hand for real ids and bodies, sent and checked like the fuzzed ones."""

    def __init__(self) -> None:
        self.fake = new_fake()
        self.company = self.fake.credentials()["company_id"]
        self.headers = bearer_headers(self.fake)
        self.schema = _schema(self.fake)

    def run(self, method: str, template: str, *, key: str | None = None,
            query: dict[str, Any] | None = None, body: Any = None,
            headers: dict[str, str] | None = None) -> Response:
        extra: dict[str, Any] = {} if body is None else {"body": body,
                                                         "media_type": "application/json"}
        path = {"company_id": self.company} if "{company_id}" in template else {}
        if key is not None:
            path["id"] = key
        case = self.schema[template][method].Case(
            path_parameters=path or None, query=query, headers=headers, **extra)
        response: Response = case.call(headers=self.headers)
        case.validate_response(response, checks=CHECKS)
        return response

    def first(self, entity_set: str) -> dict[str, Any]:
        listed = self.run("GET", f"/companies({{company_id}})/{entity_set}", query={"$top": 1})
        assert listed.status_code == 200, listed.content
        values: list[dict[str, Any]] = listed.json()["value"]
        assert values, entity_set
        return values[0]


@pytest.fixture(scope="module")
def session() -> Session:
    return Session()


def test_every_documented_operation_is_served() -> None:
    fake = new_fake()
    client, headers = Client(fake.wsgi), bearer_headers(fake)
    company = fake.credentials()["company_id"]
    for method, path in operations():
        url = api_root(fake) + path.replace("{company_id}", company).replace(
            "{id}", "00000000-0000-0000-0000-000000000001")
        body: dict[str, Any] | None = {} if method in ("POST", "PATCH") else None
        response = client.open(url, method=method, json=body,
                               headers={**headers, "If-Match": "*"})
        assert response.status_code not in (405, 501), f"{method} {path} is not served"


def test_order_lifecycle_conforms(session: Session) -> None:
    customer = session.first("customers")
    item = session.first("items")
    location = session.first("locations")
    orders = "/companies({company_id})/salesOrders"
    created = session.run("POST", orders, body={
        "customerNumber": customer["number"], "externalDocumentNumber": "MAG-100000001",
        "salesOrderLines": [{"lineObjectNumber": item["number"], "quantity": 2,
                             "lineType": "Item"}]})
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["@odata.etag"]
    key = order["id"]
    line = session.run("POST", orders + "({id})/salesOrderLines", key=key,
                       body={"lineObjectNumber": item["number"], "quantity": 1})
    assert line.status_code == 201, line.content
    lines = session.run("GET", orders + "({id})/salesOrderLines", key=key)
    assert len(lines.json()["value"]) == 2
    stale = session.run("PATCH", orders + "({id})", key=key, body={"email": "a@example.org"},
                        headers={"If-Match": 'W/"JzE7MDsn"'})
    assert stale.status_code in (409, 412), stale.content
    current = session.run("GET", orders + "({id})", key=key).json()["@odata.etag"]
    patched = session.run("PATCH", orders + "({id})", key=key,
                          body={"externalDocumentNumber": "MAG-100000002"},
                          headers={"If-Match": current})
    assert patched.status_code == 200, patched.content
    got = session.run("GET", orders + "({id})", key=key, query={"$expand": "salesOrderLines"})
    assert got.status_code == 200 and got.json()["salesOrderLines"]
    company_lines = session.run("GET", "/companies({company_id})/salesOrderLines",
                                query={"$filter": f"documentId eq {key}"})
    assert len(company_lines.json()["value"]) == 2
    shipped = session.run("POST", orders + "({id})/Microsoft.NAV.shipAndInvoice", key=key)
    assert shipped.status_code == 204, shipped.content
    assert location["code"]
    for entity_set in ("salesShipments", "salesInvoices", "itemLedgerEntries"):
        listed = session.run("GET", f"/companies({{company_id}})/{entity_set}")
        assert listed.status_code == 200 and listed.json()["value"], entity_set
    for entity_set in ("salesShipments", "salesInvoices", "itemLedgerEntries", "customers",
                       "items", "locations"):
        entity = session.first(entity_set)
        got = session.run("GET", f"/companies({{company_id}})/{entity_set}({{id}})",
                          key=entity["id"])
        assert got.status_code == 200, (entity_set, got.content)


def test_masters_and_credit_memos_conform(session: Session) -> None:
    base = "/companies({company_id})"
    created = session.run("POST", base + "/customers", body={
        "displayName": "Contract Ltd", "type": "Company", "email": "c@example.org"})
    assert created.status_code == 201, created.content
    customer = created.json()
    patched = session.run("PATCH", base + "/customers({id})", key=customer["id"],
                          body={"phoneNumber": "01234"}, headers={"If-Match": "*"})
    assert patched.status_code == 200, patched.content
    item = session.first("items")
    memo = session.run("POST", base + "/salesCreditMemos", body={
        "customerNumber": customer["number"]})
    assert memo.status_code == 201, memo.content
    memo_id = memo.json()["id"]
    assert session.run("GET", base + "/salesCreditMemos({id})", key=memo_id).status_code == 200
    assert session.run("GET", base + "/salesCreditMemos").status_code == 200
    assert item["number"]
    deleted = session.run("DELETE", base + "/salesCreditMemos({id})", key=memo_id,
                          headers={"If-Match": "*"})
    assert deleted.status_code == 204, deleted.content
    missing_etag = session.run("DELETE", base + "/customers({id})", key=customer["id"])
    assert missing_etag.status_code == 400, missing_etag.content
    assert missing_etag.json()["error"]["code"] == "BadRequest_InvalidToken"
    company = session.run("GET", "/companies({company_id})")
    assert company.status_code == 200 and company.json()["id"] == session.company
    assert session.run("GET", "/companies").json()["value"]
    anonymous = Client(session.fake.wsgi).get(
        f"{api_root(session.fake)}/companies({session.company})/items")
    assert anonymous.status_code == 401
    session.schema["/companies({company_id})/items"]["GET"].validate_response(anonymous)
    assert anonymous.get_json()["error"]["code"] == "Authentication_MissingOrMalformedToken"


def test_contract_entity_sets_and_properties_exist_in_metadata() -> None:
    fake = new_fake()
    response = Client(fake.wsgi).get(api_root(fake) + "/$metadata",
                                     headers=bearer_headers(fake))
    assert response.status_code == 200
    root = etree.fromstring(response.get_data())
    types = {t.get("Name"): {p.get("Name") for p in t.iter(f"{EDM}Property")}
             for t in root.iter(f"{EDM}EntityType")}
    sets = {s.get("Name"): s.get("EntityType", "").rsplit(".", 1)[-1]
            for s in root.iter(f"{EDM}EntitySet")}
    for nav in root.iter(f"{EDM}NavigationProperty"):  # sets contained in companies(...)
        sets.setdefault(nav.get("Name"), nav.get("Type", "").rsplit(".", 1)[-1].rstrip(")"))
    missing: list[str] = []
    for entity_set, schema_name in entity_sets().items():
        if entity_set not in sets:
            missing.append(f"entity set {entity_set}")
            continue
        served = types.get(sets[entity_set], set())
        missing += [f"{entity_set}.{name}" for name in properties(schema_name)
                    if name not in served]
    assert not missing, "documented but absent from $metadata: " + ", ".join(missing)
