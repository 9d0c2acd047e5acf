"""Stock per item x location from Business Central, and the field-exposure gap behind it (FM-D04).

The standard API v2.0 has no per-location stock: ``items.inventory`` is the company total, and
``itemLedgerEntries`` carries no location code (resource docs ``dynamics_item`` and
``dynamics_itemledgerentry``). Writing totals into one Magento source would be silently wrong
wherever stock sits in more than one location, so the connector reads item ledger entries from
an API route that does expose ``locationCode`` and sums ``quantity`` per item x location:

* ``stock_api`` (credentials), default ``microsoft/analytics/v1.0``: Microsoft's read-only
  Analytics API, whose ``itemLedgerEntries`` carry ``entryNo``, ``itemNo``, ``locationCode`` and
  ``quantity`` (docs ``api-analytics/resources/dynamics_itemledgerentry``). A customer's own API
  page (``publisher/group/version``) with the same four fields works the same way.
* Before the first read (and again after any failure) the route's ``$metadata`` must declare
  those fields with usable types; every answer is checked again row by row, and the whole
  ledger is read before anything is returned, so a page that changes under us (FM-D03) gives
  a clear :class:`~sync_core.errors.SchemaDrift` and no partial write.
* Where the route does not exist (``404``), or ``stock_api`` is ``v2.0``, only the standard
  ledger is left: it is used when the company has at most one location (its total is then that
  location's stock); otherwise :class:`CoverageGap` refuses the run rather than guess.

Version of each figure: ``ile-<highest item ledger entry number behind it>`` (zero-padded so it
sorts as text). The ledger is append-only, so the number grows with every stock movement; the
item's ``lastModifiedDateTime`` does not move when stock is posted, and ledger posting dates can
be back-dated, so neither orders figures.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.business_central.client import SYSTEM, BCClient
from sync_core.errors import RemoteNotFound, SchemaDrift

EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
LEDGER_SET = "itemLedgerEntries"
INTEGER = {"Edm.Int32", "Edm.Int64", "Edm.Decimal"}
NUMBER = {"Edm.Decimal", "Edm.Double", "Edm.Int32", "Edm.Int64"}
STRING = {"Edm.String"}


class CoverageGap(SchemaDrift):
    """The API exposes less than the flow needs (FM-D04): the flow refuses to start."""

    reason = "coverage_gap"


@dataclass(frozen=True)
class LedgerShape:
    """Which fields of a ledger page carry entry number, item, location and quantity."""

    entry: str
    item: str
    quantity: str
    location: str | None

    def needs(self) -> dict[str, set[str]]:
        fields = {self.entry: INTEGER, self.item: STRING, self.quantity: NUMBER}
        if self.location:
            fields[self.location] = STRING
        return fields

    @property
    def select(self) -> str:
        return ",".join(self.needs())


ROUTED = LedgerShape("entryNo", "itemNo", "quantity", "locationCode")
STANDARD = LedgerShape("entryNumber", "itemNumber", "quantity", None)


def version_of(entry_no: int) -> str:
    return f"ile-{entry_no:012d}"


class StockReader:
    def __init__(self, client: BCClient) -> None:
        self.client = client
        self.route = client.settings.stock_api
        self._contract_ok = False

    # -- public -----------------------------------------------------------------------------
    def rows(self) -> list[ErpStockRow]:
        if self.route.lower() == "v2.0" or not self._route_available():
            return self._standard_rows()
        try:
            entries = self._read(self.route, ROUTED)
        except SchemaDrift:
            self._contract_ok = False  # check the page's metadata again next time
            raise
        return _aggregate(entries, ROUTED, None)

    def describe(self) -> str:
        """One line for a fit report: where per-location stock comes from."""
        if self.route.lower() == "v2.0":
            return "standard API v2.0 only: item ledger totals, single-location companies only"
        return f"item ledger entries with locationCode from api/{self.route}"

    # -- the routed page (analytics or custom) ------------------------------------------------
    def _route_available(self) -> bool:
        if self._contract_ok:
            return True
        url = f"{self.client.settings.api_root(self.route)}/$metadata"
        try:
            response = self.client.request("GET", url)
        except RemoteNotFound:
            return False
        self._check_contract(response.text)
        self._contract_ok = True
        return True

    def _check_contract(self, xml: str) -> None:
        where = f"{SYSTEM} api/{self.route} {LEDGER_SET}"
        try:
            root = ET.fromstring(xml)
        except ET.ParseError as exc:
            raise SchemaDrift(f"{where}: $metadata is not valid XML ({exc})") from exc
        properties = _properties(root, LEDGER_SET)
        if properties is None:
            raise SchemaDrift(f"{where}: $metadata declares no such entity set; no stock written")
        for name, types in ROUTED.needs().items():
            declared = properties.get(name)
            if declared is None:
                raise SchemaDrift(
                    f"{where}: the page no longer has the field {name!r} (an extension or API "
                    "update changed it); no stock written"
                )
            if declared not in types:
                raise SchemaDrift(
                    f"{where}: field {name!r} is {declared}, expected one of "
                    f"{', '.join(sorted(types))}; no stock written"
                )

    def _read(self, route: str, shape: LedgerShape) -> list[dict[str, Any]]:
        """The whole ledger, every row checked, before anything is handed on."""
        url = self.client.settings.company_url(LEDGER_SET, route)
        where = f"{SYSTEM} api/{route} {LEDGER_SET}"
        try:
            rows = self.client.collect(url, {"$select": shape.select})
        except SchemaDrift as exc:
            raise SchemaDrift(
                f"{where}: the page changed under us ({exc.message}); no stock written",
                status=exc.status,
            ) from exc
        except RemoteNotFound as exc:
            raise SchemaDrift(
                f"{where}: the page is gone ({exc.message}); no stock written", status=exc.status
            ) from exc
        for index, row in enumerate(rows):
            _check_row(row, shape, f"{where} row {index}")
        return rows

    # -- the standard API ---------------------------------------------------------------------
    def _standard_rows(self) -> list[ErpStockRow]:
        settings = self.client.settings
        locations = self.client.collect(settings.company_url("locations"), {"$select": "code"})
        codes = sorted({str(loc.get("code") or "") for loc in locations})
        if len(codes) > 1:
            raise CoverageGap(
                f"{SYSTEM}: per-location stock is not exposed by the standard API v2.0 "
                "(items.inventory is a company total; itemLedgerEntries has no locationCode) "
                f"and api/{self.route} is not available in environment "
                f"{settings.environment!r}; refusing to put the totals of {len(codes)} "
                f"locations ({', '.join(codes)}) into one source. Install the Analytics API or "
                "an API page with itemLedgerEntries.locationCode and set "
                "erp.credentials.stock_api"
            )
        location = codes[0] if codes else ""
        return _aggregate(self._read("v2.0", STANDARD), STANDARD, location)


# -- helpers --------------------------------------------------------------------------------------
def _properties(root: ET.Element, set_name: str) -> dict[str, str] | None:
    """The properties (name -> Edm type) of the entity type behind ``set_name``."""
    type_name = None
    for entity_set in root.iter(f"{EDM}EntitySet"):
        if entity_set.get("Name") == set_name:
            type_name = entity_set.get("EntityType")
    if type_name is None:
        for nav in root.iter(f"{EDM}NavigationProperty"):
            if nav.get("Name") == set_name:
                type_name = str(nav.get("Type") or "").removeprefix("Collection(").rstrip(")")
    if not type_name:
        return None
    bare = type_name.rsplit(".", 1)[-1]
    for entity_type in root.iter(f"{EDM}EntityType"):
        if entity_type.get("Name") == bare:
            return {
                str(p.get("Name")): str(p.get("Type")) for p in entity_type.iter(f"{EDM}Property")
            }
    return None


def _check_row(row: dict[str, Any], shape: LedgerShape, where: str) -> None:
    for name in shape.needs():
        if name not in row:
            raise SchemaDrift(f"{where}: answer without the field {name!r}; no stock written")
    entry = row[shape.entry]
    if isinstance(entry, bool) or not isinstance(entry, int | float) or entry != int(entry):
        raise SchemaDrift(f"{where}: {shape.entry} is {entry!r}, not an entry number")
    if not isinstance(row[shape.item], str) or not row[shape.item]:
        raise SchemaDrift(f"{where}: {shape.item} is {row[shape.item]!r}, not an item number")
    if shape.location and not isinstance(row[shape.location], str):
        raise SchemaDrift(f"{where}: {shape.location} is {row[shape.location]!r}, not a code")
    _quantity(row[shape.quantity], where)


def _quantity(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise SchemaDrift(f"{where}: quantity is {value!r}, not a number")
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise SchemaDrift(f"{where}: quantity is {value!r}, not a number") from exc


def _aggregate(
    entries: Iterable[dict[str, Any]], shape: LedgerShape, location: str | None
) -> list[ErpStockRow]:
    totals: dict[tuple[str, str], Decimal] = {}
    latest: dict[tuple[str, str], int] = {}
    for row in entries:
        code = location if location is not None else str(row[shape.location or ""])
        key = (str(row[shape.item]), code)
        totals[key] = totals.get(key, Decimal(0)) + _quantity(row[shape.quantity], SYSTEM)
        latest[key] = max(latest.get(key, 0), int(row[shape.entry]))
    return [
        ErpStockRow(item_code=item, location=loc, qty=qty, version=version_of(latest[(item, loc)]))
        for (item, loc), qty in sorted(totals.items())
    ]
