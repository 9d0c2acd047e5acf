"""Oracle NetSuite SuiteTalk REST connector (token-based auth)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync_core.connectors.netsuite.client import NetSuiteClient
from sync_core.connectors.netsuite.connector import NetSuiteConnector

if TYPE_CHECKING:
    import requests

    from sync_core.config import EngineConfig

__all__ = ["NetSuiteClient", "NetSuiteConnector", "build"]


def build(config: EngineConfig, session: requests.Session) -> NetSuiteConnector:
    """The NetSuite connector for the engine (see :mod:`sync_core.connectors.registry`)."""
    client = NetSuiteClient(config.erp, session, config.policies.http_timeout_s)
    return NetSuiteConnector(client, config.mapping, config.erp.options)
