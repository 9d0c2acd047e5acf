"""The server side of ``fake_overhead`` (``python -m scenarios.bench_serve THREADS SEED``): in
one child process, the Magento fake served as ``erp-harness serve`` serves it
(:func:`fakes.core.server.serve`) and an empty WSGI endpoint under waitress with the same
thread count. It prints one JSON line (URLs, token, an order id, a SKU) when both listen, and
serves until its standard input closes. A process of its own keeps the clients' threads from
competing with the servers' for one interpreter lock.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from waitress.server import create_server

from fakes.core.server import serve
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
        empty = create_server(empty_app, host="127.0.0.1", port=0, threads=threads, ident=None)
        threading.Thread(target=empty.run, name="serve-empty", daemon=True).start()
        ready = {
            "magento_url": servers.served["magento"].base_url,
            "empty_url": f"http://127.0.0.1:{empty.effective_port}",
            "token": magento.credentials()["integration_token"],
            "order_id": int(order["entity_id"]),
            "sku": sku,
            "threads": threads,
        }
        print(json.dumps(ready), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
