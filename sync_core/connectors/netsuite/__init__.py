"""Oracle NetSuite SuiteTalk REST connector (token-based auth)."""

from sync_core.connectors.netsuite.client import NetSuiteClient
from sync_core.connectors.netsuite.connector import NetSuiteConnector

__all__ = ["NetSuiteClient", "NetSuiteConnector"]
