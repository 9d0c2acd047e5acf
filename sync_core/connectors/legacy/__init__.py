"""Legacy ERP connector: a SOAP 1.1 OrderService and CSV drop folders (no REST, no idempotency).

``build`` reads the settings from ``erp.credentials`` (see
:mod:`sync_core.connectors.legacy.settings`): orders go by SOAP ``CreateOrder`` (default) or as
order files through the file gateway; stock comes from ``GetStock`` or the stock exports. The
contracts the connector holds the ERP to are in :mod:`contracts.legacy`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync_core.connectors.legacy.client import SoapClient, classify
from sync_core.connectors.legacy.connector import ImportPending, LegacyConnector
from sync_core.connectors.legacy.gateway import FileGateway
from sync_core.connectors.legacy.ledger import Ledger
from sync_core.connectors.legacy.settings import LegacySettings, load_settings
from sync_core.transport import HttpClient

if TYPE_CHECKING:
    import requests

    from sync_core.config import EngineConfig

__all__ = [
    "FileGateway",
    "ImportPending",
    "LegacyConnector",
    "LegacySettings",
    "SoapClient",
    "build",
]


def build(config: EngineConfig, session: requests.Session) -> LegacyConnector:
    """The legacy connector for the engine (see :mod:`sync_core.connectors.registry`)."""
    settings = load_settings(config)
    http = HttpClient(
        config.erp.base_url,
        "legacy",
        config.policies.http_timeout_s,
        session=session,
        auth=(settings.username, settings.password),
        classify=classify,
    )
    path = settings.ledger_path
    ledger = Ledger(path) if settings.needs_ledger and path is not None else None
    return LegacyConnector(SoapClient(http), FileGateway(http), config.mapping, settings, ledger)
