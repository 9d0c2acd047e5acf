"""Connectors under test: ``builtin`` (sync_core), ``naive`` (the anti-pattern) and external
commands. Each runs one sync cycle at a time; the harness judges only the fakes' state.
"""

from __future__ import annotations

from scenarios.connectors.base import ConnectorUnderTest, make_connector

__all__ = ["ConnectorUnderTest", "make_connector"]
