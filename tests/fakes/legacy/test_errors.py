"""render_error: SOAP faults on /soap (and when the path is unknown), JSON on /files."""

from __future__ import annotations

import json

import pytest
from lxml import etree
from werkzeug.test import Client

from fakes.core.fake import Fake
from fakes.core.spec import ErrorRequest
from fakes.legacy import service
from fakes.legacy.errors import render_error
from tests.fakes.legacy.helpers import NS, action, envelope

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def fault_code(body: bytes) -> tuple[str | None, str | None]:
    fault = etree.fromstring(body).find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert fault is not None
    return fault.findtext("faultcode"), fault.findtext(f"detail/{{{NS}}}OrderServiceFault/"
                                                       f"{{{NS}}}code")


@pytest.mark.parametrize(("kind", "status", "expected"), [
    ("throttle", 429, ("soap:Client", "THROTTLED")),
    ("concurrency", 429, ("soap:Client", "CONCURRENCY_LIMIT")),
    ("internal", 500, ("soap:Server", "INTERNAL_ERROR")),
    ("http_error", 503, ("soap:Server", "HTTP_503")),
])
def test_shapes_by_path(fake: Fake, kind: str, status: int, expected: tuple[str, str]) -> None:
    request = ErrorRequest(kind, status)
    with fake.flask.test_request_context("/soap/OrderService"):
        soap = render_error(request)
    with fake.flask.test_request_context("/files/outbound"):
        files = render_error(request)
    with fake.flask.app_context():
        unknown = render_error(request)
    assert soap.status_code == files.status_code == unknown.status_code == status
    assert soap.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert fault_code(soap.get_data()) == expected == fault_code(unknown.get_data())
    assert json.loads(files.get_data())["error"]["code"] == expected[1]


def test_bug_in_an_operation_is_a_server_fault(client: Client, auth, monkeypatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setitem(service.HANDLERS, "GetStock", broken)
    response = client.post("/soap/OrderService", data=envelope("<tns:GetStock/>"),
                           headers={**action("GetStock"), **auth})
    assert response.status_code == 500
    assert fault_code(response.get_data()) == ("soap:Server", "INTERNAL_ERROR")
    assert b"secret internals" not in response.get_data()


def test_flask_level_errors_on_files_are_json(client: Client, auth) -> None:
    response = client.put("/files/outbound/x.csv", data=b"x", headers=auth)
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "HTTP_405"
    assert client.get("/nowhere").status_code == 404
