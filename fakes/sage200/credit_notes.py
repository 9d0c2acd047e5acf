"""Sales ledger credit notes: ``POST sales_credit_notes`` and ``GET sales_posted_transactions``.

What Sage 200's API offers for a refund (researched for issue 7, FM-T04):

* ``sales_credit_notes`` (Sales API, tag "Sales Credit Notes") posts a credit note straight to
  the sales ledger: a *posted transaction* with header values and analysis, no item lines and
  no stock. Fields after Zynk's "Sage 200 Online Sales Credit Note XML" (which names the API
  documentation as its source) and the posted-transaction schema of ``sales.json``
  [SelectCo/sage200-api-client]: ``customer_id`` (required), ``transaction_date``,
  ``due_date``, ``reference`` and ``second_reference`` (string 20), ``document_goods_value``
  and ``document_tax_value`` (required, 2 dp), ``exchange_rate``, ``settled_immediately``,
  ``discount_days``; ``nominal_analysis_items`` (``code`` 8, ``cost_centre`` 3, ``department``
  3, ``narrative``, ``value``) and ``tax_analysis_items`` (``tax_code_id``, ``goods_amount``,
  ``tax_amount``). The fake requires the analyses to add up to the document values (a posting
  must balance; Sage's exact wording is unconfirmed) and takes the gross value off the
  customer's balance.
* Reading: the schema says ``sales_posted_transactions`` cannot create transactions but lists
  every posted one (``trader_transaction_type``, ``reference``, ``second_reference``,
  ``urn``, values, both analyses). The fake serves it with ``$filter``. Values of a credit
  note are served positive with its type telling it apart (Sage's sign convention on this
  resource is unconfirmed). The type's wire value ``TradingTransactionTypeCreditNote`` is
  unconfirmed too.
* Not in the API: SOP returns are read-only views (``sop_order_return_views``,
  ``sop_return_line_views``), and the Stock API has no stock adjustment (stock transfers and
  stocktakes only). So a return to stock cannot be written through the API; the fake offers
  none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.sage200.errors import BadRequest
from fakes.sage200.fields import FieldType, clean
from fakes.sage200.models import TAX_RATES, ZERO
from fakes.sage200.odata import Resource
from fakes.sage200.wire import money, wire

if TYPE_CHECKING:
    from fakes.sage200.state import Sage200Backend

CREDIT_NOTE = "TradingTransactionTypeCreditNote"
CREDIT_FIELDS: dict[str, FieldType] = {
    "customer_id": FieldType("int"),
    "transaction_date": FieldType("dt"),
    "due_date": FieldType("dt"),
    "reference": FieldType("str", 20),
    "second_reference": FieldType("str", 20),
    "document_goods_value": FieldType("num"),
    "document_tax_value": FieldType("num"),
    "exchange_rate": FieldType("num"),
    "settled_immediately": FieldType("bool"),
    "discount_days": FieldType("int"),
    "nominal_analysis_items": FieldType("arr"),
    "tax_analysis_items": FieldType("arr"),
}
NOMINAL_FIELDS: dict[str, FieldType] = {
    "code": FieldType("str", 8),
    "cost_centre": FieldType("str", 3),
    "department": FieldType("str", 3),
    "narrative": FieldType("str", 60),
    "value": FieldType("num"),
    "transaction_analysis_code": FieldType("str", 20),
}
TAX_FIELDS: dict[str, FieldType] = {
    "tax_code_id": FieldType("int"),
    "goods_amount": FieldType("num"),
    "tax_amount": FieldType("num"),
}
POSTED_KEYS = (
    "id",
    "customer_id",
    "trader_transaction_type",
    "reference",
    "second_reference",
    "queried",
    "transaction_date",
    "posted_date",
    "due_date",
    "discount_days",
    "document_goods_value",
    "document_tax_value",
    "document_gross_value",
    "document_discount_value",
    "document_allocated_value",
    "document_outstanding_value",
    "allocation_status",
    "exchange_rate",
    "settled_immediately",
    "urn",
    "user_name",
    "date_time_created",
    "date_time_updated",
)
POSTED_RESOURCE = Resource(
    fields=frozenset((*POSTED_KEYS, "nominal_analysis_items", "tax_analysis_items"))
)


@dataclass
class PostedCredit:
    id: int
    urn: int
    customer_id: int
    reference: str
    second_reference: str
    transaction_date: datetime
    due_date: datetime
    goods: Decimal
    tax: Decimal
    exchange_rate: Decimal
    settled: bool
    nominal: list[dict[str, Any]] = field(default_factory=list)
    taxes: list[dict[str, Any]] = field(default_factory=list)
    created: datetime | None = None


def create(b: Sage200Backend, body: Any) -> PostedCredit:
    if not isinstance(body, dict):
        raise BadRequest("The request is invalid.")
    data = clean(body, CREDIT_FIELDS)
    for name in ("customer_id", "document_goods_value", "document_tax_value"):
        if name not in data:
            raise BadRequest(f"The {name} field is required.")
    if data["customer_id"] not in b.customers:
        raise BadRequest(f"Customer record with Id {data['customer_id']} not found.")
    goods, tax = money(data["document_goods_value"]), money(data["document_tax_value"])
    if goods < 0 or tax < 0 or goods + tax <= 0:
        raise BadRequest("The document value of a credit note must be greater than zero.")
    nominal = _nominal(data.get("nominal_analysis_items") or [], goods)
    taxes = _taxes(data.get("tax_analysis_items") or [], goods, tax)
    now = b.now()
    record = PostedCredit(
        id=b.next_id("posted_transaction"), urn=b.next_id("urn"),
        customer_id=data["customer_id"], reference=str(data.get("reference") or ""),
        second_reference=str(data.get("second_reference") or ""),
        transaction_date=data.get("transaction_date") or now,
        due_date=data.get("due_date") or data.get("transaction_date") or now, goods=goods,
        tax=tax, exchange_rate=data.get("exchange_rate") or Decimal(1),
        settled=bool(data.get("settled_immediately", False)), nominal=nominal, taxes=taxes,
        created=now,
    )  # fmt: skip
    customer = b.customers[record.customer_id]
    customer.balance -= goods + tax
    customer.updated = now
    b.credits[record.id] = record
    return record


def _nominal(items: list[Any], goods: Decimal) -> list[dict[str, Any]]:
    if not items:
        raise BadRequest("The nominal_analysis_items field is required.")
    found = [clean(_object(item, "nominal_analysis_items"), NOMINAL_FIELDS) for item in items]
    for item in found:
        if not str(item.get("code") or "").strip():
            raise BadRequest("The code field of a nominal analysis item is required.")
        item["value"] = money(item.get("value", ZERO))
    if sum((item["value"] for item in found), ZERO) != goods:
        raise BadRequest("The total of the nominal analysis items must equal the goods value.")
    return found


def _taxes(items: list[Any], goods: Decimal, tax: Decimal) -> list[dict[str, Any]]:
    if not items:
        raise BadRequest("The tax_analysis_items field is required.")
    found = [clean(_object(item, "tax_analysis_items"), TAX_FIELDS) for item in items]
    for item in found:
        code = item.get("tax_code_id")
        if code not in TAX_RATES:
            raise BadRequest(f"Tax code record with Id {code} not found.")
        item["goods_amount"] = money(item.get("goods_amount", ZERO))
        item["tax_amount"] = money(item.get("tax_amount", ZERO))
    if sum((i["goods_amount"] for i in found), ZERO) != goods:
        raise BadRequest("The total of the tax analysis goods amounts must equal the goods value.")
    if sum((i["tax_amount"] for i in found), ZERO) != tax:
        raise BadRequest("The total of the tax analysis tax amounts must equal the tax value.")
    return found


def _object(item: Any, name: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise BadRequest(f"The value of '{name}' is not a valid arr.")
    return item


def render(record: PostedCredit) -> dict[str, Any]:
    """The credit note as ``sales_posted_transactions`` (and the POST's answer) show it."""
    gross = record.goods + record.tax
    return wire({  # type: ignore[no-any-return]
        "id": record.id, "customer_id": record.customer_id,
        "trader_transaction_type": CREDIT_NOTE, "reference": record.reference,
        "second_reference": record.second_reference, "queried": " ",
        "transaction_date": record.transaction_date, "posted_date": record.created,
        "due_date": record.due_date, "discount_days": 0,
        "document_goods_value": record.goods, "document_tax_value": record.tax,
        "document_gross_value": gross, "document_discount_value": ZERO,
        "document_allocated_value": ZERO, "document_outstanding_value": gross,
        "allocation_status": "Full" if record.settled else "None",
        "exchange_rate": record.exchange_rate, "settled_immediately": record.settled,
        "urn": record.urn, "user_name": "API",
        "nominal_analysis_items": [_nominal_row(item) for item in record.nominal],
        "tax_analysis_items": [_tax_row(item) for item in record.taxes],
        "date_time_created": record.created, "date_time_updated": record.created,
    })  # fmt: skip


def _nominal_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": item.get("code"), "cost_centre": item.get("cost_centre", ""),
        "department": item.get("department", ""), "narrative": item.get("narrative", ""),
        "value": item["value"], "base_value": item["value"],
        "transaction_analysis_code": item.get("transaction_analysis_code"),
        "source": "Sales Ledger",
    }  # fmt: skip


def _tax_row(item: dict[str, Any]) -> dict[str, Any]:
    code = int(item["tax_code_id"])
    return {
        "id": code, "code": code, "name": TAX_RATES[code][0], "entry_type": "Sales",
        "goods_amount": item["goods_amount"], "tax_amount": item["tax_amount"],
        "tax_discount_amount": ZERO,
    }  # fmt: skip


def rows(b: Sage200Backend) -> list[dict[str, Any]]:
    return [render(record) for record in sorted(b.credits.values(), key=lambda r: r.id)]
