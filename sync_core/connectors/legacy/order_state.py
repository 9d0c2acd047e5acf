"""The legacy ERP's answers to the order policies (see :mod:`sync_core.flows.order_checks`).

Stock is asked of the SOAP service (``GetStock``) when the deployment reads stock that way;
stock export files are consumed by the stock flow (each is acknowledged once), so with
``stock_source: files`` the stockout check is skipped rather than steal the flow's files.

Account holds: the ERP takes an order whatever its account's standing (its credit controller
stops a held account's orders at despatch), so the account the order maps to is read before the
create (``GetCustomer``): one on ``credit_hold``, or not ``approved`` (pending or blocked), is
held. An account the ERP does not know is left to the create (``UNKNOWN_CUSTOMER``, a
MappingError). Without the SOAP service (``lookup: ledger``) holds cannot be read.
"""

from __future__ import annotations

from collections.abc import Iterable

from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.legacy import customers
from sync_core.connectors.legacy.connector import LegacyConnector
from sync_core.errors import RemoteNotFound
from sync_core.flows.order_checks import DefaultChecks
from sync_core.model import Order


class LegacyChecks(DefaultChecks):
    erp: LegacyConnector

    def stock_rows(self) -> Iterable[ErpStockRow] | None:
        if self.erp.settings.stock_source == "files":
            return None
        return self.erp._soap_stock()

    def account_hold(self, order: Order) -> str | None:
        if self.erp.settings.lookup != "soap":
            return None
        ref = self.erp.customer_ref(order)
        try:
            account = customers.get(self.erp.soap, ref)
        except RemoteNotFound:
            return None
        return account.hold_reason()


def build(erp: object) -> LegacyChecks | None:
    return LegacyChecks(erp) if isinstance(erp, LegacyConnector) else None
