"""Sage 200 (UK & Ireland) REST connector, Professional and Standard (Sage ID bearer tokens)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync_core.connectors.magento import MagentoClient
from sync_core.connectors.sage200.checks import TaxCodes
from sync_core.connectors.sage200.client import AccessDenied, MissingEndpoint, Sage200Client
from sync_core.connectors.sage200.connector import Sage200Connector, document_ref

if TYPE_CHECKING:
    import requests

    from sync_core.config import EngineConfig

__all__ = [
    "AccessDenied",
    "MissingEndpoint",
    "Sage200Client",
    "Sage200Connector",
    "build",
    "document_ref",
]


def build(config: EngineConfig, session: requests.Session) -> Sage200Connector:
    """The Sage 200 connector for the engine (see :mod:`sync_core.connectors.registry`).
    Nothing is called here: the coverage check runs before the first call of a flow. With
    ``erp.options.tax_codes`` set, the connector also reads each Magento order it exports
    (its tax rates and amounts; see :mod:`.checks`)."""
    client = Sage200Client(config.erp, session, config.policies.http_timeout_s)
    tax_codes = TaxCodes(config.erp.options.get("tax_codes"))
    magento = (
        MagentoClient(config.magento, session, config.policies.http_timeout_s)
        if tax_codes
        else None
    )
    return Sage200Connector(client, config.mapping, tax_codes, magento)
