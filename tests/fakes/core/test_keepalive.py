"""A served fake keeps an HTTP/1.1 connection open after a 204, as the vendors' servers do;
a client that asks to close, or speaks HTTP/1.0, still gets its connection closed."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from fakes.core.fake import Fake
from fakes.core.server import serve
from tests.fakes.core.toy import SPEC


@contextmanager
def toy_connection() -> Iterator[http.client.HTTPConnection]:
    fake = Fake(SPEC)
    with serve({"toy": fake}, hang_s=0.2) as servers:
        port = int(servers.served["toy"].base_url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            yield connection
        finally:
            connection.close()


def _exchange(
    connection: http.client.HTTPConnection, method: str, path: str, **headers: str
) -> http.client.HTTPResponse:
    connection.request(method, path, body=b"{}" if method == "POST" else None, headers=headers)
    response = connection.getresponse()
    response.read()
    return response


def test_a_204_leaves_the_connection_open_for_the_next_request() -> None:
    with toy_connection() as connection:
        assert _exchange(connection, "POST", "/api/items").status == 201
        first_socket = connection.sock
        deleted = _exchange(connection, "DELETE", "/api/items/1")
        assert deleted.status == 204
        assert deleted.getheader("Connection") is None
        assert deleted.getheader("Content-Length") is None  # RFC 9110: none on a 204
        # the same socket carries the next request: the server did not close it
        assert _exchange(connection, "GET", "/api/items/1").status == 404
        assert connection.sock is first_socket


def test_a_204_still_closes_when_the_client_asks() -> None:
    with toy_connection() as connection:
        assert _exchange(connection, "POST", "/api/items").status == 201
        deleted = _exchange(connection, "DELETE", "/api/items/1", Connection="close")
        assert deleted.status == 204
        assert deleted.getheader("Connection") == "close"
        assert deleted.will_close


def test_a_204_closes_an_http_1_0_connection_as_before() -> None:
    with toy_connection() as connection:
        assert _exchange(connection, "POST", "/api/items").status == 201
        with socket.create_connection((connection.host, connection.port), timeout=5) as raw:
            raw.sendall(b"DELETE /api/items/1 HTTP/1.0\r\nHost: toy\r\n\r\n")
            answer = b""
            while chunk := raw.recv(4096):  # the server closes: recv ends with b""
                answer += chunk
        assert answer.startswith(b"HTTP/1.0 204")


def test_responses_with_a_body_keep_their_length_and_the_connection() -> None:
    with toy_connection() as connection:
        created = _exchange(connection, "POST", "/api/items")
        fetched = _exchange(connection, "GET", "/api/items/1")
        for response, status in ((created, 201), (fetched, 200)):
            assert response.status == status
            assert response.getheader("Content-Length") is not None
            assert not response.will_close
