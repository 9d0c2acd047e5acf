"""SAP Business One Service Layer connector (``/b1s/v1``, cookie sessions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync_core.connectors.sap_b1.client import B1Client, SessionInvalid, TransactionRejected
from sync_core.connectors.sap_b1.connector import SapB1Connector

if TYPE_CHECKING:
    import requests

    from sync_core.config import EngineConfig

__all__ = ["B1Client", "SapB1Connector", "SessionInvalid", "TransactionRejected", "build"]


def build(config: EngineConfig, session: requests.Session) -> SapB1Connector:
    """The SAP Business One connector for the engine (see :mod:`sync_core.connectors.registry`)."""
    client = B1Client(config.erp, session, config.policies.http_timeout_s)
    return SapB1Connector(client, config.mapping)
