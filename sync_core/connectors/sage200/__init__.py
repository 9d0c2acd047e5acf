"""Sage 200 (UK & Ireland) REST connector, Professional and Standard (Sage ID bearer tokens)."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    Nothing is called here: the coverage check runs before the first call of a flow."""
    client = Sage200Client(config.erp, session, config.policies.http_timeout_s)
    return Sage200Connector(client, config.mapping)
