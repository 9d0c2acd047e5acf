"""Business Central's answers to the order policies (see :mod:`sync_core.flows.order_checks`).

Stock comes from ``stock_levels`` (item ledger entries per location). The connector refuses an
order for a blocked customer (``blocked`` Ship, Invoice or All) before sending it, naming the
customer ("customer C00001 is blocked (All) in Business Central").
"""

from __future__ import annotations

import re

from sync_core.connectors.business_central.connector import BusinessCentralConnector
from sync_core.flows.order_checks import RefusalChecks

HELD = re.compile(r"customer (\S+) is blocked", re.IGNORECASE)


def build(erp: object) -> RefusalChecks | None:
    return RefusalChecks(erp, HELD) if isinstance(erp, BusinessCentralConnector) else None
