"""Sage ID tokens, bearer checks on the simulated clock, X-Site/X-Company and GET /sites."""

from __future__ import annotations

import base64
import json

from fakes.core.fake import Fake
from tests.fakes.sage200.conftest import SageClient


def test_client_credentials_token_shape(api: SageClient) -> None:
    token = api.new_token()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["scope"] == "openid profile email offline_access"
    assert token["access_token"] != token["refresh_token"]


def test_token_accepts_basic_auth_and_json(api: SageClient) -> None:
    basic = base64.b64encode(
        f"{api.creds['client_id']}:{api.creds['client_secret']}".encode()
    ).decode()
    by_basic = api.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                               headers={"Authorization": f"Basic {basic}"})
    assert by_basic.status_code == 200
    by_json = api.client.post("/oauth/token", json={
        "grant_type": "client_credentials", "client_id": api.creds["client_id"],
        "client_secret": api.creds["client_secret"]})
    assert by_json.status_code == 200


def test_bad_client_secret_is_auth0_access_denied(api: SageClient) -> None:
    response = api.client.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": api.creds["client_id"],
        "client_secret": "wrong"})
    assert response.status_code == 401
    assert response.get_json() == {"error": "access_denied", "error_description": "Unauthorized"}


def test_unsupported_grant_type(api: SageClient) -> None:
    response = api.client.post("/oauth/token", data={"grant_type": "password"})
    assert response.status_code == 403
    assert response.get_json()["error"] == "unsupported_grant_type"


def test_refresh_token_rotates(api: SageClient) -> None:
    first = api.new_token()
    form = {"grant_type": "refresh_token", "client_id": api.creds["client_id"],
            "refresh_token": first["refresh_token"]}
    renewed = api.client.post("/oauth/token", data=form)
    assert renewed.status_code == 200
    assert renewed.get_json()["access_token"] != first["access_token"]
    reused = api.client.post("/oauth/token", data=form)
    assert reused.status_code == 403
    assert reused.get_json()["error"] == "invalid_grant"


def test_missing_token_is_401_in_sage_shape(api: SageClient) -> None:
    response = api.get("/customers", headers={"X-Site": api.creds["site_id"],
                                              "X-Company": api.creds["company_id"]})
    assert response.status_code == 401
    body = response.get_json()
    assert body["statusCode"] == 401 and "token" in body["message"]


def test_token_expires_on_simulated_clock_and_refresh_recovers(api: SageClient) -> None:
    token = api.new_token()
    api.token = token["access_token"]
    assert api.get("/warehouses").status_code == 200
    api.fake.clock.advance(3601)
    assert api.get("/warehouses").status_code == 401
    renewed = api.client.post("/oauth/token", data={
        "grant_type": "refresh_token", "client_id": api.creds["client_id"],
        "refresh_token": token["refresh_token"]}).get_json()
    api.token = renewed["access_token"]
    assert api.get("/warehouses").status_code == 200


def test_token_ttl_option(make_api) -> None:
    api = make_api(token_ttl_s=60)
    assert api.new_token()["expires_in"] == 60
    api.fake.clock.advance(61)
    assert api.get("/warehouses").status_code == 401


def test_sites_needs_no_x_headers_and_lists_the_company(api: SageClient) -> None:
    sites = api.json("GET", "/sites", headers={"Authorization": f"Bearer {api.token}"})
    assert sites == [{
        "site_id": api.creds["site_id"], "site_name": "Harness Site",
        "site_short_name": "HARNESS", "company_id": int(api.creds["company_id"]),
        "company_name": "Harness Trading Ltd",
    }]


def test_wrong_or_missing_site_headers_are_401(api: SageClient) -> None:
    bearer = {"Authorization": f"Bearer {api.token}"}
    wrong_site = {**api.headers, "X-Site": "00000000-0000-4000-8000-000000000000"}
    wrong_company = {**api.headers, "X-Company": "999"}
    for headers in (bearer, wrong_site, wrong_company):
        response = api.get("/customers", headers=headers)
        assert response.status_code == 401
        assert "X-Site" in response.get_json()["message"]


def test_site_header_is_case_insensitive_and_subscription_key_optional(api: SageClient) -> None:
    headers = {**api.headers, "X-Site": api.creds["site_id"].upper(),
               "Ocp-Apim-Subscription-Key": "legacy-key"}
    assert api.get("/customers", headers=headers).status_code == 200


def test_revoke_tokens_event(api: SageClient) -> None:
    assert api.fake.event("revoke_tokens")["revoked"] >= 1
    assert api.get("/customers").status_code == 401


def test_credentials_are_deterministic_per_seed() -> None:
    from fakes.sage200 import SPEC

    assert Fake(SPEC, seed=3).credentials() == Fake(SPEC, seed=3).credentials()
    assert Fake(SPEC, seed=3).credentials() != Fake(SPEC, seed=4).credentials()


def test_journal_withholds_token_traffic(api: SageClient) -> None:
    api.get("/customers")
    dumped = json.dumps([entry.to_dict() for entry in api.fake.entries()])
    assert api.creds["client_secret"] not in dumped
    assert api.token not in dumped
