"""Fixtures for the Magento fake: a fresh fake per test, a WSGI client, tokens, orders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from werkzeug.test import Client, TestResponse

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake

BASE = "http://magento.fake.test"
ADDRESS = {"firstname": "Grace", "lastname": "Guest", "street": ["2 Lane"], "city": "York",
           "postcode": "YO1 7HH", "country_id": "GB", "telephone": "01904 000000",
           "email": "grace@example.org"}
SHIPPING_INFO = {"addressInformation": {"shipping_address": ADDRESS, "billing_address": ADDRESS,
                                        "shipping_carrier_code": "flatrate",
                                        "shipping_method_code": "flatrate"}}


class Api:
    """A thin WSGI client that speaks to the fake as an admin (or as nobody)."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.client = Client(fake.wsgi)
        self.token: str | None = None

    def login(self) -> str:
        creds = self.fake.credentials()
        response = self.client.post(
            "/rest/V1/integration/admin/token",
            json={"username": creds["username"], "password": creds["password"]},
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        self.token = response.get_json()
        return self.token

    def headers(self, token: str | None = None) -> dict[str, str]:
        token = token or self.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> TestResponse:
        return self.client.get(path, headers=self.headers(token), **kwargs)

    def post(self, path: str, body: Any = None, token: str | None = None) -> TestResponse:
        return self.client.post(path, json=body if body is not None else {},
                                headers=self.headers(token))

    def put(self, path: str, body: Any = None, token: str | None = None) -> TestResponse:
        return self.client.put(path, json=body, headers=self.headers(token))

    def delete(self, path: str, body: Any = None, token: str | None = None) -> TestResponse:
        return self.client.delete(path, json=body, headers=self.headers(token))

    def anonymous(self, method: str, path: str, body: Any = None,
                  token: str | None = None) -> TestResponse:
        """A call without the admin token (a guest, or the given customer token)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.open(path, method=method, json=body, headers=headers)

    def customer_token(self, email: str, password: str | None = None) -> str:
        password = password or self.fake.credentials()["customer_password"]
        response = self.anonymous("POST", "/rest/V1/integration/customer/token",
                                  {"username": email, "password": password})
        assert response.status_code == 200, response.get_data(as_text=True)
        token: str = response.get_json()
        return token

    def advance(self, seconds: float) -> None:
        self.fake.clock.advance(seconds)

    def place(self, **payload: Any) -> dict[str, Any]:
        payload.setdefault("lines", [{"sku": "SKU-000001", "qty": 2}])
        result: dict[str, Any] = self.fake.event("place_order", **payload)
        return result

    def order(self, entity_id: int) -> dict[str, Any]:
        response = self.get(f"/rest/V1/orders/{entity_id}")
        assert response.status_code == 200, response.get_data(as_text=True)
        data: dict[str, Any] = response.get_json()
        return data


@pytest.fixture
def fake() -> Fake:
    return create_fake("magento", seed=3)


@pytest.fixture
def api(fake: Fake) -> Api:
    client = Api(fake)
    client.login()
    return client


@pytest.fixture
def fleet(fake: Fake) -> Iterator[FakeFleet]:
    with FakeFleet({"magento": fake}) as running:
        yield running


def criteria(*groups: list[tuple[str, Any, str | None]], snake: bool = True,
             **extra: Any) -> str:
    """A query string of ``searchCriteria`` with filter groups of (field, value, condition)."""
    fg, fl, ct = ("filter_groups", "filters", "condition_type") if snake else (
        "filterGroups", "filters", "conditionType")
    parts: list[str] = []
    for g, group in enumerate(groups):
        for f, (field, value, condition) in enumerate(group):
            prefix = f"searchCriteria[{fg}][{g}][{fl}][{f}]"
            parts += [f"{prefix}[field]={field}", f"{prefix}[value]={quote(str(value))}"]
            if condition:
                parts.append(f"{prefix}[{ct}]={condition}")
    for key, value in extra.items():
        parts.append(f"searchCriteria[{key}]={value}")
    return "&".join(parts) or "searchCriteria="
