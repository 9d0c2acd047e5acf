"""Price import, ERP -> Magento (the default owner; ``flows.prices.source_of_truth``): base
prices, tier prices per customer group (``mapping.price_lists``) and special prices with their
dates, as previewable, approvable, auditable and reversible batches.

A run reads the ERP's prices (the connector package's ``prices.build(engine)``), works out
what Magento should hold now (:func:`~sync_core.flows.prices_model.desired`), reads what it
holds, and batches the difference:

- a change above ``policies.price_approval_pct`` holds the whole batch (``pending_approval``,
  an alert raised); nothing is applied until an operator approves it (FM-T06);
- before an apply, Magento's current value of every item is kept as the batch's snapshot, so
  :meth:`PricesFlow.rollback` restores it exactly; a rolled-back price is not sent again until
  the ERP's price changes;
- Magento answers 200 with per-row failures (FM-G05): each item's outcome is read back and
  recorded (accepted + rejected + pending = submitted); a rejected item is retried by the next
  run and dead-lettered with Magento's reason (an alert) after ``MAX_REJECTIONS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sync_core.alerts import Alert
from sync_core.connectors.magento.prices import MagentoPrices
from sync_core.connectors.registry import flow_module
from sync_core.errors import PermanentError, SchemaDrift
from sync_core.flows.prices_model import Change, PriceSource, desired, diff, same
from sync_core.price_batches import PriceBatches
from sync_core.store import Job

if TYPE_CHECKING:
    from sync_core.engine import Engine

FLOW = "prices.import"
ENTITY = "prices"
DEFAULT_EVERY_S = 3600.0  # hourly unless flows.prices.every_s says otherwise
MAX_REJECTIONS = 3
T = TypeVar("T")


@dataclass
class PriceRun:
    """What one run did."""

    batch: int | None = None
    status: str = "unchanged"
    counts: dict[str, int] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)


def source_for(engine: Engine) -> PriceSource | None:
    """The ERP's price reader from ``sync_core.connectors.<pkg>.prices``, None when absent."""
    module = flow_module(engine.config.erp.kind, "prices")
    found: PriceSource | None = None if module is None else module.build(engine)
    return found


def attach(engine: Engine) -> PricesFlow | None:
    settings = engine.config.flow(ENTITY)
    if not settings.enabled or settings.owner(ENTITY) != "erp":
        return None
    source = source_for(engine)
    return None if source is None else PricesFlow(engine, source)


class PricesFlow:
    name = FLOW

    def __init__(self, engine: Engine, source: PriceSource) -> None:
        self.engine = engine
        self.source = source
        self.magento = MagentoPrices(engine.magento)
        self.batches = PriceBatches(engine.store)
        self.every_s = engine.config.flow(ENTITY).every_s or DEFAULT_EVERY_S
        self.system: str | None = engine.erp.system
        self.threshold = engine.config.policies.price_approval_pct

    def handlers(self) -> Mapping[str, Callable[[Job], str]]:
        return {}

    # -- the scheduled run ------------------------------------------------------------------
    def run(self, fence: tuple[str, int] | None = None) -> PriceRun:
        for batch in self.batches.batches(("approved",)):
            self.apply(int(batch["id"]))
        changes = self.preview()
        result = PriceRun(changes=changes)
        if changes:
            result = self._batch(changes)
        self._settle_alerts()
        return result

    def preview(self) -> list[Change]:
        """The diff Magento would get now, before anything is stored or applied."""
        prices = _parsed(f"{self.system} prices", self.source.read)
        groups = {p.group for p in prices if p.kind == "tier" and p.group}
        now = self.engine.clock.now()
        wanted = desired(prices, now)
        skus = sorted({p.sku for p in prices})
        current, known = _parsed("magento prices", lambda: self.magento.read(skus, groups))
        changes = diff(wanted, current, self.source.kinds, known, now)
        return [c for c in changes if not self._suppressed(c)]

    def _suppressed(self, change: Change) -> bool:
        """A rolled-back or dead-lettered target is not sent again until the ERP changes."""
        return any(
            same(item["new"], change.new)
            and (item["status"] == "rolled_back" or item["disposition"] == "dead")
            for item in self.batches.history(change.key)
        )

    def _batch(self, changes: list[Change]) -> PriceRun:
        now = self.engine.clock.now()
        held = [c for c in changes if c.change_pct > self.threshold and not self._approved(c)]
        waiting = self.batches.batches(("pending_approval",))
        for batch in waiting:
            if _targets(self.batches.items(int(batch["id"]))) == _targets(changes):
                return PriceRun(int(batch["id"]), "pending_approval", changes=changes)
            self.batches.set_status(int(batch["id"]), "superseded", now, "the ERP moved on")
        max_pct = max(c.change_pct for c in changes)
        status = "pending_approval" if held else "preview"
        batch_id = self.batches.create([c.as_item() for c in changes], status, max_pct, now)
        self._audit(batch_id, "batch", status, f"{len(changes)} change(s), max {max_pct}%")
        if held:
            worst = max(held, key=lambda c: c.change_pct)
            self.batches.set_status(
                batch_id,
                status,
                now,
                f"{len(held)} change(s) above {self.threshold}%: {worst.key} moves "
                f"{worst.change_pct}%",
            )
            return PriceRun(batch_id, status, self.batches.counts(batch_id), changes)
        return self.apply(batch_id, changes)

    def _approved(self, change: Change) -> bool:
        """The same target was already approved (a retry of a rejected item)."""
        return any(
            same(item["new"], change.new) and item["status"] in ("approved", "applied")
            for item in self.batches.history(change.key)
        )

    # -- apply, approve, rollback -----------------------------------------------------------
    def apply(self, batch_id: int, changes: list[Change] | None = None) -> PriceRun:
        """Snapshot Magento's values of the batch's items, write them, read back each item's
        outcome and record it."""
        items = self.batches.items(batch_id)
        keys = [str(i["key"]) for i in items]
        before = self._values(keys)
        now = self.engine.clock.now()
        snapshot = {key: before.get(key) for key in keys}
        self.batches.set_status(batch_id, "applying", now, snapshot=snapshot)
        failures = self.magento.write(
            [(str(i["key"]), before.get(i["key"]), i["new"]) for i in items]
        )
        after = self._values(keys)
        for item in items:
            self._outcome(item, after.get(str(item["key"])), failures.get(str(item["key"])))
        counts = self.batches.counts(batch_id)
        status = "applied" if not counts["rejected"] else "applied_partially"
        detail = ", ".join(f"{k} {v}" for k, v in counts.items())
        self.batches.set_status(batch_id, "applied", self.engine.clock.now(), detail)
        self._audit(batch_id, "apply", status, detail)
        return PriceRun(batch_id, status, counts, changes or [])

    def _values(self, keys: list[str]) -> dict[str, Any]:
        skus = sorted({k.split("|")[1] for k in keys})
        groups = {k.split("|")[2] for k in keys if k.startswith("tier|")}
        return _parsed("magento prices", lambda: self.magento.read(skus, groups))[0]

    def _outcome(self, item: dict[str, Any], now_holds: Any, failure: str | None) -> None:
        now = self.engine.clock.now()
        key = str(item["key"])
        if same(now_holds, item["new"]):
            self.batches.set_outcome(int(item["id"]), "accepted", now)
            self.engine.store.record(FLOW, key, "apply", "accepted", _text(item), now)
            return
        reason = failure or "Magento answered 200 but did not store it"
        rejections = 1
        for past in self.batches.history(key):
            if past["disposition"] == "replayed":
                rejections = 1
            elif past["outcome"] == "rejected" and same(past["new"], item["new"]):
                rejections += 1
        disposition = "dead" if rejections >= MAX_REJECTIONS else "retry"
        self.batches.set_outcome(int(item["id"]), "rejected", now, reason, disposition)
        detail = f"{_text(item)}: {reason} (rejection {rejections}, {disposition})"
        self.engine.store.record(FLOW, key, "apply", "rejected", detail, now)

    def approve(self, batch_id: int, apply: bool = True) -> PriceRun:
        """An operator approves a held batch; it is applied now (or by the next run)."""
        batch = self._require(batch_id, ("pending_approval",))
        self.batches.set_status(int(batch["id"]), "approved", self.engine.clock.now())
        self._audit(batch_id, "approve", "approved", "by operator")
        result = self.apply(batch_id) if apply else PriceRun(batch_id, "approved")
        self._settle_alerts()
        return result

    def rollback(self, batch_id: int) -> PriceRun:
        """Put back Magento's values from before the batch, for every item it changed."""
        batch = self._require(batch_id, ("applied",))
        snapshot: dict[str, Any] = dict(batch.get("snapshot") or {})
        accepted = [i for i in self.batches.items(batch_id) if i["outcome"] == "accepted"]
        keys = [str(i["key"]) for i in accepted]
        current = self._values(keys)
        failures = self.magento.write([(k, current.get(k), snapshot.get(k)) for k in keys])
        after = self._values(keys)
        wrong = [k for k in keys if not same(after.get(k), snapshot.get(k))]
        now = self.engine.clock.now()
        if wrong:
            reasons = "; ".join(f"{k}: {failures.get(k, 'not restored')}" for k in wrong)
            self._audit(batch_id, "rollback", "failed", reasons)
            raise PermanentError(f"price batch {batch_id}: rollback incomplete: {reasons}")
        self.batches.set_status(batch_id, "rolled_back", now, f"{len(keys)} item(s) restored")
        self._audit(batch_id, "rollback", "rolled_back", f"{len(keys)} item(s) restored")
        return PriceRun(batch_id, "rolled_back", self.batches.counts(batch_id))

    def replay(self, keys: list[str] | None = None) -> int:
        """Release dead-lettered prices (of ``keys``, or all): the next run sends them again,
        and counts their rejections afresh."""
        released = self.batches.release(keys, self.engine.clock.now())
        self._audit(0, "replay", "released", f"{released} dead-lettered price(s)")
        self._settle_alerts()
        return released

    def _require(self, batch_id: int, statuses: tuple[str, ...]) -> dict[str, Any]:
        batch = self.batches.batch(batch_id)
        if batch is None:
            raise PermanentError(f"price batch {batch_id} does not exist")
        if batch["status"] not in statuses:
            raise PermanentError(
                f"price batch {batch_id} is {batch['status']}, expected {' or '.join(statuses)}"
            )
        return batch

    # -- audit and alerts -------------------------------------------------------------------
    def _audit(self, batch_id: int, action: str, outcome: str, detail: str) -> None:
        self.engine.store.record(
            FLOW, f"batch:{batch_id}", action, outcome, detail, self.engine.clock.now()
        )

    def _settle_alerts(self) -> None:
        alerter = self.engine.alerter
        alerter.settle(
            "prices:approval:",
            [
                Alert(
                    f"prices:approval:{b['id']}",
                    "price_approval",
                    f"price batch {b['id']} waits for approval: {b['detail']}",
                )
                for b in self.batches.batches(("pending_approval",))
            ],
        )
        alerter.settle("prices:dead:", [_dead_alert(i) for i in self._open_dead()])

    def _open_dead(self) -> list[dict[str, Any]]:
        latest: dict[str, dict[str, Any]] = {}
        for item in self.batches.dead():
            latest[str(item["key"])] = item
        return [i for k, i in latest.items() if self.batches.history(k)[-1]["id"] == i["id"]]


def _parsed(what: str, read: Callable[[], T]) -> T:
    """A reader's answer; an answer of the wrong shape is schema drift, not a crash."""
    try:
        return read()
    except (KeyError, IndexError, TypeError, ValueError, ArithmeticError) as exc:
        raise SchemaDrift(f"{what}: unexpected answer ({exc!r})") from exc


def _targets(items: list[Any]) -> set[str]:
    out = set()
    for item in items:
        key, new = (item["key"], item["new"]) if isinstance(item, dict) else (item.key, item.new)
        out.add(f"{key}={sorted((new or {}).items())}")
    return out


def _text(item: dict[str, Any]) -> str:
    return f"{item['key']}: {item['old']} -> {item['new']}"


def _dead_alert(item: dict[str, Any]) -> Alert:
    return Alert(
        f"prices:dead:{item['key']}",
        "price_dead_letter",
        f"price {item['key']} -> {item['new']} dead-lettered after {MAX_REJECTIONS} "
        f"rejections: {item['reason']}",
        "error",
    )
