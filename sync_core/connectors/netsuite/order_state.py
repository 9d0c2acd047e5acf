"""NetSuite's answers to the order policies (see :mod:`sync_core.flows.order_checks`).

Stock comes from ``stock_levels``. A customer whose ``creditHoldOverride`` is ``ON`` is on
credit hold; NetSuite refuses its orders only where the account enforces holds (Customer Credit
Limit Handling), so the customer is read before the create (``GET customer/{id}``).
"""

from __future__ import annotations

from sync_core.connectors.netsuite.connector import NetSuiteConnector
from sync_core.errors import BusinessHold
from sync_core.flows.order_checks import DefaultChecks
from sync_core.model import Order

ON_HOLD = "ON"


class NetSuiteChecks(DefaultChecks):
    erp: NetSuiteConnector

    def account_hold(self, order: Order) -> str | None:
        customer = self.erp.customer_id(order)
        record = self.erp.client.get_record(
            "customer", customer, fields="entityId,creditHoldOverride"
        )
        hold = record.get("creditHoldOverride") or {}
        if str(hold.get("id") if isinstance(hold, dict) else hold).upper() != ON_HOLD:
            return None
        name = record.get("entityId") or customer
        return f"account {name} is on credit hold in netsuite (creditHoldOverride ON)"

    def held_account(self, error: BusinessHold) -> str | None:
        return None


def build(erp: object) -> NetSuiteChecks | None:
    return NetSuiteChecks(erp) if isinstance(erp, NetSuiteConnector) else None
