"""Microsoft Dynamics 365 Business Central API v2.0 connector (client credentials, one
environment and one company, both asserted before the first read or write)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync_core.connectors.business_central.client import BCClient, TargetMismatch
from sync_core.connectors.business_central.connector import (
    BusinessCentralConnector,
    erp_reference,
)
from sync_core.connectors.business_central.stock import CoverageGap

if TYPE_CHECKING:
    import requests

    from sync_core.config import EngineConfig

__all__ = [
    "BCClient",
    "BusinessCentralConnector",
    "CoverageGap",
    "TargetMismatch",
    "build",
    "erp_reference",
]


def build(config: EngineConfig, session: requests.Session) -> BusinessCentralConnector:
    """The Business Central connector for the engine (see :mod:`sync_core.connectors.registry`).
    Nothing is sent until the first call: the environment and company are verified then."""
    client = BCClient(config.erp, session, config.policies.http_timeout_s)
    return BusinessCentralConnector(client, config.mapping)
