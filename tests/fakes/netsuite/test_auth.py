"""Token-based authentication (OAuth 1.0a HMAC-SHA256) and OAuth 2.0 M2M against the fake."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from fakes.core.server import serve
from tests.fakes.netsuite.conftest import BASE, RECORD, TBA, oauth_header

TOKEN_URL = f"{BASE}/services/rest/auth/oauth2/v1/token"
INVALID_LOGIN = {
    "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
    "title": "Unauthorized",
    "status": 401,
    "o:errorDetails": [{
        "detail": "Invalid login attempt. For more details, see the Login Audit Trail in the "
                  "NetSuite UI at Setup > Users/Roles > User Management > View Login Audit "
                  "Trail.",
        "o:errorCode": "INVALID_LOGIN",
    }],
}


def get(url: str, header: str) -> requests.Response:
    return requests.get(url, headers={"Authorization": header}, timeout=5)


def now(fake: Fake) -> int:
    return int(fake.clock.time())


def test_signed_request_is_accepted(fleet: FakeFleet, fake: Fake, creds: dict[str, str]) -> None:
    url = f"{RECORD}/customer?limit=2&offset=0"
    response = get(url, oauth_header("GET", url, creds, timestamp=now(fake), nonce="a1"))
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_missing_authorization_is_invalid_login(fleet: FakeFleet) -> None:
    response = requests.get(f"{RECORD}/customer", timeout=5)
    assert response.status_code == 401
    assert response.json() == INVALID_LOGIN


@pytest.mark.parametrize(
    "overrides",
    [
        {"consumer_secret": "not-the-secret"},
        {"realm": "7654321"},
        {"realm": ""},
        {"host": "other.suitetalk.fake.test"},
    ],
    ids=["wrong-secret", "wrong-realm", "empty-realm", "wrong-host"],
)
def test_bad_signatures_are_refused(
    fleet: FakeFleet, fake: Fake, creds: dict[str, str], overrides: dict[str, Any]
) -> None:
    url = f"{RECORD}/customer"
    header = oauth_header("GET", url, creds, timestamp=now(fake), nonce="b1", **overrides)
    response = get(url, header)
    assert response.status_code == 401
    assert response.json() == INVALID_LOGIN


def test_query_parameters_are_signed(fleet: FakeFleet, fake: Fake, creds: dict[str, str]) -> None:
    header = oauth_header("GET", f"{RECORD}/customer?limit=2", creds, timestamp=now(fake),
                          nonce="q1")
    assert get(f"{RECORD}/customer?limit=3", header).status_code == 401
    header = oauth_header("GET", f"{RECORD}/customer?limit=2", creds, timestamp=now(fake),
                          nonce="q2")
    assert get(f"{RECORD}/customer?limit=2", header).status_code == 200


def test_method_is_signed(fleet: FakeFleet, fake: Fake, creds: dict[str, str]) -> None:
    header = oauth_header("POST", f"{RECORD}/customer", creds, timestamp=now(fake), nonce="m1")
    assert get(f"{RECORD}/customer", header).status_code == 401


def test_replayed_nonce_is_refused(fleet: FakeFleet, fake: Fake, creds: dict[str, str]) -> None:
    url = f"{RECORD}/location"
    header = oauth_header("GET", url, creds, timestamp=now(fake), nonce="same")
    assert get(url, header).status_code == 200
    assert get(url, header).status_code == 401


def test_nonce_may_be_reused_after_the_window(
    fleet: FakeFleet, fake: Fake, creds: dict[str, str]
) -> None:
    url = f"{RECORD}/location"
    assert get(url, oauth_header("GET", url, creds, timestamp=now(fake), nonce="n")).ok
    fake.clock.advance(601)
    assert get(url, oauth_header("GET", url, creds, timestamp=now(fake), nonce="n")).ok


def test_timestamp_must_be_within_five_minutes(
    fleet: FakeFleet, fake: Fake, creds: dict[str, str]
) -> None:
    url = f"{RECORD}/location"
    assert get(url, oauth_header("GET", url, creds, timestamp=now(fake) - 299, nonce="t1")).ok
    stale = oauth_header("GET", url, creds, timestamp=now(fake) - 301, nonce="t2")
    assert get(url, stale).status_code == 401
    future = oauth_header("GET", url, creds, timestamp=now(fake) + 301, nonce="t3")
    assert get(url, future).status_code == 401


def test_wall_clock_timestamps_are_accepted_on_simulated_time(
    fleet: FakeFleet, fake: Fake, creds: dict[str, str]
) -> None:
    url = f"{RECORD}/location"
    wall = int(time.time())
    assert abs(wall - now(fake)) > 300
    assert get(url, oauth_header("GET", url, creds, timestamp=wall, nonce="w1")).ok


def test_timestamp_check_can_be_switched_off() -> None:
    fake = create_fake("netsuite", seed=7, options={"oauth_timestamp_skew_s": None})
    creds = fake.credentials()
    with FakeFleet({"netsuite": fake}):
        url = f"{RECORD}/location"
        assert get(url, oauth_header("GET", url, creds, timestamp=1, nonce="x")).ok


def test_sandbox_realm_is_upper_case_with_underscore() -> None:
    fake = create_fake("netsuite", seed=7, options={"account_id": "1234567-sb1"})
    creds = fake.credentials()
    assert creds["account"] == "1234567_SB1"
    with FakeFleet({"netsuite": fake}):
        url = f"{RECORD}/location"
        ts = now(fake)
        assert get(url, oauth_header("GET", url, creds, timestamp=ts, nonce="s1")).ok
        lower = oauth_header("GET", url, creds, timestamp=ts, nonce="s2", realm="1234567-sb1")
        assert get(url, lower).status_code == 401


def test_served_fake_signs_with_the_real_host(fake: Fake, creds: dict[str, str]) -> None:
    with serve({"netsuite": fake}) as servers:
        base = servers.served["netsuite"].base_url
        url = f"{base}/services/rest/record/v1/location"
        good = oauth_header("GET", url, creds, timestamp=now(fake), nonce="h1")
        close = {"Connection": "close"}
        response = requests.get(url, headers={"Authorization": good, **close}, timeout=5)
        assert response.status_code == 200
        signed_elsewhere = oauth_header("GET", f"{RECORD}/location", creds, timestamp=now(fake),
                                        nonce="h2")
        refused = requests.get(url, headers={"Authorization": signed_elsewhere, **close},
                               timeout=5)
        assert refused.status_code == 401


def test_session_auth_signs_every_request(ns: requests.Session) -> None:
    assert [ns.get(f"{RECORD}/location").status_code for _ in range(3)] == [200, 200, 200]


# -- a real client library ---------------------------------------------------------------------
def oauthlib_auth(creds: dict[str, str]) -> Any:
    oauth1 = pytest.importorskip("requests_oauthlib").OAuth1
    return oauth1(creds["consumer_key"], creds["consumer_secret"], creds["token_id"],
                  creds["token_secret"], signature_method="HMAC-SHA256", realm=creds["account"])


def test_requests_oauthlib_client_works_unchanged(
    fleet: FakeFleet, fake: Fake, creds: dict[str, str]
) -> None:
    session = requests.Session()
    session.auth = oauthlib_auth(creds)
    customers = session.get(f"{RECORD}/customer", params={"limit": 3, "q": "id GREATER 101"})
    assert customers.status_code == 200 and customers.json()["count"] == 3
    body = {"entity": {"id": "101"}, "item": {"items": [{"item": {"id": "501"}}]}}
    assert session.put(f"{RECORD}/salesOrder/eid:RO-1", json=body).status_code == 204
    rows = session.post(f"{BASE}/services/rest/query/v1/suiteql", params={"limit": 5},
                        json={"q": "SELECT id FROM transaction"}, headers={"Prefer": "transient"})
    assert rows.json()["items"] == [{"links": [], "id": "1001"}]
    bad = requests.get(f"{RECORD}/customer", auth=oauthlib_auth({**creds, "token_secret": "x"}),
                       timeout=5)
    assert bad.status_code == 401


def test_requests_oauthlib_against_the_served_fake(fake: Fake, creds: dict[str, str]) -> None:
    with serve({"netsuite": fake}) as servers:
        base = servers.served["netsuite"].base_url
        response = requests.get(f"{base}/services/rest/record/v1/location?limit=2",
                                auth=oauthlib_auth(creds), headers={"Connection": "close"},
                                timeout=5)
        assert response.status_code == 200
        assert response.json()["links"][-1]["href"].startswith(base)


# -- OAuth 2.0 client credentials ---------------------------------------------------------------
def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def assertion(creds: dict[str, str], fake: Fake, *, alg: str = "ES256",
              **changes: Any) -> str:
    key = serialization.load_pem_private_key(creds["private_key_pem"].encode(), None)
    issued = now(fake)
    header = {"typ": "JWT", "alg": alg, "kid": creds["certificate_id"]}
    payload = {"iss": creds["client_id"], "scope": ["restlets", "rest_webservices"],
               "aud": TOKEN_URL, "iat": issued, "exp": issued + 3000}
    header.update(changes.pop("header", {}))
    payload.update(changes)
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        assert isinstance(key, rsa.RSAPrivateKey)
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        signature = key.sign(signing_input.encode(), pss, hashes.SHA256())
    return f"{signing_input}.{b64(signature)}"


def token_request(client_assertion: str) -> requests.Response:
    return requests.post(TOKEN_URL, data={
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": client_assertion,
    }, timeout=5)


def test_client_credentials_token_works_as_bearer(
    fleet: FakeFleet, fake: Fake, creds: dict[str, str]
) -> None:
    response = token_request(assertion(creds, fake))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == "3600"
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert requests.get(f"{RECORD}/location", headers=bearer, timeout=5).status_code == 200
    fake.clock.advance(3601)
    expired = requests.get(f"{RECORD}/location", headers=bearer, timeout=5)
    assert expired.status_code == 401 and expired.json() == INVALID_LOGIN


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"header": {"kid": "unknown-certificate"}}, "invalid_grant"),
        ({"header": {"alg": "RS256"}}, "invalid_grant"),
        ({"aud": "https://elsewhere.test/token"}, "invalid_grant"),
        ({"iss": "someone-else"}, "invalid_client"),
        ({"scope": "restlets"}, "invalid_scope"),
        ({"exp": 1}, "invalid_grant"),
    ],
    ids=["kid", "rs256", "aud", "iss", "scope", "expired"],
)
def test_bad_client_assertions_are_refused(
    fleet: FakeFleet, fake: Fake, creds: dict[str, str], changes: dict[str, Any], error: str
) -> None:
    response = token_request(assertion(creds, fake, **changes))
    assert response.status_code in (400, 401)
    assert response.json()["error"] == error


def test_tampered_assertion_signature_is_refused(
    fleet: FakeFleet, fake: Fake, creds: dict[str, str]
) -> None:
    head, payload, signature = assertion(creds, fake).split(".")
    other = b64(json.dumps({"iss": creds["client_id"], "aud": TOKEN_URL, "scope": "x"}).encode())
    assert token_request(f"{head}.{other}.{signature}").json()["error"] == "invalid_grant"
    assert token_request("not-a-jwt").json()["error"] == "invalid_request"


def test_rsa_pss_certificate_option() -> None:
    fake = create_fake("netsuite", seed=3, options={"oauth2_key_type": "rsa"})
    creds = fake.credentials()
    assert "BEGIN PRIVATE KEY" in creds["private_key_pem"]
    with FakeFleet({"netsuite": fake}):
        response = token_request(assertion(creds, fake, alg="PS256"))
        assert response.status_code == 200, response.text


def test_token_route_is_withheld_from_the_journal(
    fleet: FakeFleet, fake: Fake, creds: dict[str, str]
) -> None:
    token_request(assertion(creds, fake))
    entry = fake.entries()[-1]
    assert entry.path.endswith("/token")
    assert creds["certificate_id"] not in entry.request_body
    assert "access_token" not in entry.response_body


def test_credentials_are_deterministic_per_seed() -> None:
    first = create_fake("netsuite", seed=11).credentials()
    assert first == create_fake("netsuite", seed=11).credentials()
    other = create_fake("netsuite", seed=12).credentials()
    assert first["consumer_secret"] != other["consumer_secret"]
    assert first["client_id"] == first["consumer_key"]
    assert set(first) == {"account", "consumer_key", "consumer_secret", "token_id",
                          "token_secret", "client_id", "certificate_id", "private_key_pem"}


def test_tba_session_helper_uses_fake_clock(fake: Fake, creds: dict[str, str]) -> None:
    auth = TBA(creds, fake.clock.time)
    prepared = requests.Request("GET", f"{RECORD}/location").prepare()
    assert f'oauth_timestamp="{now(fake)}"' in auth(prepared).headers["Authorization"]
