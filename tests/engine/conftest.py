"""Fixtures for engine tests: a real PostgreSQL when ``HARNESS_PG_URL`` names one."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sync_core.store import Store, metadata

PG_URL = os.environ.get("HARNESS_PG_URL")


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("HARNESS_PG_URL is not set: no PostgreSQL server for this run "
                    "(.ci/run starts one)")
    store = Store(PG_URL)
    metadata.drop_all(store.engine)
    store.close()
    yield PG_URL
    store = Store(PG_URL)
    metadata.drop_all(store.engine)
    store.close()
