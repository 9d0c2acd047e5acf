"""The Magento client reads the store views once, however many threads ask at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import responses
from pydantic import SecretStr

from sync_core.config import MagentoConfig
from sync_core.connectors.magento import MagentoClient

BASE = "http://magento.test"
THREADS = 8


def test_threads_asking_at_once_share_one_read() -> None:
    client = MagentoClient(MagentoConfig(base_url=BASE, integration_token=SecretStr("t0ken")))
    together = threading.Barrier(THREADS)
    held = threading.Event()  # never set: the read lingers, so racing threads would overlap
    reads: list[int] = []

    def views(_: object) -> tuple[int, dict[str, str], str]:
        reads.append(1)
        held.wait(0.2)
        return 200, {}, '[{"id": 0, "code": "admin"}, {"id": 1, "code": "default"}]'

    def ask() -> dict[int, str]:
        together.wait()
        return client.store_codes()

    with responses.RequestsMock() as mocked:
        mocked.add_callback(responses.GET, f"{BASE}/rest/V1/store/storeViews", callback=views)
        with ThreadPoolExecutor(THREADS) as pool:
            answers = list(pool.map(lambda _: ask(), range(THREADS)))
    assert reads == [1]
    assert answers == [{0: "admin", 1: "default"}] * THREADS
