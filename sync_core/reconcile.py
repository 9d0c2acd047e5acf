"""Reconciliation: compare what Magento has with what the ERP has, record every difference, raise
alerts, and repair what the engine can (an order the ERP lost is sent again).

Orders: every paid Magento order of the window must exist in the ERP under its external
reference (FM-G06); an order Magento considers live must not be cancelled or closed in the ERP
(FM-G16), nor one Magento cancelled still be going in the ERP (FM-D05); an order held in
approval longer than the threshold is reported (FM-N02); connectors that can tell report changes
made to orders inside the ERP (``amended_orders``, FM-SG05). Stock: Magento's quantity per SKU x
source must equal the ERP's (FM-G03). ERP connectors may offer ``order_refs()`` and
``order_states(refs)`` for bulk reads; without them each order is looked up one by one.
``order_states`` answers canonical states: ``open``, ``pending_approval``, ``delivered`` (closed
because fully shipped), ``cancelled`` and ``closed`` (closed by hand with quantity still open);
the last two disagree with a live Magento order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sync_core.alerts import Alert
from sync_core.clock import Clock
from sync_core.config import MappingConfig, Policies
from sync_core.connectors.base import ErpOrders, ErpStock
from sync_core.connectors.magento import MagentoClient
from sync_core.connectors.magento.client import search_params
from sync_core.connectors.magento.mapper import MAGENTO_TIME, parse_time
from sync_core.flows.orders import EXPORT
from sync_core.model import Order
from sync_core.store import Store

# What the checks read of a Magento order: its reference, its state and age, its id for the
# finance documents. Each page asks for just these, not whole orders (``?fields=``).
WINDOW_FIELDS = "items[entity_id,increment_id,store_id,state,created_at],total_count"

LIVE = ("processing", "complete")
CANCELED = "canceled"


@dataclass
class Reconciliation:
    orders_checked: int = 0
    stock_checked: int = 0
    diffs: list[dict[str, Any]] = field(default_factory=list)
    requeued: int = 0

    def alerts(self) -> list[Alert]:
        return [
            Alert(f"reconcile:{d['kind']}:{d['key']}", d["kind"], d["detail"], "error")
            for d in self.diffs
        ]


class Reconciler:
    def __init__(
        self,
        magento: MagentoClient,
        erp: Any,
        store: Store,
        clock: Clock,
        mapping: MappingConfig,
        policies: Policies,
        page_size: int = 100,
    ) -> None:
        self.magento = magento
        self.erp: ErpOrders = erp
        self.stock_source: ErpStock = erp
        self.store = store
        self.clock = clock
        self.mapping = mapping
        self.policies = policies
        self.page_size = page_size
        self.bound: dict[str, dict[str, Any]] = {}

    def run(self, repair: bool = True) -> Reconciliation:
        result = Reconciliation()
        self._orders(result, repair)
        if hasattr(self.erp, "finance_totals"):
            self._finance(result)
        self._stock(result)
        return result

    # -- orders -----------------------------------------------------------------------------
    def _window_pages(self) -> Iterator[list[dict[str, Any]]]:
        """Magento orders of the window that are live or were cancelled in Magento, a page
        at a time."""
        since = self.clock.now() - timedelta(seconds=self.policies.reconcile_window_s)
        groups = [
            [("created_at", since.strftime(MAGENTO_TIME), "gteq")],
            [("state", ",".join((*LIVE, CANCELED)), "in")],
        ]
        page, seen = 1, 0
        while True:
            params = search_params(groups, [("entity_id", "ASC")], self.page_size, page)
            params["fields"] = WINDOW_FIELDS
            items, total = self.magento.search("/orders", params)
            yield items
            seen += len(items)
            if seen >= total or not items:
                return
            page += 1

    def _orders(self, result: Reconciliation, repair: bool) -> None:
        stores = self.magento.store_codes()
        # The time first, the ERP's orders second: an order is bound only after the ERP made
        # it, so every order bound by then is in the ERP's answer read after it. An export
        # that binds meanwhile (a worker beside this scheduler) is checked next time rather
        # than taken for missing and sent again.
        asked_at = self.clock.now()
        refs = self.erp.order_refs() if hasattr(self.erp, "order_refs") else None
        bound: dict[str, dict[str, Any]] = {}
        missing: list[tuple[str, str, dict[str, Any]]] = []
        for page in self._window_pages():
            keys = {f"magento-order:{raw['entity_id']}": raw for raw in page}
            known = self.store.bindings_among(self.erp.system, "order", list(keys))
            for key, raw in keys.items():
                result.orders_checked += 1
                ref = _reference(raw, stores)
                binding = known.get(key)
                if binding is None:
                    continue  # not exported yet: the outbox or the dead-letter queue owns it
                if binding["synced_at"] > asked_at:
                    continue  # bound while the ERP was being read: checked next time
                bound[ref] = raw
                if raw.get("state") == CANCELED:
                    continue
                present = ref in refs if refs is not None else self.erp.find_order(ref) is not None
                if not present:
                    missing.append((ref, key, raw))
        self.bound = bound
        self._missing(result, missing, repair)
        if bound and hasattr(self.erp, "order_states"):
            self._states(result, bound, self.erp.order_states(list(bound)))
        if bound and hasattr(self.erp, "amended_orders"):
            for ref, change in self.erp.amended_orders(list(bound)).items():
                result.diffs.append(
                    {
                        "kind": "erp_amendment",
                        "key": ref,
                        "detail": f"order {bound[ref]['increment_id']} was changed "
                        f"in {self.erp.system}: {change}",
                    }
                )

    def _states(
        self, result: Reconciliation, bound: dict[str, dict[str, Any]], states: dict[str, str]
    ) -> None:
        """Magento live vs ERP cancelled/closed (FM-G16), Magento cancelled vs ERP still going
        (FM-D05), and orders held in approval longer than the threshold (FM-N02)."""
        now = self.clock.now()
        for ref, state in states.items():
            raw = bound[ref]
            where = (
                f"order {raw['increment_id']} is {raw['state']} in Magento but {state} in "
                f"{self.erp.system}"
            )
            stopped = state in ("cancelled", "closed")
            if (raw.get("state") == CANCELED) != stopped:
                result.diffs.append({"kind": "status_mismatch", "key": ref, "detail": where})
            elif state == "pending_approval":
                age = (now - parse_time(str(raw["created_at"]))).total_seconds()
                if age > self.policies.alert_pending_approval_s:
                    result.diffs.append(
                        {
                            "kind": "pending_approval",
                            "key": ref,
                            "detail": f"order {raw['increment_id']} has waited for approval in "
                            f"{self.erp.system} for {age / 3600:.1f} h",
                        }
                    )

    def _missing(
        self, result: Reconciliation, missing: list[tuple[str, str, dict[str, Any]]], repair: bool
    ) -> None:
        """An order the ERP cancelled by deleting it is a disagreement to report, not an order
        to send again; any other missing order is re-sent when ``repair`` is on."""
        states = {}
        if missing and hasattr(self.erp, "order_states"):
            states = self.erp.order_states([ref for ref, _, _ in missing])
        for ref, key, raw in missing:
            if states.get(ref) == "cancelled":
                continue  # reported as a status mismatch below
            result.diffs.append(
                {
                    "kind": "missing_in_erp",
                    "key": ref,
                    "detail": f"order {raw['increment_id']} ({ref}) was exported "
                    f"but is missing in {self.erp.system}",
                }
            )
            if repair and self.store.requeue(EXPORT, key, self.clock.now()):
                result.requeued += 1

    # -- finance documents (FM-S06) ---------------------------------------------------------
    def _finance(self, result: Reconciliation) -> None:
        """Net invoiced and credited per bound order: the ERP's (``finance_totals``) against
        Magento's invoices and credit memos (``subtotal``, goods before tax and shipping).
        An order the ERP has not billed or credited at all is not compared yet (Magento
        invoices on payment, the ERP usually on delivery)."""
        if not self.bound:
            return
        erp_totals = self.erp.finance_totals(list(self.bound))  # type: ignore[attr-defined]
        for ref, erp in sorted(erp_totals.items()):
            raw = self.bound.get(ref)
            if raw is None or not (erp.get("invoiced") or erp.get("credited")):
                continue
            order_id = int(raw["entity_id"])
            magento = {
                "invoiced": _subtotal(self.magento.invoices(order_id)),
                "credited": _subtotal(self.magento.creditmemos(order_id)),
            }
            if all(abs(magento[k] - Decimal(erp.get(k) or 0)) <= CENT for k in magento):
                continue
            result.diffs.append(
                {
                    "kind": "finance_mismatch",
                    "key": ref,
                    "detail": f"order {raw['increment_id']} ({ref}): Magento invoiced "
                    f"{magento['invoiced']} and credited {magento['credited']}, "
                    f"{self.erp.system} invoiced {erp.get('invoiced')} and credited "
                    f"{erp.get('credited')} (net of tax)",
                }
            )

    # -- stock ------------------------------------------------------------------------------
    def _magento_stock(self) -> dict[tuple[str, str], Decimal]:
        levels: dict[tuple[str, str], Decimal] = {}
        page, seen = 1, 0
        while True:
            params = search_params([], [], 500, page)
            items, total = self.magento.search("/inventory/source-items", params)
            for item in items:
                levels[(str(item["sku"]), str(item["source_code"]))] = Decimal(
                    str(item["quantity"])
                )
            seen += len(items)
            if seen >= total or not items:
                return levels
            page += 1

    def _stock(self, result: Reconciliation) -> None:
        magento = self._magento_stock()
        for row in self.stock_source.stock_levels():
            source = self.mapping.source_for(row.location)
            if source is None:
                continue
            sku = self.mapping.sku_for(row.item_code)
            result.stock_checked += 1
            have = magento.get((sku, source))
            if have is not None and have != max(Decimal(0), row.qty):
                result.diffs.append(
                    {
                        "kind": "stock_mismatch",
                        "key": f"{sku}|{source}",
                        "detail": f"stock {sku} @ {source}: Magento {have} but "
                        f"{self.stock_source.system} {row.qty} at {row.location}",
                    }
                )


def _reference(raw: dict[str, Any], stores: dict[int, str]) -> str:
    store = stores.get(int(raw.get("store_id") or 0), str(raw.get("store_id")))
    return Order.model_construct(
        store_code=store, increment_id=str(raw["increment_id"])
    ).external_ref


CENT = Decimal("0.01")


def _subtotal(documents: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(str(d.get("subtotal") or 0)) for d in documents), Decimal(0))
