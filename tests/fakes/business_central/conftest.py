"""Fixtures for the Business Central fake: a fake per test, reached in-process with ``requests``
through FakeFleet, and a small client that fetches a token and builds API URLs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from fakes.business_central import SPEC
from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake

SCOPE = "https://api.businesscentral.dynamics.com/.default"


def token_for(creds: dict[str, str], **overrides: str) -> requests.Response:
    form = {"grant_type": "client_credentials", "client_id": creds["client_id"],
            "client_secret": creds["client_secret"], "scope": SCOPE, **overrides}
    return requests.post(creds["token_url"], data=form, timeout=5)


class BC:
    """A minimal Business Central client for tests (bearer token, URL building)."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.creds = fake.credentials()
        self.env = self.creds["environment"]
        self.company_id = self.creds["company_id"]
        self.token = token_for(self.creds).json()["access_token"]

    @property
    def api(self) -> str:
        return self.api_for(self.env)

    def api_for(self, env: str, tenant: str | None = None) -> str:
        return f"{self.fake.base_url}/v2.0/{tenant or self.creds['tenant']}/{env}/api/v2.0"

    def company_url(self, company_id: str | None = None, env: str | None = None) -> str:
        return f"{self.api_for(env or self.env)}/companies({company_id or self.company_id})"

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else f"{self.company_url()}/{path}"
        headers = self.headers(kwargs.pop("headers", None))
        return requests.request(method, url, headers=headers, timeout=5, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def values(self, path: str, **kwargs: Any) -> list[dict[str, Any]]:
        response = self.get(path, **kwargs)
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()["value"]
        return result

    def first(self, set_name: str, **filters: str) -> dict[str, Any]:
        clause = " and ".join(f"{k} eq '{v}'" for k, v in filters.items())
        query = f"?$filter={clause}" if clause else "?$top=1"
        return self.values(f"{set_name}{query}")[0]

    def location(self, code: str) -> dict[str, Any]:
        return self.first("locations", code=code)

    def new_order(self, lines: list[dict[str, Any]] | None = None, **header: Any
                  ) -> requests.Response:
        customer = self.first("customers")
        item = self.first("items")
        body = {"customerNumber": customer["number"], "externalDocumentNumber": "MAG-100000001",
                **header}
        body["salesOrderLines"] = lines if lines is not None else [
            {"lineObjectNumber": item["number"], "quantity": 2,
             "locationId": self.location("MAIN")["id"]}]
        return self.post("salesOrders", json=body)


def make_fake(**options: Any) -> Fake:
    return Fake(SPEC, seed=3, options=options)


@pytest.fixture
def fake() -> Fake:
    return make_fake()


@pytest.fixture
def fleet(fake: Fake) -> Iterator[FakeFleet]:
    with FakeFleet({"business-central": fake}) as running:
        yield running


@pytest.fixture
def bc(fleet: FakeFleet, fake: Fake) -> BC:
    return BC(fake)


def error_of(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()["error"]
    return response.status_code, body["code"], body["message"]
