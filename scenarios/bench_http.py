"""``fake_overhead`` of ``erp-harness bench``: the Magento fake's requests per second on a
typical read (GET an order) and a typical write (save one MSI source item) against an empty
endpoint on the same kind of server (waitress, same thread count), with the same concurrent
clients (threads, one ``requests`` session each) for the same few seconds, in one run.

The servers run in a child process (:mod:`scenarios.bench_serve`). The ratio is the fake's
rate over the empty endpoint's; the headline is the lower of read and write.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests

from scenarios.bench_run import child_env


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None


def rate(call: Call, clients: int, seconds: float) -> dict[str, Any]:
    """Requests per second that ``clients`` threads get through ``call`` for ``seconds``."""
    done = [0] * clients
    failed = [0] * clients
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                answer = session.request(
                    call.method, call.url, headers=call.headers, data=call.body, timeout=30
                )
                done[index] += 1
                if answer.status_code >= 400:
                    failed[index] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    total = sum(done)
    return {
        "requests": total,
        "errors": sum(failed),
        "seconds": round(elapsed, 3),
        "rps": round(total / elapsed, 1) if elapsed else 0.0,
    }


def _calls(ready: dict[str, Any]) -> dict[str, tuple[Call, Call]]:
    """(fake, empty) pairs for the read and the write, with the same method, headers, body."""
    auth = {"Authorization": f"Bearer {ready['token']}"}
    json_auth = {**auth, "Content-Type": "application/json"}
    item = {"sku": ready["sku"], "source_code": "default", "quantity": 7, "status": 1}
    body = json.dumps({"sourceItems": [item]}).encode()
    read_path = f"/rest/V1/orders/{ready['order_id']}"
    write_path = "/rest/V1/inventory/source-items"
    fake, empty = ready["magento_url"], ready["empty_url"]
    return {
        "read": (Call("GET", fake + read_path, auth), Call("GET", empty + read_path, auth)),
        "write": (
            Call("POST", fake + write_path, json_auth, body),
            Call("POST", empty + write_path, json_auth, body),
        ),
    }


def fake_overhead(seconds: float, clients: int, threads: int, seed: int) -> dict[str, Any]:
    child = subprocess.Popen(
        [sys.executable, "-m", "scenarios.bench_serve", str(threads), str(seed)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line:
            raise RuntimeError(f"the bench server exited ({child.wait(timeout=10)}) before ready")
        ready = json.loads(line)
        measured: dict[str, Any] = {}
        for kind, (fake_call, empty_call) in _calls(ready).items():
            rate(fake_call, clients, min(seconds, 0.5))  # warm both paths up
            rate(empty_call, clients, min(seconds, 0.5))
            fake, empty = rate(fake_call, clients, seconds), rate(empty_call, clients, seconds)
            ratio = fake["rps"] / empty["rps"] if empty["rps"] else 0.0
            measured[kind] = {"fake": fake, "empty": empty, "ratio": round(ratio, 3)}
    finally:
        for pipe in (child.stdin, child.stdout):
            if pipe is not None:
                pipe.close()
        child.wait(timeout=30)
    return {
        "value": min(measured["read"]["ratio"], measured["write"]["ratio"]),
        "inputs": {
            "fake": "magento",
            "read": f"GET /rest/V1/orders/{ready['order_id']}",
            "write": "POST /rest/V1/inventory/source-items (1 item)",
            "empty": "WSGI app answering {} under waitress",
            "server_threads": threads,
            "clients": clients,
            "seconds_each": seconds,
            "seed": seed,
        },
        "measured": measured,
    }
