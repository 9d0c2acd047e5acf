"""Simulated process crashes for connectors under test: a session that dies around its Nth
request, before sending or after sending but before the answer is read."""

from __future__ import annotations

from typing import Any

import requests


class SimulatedCrash(BaseException):
    """The process dies here. A BaseException, so no ``except Exception`` in the engine
    can swallow it: whatever the engine had not committed is lost, as with SIGKILL."""


class CrashingSession(requests.Session):
    """A session that kills the process around its Nth request, when armed."""

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False  # in-process fakes and 127.0.0.1 only: never a proxy from env
        self.countdown: int | None = None
        self.after_send = True

    def arm(self, after_requests: int, after_send: bool = True) -> None:
        self.countdown, self.after_send = after_requests, after_send

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if self.countdown is not None:
            self.countdown -= 1
            if self.countdown <= 0:
                self.countdown = None
                if not self.after_send:
                    raise SimulatedCrash("crashed before sending")
                super().send(request, **kwargs)
                raise SimulatedCrash("crashed after sending, before reading the answer")
        return super().send(request, **kwargs)
