"""The in-process bridge hands a fake the same WSGI environ waitress builds for the same call."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from fakes.core.bridge import call_wsgi, wsgi_environ
from fakes.core.server import start_server

COMPARED = (
    "REQUEST_METHOD",
    "PATH_INFO",
    "QUERY_STRING",
    "REQUEST_URI",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "HTTP_X_TRACE",
    "HTTP_AUTHORIZATION",
)


def echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """Answers with what it was given: the compared environ keys and the body."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    seen = {key: environ.get(key) for key in COMPARED}
    seen["body"] = body.decode("latin-1")
    start_response("201 Created", [("Content-Type", "application/json"), ("X-Echo", "1")])
    return [json.dumps(seen).encode()]


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    running = start_server(echo, name="echo")
    try:
        yield f"http://127.0.0.1:{running.port}"
    finally:
        running.close()


CALLS = [
    ("GET", "/record/v1/item/%C3%A9t%C3%A9%20x", {"q": "a b", "limit": "5"}, None),
    ("POST", "/services/rest/query/v1/suiteql", None, '{"q": "SELECT 1"}'),
    ("PATCH", "/V1/orders/7", {"searchCriteria[pageSize]": "10"}, b"\x00\xffraw"),
    ("DELETE", "/a%2Fb", None, None),
]


@pytest.mark.parametrize(("method", "path", "params", "body"), CALLS)
def test_in_process_environ_matches_the_served_one(
    served: str, method: str, path: str, params: dict[str, str] | None, body: Any
) -> None:
    headers = {"X-Trace": "t-1", "Authorization": "Bearer abc"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    over_http = requests.request(
        method, served + path, params=params, data=body, headers=headers, timeout=5
    ).json()

    prepared = requests.Request(
        method, "http://erp.fake.test" + path, params=params, data=body, headers=headers
    ).prepare()
    status, answer_headers, answer = call_wsgi(echo, wsgi_environ(prepared))

    assert status == 201
    assert ("X-Echo", "1") in answer_headers
    assert json.loads(answer) == over_http


def test_generator_and_file_bodies_arrive_whole() -> None:
    def chunks() -> Iterator[bytes]:
        yield b"ab"
        yield b"cd"

    prepared = requests.Request("PUT", "https://erp.fake.test:8443/x").prepare()
    prepared.body = chunks()  # as requests keeps a streamed upload
    environ = wsgi_environ(prepared)
    assert environ["wsgi.input"].read() == b"abcd"
    assert environ["CONTENT_LENGTH"] == "4"
    assert (environ["SERVER_PORT"], environ["wsgi.url_scheme"]) == ("8443", "https")


def test_the_app_iterable_is_closed() -> None:
    closed: list[bool] = []

    class Body(list[bytes]):
        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Body:
        start_response("204 No Content", [])
        return Body([b""])

    prepared = requests.Request("GET", "http://erp.fake.test/").prepare()
    assert call_wsgi(app, wsgi_environ(prepared)) == (204, [], b"")
    assert closed == [True]
