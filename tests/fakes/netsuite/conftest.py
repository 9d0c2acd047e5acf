"""Shared fixtures: a NetSuite fake, an independent OAuth 1.0a signer, a signed session.

The signer is written here from RFC 5849 (not imported from the fake), so the tests check the
fake's verification against a separate implementation, the way a real client would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import requests

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake

BASE = "https://1234567.suitetalk.fake.test"
RECORD = f"{BASE}/services/rest/record/v1"
SUITEQL = f"{BASE}/services/rest/query/v1/suiteql"


def enc(value: str) -> str:
    return quote(value, safe="-._~")


def oauth_header(
    method: str, url: str, creds: dict[str, str], *, timestamp: int, nonce: str,
    realm: str | None = None, consumer_secret: str | None = None, host: str | None = None,
) -> str:
    """An ``Authorization: OAuth ...`` value for ``method url`` signed with HMAC-SHA256."""
    parts = urlsplit(url)
    netloc = (host or parts.netloc).lower()
    if (parts.scheme, netloc.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")):
        netloc = netloc.rsplit(":", 1)[0]
    oauth = {
        "oauth_consumer_key": creds["consumer_key"], "oauth_token": creds["token_id"],
        "oauth_signature_method": "HMAC-SHA256", "oauth_timestamp": str(timestamp),
        "oauth_nonce": nonce, "oauth_version": "1.0",
    }
    pairs = sorted((enc(k), enc(v)) for k, v in [*oauth.items(), *parse_qsl(parts.query, True)])
    params = "&".join(f"{k}={v}" for k, v in pairs)
    base_uri = f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}"
    base_string = "&".join([method.upper(), enc(base_uri), enc(params)])
    key = f"{enc(consumer_secret or creds['consumer_secret'])}&{enc(creds['token_secret'])}"
    signature = base64.b64encode(hmac.new(key.encode(), base_string.encode(),
                                          hashlib.sha256).digest()).decode()
    fields = {"realm": realm if realm is not None else creds["account"], **oauth,
              "oauth_signature": signature}
    return "OAuth " + ", ".join(f'{k}="{enc(v)}"' for k, v in fields.items())


class TBA(requests.auth.AuthBase):
    """Token-based authentication for ``requests``, timestamps from the fake's clock."""

    def __init__(self, creds: dict[str, str], clock: Callable[[], float], **overrides: Any):
        self.creds = creds
        self.clock = clock
        self.overrides = overrides
        self.nonces = itertools.count(1)

    def __call__(self, req: requests.PreparedRequest) -> requests.PreparedRequest:
        req.headers["Authorization"] = oauth_header(
            req.method or "GET", req.url or "", self.creds, timestamp=int(self.clock()),
            nonce=f"n{next(self.nonces):08d}", **self.overrides)
        return req


@pytest.fixture
def fake() -> Fake:
    return create_fake("netsuite", seed=7)


@pytest.fixture
def creds(fake: Fake) -> dict[str, str]:
    return fake.credentials()


@pytest.fixture
def fleet(fake: Fake) -> Iterator[FakeFleet]:
    with FakeFleet({"netsuite": fake}) as running:
        yield running


@pytest.fixture
def ns(fleet: FakeFleet, fake: Fake, creds: dict[str, str]) -> requests.Session:
    session = requests.Session()
    session.auth = TBA(creds, fake.clock.time)
    return session


def first_ids(fake: Fake) -> dict[str, str]:
    """Ids of a seeded customer, two items and a location."""
    state = fake.state()
    return {"customer": state["customers"][0]["id"], "item": state["inventoryItems"][0]["id"],
            "item2": state["inventoryItems"][1]["id"], "location": state["locations"][0]["id"]}


def order_body(ids: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"entity": {"id": ids["customer"]}, "location": {"id": ids["location"]},
            "item": {"items": [{"item": {"id": ids["item"]}, "quantity": 2, "rate": 10.0},
                               {"item": {"id": ids["item2"]}, "quantity": 1}]}, **extra}
