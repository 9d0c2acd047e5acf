"""SAP S/4HANA's answers to the order policies (see :mod:`sync_core.flows.order_checks`).

Stock comes from ``stock_levels``. A sold-to party with an order block (or a central block)
makes ``API_SALES_ORDER_SRV`` refuse the order with message ``V1/462`` ("Sold-to party ... is
blocked for sales orders"): that refusal names the held account.
"""

from __future__ import annotations

import re

from sync_core.connectors.s4hana.connector import S4Connector
from sync_core.flows.order_checks import RefusalChecks

HELD = re.compile(r"Sold-to party (\S+) is blocked", re.IGNORECASE)


def build(erp: object) -> RefusalChecks | None:
    return RefusalChecks(erp, HELD) if isinstance(erp, S4Connector) else None
