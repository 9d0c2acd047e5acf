"""Connections that take a request gate's slot as late as they can: just before the request's
first byte is written to the socket.

``requests`` spends a few hundred microseconds of CPU on a request after its adapter is called
(pool lookup, URL and header handling, a check that the pooled connection is still open),
and a busy worker thread can wait longer than that for the interpreter lock at each of those
steps. An adapter that takes its slot on entry holds it all that time, so the ERP's allowed
concurrency is spent on the client's own work. These connections take the slot on their first
``send``; the adapter releases it once the response's headers are in, as before. A thread
that waits for a slot has its request ready to write.

:data:`pending` is per thread: the adapter names the limit before it hands the request on and
collects the ticket afterwards; a connection takes at most one ticket per request.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

if TYPE_CHECKING:
    from sync_core.concurrency import AdaptiveLimit, Ticket


class Pending(threading.local):
    """The limit this thread's current request must take a slot of, and the slot taken."""

    limit: AdaptiveLimit | None = None
    ticket: Ticket | None = None

    def take(self) -> None:
        if self.limit is not None and self.ticket is None:
            self.ticket = self.limit.acquire()


pending = Pending()


class SlotOnFirstByte(HTTPConnection):
    def send(self, data: Any) -> None:
        pending.take()
        super().send(data)


class SlotOnFirstByteTLS(SlotOnFirstByte, HTTPSConnection):
    """The same over TLS (the method order puts the slot before ``HTTPSConnection``)."""


class GatedPool(HTTPConnectionPool):
    ConnectionCls = SlotOnFirstByte


class GatedTLSPool(HTTPSConnectionPool):
    ConnectionCls = SlotOnFirstByteTLS


POOLS_BY_SCHEME = {"http": GatedPool, "https": GatedTLSPool}
