"""A request gate's slot covers the request at the server, not the client's preparation
(:mod:`sync_core.gated_http`): taken before the first byte is written, given back once the
response's headers are in, and still taken when a mock answers instead of a socket."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import responses

from fakes.core.server import start_server
from sync_core import gated_http
from sync_core.concurrency import AdaptiveLimit, LimitedAdapter


@pytest.fixture
def limit() -> AdaptiveLimit:
    return AdaptiveLimit(2)


class Server:
    """A server on 127.0.0.1 that notes the slots in flight while it handles each request.
    With ``pair`` set, the first two requests wait for each other there: both must be in
    flight at once."""

    def __init__(self, limit: AdaptiveLimit) -> None:
        self.limit = limit
        self.seen: list[int] = []
        self.pair: threading.Barrier | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            self.seen.append(self.limit.in_flight)
            pair = self.pair if len(self.seen) <= 2 else None
        if pair is not None:
            pair.wait(timeout=10)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]


@pytest.fixture
def server(limit: AdaptiveLimit) -> Server:
    return Server(limit)


@pytest.fixture
def base_url(server: Server) -> Iterator[str]:
    running = start_server(server, threads=8)
    try:
        yield f"http://127.0.0.1:{running.port}"
    finally:
        running.close()


class NotingAdapter(LimitedAdapter):
    """Notes the slots in flight while it prepares a request (after the adapter is called,
    before any byte is written)."""

    def __init__(self, limit: AdaptiveLimit) -> None:
        super().__init__(limit)
        self.seen_preparing: list[int] = []

    def add_headers(self, request: requests.PreparedRequest, **kwargs: Any) -> None:
        self.seen_preparing.append(self.limit.in_flight)
        super().add_headers(request, **kwargs)


def session_for(base_url: str, adapter: LimitedAdapter) -> requests.Session:
    session = requests.Session()
    session.mount(base_url + "/", adapter)
    return session


def test_the_slot_is_held_at_the_server_and_not_while_the_request_is_prepared(
    limit: AdaptiveLimit, base_url: str, server: Server
) -> None:
    adapter = NotingAdapter(limit)
    session = session_for(base_url, adapter)
    for n in range(3):
        assert session.post(f"{base_url}/orders/{n}", json={"n": n}).text == "ok"
    assert adapter.seen_preparing == [0, 0, 0]
    assert server.seen == [1, 1, 1]
    assert limit.in_flight == 0 and limit.peak_in_flight == 1


def test_concurrent_requests_never_exceed_the_limit(
    limit: AdaptiveLimit, base_url: str, server: Server
) -> None:
    server.pair = threading.Barrier(2)
    session = session_for(base_url, LimitedAdapter(limit, pool_maxsize=8))
    answers: list[str] = []

    def send(n: int) -> None:
        answers.append(session.get(f"{base_url}/items/{n}").text)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["ok"] * 8
    assert limit.peak_in_flight == 2 and max(server.seen) == 2
    assert limit.in_flight == 0


def test_a_request_that_cannot_connect_gives_its_slot_back(limit: AdaptiveLimit) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    session = session_for(base_url, LimitedAdapter(limit))
    for _ in range(3):  # more attempts than the limit has slots
        with pytest.raises(requests.ConnectionError):
            session.get(f"{base_url}/items/1", timeout=2)
    assert limit.in_flight == 0


def test_a_mocked_transport_still_takes_the_slot(limit: AdaptiveLimit) -> None:
    base_url = "http://erp.fake.test"
    seen: list[int] = []

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        seen.append(limit.in_flight)
        return 200, {}, "ok"

    session = session_for(base_url, LimitedAdapter(limit))
    with responses.RequestsMock() as mock:
        mock.add_callback("GET", f"{base_url}/items/1", callback=answer)
        assert session.get(f"{base_url}/items/1").text == "ok"
    assert seen == [1] and limit.in_flight == 0


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_connections_of_either_scheme_take_the_slot_as_they_write(
    limit: AdaptiveLimit, scheme: str
) -> None:
    adapter = LimitedAdapter(limit)
    pool = adapter.poolmanager.connection_from_url(f"{scheme}://erp.example.test/")
    ours, theirs = socket.socketpair()
    with ours, theirs:
        connection = pool.ConnectionCls("erp.example.test")
        connection.sock = ours  # already connected: the write goes straight to the socket
        gated_http.pending.limit = limit
        try:
            connection.send(b"PUT /x HTTP/1.1\r\n")
            connection.send(b"\r\n")  # one slot per request, however many writes
            assert limit.in_flight == 1
            written = b""
            while len(written) < 19:
                written += theirs.recv(64)
            assert written == b"PUT /x HTTP/1.1\r\n\r\n"
        finally:
            ticket = gated_http.pending.ticket
            gated_http.pending.limit = gated_http.pending.ticket = None
        assert ticket is not None
        limit.release(ticket)
    assert limit.in_flight == 0
