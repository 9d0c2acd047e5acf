"""Keep-alive after a response without a body (204, 304, 1xx), which waitress closes.

Waitress keeps an HTTP/1.1 connection open only when the response carries a Content-Length
(or is chunked). A 204 or 304 may carry neither (RFC 9110 §8.6 forbids a Content-Length on a
204), yet its end is known: RFC 9112 §6.3 says it ends at the header's blank line. Waitress
closes the connection anyway and says ``Connection: close``, so every client pays a new TCP
connection after each 204. The vendors' servers keep the connection: NetSuite answers every
record create, upsert and update with a 204, and a client syncing orders one upsert at a time
would otherwise reconnect once per order. :class:`KeepAliveChannel` serves each request
with a task that keeps the connection open after such a response, unless the client asked
to close it or spoke HTTP/1.0 (where waitress's rules stand).
"""

from __future__ import annotations

from waitress.channel import HTTPChannel
from waitress.task import WSGITask


class BodilessKeepAliveTask(WSGITask):  # type: ignore[misc]
    """A WSGI task that does not close an HTTP/1.1 connection for a bodiless response."""

    _keeping_open = False

    def build_response_header(self) -> bytes:
        asked_to_close = self.request.headers.get("CONNECTION", "").lower() == "close"
        self._keeping_open = not (self.has_body or self.version != "1.1" or asked_to_close)
        try:
            header: bytes = super().build_response_header()
            return header
        finally:
            self._keeping_open = False

    def set_close_on_finish(self) -> None:
        if self._keeping_open:
            return  # the only close left here is the "no Content-Length" one: not needed
        super().set_close_on_finish()


class KeepAliveChannel(HTTPChannel):  # type: ignore[misc]
    """Waitress's channel, serving each request with :class:`BodilessKeepAliveTask`."""

    task_class = BodilessKeepAliveTask
