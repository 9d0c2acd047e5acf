"""Magento 2 / Adobe Commerce REST connector."""

from sync_core.connectors.magento.client import MagentoClient
from sync_core.connectors.magento.mapper import to_order

__all__ = ["MagentoClient", "to_order"]
