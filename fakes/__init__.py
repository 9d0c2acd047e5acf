"""Stateful fakes of Magento and the ERPs, speaking each vendor's wire format.

The public entry points are :func:`fakes.create_fake` (one vendor, in memory, with a WSGI app)
and :func:`fakes.mock` (several vendors reached through ``requests`` in-process, via
``responses``). ``erp-harness serve`` runs the same fakes as real HTTP servers.
"""

from fakes.core.bridge import FakeFleet, mock
from fakes.core.clock import SimClock, WallClock
from fakes.core.fake import Fake, create_fake
from fakes.registry import VENDORS, load_spec

__all__ = [
    "VENDORS",
    "Fake",
    "FakeFleet",
    "SimClock",
    "WallClock",
    "create_fake",
    "load_spec",
    "mock",
]
