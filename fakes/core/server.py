"""The HTTP way in: each fake on its own port of 127.0.0.1, served by waitress threads in
one process, so every request of a fake sees the same state.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from waitress.server import create_server

from fakes.core.fake import CONTROL_PREFIX, Fake
from fakes.core.keepalive import KeepAliveChannel
from fakes.core.transport import ServedTransport


@dataclass
class RunningServer:
    """A waitress server on its own loop thread."""

    server: Any
    thread: threading.Thread
    closing: threading.Event = field(default_factory=threading.Event)

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    def stop_loop(self) -> None:
        """Close the open connections inside the server's own loop thread (never from this
        one, which races the poller), then the listener; the loop then ends."""
        self.closing.set()
        self.server.trigger.pull_trigger(_closer(self.server))

    def finish(self) -> None:
        """Wait for the loop to end and for the request threads to finish."""
        self.thread.join(timeout=2)
        self.server.task_dispatcher.shutdown(timeout=1)

    def close(self) -> None:
        self.stop_loop()
        self.finish()


def start_server(
    app: Any, host: str = "127.0.0.1", port: int = 0, threads: int = 16, name: str = "serve"
) -> RunningServer:
    """Serve the WSGI ``app`` under waitress (``port`` 0: any free one) on a daemon thread."""
    server = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident=None,
        clear_untrusted_proxy_headers=True,
    )
    server.channel_class = KeepAliveChannel  # a 204 keeps the connection, as vendors do
    closing = threading.Event()
    thread = threading.Thread(target=_run, args=(server, closing), name=name, daemon=True)
    thread.start()
    return RunningServer(server, thread, closing)


@dataclass
class ServedFake:
    fake: Fake
    running: RunningServer

    @property
    def base_url(self) -> str:
        return self.fake.base_url

    def ready_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "base_url": self.base_url,
            "control_url": self.base_url + CONTROL_PREFIX,
            "credentials": self.fake.credentials(),
        }
        extras = self.fake.spec.ready_extras
        if extras is not None:
            entry.update(extras(self.fake.backend, self.base_url))
        return entry


@dataclass
class FakeServers:
    served: dict[str, ServedFake] = field(default_factory=dict)

    def ready(self) -> dict[str, Any]:
        return {name: s.ready_entry() for name, s in self.served.items()}

    def write_ready_file(self, path: str | Path) -> None:
        target = Path(path)
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_text(json.dumps(self.ready(), indent=2))
        os.chmod(tmp, 0o600)
        tmp.replace(target)

    def close(self) -> None:
        """Stop every server's loop first, then wait for each."""
        for served in self.served.values():
            served.running.stop_loop()
        for served in self.served.values():
            served.running.finish()

    def __enter__(self) -> FakeServers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# A cut connection is how a transport fault is served on purpose; waitress need not warn.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)
logging.getLogger("waitress").setLevel(logging.ERROR)


def _closer(server: Any) -> Any:
    def close_all() -> None:
        for channel in list(server._map.values()):
            if channel is not server.trigger:
                channel.close()  # the listener and every connection, from the loop thread

    return close_all


def _run(server: Any, closing: threading.Event) -> None:
    try:
        server.run()
    except OSError:
        if not closing.is_set():
            raise  # a socket error while serving is real; one while closing is not


def serve(
    fakes: dict[str, Fake],
    host: str = "127.0.0.1",
    port: int = 0,
    threads: int = 16,
    hang_s: float = 5.0,
) -> FakeServers:
    """Serve each fake on its own port (``port`` for the first, then the next ones; 0 = any)."""
    servers = FakeServers()
    for index, (name, fake) in enumerate(fakes.items()):
        running = start_server(
            ServedTransport(fake.wsgi, hang_s=hang_s),
            host,
            (port + index) if port else 0,
            threads,
            name=f"serve-{name}",
        )
        shown_host = f"[{host}]" if ":" in host else host
        fake.base_url = f"http://{shown_host}:{running.port}"
        servers.served[name] = ServedFake(fake, running)
    return servers
