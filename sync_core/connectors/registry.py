"""ERP connectors by kind. Each package exposes ``build(config, session)`` returning an object
that is both an order sink and a stock source (:mod:`sync_core.connectors.base`)."""

from __future__ import annotations

import importlib
from typing import Protocol

import requests

from sync_core.config import EngineConfig
from sync_core.connectors.base import ErpOrders, ErpStock

MODULES = {
    "netsuite": "sync_core.connectors.netsuite",
    "sap-b1": "sync_core.connectors.sap_b1",
    "s4hana": "sync_core.connectors.s4hana",
    "sage200": "sync_core.connectors.sage200",
    "business-central": "sync_core.connectors.business_central",
    "legacy": "sync_core.connectors.legacy",
}


class ErpConnector(ErpOrders, ErpStock, Protocol):
    system: str


class UnsupportedErp(ValueError):
    pass


def build_erp(config: EngineConfig, session: requests.Session) -> ErpConnector:
    module_name = MODULES.get(config.erp.kind)
    if module_name is None:
        raise UnsupportedErp(f"erp.kind {config.erp.kind!r} is unknown")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise UnsupportedErp(f"erp.kind {config.erp.kind!r} has no connector yet") from exc
    connector: ErpConnector = module.build(config, session)
    return connector
