"""Sage 200's answers to the order policies (see :mod:`sync_core.flows.order_checks`).

Stock comes from ``stock_levels`` (warehouse holdings). Sage 200 refuses a sales order for an
account on hold ("The customer account 'CUST0001' is on hold."): that refusal names the account.
"""

from __future__ import annotations

import re

from sync_core.connectors.sage200.connector import Sage200Connector
from sync_core.flows.order_checks import RefusalChecks

HELD = re.compile(r"customer account '([^']+)' is on hold", re.IGNORECASE)


def build(erp: object) -> RefusalChecks | None:
    return RefusalChecks(erp, HELD) if isinstance(erp, Sage200Connector) else None
