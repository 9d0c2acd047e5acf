"""Transport-level faults: how a fake says "the connection failed" through WSGI.

The fault middleware raises :class:`TransportFault`; each way in turns it into what a real
client would see: the in-process bridge raises the ``requests`` exception, the served
middleware hangs or cuts the connection short.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any


class TransportFault(Exception):
    def __init__(self, kind: str, delay_s: float = 0.0) -> None:
        super().__init__(kind)
        self.kind = kind
        self.delay_s = delay_s


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ServedTransport:
    """Outermost middleware for real HTTP servers: turns transport faults into broken sockets."""

    def __init__(self, app: WSGIApp, hang_s: float = 5.0) -> None:
        self.app = app
        self.hang_s = hang_s

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            return self.app(environ, start_response)
        except TransportFault as fault:
            if fault.kind == "timeout":
                time.sleep(fault.delay_s or self.hang_s)
            return self._cut(start_response)

    @staticmethod
    def _cut(start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", "65536")]
        )
        yield b'{"'
