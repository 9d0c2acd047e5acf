"""S/4HANA credit memos for the returns flow, in both directions.

When Magento owns refunds (the default), each Magento credit memo becomes a credit memo
request, with a customer return for the goods that go back to stock
(:mod:`sync_core.connectors.s4hana.credit_requests`).

When the ERP owns refunds (``flows.returns.source_of_truth: erp``), billing documents of
category ``O`` (credit memos, ``API_BILLING_DOCUMENT_SRV``) become Magento credit memos.

Credit memos are read by ``LastChangeDate ge <since's date>`` (a date: a day is read again,
which the flow's outbox and bindings make harmless), cancelled ones left out; their items
(``to_Item``) name the ``Material``, the ``BillingQuantity`` and the sales order
(``SalesDocument``) they credit.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.s4hana.client import ROOT
from sync_core.connectors.s4hana.connector import S4Connector
from sync_core.connectors.s4hana.credit_requests import S4CreditWriter
from sync_core.connectors.s4hana.fulfilment import _date
from sync_core.flows.returns_model import ErpCredit, ErpCreditLine

if TYPE_CHECKING:
    from sync_core.engine import Engine

BILLING = f"{ROOT}/API_BILLING_DOCUMENT_SRV"
CREDIT_MEMO = "O"


def build(engine: Engine) -> S4Credits | None:
    erp = engine.erp
    if not isinstance(erp, S4Connector):
        return None
    return S4Credits(erp, engine.config.erp.options)


class S4Credits(S4CreditWriter):
    """Writes credit memo requests (:class:`S4CreditWriter`) and reads credit memos."""

    def credits(self, since: str | None) -> Iterator[ErpCredit]:
        condition = f"SDDocumentCategory eq '{CREDIT_MEMO}'"
        if since:
            condition += f" and LastChangeDate ge datetime'{since[:10]}T00:00:00'"
        params = {
            "$filter": condition,
            "$select": "BillingDocument,LastChangeDate,BillingDocumentIsCancelled,"
            "CancelledBillingDocument",
            "$expand": "to_Item",
            "$orderby": "BillingDocument",
        }
        for header in self.client.collection(f"{BILLING}/A_BillingDocument", params):
            if header.get("BillingDocumentIsCancelled") or header.get("CancelledBillingDocument"):
                continue
            yield self._credit(header)

    def _credit(self, header: dict[str, Any]) -> ErpCredit:
        items = _items(header)
        number = str(header["BillingDocument"])
        orders = [str(i.get("SalesDocument") or "") for i in items if i.get("SalesDocument")]
        return ErpCredit(
            document_id=number,
            display=number,
            erp_order_id=orders[0] if orders else None,
            order_ref=None,
            lines=tuple(
                ErpCreditLine(
                    self.connector.mapping.sku_for(str(i.get("Material"))),
                    Decimal(str(i.get("BillingQuantity") or 0)),
                )
                for i in items
            ),
            shipping=Decimal(0),
            version=_date(header.get("LastChangeDate")),
        )


def _items(header: dict[str, Any]) -> list[dict[str, Any]]:
    nav = header.get("to_Item")
    rows = nav.get("results") if isinstance(nav, dict) else nav
    return [r for r in rows or [] if isinstance(r, dict)]
