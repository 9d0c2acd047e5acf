"""Entra ID client credentials, bearer checks on the simulated clock, the environments list."""

from __future__ import annotations

import json

import pytest
import requests
from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth2Session

from fakes.core.fake import Fake
from tests.fakes.business_central.conftest import BC, SCOPE, error_of, token_for


def test_client_credentials_token(bc: BC) -> None:
    response = token_for(bc.creds)
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == body["ext_expires_in"] == 3599
    assert body["access_token"].count(".") == 2


def test_real_oauth_client_gets_token_with_basic_auth(bc: BC) -> None:
    session = OAuth2Session(client=BackendApplicationClient(client_id=bc.creds["client_id"]))
    token = session.fetch_token(bc.creds["token_url"], client_id=bc.creds["client_id"],
                                client_secret=bc.creds["client_secret"], scope=[SCOPE])
    session.headers["Authorization"] = f"Bearer {token['access_token']}"
    assert session.get(f"{bc.api}/companies", timeout=5).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "status", "error", "aadsts"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client", 7000215),
        ({"client_id": "00000000-0000-0000-0000-000000000001"}, 400, "unauthorized_client",
         700016),
        ({"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
        ({"scope": "https://api.businesscentral.dynamics.com"}, 400, "invalid_scope", 1002012),
        ({"scope": "https://graph.microsoft.com/.default"}, 400, "invalid_resource", 500011),
        ({"client_secret": ""}, 401, "invalid_client", 7000218),
    ],
)
def test_token_errors_use_entra_shape(
    bc: BC, overrides: dict[str, str], status: int, error: str, aadsts: int
) -> None:
    response = token_for(bc.creds, **overrides)
    body = response.json()
    assert response.status_code == status
    assert body["error"] == error
    assert body["error_codes"] == [aadsts]
    assert body["error_description"].startswith(f"AADSTS{aadsts}: ")
    assert "Trace ID:" in body["error_description"] and body["correlation_id"]


def test_unknown_tenant_and_missing_parameter(bc: BC) -> None:
    url = bc.creds["token_url"].replace(bc.creds["tenant"], "nope.onmicrosoft.com")
    response = requests.post(url, data={"grant_type": "client_credentials"}, timeout=5)
    assert (response.status_code, response.json()["error_codes"]) == (400, [90002])
    missing = requests.post(bc.creds["token_url"], data={}, timeout=5).json()
    assert missing["error"] == "invalid_request"
    assert "'grant_type'" in missing["error_description"]


def test_missing_and_malformed_token(bc: BC) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-jwt"}, {"Authorization": "Basic abc"}):
        response = requests.get(f"{bc.api}/companies", headers=headers, timeout=5)
        assert error_of(response)[:2] == (401, "Authentication_MissingOrMalformedToken")
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")


def test_token_expires_on_simulated_clock(bc: BC) -> None:
    assert bc.get(f"{bc.api}/companies").status_code == 200
    bc.fake.clock.advance(3598)
    assert bc.get(f"{bc.api}/companies").status_code == 200
    bc.fake.clock.advance(2)
    response = bc.get(f"{bc.api}/companies")
    assert error_of(response)[:2] == (401, "Authentication_TokenExpired")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    bc.token = token_for(bc.creds).json()["access_token"]
    assert bc.get(f"{bc.api}/companies").status_code == 200


def test_revoked_and_forged_tokens_are_rejected(bc: BC) -> None:
    head, body, _ = bc.token.split(".")
    forged = requests.get(f"{bc.api}/companies", timeout=5,
                          headers={"Authorization": f"Bearer {head}.{body}.AAAA"})
    assert error_of(forged)[:2] == (401, "Authentication_InvalidCredentials")
    assert bc.fake.event("revoke_tokens") == {"revoked": 1}
    assert error_of(bc.get(f"{bc.api}/companies"))[1] == "Authentication_InvalidCredentials"
    bc.token = token_for(bc.creds).json()["access_token"]
    assert bc.get(f"{bc.api}/companies").status_code == 200


def test_wrong_tenant_in_url_is_rejected(bc: BC) -> None:
    response = bc.get(f"{bc.api_for(bc.env, tenant='other.onmicrosoft.com')}/companies")
    assert error_of(response)[:2] == (401, "Authentication_InvalidCredentials")
    domain = bc.get(f"{bc.api_for(bc.env, tenant='cronus-uk.onmicrosoft.com')}/companies")
    assert domain.status_code == 200


def test_environments_list(bc: BC) -> None:
    for version in ("v1.1", "v1.2"):
        response = bc.get(f"{bc.fake.base_url}/environments/{version}")
        names = {(e["name"], e["type"]) for e in response.json()["value"]}
        assert names == {("production", "Production"), ("sandbox", "Sandbox")}
    assert requests.get(f"{bc.fake.base_url}/environments/v1.2", timeout=5).status_code == 401


def test_openid_discovery_points_at_the_fake(bc: BC) -> None:
    url = f"{bc.fake.base_url}/{bc.creds['tenant']}/v2.0/.well-known/openid-configuration"
    config = requests.get(url, timeout=5).json()
    assert config["token_endpoint"] == bc.creds["token_url"]


def test_journal_withholds_secrets(bc: BC, fake: Fake) -> None:
    bc.get("items?$top=1")
    dumped = json.dumps([e.to_dict() for e in fake.entries()])
    assert bc.creds["client_secret"] not in dumped
    assert bc.token not in dumped
