"""``fake_overhead`` of ``erp-harness bench``: the Magento fake's requests per second on a
typical read (GET an order) and a typical write (save one MSI source item) against an empty
endpoint on the same kind of server (waitress, same thread count), with the same concurrent
clients (threads, one ``requests`` session each) for the same few seconds, in one run.

The servers run in a child process (:mod:`scenarios.bench_serve`). The ratio is the fake's
rate over the empty endpoint's; the headline is the lower of read and write. It is what a
``requests`` client sees, and such a client, whose threads share one interpreter lock, can
itself be what bounds the rate (``client_cores`` near 1): then the ratio says the fake is not
the bottleneck for that client, not how much work the fake adds. So each side also reports the
server process's CPU per request (read from ``/proc``, Linux only), and ``server_cpu_ratio`` is
the empty endpoint's over the fake's: the share of the fake's server-side cost that any
waitress endpoint pays.
"""

from __future__ import annotations

import json
import os
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


def process_cpu_s(pid: int) -> float | None:
    """User and system CPU seconds of a running process, from ``/proc`` (None elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rate(call: Call, clients: int, seconds: float, server_pid: int | None = None) -> dict[str, Any]:
    """Requests per second that ``clients`` threads get through ``call`` for ``seconds``; with
    ``server_pid``, the server process's CPU per request too, and the cores the clients used."""
    server_before = process_cpu_s(server_pid) if server_pid is not None else None
    client_before = time.process_time()
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
    measured: dict[str, Any] = {
        "requests": total,
        "errors": sum(failed),
        "seconds": round(elapsed, 3),
        "rps": round(total / elapsed, 1) if elapsed else 0.0,
    }
    if server_pid is None:
        return measured
    server_after = process_cpu_s(server_pid)
    server_s = (
        server_after - server_before
        if server_after is not None and server_before is not None
        else None
    )
    measured["server_cpu_ms_per_request"] = (
        round(1000 * server_s / total, 3) if server_s is not None and total else None
    )
    client_s = time.process_time() - client_before
    measured["client_cores"] = round(client_s / elapsed, 2) if elapsed else None
    return measured


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
            fake = rate(fake_call, clients, seconds, child.pid)
            empty = rate(empty_call, clients, seconds, child.pid)
            ratio = fake["rps"] / empty["rps"] if empty["rps"] else 0.0
            measured[kind] = {
                "fake": fake,
                "empty": empty,
                "ratio": round(ratio, 3),
                "server_cpu_ratio": _cpu_ratio(empty, fake),
            }
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


def _cpu_ratio(empty: dict[str, Any], fake: dict[str, Any]) -> float | None:
    """The empty endpoint's server CPU per request over the fake's."""
    floor, cost = empty["server_cpu_ms_per_request"], fake["server_cpu_ms_per_request"]
    return round(floor / cost, 3) if floor and cost else None
