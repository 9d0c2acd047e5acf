"""The in-process way in: ``requests`` calls to a fake's base URL are answered by its WSGI app.

``responses`` intercepts the calls; nothing touches a socket. Each call becomes the WSGI
environ a server would build (:func:`wsgi_environ`, PEP 3333: ``PATH_INFO`` percent-decoded
as a server decodes it, the raw request target in ``REQUEST_URI``), and the fake's app is
called with it directly. Transport faults become the exceptions ``requests`` itself would
raise. URLs of no registered fake are refused, so a test can never reach a real host by
mistake.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

import requests
import responses

from fakes.core.clock import SimClock, WallClock
from fakes.core.dataset import SeedProfile, Size
from fakes.core.fake import Fake, create_fake
from fakes.core.transport import TransportFault

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "MERGE")
DROP_HEADERS = {"content-length", "transfer-encoding", "connection"}


Answer = tuple[int, list[tuple[str, str]], bytes]


def wsgi_environ(req: requests.PreparedRequest) -> dict[str, Any]:
    """The environ a WSGI server builds for ``req``, without a socket or a server.

    ``PATH_INFO`` holds the percent-decoded path as bytes read as latin-1 (PEP 3333), the
    query string stays as sent, and ``REQUEST_URI`` / ``RAW_URI`` carry the request target as
    it went over the wire (a signature over the raw query needs it). Content type and length
    live in ``CONTENT_TYPE`` / ``CONTENT_LENGTH`` (absent when the request had neither, as
    under waitress); every other header is ``HTTP_*``.
    """
    url = urlsplit(req.url or "")
    body = _body_bytes(req.body)
    https = url.scheme == "https"
    target = url.path + (f"?{url.query}" if url.query else "")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": (req.method or "GET").upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(url.path).decode("latin-1"),
        "QUERY_STRING": url.query,
        "REQUEST_URI": target,
        "RAW_URI": target,
        "SERVER_NAME": url.hostname or "localhost",
        "SERVER_PORT": str(url.port or (443 if https else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": url.netloc,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme or "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in req.headers.items():
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = text
    if body:  # a streamed (chunked) upload has no Content-Length header; a server counts it
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def _body_bytes(body: Any) -> bytes:
    """The bytes ``requests`` would put on the wire: text is UTF-8, a file is read, a
    generator (a chunked upload) is joined."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if hasattr(body, "read"):
        data = body.read()
        return data.encode() if isinstance(data, str) else bytes(data)
    return b"".join(c.encode() if isinstance(c, str) else bytes(c) for c in body)


def call_wsgi(app: Callable[..., Any], environ: dict[str, Any]) -> Answer:
    """Run ``app`` on ``environ``: status code, headers (repeats kept) and the whole body."""
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started[:] = [(status, headers)]

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    status, headers = started[0]
    return int(status.split(" ", 1)[0]), headers, body


def _callback(
    fake: Fake,
) -> Callable[[requests.PreparedRequest], Answer]:
    def answer(req: requests.PreparedRequest) -> Answer:
        try:
            status, headers, body = call_wsgi(fake.wsgi, wsgi_environ(req))
        except TransportFault as fault:
            if fault.kind == "timeout":
                raise requests.exceptions.ReadTimeout(
                    f"fake {fake.spec.name}: read timed out", request=req
                ) from None
            raise requests.exceptions.ConnectionError(
                f"fake {fake.spec.name}: connection reset by peer", request=req
            ) from None
        return status, [(k, v) for k, v in headers if k.lower() not in DROP_HEADERS], body

    return answer


class FakeFleet:
    """Several fakes sharing one clock and one seed, reached in-process through ``requests``."""

    def __init__(self, fakes: dict[str, Fake]) -> None:
        self.fakes = fakes
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)

    def __getitem__(self, vendor: str) -> Fake:
        return self.fakes[vendor]

    def __getattr__(self, vendor: str) -> Fake:
        key = vendor.replace("_", "-")
        fakes = self.__dict__.get("fakes", {})
        for name in (vendor, key):
            if name in fakes:
                return fakes[name]  # type: ignore[no-any-return]
        raise AttributeError(vendor)

    def start(self) -> None:
        for fake in self.fakes.values():
            pattern = re.compile(re.escape(fake.base_url.rstrip("/")) + r"(/.*)?$")
            callback = _callback(fake)
            for method in METHODS:
                # responses accepts (name, value) pairs, which keep repeated headers such as
                # two Set-Cookie lines; its type hints only name a mapping.
                self._mock.add_callback(method, pattern, callback=callback)  # type: ignore[arg-type]
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop()
        self._mock.reset()

    def __enter__(self) -> FakeFleet:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def mock(
    *vendors: str,
    seed: int = 0,
    clock: SimClock | WallClock | None = None,
    size: Size = "small",
    profile: SeedProfile | dict[str, Any] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
) -> Iterator[FakeFleet]:
    """Start in-process fakes for ``vendors``; they share ``clock``, ``seed`` and ``profile``.

    >>> with mock("magento", "netsuite", seed=7) as fleet:
    ...     fleet.magento.base_url
    'http://magento.fake.test'
    """
    shared = clock or SimClock()
    fleet = FakeFleet(
        {
            name: create_fake(
                name,
                seed=seed,
                clock=shared,
                size=size,
                profile=profile,
                options=(options or {}).get(name),
            )
            for name in vendors
        }
    )
    with fleet:
        yield fleet
