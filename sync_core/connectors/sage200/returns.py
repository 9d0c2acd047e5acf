"""Sage 200 credit notes for the returns flow: posted sales ledger credit notes.

What Sage 200's API offers (see :mod:`fakes.sage200.credit_notes` for the sources): a credit
note is posted to the sales ledger with ``POST sales_credit_notes`` (header values plus nominal
and tax analysis, no item lines, no stock movement) and read back through
``GET sales_posted_transactions``. SOP returns are read-only views and the Stock API has no
stock adjustment, so the API cannot return goods to a warehouse.

* Reference: Sage's ``reference`` holds 20 characters, so the credit note carries the memo's
  reference without its ``mage-`` prefix (``default-CM000000001``); a longer one (a long store
  code) is a :class:`~sync_core.errors.MappingError` naming the field, never cut short. Sage
  keeps no key, so before every create the flow looks the reference up
  (``$filter=reference eq '...'``, exact matches of a credit note type only): a lost answer is
  found, not posted twice. ``second_reference`` is the Sage order's ``document_no``.
* Values: one nominal analysis item per credited line (``<item code> x <qty>`` as narrative,
  the memo row total as value), one for refunded shipping (``Shipping``) and one for an
  adjustment (``Adjustment``), all on the nominal code ``erp.options.credit_nominal_code``
  (default ``4000``, Sage's UK sales account). The tax is the memo's grand total less those
  goods, analysed on ``erp.options.credit_tax_code_id`` (default 1). The customer is the Sage
  order's account.
* Returns to stock: once the credit note of a memo that returns goods is found (after its
  create, or by the lookup after a lost answer), an alert (``manual_restock``, one per memo)
  names the item, quantity and warehouse, for the return to be booked in Sage itself, since
  the API cannot; the credit note is still posted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.alerts import Alert
from sync_core.connectors.sage200.client import Sage200Client, odata_string
from sync_core.connectors.sage200.connector import Sage200Connector
from sync_core.errors import InvalidData, MappingError, UnknownOutcome
from sync_core.flows.returns_model import CreditNote, money
from sync_core.model import RemoteRef

if TYPE_CHECKING:
    from sync_core.alerts import Alerter
    from sync_core.engine import Engine

POSTED = "sales_posted_transactions"
PREFIX = "mage-"
LIMITS = {"reference": 20, "second_reference": 20, "narrative": 60}


def build(engine: Engine) -> Sage200Credits | None:
    erp = engine.erp
    if not isinstance(erp, Sage200Connector):
        return None
    options = engine.config.erp.options
    return Sage200Credits(
        erp.client,
        engine.alerter,
        nominal_code=str(options.get("credit_nominal_code") or "4000"),
        tax_code_id=int(options.get("credit_tax_code_id") or 1),
    )


def sage_reference(note: CreditNote) -> str:
    """The memo's reference as it fits Sage's 20-character ``reference``."""
    ref = note.reference.removeprefix(PREFIX)
    _fits(note, "reference", ref)
    return ref


def _fits(note: CreditNote, field: str, value: str) -> None:
    if len(value) > LIMITS[field]:
        raise MappingError(
            note.label, field, f"{value!r} is longer than Sage's {LIMITS[field]} characters"
        )


class Sage200Credits:
    system = "sage200"

    def __init__(
        self,
        client: Sage200Client,
        alerter: Alerter | None,
        nominal_code: str = "4000",
        tax_code_id: int = 1,
    ) -> None:
        self.client = client
        self.alerter = alerter
        self.nominal_code = nominal_code
        self.tax_code_id = tax_code_id

    def find_credit(self, note: CreditNote) -> RemoteRef | None:
        ref = sage_reference(note)
        params = {
            "$filter": f"reference eq {odata_string(ref)}",
            "$select": "id,reference,urn,trader_transaction_type",
            "$orderby": "id",
        }
        for row in self.client.rows(POSTED, params):
            kind = str(row.get("trader_transaction_type") or "").casefold()
            if row.get("reference") == ref and "credit" in kind:
                display = f"URN {row['urn']}" if row.get("urn") else str(row["id"])
                self._restock_alert(note)  # the note exists, however it was found
                return RemoteRef(system=self.system, remote_id=str(row["id"]), display=display)
        return None

    def create_credit(self, note: CreditNote) -> RemoteRef:
        order = self.client.get(
            f"sop_orders/{int(note.erp_order_id)}", {"$select": "id,document_no,customer_id"}
        )
        body = self.body(note, order)
        self.client.post("sales_credit_notes", body)
        found = self.find_credit(note)  # read back: an acknowledged post not kept must not bind
        if found is None:
            raise UnknownOutcome(
                f"sage200 acknowledged the credit note of {note.label} but has no posted "
                f"credit note with reference {body['reference']!r}"
            )
        return found

    def body(self, note: CreditNote, order: dict[str, Any]) -> dict[str, Any]:
        """The ``sales_credit_notes`` body for ``note`` against the Sage order ``order``."""
        items = self._nominal(note)
        goods = sum((Decimal(str(i["value"])) for i in items), Decimal(0))
        if goods <= 0:
            raise InvalidData(f"{note.label} credits no goods value ({goods}) to post in Sage")
        tax = max(Decimal(0), money(note.grand_total - goods))
        second = str(order.get("document_no") or "")
        _fits(note, "second_reference", second)
        return {
            "customer_id": int(order["customer_id"]),
            "reference": sage_reference(note),
            "second_reference": second,
            "document_goods_value": float(goods),
            "document_tax_value": float(tax),
            "nominal_analysis_items": items,
            "tax_analysis_items": [
                {
                    "tax_code_id": self.tax_code_id,
                    "goods_amount": float(goods),
                    "tax_amount": float(tax),
                }
            ],
        }

    def _nominal(self, note: CreditNote) -> list[dict[str, Any]]:
        entries = [
            (f"{line.item_code} x {line.qty.normalize():f}", line.row_total) for line in note.lines
        ]
        if note.shipping:
            entries.append(("Shipping", note.shipping))
        if note.adjustment:
            entries.append(("Adjustment", note.adjustment))
        items = []
        for narrative, value in entries:
            _fits(note, "narrative", narrative)
            items.append(
                {"code": self.nominal_code, "narrative": narrative, "value": float(money(value))}
            )
        return items

    def _restock_alert(self, note: CreditNote) -> None:
        returned = [
            f"{line.qty.normalize():f} x {line.item_code} to {line.location or '?'}"
            for line in note.restocked
        ]
        if not returned or self.alerter is None:
            return
        message = (
            f"{note.label}: return {', '.join(returned)} to stock in Sage 200 by hand (a SOP "
            f"return or stock adjustment); Sage's API cannot move stock in"
        )
        self.alerter.raise_alert(
            Alert(f"sage200:restock:{note.reference}", "manual_restock", message)
        )
