"""Fixtures for the SAP Business One Service Layer fake: a fake and logged-in v1/v2 clients."""

from __future__ import annotations

import pytest

from fakes.core.fake import Fake
from fakes.sap_b1 import SPEC
from tests.fakes.sap_b1.helpers import SL


@pytest.fixture
def fake() -> Fake:
    return Fake(SPEC, seed=7)


@pytest.fixture
def sl(fake: Fake) -> SL:
    client = SL(fake, "v1")
    assert client.login().status_code == 200
    return client


@pytest.fixture
def sl2(fake: Fake) -> SL:
    client = SL(fake, "v2")
    assert client.login().status_code == 200
    return client
