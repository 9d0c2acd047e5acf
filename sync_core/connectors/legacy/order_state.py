"""The legacy ERP's answers to the order policies (see :mod:`sync_core.flows.order_checks`).

Stock is asked of the SOAP service (``GetStock``) when the deployment reads stock that way;
stock export files are consumed by the stock flow (each is acknowledged once), so with
``stock_source: files`` the stockout check is skipped rather than steal the flow's files. The
legacy ERP has no account holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.legacy.connector import LegacyConnector
from sync_core.flows.order_checks import DefaultChecks


class LegacyChecks(DefaultChecks):
    erp: LegacyConnector

    def stock_rows(self) -> Iterable[ErpStockRow] | None:
        if self.erp.settings.stock_source == "files":
            return None
        return self.erp._soap_stock()


def build(erp: object) -> LegacyChecks | None:
    return LegacyChecks(erp) if isinstance(erp, LegacyConnector) else None
