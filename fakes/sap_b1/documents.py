"""Marketing documents: Orders, DeliveryNotes, Invoices, CreditNotes and Returns.

Rules, as Business One applies them:

* lines are numbered from 0; prices come from the line, else the partner's special price valid
  on ``DocDate``, else the partner's price list; ``DocTotal`` is the sum of ``LineTotal`` less
  the header discount (taxes are not modelled: ``VatSum`` is 0);
* *copy from* (``BaseType``/``BaseEntry``/``BaseLine``): a delivery from an order (17), an
  invoice from an order or a delivery (17/15), a credit note from an invoice (13), a return from
  a delivery (15). The base row's ``RemainingOpenQuantity`` goes down; a row closes when nothing
  is left, the base document when every row is closed. Copying more than is open is refused
  unless the ``allow_over_delivery`` option is set;
* stock (``ItemWarehouseInfoCollection``): an order commits, a delivery (or an invoice not based
  on a delivery) takes stock out and releases the order's commitment, a credit note (unless the
  row says ``WithoutInventoryMovement``) and a return put stock back;
* every check runs before anything is written, so a refused document changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakes.sap_b1 import errors
from fakes.sap_b1.store import (
    CLOSED,
    COPY_FROM,
    DOC_KINDS,
    NO,
    OPEN,
    SET_BY_CODE,
    YES,
    B1State,
    DocKind,
    Entity,
    in_period,
)

EPS = 1e-9
PRICING = ("Price", "UnitPrice", "DiscountPercent")
StockKey = tuple[str, str]
BaseKey = tuple[str, int, int]


@dataclass
class Effects:
    """What adding a document does to other records, computed before anything is written."""

    stock: dict[StockKey, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    stock_line: dict[StockKey, int] = field(default_factory=dict)
    bases: dict[BaseKey, float] = field(default_factory=lambda: defaultdict(float))
    base_line: dict[BaseKey, int] = field(default_factory=dict)
    card_code: str = ""
    balance: float = 0.0


def delivered(line: Entity) -> float:
    return float(line["Quantity"]) - float(line.get("RemainingOpenQuantity") or 0.0)


def refresh_totals(doc: Entity) -> None:
    for line in doc["DocumentLines"]:
        line["LineTotal"] = round(line["Price"] * line["Quantity"], 2)
        open_qty = line["RemainingOpenQuantity"] if line.get("LineStatus") == OPEN else 0.0
        line["OpenAmount"] = round(line["Price"] * open_qty, 2)
    subtotal = sum(line["LineTotal"] for line in doc["DocumentLines"])
    discount = round(subtotal * float(doc.get("DiscountPercent") or 0.0) / 100, 2)
    doc["TotalDiscount"] = discount
    doc["DocTotal"] = round(subtotal - discount, 2)


class DocumentLogic(B1State):
    """Create, change, close, cancel and reopen marketing documents."""

    # -- create -------------------------------------------------------------------------------
    def create_document(self, set_name: str, body: Any) -> int:
        kind = DOC_KINDS[set_name]
        header = self.parse_struct("Document", body, None)
        raw_lines = header.pop("DocumentLines", [])
        partner = self._checked_partner(kind, header.get("CardCode"))
        doc = self._new_header(set_name, kind, header, partner)
        parsed = self.parse_rows("DocumentLine", raw_lines, [], "LineNum")
        if not parsed:
            raise errors.no_lines()
        doc["DocumentLines"] = [
            self._build_line(set_name, kind, doc, i, line) for i, line in enumerate(parsed)
        ]
        refresh_totals(doc)
        self._check_transaction_notification(set_name, doc)
        self._check_credit(set_name, doc, partner)
        effects = self._effects(set_name, kind, doc)
        self._apply(effects)
        return self._store_new(set_name, doc)

    def _store_new(self, set_name: str, doc: Entity) -> int:
        entry = self.next_counter(f"{set_name}:DocEntry")
        doc["DocEntry"] = entry
        if doc.get("DocNum") is None:
            doc["DocNum"] = self.next_counter(f"{set_name}:DocNum", int(self.opt("first_doc_num")))
        for line in doc["DocumentLines"]:
            line["DocEntry"] = entry
        self.store[set_name][entry] = doc
        self.touch(set_name, entry)
        return entry

    def _checked_partner(self, kind: DocKind, card_code: Any) -> Entity:
        if not card_code:
            raise errors.bp_missing(kind.table)
        partner = self.partner(card_code)
        if partner is None:
            raise errors.bp_invalid(kind.table, str(card_code))
        if self.is_frozen(partner):
            raise errors.bp_inactive(kind.table, str(card_code))
        return partner

    def is_frozen(self, partner: Entity) -> bool:
        if partner.get("Frozen") != YES:
            return False
        return in_period(self.today(), partner.get("FrozenFrom"), partner.get("FrozenTo"))

    def _new_header(self, set_name: str, kind: DocKind, header: Entity, partner: Entity) -> Entity:
        today = self.today()
        doc_date = header.get("DocDate") or today
        due = header.get("DocDueDate")
        if due is None and set_name == "Orders" and self.opt("require_due_date_on_orders"):
            raise errors.due_date_missing(kind.table)
        currency = header.get("DocCurrency") or partner.get("Currency")
        if currency in (None, "##"):
            currency = self.opt("local_currency")
        doc: Entity = {"DocEntry": None, "DocNum": header.pop("DocNum", None), **header}
        doc.update(
            DocType=header.get("DocType") or "dDocument_Items",
            DocDate=doc_date,
            DocDueDate=due or doc_date,
            TaxDate=header.get("TaxDate") or doc_date,
            CardName=header.get("CardName") or partner.get("CardName"),
            DocCurrency=currency,
            DiscountPercent=float(header.get("DiscountPercent") or 0.0),
            DocumentStatus=OPEN,
            Cancelled=NO,
            DocObjectCode=kind.object_type,
            CreationDate=today,
            UpdateDate=today,
            VatSum=0.0,
        )
        return doc

    # -- lines --------------------------------------------------------------------------------
    def _build_line(
        self, set_name: str, kind: DocKind, doc: Entity, index: int, given: Entity
    ) -> Entity:
        base_type = given.get("BaseType")
        number = index + 1
        if base_type is not None and base_type != -1:
            line = self._copied_line(set_name, kind, doc, number, given)
        else:
            line = self._item_line(kind, doc, number, given)
        line.update(LineNum=index, LineStatus=OPEN, RemainingOpenQuantity=line["Quantity"])
        return line

    def _quantity(self, kind: DocKind, number: int, given: Any, default: float) -> float:
        quantity = float(given) if given is not None else default
        if quantity <= 0:
            raise errors.bad_quantity(kind.lines, number)
        return quantity

    def _line_warehouse(self, kind: DocKind, number: int, code: str) -> str:
        if self.warehouse(code) is None:
            raise errors.warehouse_invalid(kind.lines, number, code)
        return code

    def _item_line(self, kind: DocKind, doc: Entity, number: int, given: Entity) -> Entity:
        code = given.get("ItemCode")
        if not code:
            raise errors.item_missing(number)
        item = self.item(code)
        if item is None:
            raise errors.item_invalid(kind.lines, number, str(code))
        whs = given.get("WarehouseCode") or self.default_warehouse(item)
        line: Entity = {
            **given,
            "ItemCode": code,
            "ItemDescription": given.get("ItemDescription") or item.get("ItemName"),
            "Quantity": self._quantity(kind, number, given.get("Quantity"), 1.0),
            "WarehouseCode": self._line_warehouse(kind, number, whs),
            "BaseType": -1,
            "BaseEntry": None,
            "BaseLine": None,
        }
        self._price_line(line, given, lambda: self.price_for(doc["CardCode"], item, doc["DocDate"]))
        line["Currency"] = doc["DocCurrency"]
        return line

    @staticmethod
    def _price_line(line: Entity, pricing: Entity, fallback: Callable[[], float]) -> None:
        discount = float(pricing.get("DiscountPercent") or 0.0)
        given_price, given_unit = pricing.get("Price"), pricing.get("UnitPrice")
        if given_price is not None and given_unit is not None:
            unit, price = float(given_unit), float(given_price)
        elif given_price is not None:
            price = float(given_price)
            unit = price / (1 - discount / 100) if discount < 100 else price
        else:
            unit = float(given_unit) if given_unit is not None else fallback()
            price = unit * (1 - discount / 100)
        line.update(
            UnitPrice=round(unit, 6),
            Price=round(price, 6),
            PriceAfterVAT=round(price, 6),
            DiscountPercent=discount,
        )

    def _copied_line(
        self, set_name: str, kind: DocKind, doc: Entity, number: int, given: Entity
    ) -> Entity:
        base_row = self._base_row(set_name, kind, doc, number, given)
        if given.get("ItemCode") not in (None, base_row["ItemCode"]):
            raise errors.base_invalid(kind.lines, number, "The item differs from the base row")
        remaining = float(base_row.get("RemainingOpenQuantity") or 0.0)
        whs = given.get("WarehouseCode") or base_row["WarehouseCode"]
        udfs = {k: v for k, v in base_row.items() if k.startswith("U_")}
        line: Entity = {
            **udfs,
            **given,
            "ItemCode": base_row["ItemCode"],
            "ItemDescription": given.get("ItemDescription") or base_row.get("ItemDescription"),
            "Quantity": self._quantity(kind, number, given.get("Quantity"), remaining),
            "WarehouseCode": self._line_warehouse(kind, number, whs),
        }
        pricing = {k: given.get(k) for k in PRICING}
        if all(v is None for v in pricing.values()):
            pricing = {k: base_row.get(k) for k in PRICING}
        self._price_line(line, pricing, lambda: float(base_row.get("UnitPrice") or 0.0))
        line["Currency"] = doc["DocCurrency"]
        return line

    def _base_row(
        self, set_name: str, kind: DocKind, doc: Entity, number: int, given: Entity
    ) -> Entity:
        base_type = given.get("BaseType")
        if base_type not in COPY_FROM[set_name]:
            raise errors.base_invalid(kind.lines, number, f"Invalid base document type {base_type}")
        entry, row_num = given.get("BaseEntry"), given.get("BaseLine")
        if entry is None or row_num is None:
            raise errors.base_invalid(kind.lines, number, "Specify the base document and row")
        base = self.store[SET_BY_CODE[base_type]].get(entry)
        if base is None:
            raise errors.base_invalid(kind.lines, number, f"Base document {entry} does not exist")
        if base["CardCode"] != doc["CardCode"]:
            raise errors.base_card_mismatch()
        if base.get("Cancelled") == YES or base.get("DocumentStatus") != OPEN:
            raise errors.base_invalid(kind.lines, number, "The base document is closed")
        rows: list[Entity] = base["DocumentLines"]
        row = next((r for r in rows if r["LineNum"] == row_num), None)
        if row is None:
            raise errors.base_invalid(kind.lines, number, f"Base row {row_num} does not exist")
        if row.get("LineStatus") != OPEN:
            raise errors.base_invalid(kind.lines, number, "The base document row is closed")
        return row

    # -- effects ------------------------------------------------------------------------------
    def _effects(self, set_name: str, kind: DocKind, doc: Entity) -> Effects:
        effects = Effects(card_code=doc["CardCode"])
        for line in doc["DocumentLines"]:
            base_set = SET_BY_CODE.get(line.get("BaseType") or -1)
            number = line["LineNum"] + 1
            key = (line["ItemCode"], line["WarehouseCode"])
            d_in, d_committed = self._line_stock(set_name, base_set, line)
            effects.stock[key][0] += d_in
            effects.stock[self._commitment_key(base_set, line)][1] += d_committed
            effects.stock_line.setdefault(key, number)
            if base_set is not None:
                base_key = (base_set, int(line["BaseEntry"]), int(line["BaseLine"]))
                effects.bases[base_key] += line["Quantity"]
                effects.base_line.setdefault(base_key, number)
        self._check_bases(kind, effects)
        self._check_negative(kind, effects)
        sign = {"Invoices": 1.0, "CreditNotes": -1.0}.get(set_name, 0.0)
        effects.balance = sign * doc["DocTotal"]
        return effects

    def _inventory_item(self, item_code: str) -> bool:
        item = self.item(item_code)
        return item is not None and item.get("InventoryItem", YES) == YES

    def _line_stock(self, set_name: str, base_set: str | None, line: Entity) -> tuple[float, float]:
        quantity = float(line["Quantity"])
        if not self._inventory_item(line["ItemCode"]):
            return 0.0, 0.0
        if set_name == "Orders":
            return 0.0, quantity
        if set_name == "Invoices" and base_set == "DeliveryNotes":
            return 0.0, 0.0
        if set_name in ("DeliveryNotes", "Invoices"):
            return -quantity, -self._order_release(base_set, line)
        if set_name == "CreditNotes" and line.get("WithoutInventoryMovement") == YES:
            return 0.0, 0.0
        return quantity, 0.0

    def _commitment_key(self, base_set: str | None, line: Entity) -> StockKey:
        """Where the line's commitment lives: the order row's warehouse when copied from one."""
        if base_set == "Orders":
            row = self._row("Orders", line["BaseEntry"], line["BaseLine"])
            return (row["ItemCode"], row["WarehouseCode"])
        return (line["ItemCode"], line["WarehouseCode"])

    def _order_release(self, base_set: str | None, line: Entity) -> float:
        if base_set != "Orders":
            return 0.0
        row = self._row("Orders", line["BaseEntry"], line["BaseLine"])
        return min(float(line["Quantity"]), float(row.get("RemainingOpenQuantity") or 0.0))

    def _row(self, set_name: str, entry: int, line_num: int) -> Entity:
        doc = self.store[set_name][entry]
        row: Entity = next(r for r in doc["DocumentLines"] if r["LineNum"] == line_num)
        return row

    def _check_bases(self, kind: DocKind, effects: Effects) -> None:
        if self.opt("allow_over_delivery"):
            return
        for key, quantity in effects.bases.items():
            row = self._row(*key)
            if quantity > float(row.get("RemainingOpenQuantity") or 0.0) + EPS:
                raise errors.over_quantity(kind.lines, effects.base_line[key])

    def stock_level(self, item_code: str, whs: str) -> float:
        item = self.item(item_code) or {}
        for row in item.get("ItemWarehouseInfoCollection") or []:
            if row.get("WarehouseCode") == whs:
                return float(row.get("InStock") or 0.0)
        return 0.0

    def _check_negative(self, kind: DocKind, effects: Effects) -> None:
        if not self.opt("block_negative_inventory"):
            return
        for key, (d_in, _) in effects.stock.items():
            if d_in < 0 and self.stock_level(*key) + d_in < -EPS:
                raise errors.negative_stock(kind.lines, effects.stock_line[key])

    def _apply(self, effects: Effects) -> None:
        for (item_code, whs), (d_in, d_committed) in effects.stock.items():
            if d_in or d_committed:
                self.move_stock(item_code, whs, d_in, d_committed)
        for (set_name, entry, line_num), quantity in effects.bases.items():
            self._consume_base(set_name, entry, line_num, quantity)
        self.book_balance(effects.card_code, effects.balance)

    def _consume_base(self, set_name: str, entry: int, line_num: int, quantity: float) -> None:
        base = self.store[set_name][entry]
        row = self._row(set_name, entry, line_num)
        remaining = max(0.0, float(row["RemainingOpenQuantity"]) - quantity)
        row["RemainingOpenQuantity"] = round(remaining, 6)
        if remaining <= EPS:
            row["LineStatus"] = CLOSED
        self._after_line_change(set_name, base)

    def _after_line_change(self, set_name: str, doc: Entity) -> None:
        refresh_totals(doc)
        if all(line.get("LineStatus") != OPEN for line in doc["DocumentLines"]):
            doc["DocumentStatus"] = CLOSED
        doc["UpdateDate"] = self.today()
        self.touch(set_name, doc["DocEntry"])

    def book_balance(self, card_code: str, amount: float) -> None:
        partner = self.partner(card_code)
        if partner is None or not amount:
            return
        balance = float(partner.get("CurrentAccountBalance") or 0.0) + amount
        partner["CurrentAccountBalance"] = round(balance, 2)
        self.touch("BusinessPartners", card_code)

    # -- customer checks ----------------------------------------------------------------------
    def _check_transaction_notification(self, set_name: str, doc: Entity) -> None:
        """FM-S01: the duplicate guard many customers add to SBO_SP_TransactionNotification."""
        reference = doc.get("NumAtCard")
        if set_name != "Orders" or not reference:
            return
        if not self.opt("transaction_notification_duplicates"):
            return
        for other in self.store["Orders"].values():
            same = other.get("NumAtCard") == reference and other["CardCode"] == doc["CardCode"]
            if same and other.get("Cancelled") != YES and other.get("DocumentStatus") == OPEN:
                raise errors.transaction_notification(
                    f"(TN) Duplicate customer reference '{reference}' for business partner "
                    f"'{doc['CardCode']}': a document registered with the same source key exists"
                )

    def _check_credit(self, set_name: str, doc: Entity, partner: Entity) -> None:
        limit = float(partner.get("CreditLimit") or 0.0)
        if set_name != "Orders" or not self.opt("enforce_credit_limit") or limit <= 0:
            return
        open_orders = sum(
            line["OpenAmount"]
            for order in self.store["Orders"].values()
            if order["CardCode"] == doc["CardCode"]
            for line in order["DocumentLines"]
        )
        exposure = float(partner.get("CurrentAccountBalance") or 0.0) + open_orders
        if exposure + doc["DocTotal"] > limit + EPS:
            raise errors.credit_limit(doc["CardCode"])
