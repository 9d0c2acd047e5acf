"""Fixtures for the Sage 200 fake: a fake, and an authenticated WSGI client on its base path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from fakes.core.fake import Fake
from fakes.sage200 import SPEC
from fakes.sage200.variants import BASE_PATHS


class SageClient:
    """A werkzeug client that knows the base path and sends a valid token and site headers."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.client = Client(fake.wsgi)
        self.creds = fake.credentials()
        self.base = BASE_PATHS[fake.backend.ctx.options.get("variant", "professional")]
        self.token = self.new_token()["access_token"]

    def new_token(self, **extra: str) -> dict[str, Any]:
        form = {"grant_type": "client_credentials", "client_id": self.creds["client_id"],
                "client_secret": self.creds["client_secret"], **extra}
        response = self.client.post("/oauth/token", data=form)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()  # type: ignore[no-any-return]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Site": self.creds["site_id"],
                "X-Company": self.creds["company_id"]}

    def call(self, method: str, path: str, headers: dict[str, str] | None = None,
             **kwargs: Any) -> TestResponse:
        url = path if path.startswith(("/uk/", "/oauth")) else self.base + path
        return self.client.open(
            url, method=method, headers=self.headers if headers is None else headers, **kwargs
        )

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, **kwargs)

    def json(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    # -- shortcuts ------------------------------------------------------------------------------
    def customer(self, index: int = 0) -> dict[str, Any]:
        return self.json("GET", "/customers")[index]  # type: ignore[no-any-return]

    def product(self, index: int = 0) -> dict[str, Any]:
        return self.json("GET", "/products?$expand=warehouse_holdings")[index]  # type: ignore

    def order(self, lines: list[dict[str, Any]], status: int = 200, **header: Any) -> Any:
        body = {"customer_id": self.customer()["id"], **header, "lines": lines}
        return self.json("POST", "/sop_orders?$expand=lines", status, json=body)


def make_fake(seed: int = 7, **options: Any) -> Fake:
    return Fake(SPEC, seed=seed, options=options)


@pytest.fixture
def fake() -> Fake:
    return make_fake()


@pytest.fixture
def api(fake: Fake) -> SageClient:
    return SageClient(fake)


@pytest.fixture
def make_api() -> Callable[..., SageClient]:
    def build(seed: int = 7, **options: Any) -> SageClient:
        return SageClient(make_fake(seed, **options))

    return build
