"""The in-process way in: ``requests`` calls to a fake's base URL are answered by its WSGI app.

``responses`` intercepts the calls; nothing touches a socket. Transport faults become the
exceptions ``requests`` itself would raise. URLs of no registered fake are refused, so a test
can never reach a real host by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
import responses
from werkzeug.test import Client

from fakes.core.clock import SimClock, WallClock
from fakes.core.dataset import SeedProfile, Size
from fakes.core.fake import Fake, create_fake
from fakes.core.transport import TransportFault

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "MERGE")
DROP_HEADERS = {"content-length", "transfer-encoding", "connection"}


Answer = tuple[int, list[tuple[str, str]], bytes]


def _callback(
    fake: Fake,
) -> Callable[[requests.PreparedRequest], Answer]:
    client = Client(fake.wsgi, use_cookies=False)  # each caller keeps its own cookies

    def answer(req: requests.PreparedRequest) -> Answer:
        url = urlsplit(req.url or "")
        body = req.body.encode() if isinstance(req.body, str) else (req.body or b"")
        try:
            resp = client.open(
                url.path,
                method=req.method or "GET",
                base_url=f"{url.scheme}://{url.netloc}",
                query_string=url.query,
                headers=[
                    (k, v.decode("latin-1") if isinstance(v, bytes) else v)
                    for k, v in req.headers.items()
                ],
                data=body,
            )
        except TransportFault as fault:
            if fault.kind == "timeout":
                raise requests.exceptions.ReadTimeout(
                    f"fake {fake.spec.name}: read timed out", request=req
                ) from None
            raise requests.exceptions.ConnectionError(
                f"fake {fake.spec.name}: connection reset by peer", request=req
            ) from None
        headers = [(k, v) for k, v in resp.headers.items() if k.lower() not in DROP_HEADERS]
        return resp.status_code, headers, resp.get_data()

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
