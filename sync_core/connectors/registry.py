"""ERP connectors by kind. Each package exposes ``build(config, session)`` returning an object
that is both an order sink and a stock source (:mod:`sync_core.connectors.base`)."""

from __future__ import annotations

import importlib
from types import ModuleType
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


def flow_module(kind: str, flow: str) -> ModuleType | None:
    """The ERP package's module for an optional flow (``sync_core.connectors.<pkg>.<flow>``,
    e.g. ``prices``), or None when the kind is unknown or its package has no such module."""
    package = MODULES.get(kind)
    if package is None:
        return None
    name = f"{package}.{flow}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
