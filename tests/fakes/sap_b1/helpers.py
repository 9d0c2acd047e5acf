"""A small Service Layer client over the fake's WSGI app, for the sap-b1 tests."""

from __future__ import annotations

from typing import Any

from werkzeug.test import Client, TestResponse

from fakes.core.fake import Fake


class SL:
    """A thin Service Layer client over the WSGI app, logged in on one API version."""

    def __init__(self, fake: Fake, version: str = "v1") -> None:
        self.fake = fake
        self.version = version
        self.client = Client(fake.wsgi, use_cookies=False)
        self.session_id = ""

    def url(self, path: str) -> str:
        return f"/b1s/{self.version}/{path.lstrip('/')}"

    def login(self, **override: Any) -> TestResponse:
        creds = self.fake.credentials()
        body = {"CompanyDB": creds["company_db"], "UserName": creds["username"],
                "Password": creds["password"], **override}
        response = self.client.post(self.url("Login"), json=body)
        if response.status_code == 200:
            self.session_id = response.get_json()["SessionId"]
        return response

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        merged = {"Cookie": f"B1SESSION={self.session_id}; ROUTEID=.node1"}
        merged.update(headers or {})
        return merged

    def get(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> TestResponse:
        return self.client.get(self.url(path), headers=self._headers(headers), **kw)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None,
             **kw: Any) -> TestResponse:
        if body is not None:
            kw["json"] = body
        return self.client.post(self.url(path), headers=self._headers(headers), **kw)

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> TestResponse:
        return self.client.patch(self.url(path), json=body, headers=self._headers(headers))

    def delete(self, path: str) -> TestResponse:
        return self.client.delete(self.url(path), headers=self._headers(None))

    def order(self, lines: list[dict[str, Any]] | None = None, **header: Any) -> dict[str, Any]:
        body = {"CardCode": "C00001", "DocDueDate": "2026-01-10", **header,
                "DocumentLines": lines or [{"ItemCode": "SKU-000001", "Quantity": 2}]}
        response = self.post("Orders", body)
        assert response.status_code == 201, response.get_data(as_text=True)
        return dict(response.get_json())

    def stock(self, item_code: str, whs: str = "01") -> dict[str, float]:
        item = self.get(f"Items('{item_code}')").get_json()
        row = next(r for r in item["ItemWarehouseInfoCollection"] if r["WarehouseCode"] == whs)
        return {k: row[k] for k in ("InStock", "Committed", "Ordered")}


def error_of(response: TestResponse) -> tuple[int, int, str]:
    body = response.get_json()
    return response.status_code, body["error"]["code"], body["error"]["message"]["value"]
