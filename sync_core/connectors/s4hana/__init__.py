"""SAP S/4HANA connector: OData v2 (API_SALES_ORDER_SRV, API_BUSINESS_PARTNER, API_PRODUCT_SRV,
API_MATERIAL_STOCK_SRV) with Basic authentication and CSRF tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync_core.connectors.s4hana.client import S4Client
from sync_core.connectors.s4hana.connector import S4Connector, SalesArea, customer_reference

if TYPE_CHECKING:
    import requests

    from sync_core.config import EngineConfig

__all__ = ["S4Client", "S4Connector", "SalesArea", "build", "customer_reference"]


def build(config: EngineConfig, session: requests.Session) -> S4Connector:
    """The S/4HANA connector for the engine (see :mod:`sync_core.connectors.registry`)."""
    client = S4Client(config.erp, session, config.policies.http_timeout_s)
    return S4Connector(client, config.mapping, options=dict(config.erp.options))
