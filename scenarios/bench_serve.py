"""The server side of ``fake_overhead`` (``python -m scenarios.bench_serve THREADS SEED``): in one
child process, the Magento fake served as ``erp-harness serve`` serves it
(:func:`fakes.core.server.serve`) and an empty WSGI endpoint on the same kind of server
(:func:`fakes.core.server.start_server`) with the same thread count. It prints one JSON line
(URLs, token, an order id, a SKU) when both listen, and serves until its standard input closes.
A process of its own keeps the clients' threads from competing with the servers' for one
interpreter lock.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

from fakes.core.server import serve, start_server
from scenarios.serving import build_fakes


def empty_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Reads the body, answers ``{}``: the floor a served endpoint cannot go below."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def main(threads: int, seed: int) -> None:
    fakes, _ = build_fakes(["magento"], seed)
    magento = fakes["magento"]
    sku = magento.ctx.dataset.products[0].sku
    order = magento.event("place_order", store_code="default", lines=[{"sku": sku, "qty": 1}])
    with serve(fakes, threads=threads) as servers:
        empty = start_server(empty_app, threads=threads, name="serve-empty")
        ready = {
            "magento_url": servers.served["magento"].base_url,
            "empty_url": f"http://127.0.0.1:{empty.port}",
            "token": magento.credentials()["integration_token"],
            "order_id": int(order["entity_id"]),
            "sku": sku,
            "threads": threads,
        }
        print(json.dumps(ready), flush=True)
        sys.stdin.read()
        empty.close()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
