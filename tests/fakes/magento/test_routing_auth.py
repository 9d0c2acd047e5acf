"""Store-code paths, routing errors, request decoding, admin tokens, Bearer and OAuth 1.0a."""

from __future__ import annotations

import pytest
import requests
from requests_oauthlib import OAuth1

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from tests.fakes.magento.conftest import BASE, Api

NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."


@pytest.mark.parametrize("prefix", ["/rest/V1", "/rest/default/V1", "/rest/all/V1", "/rest/eu/V1"])
def test_every_store_code_form_reaches_the_route(api: Api, prefix: str) -> None:
    placed = api.place()
    response = api.get(f"{prefix}/orders/{placed['entity_id']}")
    assert response.status_code == 200
    assert response.get_json()["increment_id"] == "000000001"


def test_unknown_store_code_does_not_match_any_route(api: Api) -> None:
    api.place()
    response = api.get("/rest/nowhere/V1/orders/1")
    assert response.status_code == 404
    assert response.get_json() == {"message": "Request does not match any route."}


def test_admin_store_code_is_not_a_store_view(api: Api) -> None:
    assert api.get("/rest/admin/V1/store/storeViews").status_code == 404


def test_trailing_slash_and_percent_encoded_brackets(api: Api) -> None:
    api.place()
    api.place(store_code="eu")
    query = ("searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=store_id"
             "&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=2")
    response = api.get(f"/rest/V1/orders/?{query}")
    assert response.status_code == 200
    assert [o["store_id"] for o in response.get_json()["items"]] == [2]


def test_wrong_method_and_unknown_path_are_404(api: Api) -> None:
    for response in (api.post("/rest/V1/orders/1/statuses"), api.get("/rest/V1/nothing")):
        assert response.status_code == 404
        assert response.get_json()["message"] == "Request does not match any route."


def test_unsupported_http_method(api: Api) -> None:
    response = api.client.patch("/rest/V1/orders/1", json={}, headers=api.headers())
    assert response.status_code == 400
    assert response.get_json()["message"] == "Request method is invalid."


def test_path_parameter_of_wrong_type(api: Api) -> None:
    response = api.get("/rest/V1/orders/abc")
    assert response.status_code == 400
    assert response.get_json() == {
        "message": 'The "abc" value\'s type is invalid. The "int" type was expected. '
                   "Verify and try again."
    }


def test_malformed_json_and_missing_content_type(api: Api) -> None:
    bad = api.client.post("/rest/V1/orders/1/hold", data="{oops",
                          content_type="application/json", headers=api.headers())
    assert (bad.status_code, bad.get_json()) == (400, {"message": "Decoding error."})
    bare = api.client.post("/rest/V1/orders/1/hold", data="{}", headers=api.headers())
    assert bare.get_json() == {"message": "Content-Type header is empty."}


def test_admin_token_is_a_bare_json_string_jwt(fake: Fake) -> None:
    api = Api(fake)
    token = api.login()
    assert isinstance(token, str) and token.count(".") == 2
    assert token.startswith("eyJ")


def test_bad_credentials_are_401_with_magentos_message(fake: Fake) -> None:
    api = Api(fake)
    response = api.client.post("/rest/V1/integration/admin/token",
                               json={"username": "admin", "password": "wrong"})
    assert response.status_code == 401
    assert response.get_json()["message"].startswith("The account sign-in was incorrect")


def test_missing_credentials_name_the_fields(fake: Fake) -> None:
    api = Api(fake)
    one = api.client.post("/rest/V1/integration/admin/token", json={"username": "admin"})
    assert one.get_json() == {"message": '"%fieldName" is required. Enter and try again.',
                              "parameters": {"fieldName": "password"}}
    both = api.client.post("/rest/V1/integration/admin/token", json={})
    assert both.get_json()["message"] == "One or more input exceptions have occurred."
    assert [e["parameters"]["fieldName"] for e in both.get_json()["errors"]] == [
        "username", "password"]


def test_lockout_after_six_failures_refuses_even_the_right_password(fake: Fake) -> None:
    api = Api(fake)
    for _ in range(6):
        api.client.post("/rest/V1/integration/admin/token",
                        json={"username": "admin", "password": "nope"})
    creds = fake.credentials()
    good = {"username": creds["username"], "password": creds["password"]}
    assert api.client.post("/rest/V1/integration/admin/token", json=good).status_code == 401
    fake.clock.advance(1801)
    assert api.client.post("/rest/V1/integration/admin/token", json=good).status_code == 200


def test_missing_invalid_and_expired_tokens_name_the_route_acl(api: Api) -> None:
    api.place()
    for token in (None, "garbage"):
        response = api.client.get("/rest/V1/orders/1", headers=api.headers(token) if token else {})
        assert response.status_code == 401
        assert response.get_json() == {"message": NOT_AUTHORIZED,
                                       "parameters": {"resources": "Magento_Sales::actions_view"}}
    assert api.get("/rest/V1/orders/1").status_code == 200
    api.fake.clock.advance(4 * 3600)
    assert api.get("/rest/V1/orders/1").status_code == 401


def test_acl_of_other_routes(api: Api) -> None:
    response = api.client.post("/rest/V1/inventory/source-items", json={"sourceItems": []})
    assert response.get_json()["parameters"]["resources"] == (
        "Magento_InventoryApi::stock_source_item_assign")
    ship = api.client.post("/rest/V1/order/1/ship", json={})
    assert ship.get_json()["parameters"]["resources"] == "Magento_Sales::ship"


def test_auth_comes_before_input_validation(api: Api) -> None:
    response = api.client.get("/rest/V1/orders/abc")
    assert response.status_code == 401


def test_integration_token_as_bearer_and_switch(fake: Fake) -> None:
    api = Api(fake)
    token = fake.credentials()["integration_token"]
    assert api.get("/rest/V1/store/storeViews", token=token).status_code == 200
    strict = create_fake("magento", seed=3, options={"allow_bearer_integration_token": False})
    assert Api(strict).get("/rest/V1/store/storeViews", token=token).status_code == 401


def test_integration_without_the_acl_resource(fake: Fake) -> None:
    limited = create_fake("magento", seed=3,
                          options={"integration_resources": ["Magento_Backend::store"]})
    api = Api(limited)
    token = limited.credentials()["integration_token"]
    assert api.get("/rest/V1/store/websites", token=token).status_code == 200
    refused = api.get("/rest/V1/orders/1", token=token)
    assert refused.status_code == 401
    assert refused.get_json()["parameters"]["resources"] == "Magento_Sales::actions_view"


def test_revoked_admin_tokens_stop_working_and_a_new_login_works(api: Api) -> None:
    old = api.token
    api.fake.event("revoke_admin_tokens")
    assert api.get("/rest/V1/store/websites", token=old).status_code == 401
    new = api.login()
    assert new != old
    assert api.get("/rest/V1/store/websites").status_code == 200


def _oauth(fake: Fake, **overrides: str) -> OAuth1:
    creds = {**fake.credentials(), **overrides}
    return OAuth1(creds["consumer_key"], creds["consumer_secret"], creds["integration_token"],
                  creds["access_token_secret"], signature_method="HMAC-SHA256")


def test_oauth1_signed_requests_through_requests_oauthlib(fake: Fake, fleet: FakeFleet) -> None:
    fake.event("place_order", lines=[{"sku": "SKU-000001", "qty": 1}])
    url = f"{BASE}/rest/default/V1/orders"
    params = {"searchCriteria[pageSize]": "5", "searchCriteria[currentPage]": "1"}
    good = requests.get(url, params=params, auth=_oauth(fake), timeout=5)
    assert good.status_code == 200
    assert good.json()["total_count"] == 1
    forged = requests.get(url, params=params, auth=_oauth(fake, consumer_secret="x"), timeout=5)
    assert forged.status_code == 401


def test_oauth1_nonce_cannot_be_replayed(fake: Fake, fleet: FakeFleet) -> None:
    url = f"{BASE}/rest/V1/store/websites"
    signed = requests.Request("GET", url, auth=_oauth(fake)).prepare()
    session = requests.Session()
    assert session.send(signed, timeout=5).status_code == 200
    assert session.send(signed, timeout=5).status_code == 401


def test_token_route_bodies_are_withheld_from_the_journal(fake: Fake) -> None:
    api = Api(fake)
    token = api.login()
    dumped = str([e.to_dict() for e in fake.entries()])
    assert fake.credentials()["password"] not in dumped
    assert token not in dumped
