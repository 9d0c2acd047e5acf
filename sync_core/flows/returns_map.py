"""Mapping a Magento credit memo to a :class:`CreditNote`, and checking it can be mapped.

* Lines: every memo item with a positive ``qty`` whose order item is a top-level item (the
  children of configurable and bundle items are credited under their parent, as orders are
  exported); the SKU maps to an ERP item through ``mapping.item_code``; price is the order
  item's net unit price, ``row_total`` and ``tax_amount`` are the memo item's.
* Return to stock (``policies.returns_restock``): ``magento`` follows the memo
  (:func:`~sync_core.connectors.magento.returns.return_to_stock`), ``always`` restocks every
  shipped line (Magento's "automatically return credit memo item to stock"), ``never`` none.
  A restocked line returns to the ERP warehouse mapped (``mapping.locations``) from the Magento
  source it was shipped from; a line never shipped has nothing to return.
* Shipping is the memo's ``shipping_amount``; the adjustment is ``adjustment``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sync_core.config import MappingConfig
from sync_core.connectors.magento.returns import return_to_stock
from sync_core.errors import MappingError
from sync_core.flows.returns_model import CreditLine, CreditNote, reference

DEFAULT_SOURCE = "default"


def _num(record: str, field: str, value: Any) -> Decimal:
    try:
        return Decimal(str(value if value is not None else 0))
    except InvalidOperation as exc:
        raise MappingError(record, field, f"is not a number: {value!r}") from exc


def shipped_from(shipments: list[dict[str, Any]]) -> dict[int, str]:
    """Order item id -> the Magento source it was (first) shipped from."""
    found: dict[int, str] = {}
    for shipment in sorted(shipments, key=lambda s: int(s.get("entity_id") or 0)):
        source = (shipment.get("extension_attributes") or {}).get("source_code") or DEFAULT_SOURCE
        for item in shipment.get("items") or []:
            found.setdefault(int(item["order_item_id"]), str(source))
    return found


def restock_items(memo: dict[str, Any], policy: str) -> set[int] | None:
    """Order item ids to return to stock; None means every line (``always``)."""
    if policy == "always":
        return None
    if policy == "never":
        return set()
    return return_to_stock(memo) or set()


class CreditMapper:
    def __init__(self, mapping: MappingConfig, restock_policy: str = "magento") -> None:
        self.mapping = mapping
        self.restock_policy = restock_policy

    def note(
        self,
        memo: dict[str, Any],
        order: dict[str, Any],
        shipments: list[dict[str, Any]],
        store_code: str,
        binding: dict[str, Any],
    ) -> CreditNote:
        increment = str(memo.get("increment_id") or memo.get("entity_id"))
        record = f"credit memo {increment} of order {order.get('increment_id')}"
        lines = self.lines(record, memo, order, shipments)
        if not lines and not _num(record, "grand_total", memo.get("grand_total")):
            raise MappingError(record, "items", "credits nothing")
        return CreditNote(
            creditmemo_id=int(memo["entity_id"]),
            increment_id=increment,
            reference=reference(store_code, increment),
            order_entity_id=int(order["entity_id"]),
            order_increment_id=str(order.get("increment_id")),
            order_ref=str(binding.get("external_ref") or ""),
            erp_order_id=str(binding["remote_id"]),
            lines=tuple(lines),
            shipping=_num(record, "shipping_amount", memo.get("shipping_amount")),
            adjustment=_num(record, "adjustment", memo.get("adjustment")),
            grand_total=_num(record, "grand_total", memo.get("grand_total")),
            currency=str(memo.get("order_currency_code") or order.get("order_currency_code")),
            customer_email=str(order.get("customer_email") or ""),
        )

    def lines(
        self,
        record: str,
        memo: dict[str, Any],
        order: dict[str, Any],
        shipments: list[dict[str, Any]],
    ) -> list[CreditLine]:
        items = {int(i["item_id"]): i for i in order.get("items") or []}
        restock = restock_items(memo, self.restock_policy)
        sources = shipped_from(shipments)
        lines: list[CreditLine] = []
        for index, raw in enumerate(memo.get("items") or []):
            field = f"items[{index}]"
            qty = _num(record, f"{field}.qty", raw.get("qty"))
            item = items.get(int(raw.get("order_item_id") or 0))
            if item is None:
                raise MappingError(record, f"{field}.order_item_id", "is not an item of the order")
            if qty <= 0 or item.get("parent_item_id"):
                continue
            wanted = restock is None or int(item["item_id"]) in restock
            source = sources.get(int(item["item_id"])) if wanted else None
            lines.append(
                CreditLine(
                    order_item_id=int(item["item_id"]),
                    sku=str(item["sku"]),
                    item_code=self.mapping.item_code(str(item["sku"])),
                    qty=qty,
                    price=_num(record, f"{field}.price", item.get("price")),
                    row_total=_num(record, f"{field}.row_total", raw.get("row_total")),
                    tax=_num(record, f"{field}.tax_amount", raw.get("tax_amount")),
                    restock=source is not None,
                    location=self._location(record, field, source),
                )
            )
        return lines

    def _location(self, record: str, field: str, source: str | None) -> str | None:
        if source is None:
            return None
        location = self.mapping.locations.get(source)
        if location is None:
            raise MappingError(
                record,
                f"{field} (return to stock)",
                f"was shipped from source {source!r}, which mapping.locations does not map to "
                "an ERP warehouse",
            )
        return location
