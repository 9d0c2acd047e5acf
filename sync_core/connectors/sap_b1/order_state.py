"""SAP Business One's answers to the order policies (see :mod:`sync_core.flows.order_checks`).

Stock comes from ``stock_levels``. A frozen business partner (``Frozen`` tYES, or inside its
``FrozenFrom``/``FrozenTo`` period) makes Service Layer refuse the order (``-10 Business partner
'C00001' is inactive``): that refusal names the held account.
"""

from __future__ import annotations

import re

from sync_core.connectors.sap_b1.connector import SapB1Connector
from sync_core.flows.order_checks import RefusalChecks

HELD = re.compile(r"Business partner '([^']+)' is (?:inactive|frozen)", re.IGNORECASE)


def build(erp: object) -> RefusalChecks | None:
    return RefusalChecks(erp, HELD) if isinstance(erp, SapB1Connector) else None
