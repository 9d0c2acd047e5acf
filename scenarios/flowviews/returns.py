"""Returns as the harness drives and judges them: Magento credit memos made through the
Magento fake's REST API, the ERP's credit notes and returns read from each ERP fake's state
(:mod:`scenarios.flowviews.returns_erps`), and the verdict.

Core Magento does not store ``return_to_stock_items`` on a credit memo (it is an argument of the
refund call); a shop that sends restocks to its ERP runs a module exposing it as the memo's
extension attribute. :func:`refund` with ``restock`` plays that module: it stamps the stored
memo's ``extension_attributes.return_to_stock_items``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from scenarios.world import World

Restock = dict[tuple[str, str, str], Decimal]  # (order increment, sku, ERP location) -> qty


@dataclass(frozen=True)
class CreditDoc:
    """One ERP credit note as the verdict compares it."""

    id: str
    ref: str | None
    order: str
    lines: dict[str, Decimal]
    shipping: Decimal | None
    """None: the ERP's orders carry no shipping line, so neither do its credit notes."""


@dataclass
class MemoView:
    """One Magento credit memo: what any ERP credit note for it must carry."""

    entity_id: int
    increment_id: str
    order: str
    lines: dict[str, Decimal] = field(default_factory=dict)
    shipping: Decimal = Decimal(0)

    @property
    def label(self) -> str:
        return f"credit memo {self.increment_id} of order {self.order}"


def num(value: Any) -> Decimal:
    return Decimal(str(value or 0)).normalize()


def increment_of(ref: str) -> str:
    return ref.rsplit("-", 1)[-1]


# -- Magento actions ---------------------------------------------------------------------------
def magento(world: World, method: str, path: str, body: Any = None) -> Any:
    token = world.magento.credentials()["integration_token"]
    response = requests.request(
        method,
        f"{world.magento.base_url}/rest/V1{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    if response.status_code >= 300:
        raise AssertionError(f"magento {method} {path}: {response.status_code} {response.text}")
    return response.json()


def order_items(world: World, entity_id: int) -> dict[str, int]:
    """SKU -> order item id of the top-level items of a Magento order."""
    order = magento(world, "GET", f"/orders/{entity_id}")
    return {str(i["sku"]): int(i["item_id"]) for i in order["items"] if not i.get("parent_item_id")}


def ship(world: World, entity_id: int, source: str = "default") -> int:
    """Ship the whole order from ``source`` (as the fulfilment flow would)."""
    body = {"arguments": {"extension_attributes": {"source_code": source}}}
    return int(magento(world, "POST", f"/order/{entity_id}/ship", body))


def refund(
    world: World,
    entity_id: int,
    lines: list[tuple[str, int]] | None = None,
    *,
    shipping: float | None = None,
    restock: bool = False,
) -> int:
    """Make a credit memo (``POST /V1/order/{id}/refund``): ``lines`` (sku, qty), or all."""
    ids = order_items(world, entity_id)
    chosen = lines if lines is not None else []
    items = [{"order_item_id": ids[sku], "qty": qty} for sku, qty in chosen]
    arguments: dict[str, Any] = {}
    if shipping is not None:
        arguments["shipping_amount"] = shipping
    returned = [i["order_item_id"] for i in items] if lines is not None else list(ids.values())
    if restock:
        arguments["extension_attributes"] = {"return_to_stock_items": returned}
    body: dict[str, Any] = {"items": items, "arguments": arguments}
    memo_id = int(magento(world, "POST", f"/order/{entity_id}/refund", body))
    if restock:
        backend: Any = world.magento.backend
        with backend.lock:
            stored = backend.sales.creditmemos[memo_id]
            stored["extension_attributes"] = {"return_to_stock_items": returned}
    return memo_id


# -- Magento's credit memos --------------------------------------------------------------------
def memos(world: World) -> list[MemoView]:
    state = world.magento.state()
    orders = {int(o["entity_id"]): o for o in state["orders"]}
    found = []
    for doc in state["creditmemos"]:
        order = orders[int(doc["order_id"])]
        top = {int(i["item_id"]) for i in order["items"] if not i.get("parent_item_id")}
        view = MemoView(
            int(doc["entity_id"]),
            str(doc["increment_id"]),
            str(order["increment_id"]),
            shipping=num(doc.get("shipping_amount")),
        )
        for item in doc.get("items") or []:
            if int(item["order_item_id"]) in top and num(item.get("qty")) > 0:
                sku = str(item["sku"])
                view.lines[sku] = view.lines.get(sku, Decimal(0)) + num(item["qty"])
        found.append(view)
    return found


# -- the verdict -------------------------------------------------------------------------------
def judge_credits(memos_: list[MemoView], docs: list[CreditDoc], refs: dict[int, str]) -> list[str]:
    """Exactly one ERP credit note per Magento credit memo, with its lines and shipping.

    A note is matched to a memo by the memo's reference (``refs``: memo id -> reference); notes
    without a reference are matched to their order's memos, so a careless connector's
    duplicates and whole-order credits show as such."""
    evidence: list[str] = []
    by_order: dict[str, list[MemoView]] = {}
    for memo in memos_:
        by_order.setdefault(memo.order, []).append(memo)
    for order, mine in sorted(by_order.items()):
        notes = [d for d in docs if d.order == order]
        evidence += _judge_order(order, mine, notes, refs)
    return evidence


def _judge_order(
    order: str, mine: list[MemoView], notes: list[CreditDoc], refs: dict[int, str]
) -> list[str]:
    evidence: list[str] = []
    own = {m.entity_id: _fold(refs.get(m.entity_id)) for m in mine}
    loose = [n for n in notes if _fold(n.ref) not in own.values()]
    for memo in mine:
        matched = [n for n in notes if n.ref is not None and _fold(n.ref) == own[memo.entity_id]]
        candidates = matched or (loose if len(mine) == 1 else [])
        if len(candidates) != 1:
            evidence.append(
                f"{memo.label}: expected exactly 1 ERP credit note, found {len(candidates)}"
                + (f" ({', '.join(n.id for n in candidates)})" if candidates else "")
            )
        for note in candidates:
            evidence += _compare(memo, note)
    extra = [n for n in loose if len(mine) != 1]
    if extra:
        evidence.append(
            f"order {order}: {len(extra)} ERP credit note(s) match no Magento credit memo "
            f"({', '.join(n.id for n in extra)})"
        )
    return evidence


def _fold(ref: str | None) -> str | None:
    return None if ref is None else ref.casefold()


def _compare(memo: MemoView, note: CreditDoc) -> list[str]:
    evidence = []
    for sku in sorted(set(memo.lines) | set(note.lines)):
        want, got = memo.lines.get(sku, Decimal(0)), note.lines.get(sku, Decimal(0))
        if want != got:
            evidence.append(
                f"{memo.label}: ERP credit note {note.id} credits {got:f} of {sku}, the memo "
                f"credits {want:f}"
            )
    if note.shipping is not None and memo.shipping != note.shipping:
        evidence.append(
            f"{memo.label}: ERP credit note {note.id} refunds shipping {note.shipping:f}, the "
            f"memo {memo.shipping:f}"
        )
    return evidence


def judge_restock(expected: Restock, found: Restock) -> list[str]:
    evidence = []
    for key in sorted(set(expected) | set(found)):
        order, sku, location = key
        want, got = expected.get(key, Decimal(0)), found.get(key, Decimal(0))
        if want != got:
            evidence.append(
                f"order {order}: {sku} returned to ERP warehouse {location}: expected {want:f}, "
                f"the ERP shows {got:f}"
            )
    return evidence


def judge_restock_handed_over(expected: Restock, alerts: list[dict[str, Any]]) -> list[str]:
    """Where the ERP cannot take goods back into stock: each expected return must be in a
    ``manual_restock`` alert that names its SKU, quantity and warehouse."""
    messages = [str(a.get("message")) for a in alerts if a.get("kind") == "manual_restock"]
    evidence = []
    for (order, sku, location), qty in sorted(expected.items()):
        wanted = (sku, f"{qty.normalize():f} x", location)
        if not any(all(part in m for part in wanted) for m in messages):
            evidence.append(
                f"order {order}: {qty:f} x {sku} should go back to ERP warehouse {location}, "
                f"which the ERP's API cannot do, and no manual_restock alert hands it to a "
                f"person (manual_restock alerts: {messages or 'none'})"
            )
    return evidence
