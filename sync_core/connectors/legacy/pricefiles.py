"""Price exports from the ERP's ``outbound/PRICE_*.csv``, checked before anything is used.

Each export is the whole price book with a ``.ctl`` control file written last (contract:
``contracts/legacy/ORDER_FILE.md``, "Price export"). New exports are taken in sequence order
and must pass, in turn:

1. not seen before under this name with this content (a re-dropped export is recognised,
   picked up and ignored, FM-L04);
2. ``validate_control``: interface version, the header row against ``PRICE_EXPORT`` (a renamed
   or reordered column refuses the file, FM-L02), ``ROW_COUNT``, ``SUM_QUANTITY`` and
   ``SUM_AMOUNT`` (FM-L01), and the control file naming this file and its sequence number;
3. every record valid (``price_record_problems``): a bad record refuses the whole file, and
   the refusal names the file, the line and the field. A price book is applied whole or not
   at all: a book with a record left out would look like a price the ERP deleted;
4. its sequence number follows the last one taken (a lower one is an old export and is
   ignored; a skipped one raises a gap alert and the file is still used);
5. its rows differ from an export already applied (a repeat under a new number is ignored).

Refused files stay in ``outbound/`` for a person to look at; the others are picked up
(deleted) once their verdict is stored. While the newest export is a refused one the price
source is broken: every run fails with the refusal (SchemaDrift for a changed layout, else
InvalidData) and nothing of it is applied. Otherwise the newest applied export is offered on
every run (the flow sends only what differs from Magento).

The verdicts live in the engine's store (``versions`` scope ``legacy.price_files``, and three
cursors), so they survive restarts and work with any store backend; alerts go through the
engine's alerter.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from contracts.legacy.layouts import (
    CONTROL_SUFFIX,
    PRICE_EXPORT,
    parse_key_values,
    stem,
    validate_control,
    validate_price_records,
)
from sync_core.alerts import Alert, Alerter
from sync_core.clock import Clock
from sync_core.connectors.legacy.gateway import FileGateway, ready_exports
from sync_core.errors import InvalidData, SchemaDrift
from sync_core.store import Store

AREA = "outbound"
SCOPE = "legacy.price_files"
LAST_SEQ = "legacy.prices.last_seq"
NEWEST = "legacy.prices.newest"
APPLIED = "legacy.prices.applied"
HEADER_WORDS = re.compile(r"columns|interface version")
COUNTED = ("applied", "refused", "repeat")  # verdicts that use up a sequence number


@dataclass(frozen=True)
class PriceFile:
    """The newest applied export: its name, control values and text."""

    name: str
    seq: int
    extracted_at: str
    data: str


class PriceExports:
    def __init__(self, gateway: FileGateway, store: Store, alerter: Alerter, clock: Clock) -> None:
        self.gateway = gateway
        self.store = store
        self.alerter = alerter
        self.clock = clock

    def newest(self) -> PriceFile | None:
        """Take in any new exports, then the newest applied one (None: none yet)."""
        for seq, name in ready_exports(PRICE_EXPORT, self.gateway.names(AREA)):
            self._take(seq, name)
        newest = self._cursor(NEWEST)
        if newest is not None and newest["status"] == "refused":
            kind = SchemaDrift if HEADER_WORDS.search(newest["detail"]) else InvalidData
            raise kind(f"legacy price export {newest['name']} refused: {newest['detail']}")
        applied = self._cursor(APPLIED)
        return None if applied is None else PriceFile(**applied)

    # -- taking one export ------------------------------------------------------------------
    def _take(self, seq: int, name: str) -> None:
        control_name = stem(name) + CONTROL_SUFFIX
        raw = self.gateway.read(AREA, name)
        raw_control = self.gateway.read(AREA, control_name)
        if raw is None or raw_control is None:
            return  # picked up meanwhile
        digest = hashlib.sha256(raw).hexdigest()
        known = self.store.version(SCOPE, f"{name}|{digest}")
        if known is not None:
            if known != "refused":
                self._alert("redrop", name, "an export already taken was dropped again; ignored")
                self._pick_up(name, control_name)
            return
        try:
            data, control = raw.decode("utf-8"), raw_control.decode("utf-8")
        except UnicodeDecodeError as exc:
            verdict, detail = self._refuse(name, f"not UTF-8 ({exc.reason} at byte {exc.start})")
            data = control = ""
        else:
            verdict, detail = self._verdict(seq, name, data, control, digest)
        self._record(seq, name, digest, verdict, detail, data, control)
        if verdict != "refused":
            self._pick_up(name, control_name)

    def _verdict(
        self, seq: int, name: str, data: str, control: str, digest: str
    ) -> tuple[str, str]:
        ok, reason = validate_control(PRICE_EXPORT, control, data)
        values = parse_key_values(control, ",")
        if ok and values.get("FILE_NAME") != name:
            ok, reason = False, f"control file names {values.get('FILE_NAME')!r}"
        if ok and values.get("FILE_SEQUENCE") != f"{seq:06d}":
            ok, reason = False, f"control file sequence {values.get('FILE_SEQUENCE')!r}"
        if ok:
            ok, reason = validate_price_records(name, data)
        if not ok:
            return self._refuse(name, reason)
        last = self._last_seq()
        if last is not None and seq <= last:
            detail = f"sequence {seq} is not after {last}: an old export"
            self._alert("stale", name, detail + "; ignored")
            return "stale", detail
        if last is not None and seq > last + 1:
            missing = ", ".join(str(n) for n in range(last + 1, seq))
            self._alert("sequence_gap", name, f"price export sequence skipped {missing}")
        earlier = self.store.version(SCOPE, f"digest|{digest}")
        if earlier is not None:
            detail = f"same rows as {earlier}"
            self._alert("repeat", name, detail + "; ignored")
            return "repeat", detail
        return "applied", ""

    def _refuse(self, name: str, reason: str) -> tuple[str, str]:
        self._alert("refused", name, f"{reason}; no price of the file was used", "error")
        return "refused", reason

    def _record(
        self, seq: int, name: str, digest: str, verdict: str, detail: str, data: str, control: str
    ) -> None:
        now = self.clock.now()
        marks = {f"{name}|{digest}": verdict}
        if verdict == "applied":
            marks[f"digest|{digest}"] = name
            extracted = parse_key_values(control, ",").get("EXTRACTED_AT", "")
            applied = {"name": name, "seq": seq, "extracted_at": extracted, "data": data}
            self.store.set_cursor(APPLIED, json.dumps(applied), now)
        self.store.set_versions(SCOPE, marks, now)
        if verdict not in COUNTED:
            return
        last = self._last_seq()
        self.store.set_cursor(LAST_SEQ, str(max(seq, last or 0)), now)
        if last is None or seq >= last:  # an old file refused never hides a newer good one
            newest = {"name": name, "seq": seq, "status": verdict, "detail": detail}
            self.store.set_cursor(NEWEST, json.dumps(newest), now)

    # -- helpers ----------------------------------------------------------------------------
    def _last_seq(self) -> int | None:
        value = self.store.cursor(LAST_SEQ)
        return None if value is None else int(value)

    def _cursor(self, name: str) -> dict[str, Any] | None:
        value = self.store.cursor(name)
        found: dict[str, Any] | None = None if value is None else json.loads(value)
        return found

    def _alert(self, kind: str, name: str, detail: str, severity: str = "warning") -> None:
        self.alerter.raise_alert(
            Alert(
                f"legacy:prices:{kind}:{name}",
                f"legacy_price_{kind}",
                f"legacy price export {name}: {detail}",
                severity,
            )
        )

    def _pick_up(self, name: str, control_name: str) -> None:
        self.gateway.delete(AREA, name)
        self.gateway.delete(AREA, control_name)
