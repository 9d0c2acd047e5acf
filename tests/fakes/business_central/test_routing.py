"""URL shape, environments and companies: separate data (FM-D01/D02) and the real error codes."""

from __future__ import annotations

import requests
from werkzeug.test import Client

from fakes.core.fake import Fake
from tests.fakes.business_central.conftest import BC, error_of, make_fake, token_for

GUID = "11111111-2222-3333-4444-555555555555"


def test_companies_per_environment(bc: BC) -> None:
    production = bc.values(f"{bc.api_for('production')}/companies")
    sandbox = bc.values(f"{bc.api_for('sandbox')}/companies")
    assert [c["name"] for c in production] == ["CRONUS UK Ltd.", "CRONUS UK Test"]
    assert [c["name"] for c in sandbox] == ["CRONUS UK Ltd.", "CRONUS UK Test"]
    assert not {c["id"] for c in production} & {c["id"] for c in sandbox}
    single = bc.get(f"{bc.api}/companies({production[1]['id']})").json()
    assert single["displayName"] == "CRONUS UK Test"
    assert single["@odata.context"].endswith("/$metadata#companies/$entity")


def test_environment_names_ignore_case(bc: BC) -> None:
    assert bc.get(f"{bc.api_for('Production')}/companies").status_code == 200


def test_unknown_environment_and_company(bc: BC) -> None:
    assert error_of(bc.get(f"{bc.api_for('staging')}/companies"))[:2] == (404, "NoEnvironment")
    status, code, message = error_of(bc.get(f"{bc.company_url(GUID)}/items"))
    assert (status, code) == (404, "Internal_CompanyNotFound")
    assert "CorrelationId:  " in message and message.endswith(".")
    other_env = bc.get(f"{bc.company_url(env='sandbox')}/items")
    assert error_of(other_env)[1] == "Internal_CompanyNotFound"


def test_data_is_separate_per_environment_and_company(bc: BC) -> None:
    assert bc.new_order().status_code == 201
    test_company = bc.values(f"{bc.api}/companies")[1]["id"]
    sandbox_company = bc.values(f"{bc.api_for('sandbox')}/companies")[0]["id"]
    assert len(bc.values("salesOrders")) == 1
    assert bc.values(f"{bc.company_url(test_company)}/salesOrders") == []
    assert bc.values(f"{bc.company_url(sandbox_company, 'sandbox')}/salesOrders") == []
    state = bc.fake.state()["environments"]
    assert len(state["production"]["CRONUS UK Ltd."]["salesOrders"]) == 1
    assert state["sandbox"]["CRONUS UK Ltd."]["salesOrders"] == []


def test_sandbox_copy_shares_company_ids_but_not_data() -> None:
    fake = make_fake(sandbox_is_copy=True)
    backend = fake.backend
    ids = [list(env.companies) for env in backend.environments.values()]  # type: ignore[attr-defined]
    assert ids[0] == ids[1]
    state = fake.state()["environments"]
    assert state["production"]["CRONUS UK Ltd."]["items"] == \
        state["sandbox"]["CRONUS UK Ltd."]["items"]


def test_unknown_paths(bc: BC) -> None:
    assert error_of(bc.get("nothings"))[:2] == (404, "BadRequest_ResourceNotFound")
    assert error_of(bc.get(f"{bc.fake.base_url}/v2.0/x"))[:2] == (404, "BadRequest_NotFound")
    custom = bc.get(f"{bc.fake.base_url}/v2.0/{bc.creds['tenant']}/{bc.env}/api/acme/sync/v1.0/")
    assert error_of(custom)[:2] == (404, "BadRequest_NotFound")
    assert error_of(bc.get("items(not-a-guid)"))[:2] == (400, "BadRequest_NotFound")
    status, code, message = error_of(bc.get(f"items({GUID})"))
    assert (status, code) == (404, "Internal_RecordNotFound")
    assert "The Item does not exist" in message


def test_tenant_segment_is_optional(bc: BC) -> None:
    url = f"{bc.fake.base_url}/v2.0/{bc.env}/api/v2.0/companies"
    assert len(bc.values(url)) == 2


def test_company_by_header_or_query(bc: BC) -> None:
    url = f"{bc.api}/items?$top=1"
    by_header = bc.get(url, headers={"Company": "CRONUS UK Test"})
    assert by_header.status_code == 200
    assert "companies(" in by_header.json()["@odata.context"]
    assert bc.get(f"{url}&company=CRONUS UK Ltd.").status_code == 200
    assert error_of(bc.get(url))[1] == "Internal_CompanyNotFound"


def test_service_document_and_method_checks(bc: BC) -> None:
    doc = bc.get(f"{bc.api}/").json()
    assert doc["value"][0]["name"] == "companies"
    assert error_of(bc.post(f"{bc.api}/companies", json={}))[0] == 405
    assert error_of(bc.post("salesInvoices", json={}))[:2] == (405, "BadRequest_MethodNotAllowed")
    assert error_of(bc.request("PUT", "items", json={}))[0] == 405


def test_over_wsgi_client() -> None:
    fake: Fake = make_fake()
    client = Client(fake.wsgi)
    creds = fake.credentials()
    token = client.post(f"/{creds['tenant']}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "scope": "https://api.businesscentral.dynamics.com/.default"}).get_json()["access_token"]
    path = f"/v2.0/{creds['tenant']}/production/api/v2.0/companies({creds['company_id']})/items"
    response = client.get(path, headers={"Authorization": f"Bearer {token}"},
                          query_string={"$top": "3"})
    assert response.status_code == 200
    assert response.headers["OData-Version"] == "4.0"
    assert len(response.get_json()["value"]) == 3
    assert client.get(path).status_code == 401


def test_wsgi_control_plane_events() -> None:
    fake = make_fake()
    client = Client(fake.wsgi)
    index = client.get("/__harness__/").get_json()
    assert set(index["events"]) >= {"post_item_journal", "ship_order", "cancel_order",
                                    "block_customer", "revoke_tokens"}
    assert index["vendor_faults"] == ["custom_api_regression"]
    bad = client.post("/__harness__/events", json={"name": "block_customer",
                                                   "payload": {"number": "NOPE"}})
    assert bad.status_code == 400


def test_token_url_is_on_the_fake(bc: BC) -> None:
    assert bc.creds["token_url"].startswith("https://bc.fake.test/")
    assert token_for(bc.creds).status_code == 200
    wrong_method = requests.get(bc.creds["token_url"], timeout=5)
    assert error_of(wrong_method)[:2] == (405, "BadRequest_MethodNotAllowed")
    nowhere = requests.get(f"{bc.fake.base_url}/nothing/here", timeout=5)
    assert error_of(nowhere)[:2] == (404, "BadRequest_NotFound")
