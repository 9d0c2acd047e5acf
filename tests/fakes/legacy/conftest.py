"""Fixtures: a legacy fake rooted in tmp_path, reached over WSGI and in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.test import Client

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake
from fakes.legacy import SPEC, LegacyBackend
from tests.fakes.legacy.helpers import basic


@pytest.fixture
def fake(tmp_path: Path) -> Fake:
    return Fake(SPEC, seed=1, options={"root_dir": str(tmp_path / "erp")})


@pytest.fixture
def backend(fake: Fake) -> LegacyBackend:
    assert isinstance(fake.backend, LegacyBackend)
    return fake.backend


@pytest.fixture
def auth(fake: Fake) -> dict[str, str]:
    creds = fake.credentials()
    return basic(creds["username"], creds["password"])


@pytest.fixture
def client(fake: Fake) -> Client:
    return Client(fake.wsgi)


@pytest.fixture
def fleet(fake: Fake) -> Iterator[FakeFleet]:
    with FakeFleet({"legacy": fake}) as running:
        yield running

