"""Changing documents after they are added: PATCH, and the bound actions Close/Cancel/Reopen.

PATCH merges ``DocumentLines`` by ``LineNum`` (lines left out stay) unless the request carries
``B1S-ReplaceCollectionsOnPatch: true``, in which case lines left out are removed. Only open
orders take line changes: a delivered quantity can neither be removed nor undercut, and posted
documents (deliveries, invoices, credit notes, returns) only take header changes. An order's
stock commitment follows its open rows through every change.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fakes.sap_b1 import errors
from fakes.sap_b1.documents import EPS, PRICING, DocumentLogic, delivered, refresh_totals
from fakes.sap_b1.store import CLOSED, DOC_KINDS, OPEN, YES, DocKind, Entity

LOCKED_HEADER = ("CardCode",)


class DocumentChanges(DocumentLogic):
    # -- PATCH --------------------------------------------------------------------------------
    def update_document(self, set_name: str, key: int, body: Any, replace: bool) -> None:
        kind = DOC_KINDS[set_name]
        doc = self.entity(set_name, key)
        if doc.get("Cancelled") == YES or doc.get("DocumentStatus") != OPEN:
            raise errors.document_closed()
        header = self.parse_struct("Document", body, doc)
        raw_lines = header.pop("DocumentLines", None)
        for name in LOCKED_HEADER:
            if name in header and header[name] != doc.get(name):
                raise errors.field_locked(name)
        lines = None
        if raw_lines is not None:
            if set_name != "Orders":
                raise errors.posted_lines(kind.lines)
            parsed = self.parse_rows("DocumentLine", raw_lines, doc["DocumentLines"], "LineNum")
            lines = self._merged_lines(kind, doc, parsed, replace)
        before = self._commitments(set_name, doc)
        doc.update(header)
        if lines is not None:
            doc["DocumentLines"] = lines
        self._move_commitments(before, self._commitments(set_name, doc))
        self._after_line_change(set_name, doc)

    def _merged_lines(
        self, kind: DocKind, doc: Entity, parsed: list[Entity], replace: bool
    ) -> list[Entity]:
        existing = {line["LineNum"]: line for line in doc["DocumentLines"]}
        result = {} if replace else {num: dict(line) for num, line in existing.items()}
        next_num = max(existing, default=-1) + 1
        for given in parsed:
            num = given.get("LineNum")
            if num in existing:
                result[num] = self._changed_line(kind, doc, existing[num], given)
                continue
            fresh = {k: v for k, v in given.items() if k != "LineNum"}
            result[next_num] = self._build_line("Orders", kind, doc, next_num, fresh)
            next_num += 1
        for num, old in existing.items():
            if num not in result and delivered(old) > EPS:
                raise errors.line_locked(kind.lines, num + 1)
        return [result[num] for num in sorted(result)]

    def _changed_line(self, kind: DocKind, doc: Entity, old: Entity, given: Entity) -> Entity:
        number = old["LineNum"] + 1
        changes = {k: v for k, v in given.items() if old.get(k) != v}
        if not changes:
            return dict(old)
        if old.get("LineStatus") != OPEN:
            raise errors.line_locked(kind.lines, number)
        done = delivered(old)
        if done > EPS and ({"ItemCode", "WarehouseCode"} & set(changes)):
            raise errors.line_locked(kind.lines, number)
        line = {**old, **changes}
        if "WarehouseCode" in changes:
            self._line_warehouse(kind, number, str(changes["WarehouseCode"]))
        if "Quantity" in changes:
            quantity = self._quantity(kind, number, changes["Quantity"], 1.0)
            if quantity < done - EPS:
                raise errors.line_locked(kind.lines, number)
            line["RemainingOpenQuantity"] = round(quantity - done, 6)
        self._reprice(kind, doc, number, line, old, changes)
        return line

    def _reprice(
        self, kind: DocKind, doc: Entity, number: int, line: Entity, old: Entity, changes: Entity
    ) -> None:
        item_changed = "ItemCode" in changes
        if not item_changed and not (set(PRICING) & set(changes)):
            return
        pricing = {k: changes.get(k) for k in PRICING}
        if pricing["DiscountPercent"] is None:
            pricing["DiscountPercent"] = old.get("DiscountPercent")
        if not item_changed and pricing["Price"] is None and pricing["UnitPrice"] is None:
            pricing["UnitPrice"] = old.get("UnitPrice")
        item = self.item(line["ItemCode"])
        if item is None:
            raise errors.item_invalid(kind.lines, number, str(line["ItemCode"]))
        if item_changed and "ItemDescription" not in changes:
            line["ItemDescription"] = item.get("ItemName")
        card, on = doc["CardCode"], doc["DocDate"]
        self._price_line(line, pricing, lambda: self.price_for(card, item, on))

    def _commitments(self, set_name: str, doc: Entity) -> dict[tuple[str, str], float]:
        found: dict[tuple[str, str], float] = defaultdict(float)
        if set_name != "Orders" or doc.get("Cancelled") == YES:
            return found
        for line in doc["DocumentLines"]:
            if line.get("LineStatus") == OPEN and self._inventory_item(line["ItemCode"]):
                found[(line["ItemCode"], line["WarehouseCode"])] += line["RemainingOpenQuantity"]
        return found

    def _move_commitments(
        self, before: dict[tuple[str, str], float], after: dict[tuple[str, str], float]
    ) -> None:
        for key in sorted(set(before) | set(after)):
            delta = after.get(key, 0.0) - before.get(key, 0.0)
            if abs(delta) > EPS:
                self.move_stock(key[0], key[1], committed=delta)

    # -- bound actions ------------------------------------------------------------------------
    def document_action(self, set_name: str, key: int, action: str) -> None:
        handlers = {"close": self._close, "cancel": self._cancel, "reopen": self._reopen}
        handler = handlers.get(action.lower())
        if handler is None:
            raise errors.resource_not_found(action)
        doc = self.entity(set_name, key)
        before = self._commitments(set_name, doc)
        handler(set_name, doc)
        self._move_commitments(before, self._commitments(set_name, doc))
        refresh_totals(doc)
        doc["UpdateDate"] = self.today()
        self.touch(set_name, key)

    @staticmethod
    def _close(set_name: str, doc: Entity) -> None:
        if doc.get("Cancelled") == YES or doc.get("DocumentStatus") != OPEN:
            raise errors.document_closed()
        for line in doc["DocumentLines"]:
            line["LineStatus"] = CLOSED
        doc["DocumentStatus"] = CLOSED

    def _cancel(self, set_name: str, doc: Entity) -> None:
        if set_name != "Orders":
            raise errors.not_supported()
        if doc.get("Cancelled") == YES or doc.get("DocumentStatus") != OPEN:
            raise errors.document_closed()
        if any(delivered(line) > EPS for line in doc["DocumentLines"]):
            raise errors.has_targets()
        self._close(set_name, doc)
        doc["Cancelled"] = YES
        doc["CancelStatus"] = "csYes"

    @staticmethod
    def _reopen(set_name: str, doc: Entity) -> None:
        if doc.get("Cancelled") == YES:
            raise errors.document_closed()
        if doc.get("DocumentStatus") == OPEN:
            raise errors.document_not_closed()
        reopened = [line for line in doc["DocumentLines"] if line["RemainingOpenQuantity"] > EPS]
        if not reopened:
            raise errors.nothing_to_reopen()
        for line in reopened:
            line["LineStatus"] = OPEN
        doc["DocumentStatus"] = OPEN
