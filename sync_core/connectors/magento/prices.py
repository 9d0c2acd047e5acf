"""Magento's price storage services for the price flow: read base, tier and special prices of
SKUs as flat ``key -> value`` entries, write and delete them, and say which rows failed.

Keys (see :mod:`sync_core.flows.prices_model`): ``base|SKU`` -> ``{"price"}``,
``tier|SKU|GROUP|QTY`` -> ``{"price"}`` (fixed price, website 0), ``special|SKU`` ->
``{"price", "price_from", "price_to"}`` (store 0). Catalog price scope is global.

Every write answers **200** with the rows that failed (``[{"message", "parameters"}]``), not by
index: a row's failure is found by its values in ``parameters`` (SKU, customer group,
quantity). What was really stored is then read back (:meth:`MagentoPrices.read`), so a failure
that names no row still leaves no item counted as accepted by mistake (FM-G05).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sync_core.connectors.magento.client import MagentoClient

Entry = dict[str, Any]
CHUNK = 100
KINDS = ("base", "tier", "special")


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def tier_key(sku: str, group: str, qty: float) -> str:
    return f"tier|{sku}|{group}|{_qty(qty)}"


def _qty(qty: float) -> str:
    return format(float(qty), "g")


class MagentoPrices:
    """Prices of SKUs in Magento, through ``/V1/products/*-prices`` (and ``special-price``)."""

    def __init__(self, client: MagentoClient) -> None:
        self.client = client

    # -- reads ------------------------------------------------------------------------------
    def read(self, skus: list[str], groups: set[str]) -> tuple[dict[str, Entry], set[str]]:
        """(entries, the SKUs Magento knows). Tiers only of ``groups`` (fixed, website 0)."""
        entries: dict[str, Entry] = {}
        known: set[str] = set()
        for chunk in _chunks(sorted(set(skus))):
            for row in self._info("base-prices-information", chunk):
                known.add(str(row["sku"]))
                entries[f"base|{row['sku']}"] = {"price": float(row["price"])}
            for row in self._info("tier-prices-information", chunk):
                if row.get("price_type") == "fixed" and str(row["customer_group"]) in groups:
                    key = tier_key(str(row["sku"]), str(row["customer_group"]), row["quantity"])
                    entries[key] = {"price": float(row["price"])}
            for row in self._info("special-price-information", chunk):
                if int(row.get("store_id") or 0) == 0:
                    entries[f"special|{row['sku']}"] = {
                        "price": float(row["price"]),
                        "price_from": row.get("price_from") or None,
                        "price_to": row.get("price_to") or None,
                    }
        return entries, known

    def _info(self, resource: str, skus: list[str]) -> list[dict[str, Any]]:
        response = self.client.call("POST", f"/products/{resource}", json={"skus": skus})
        return list(self.client.http.json(response) or [])

    # -- writes -----------------------------------------------------------------------------
    def write(self, changes: list[tuple[str, Entry | None, Entry | None]]) -> dict[str, str]:
        """Apply ``(key, old, new)`` changes (``new`` None deletes). Returns the failure text
        Magento gave per key (only for keys it named); the caller reads back what stuck."""
        failures: dict[str, str] = {}
        for resource, rows, keys in self._requests(changes):
            response = self.client.call("POST", f"/products/{resource}", json={"prices": rows})
            body = self.client.http.json(response)
            for failure in body if isinstance(body, list) else []:
                _attribute(failure, keys, failures)
        return failures

    def _requests(
        self, changes: list[tuple[str, Entry | None, Entry | None]]
    ) -> Iterator[tuple[str, list[Entry], list[str]]]:
        groups: dict[str, tuple[list[Entry], list[str]]] = {}
        for key, old, new in changes:
            kind = key.split("|", 1)[0]
            if new is None and old is None:
                continue
            resource = _resource(kind, delete=new is None)
            if resource is None:
                continue
            rows, keys = groups.setdefault(resource, ([], []))
            rows.append(_row(key, new if new is not None else old or {}))
            keys.append(key)
        for resource, (rows, keys) in groups.items():
            for start in range(0, len(rows), CHUNK):
                yield resource, rows[start : start + CHUNK], keys[start : start + CHUNK]


def _resource(kind: str, delete: bool) -> str | None:
    if kind == "base":
        return None if delete else "base-prices"
    if kind == "tier":
        return "tier-prices-delete" if delete else "tier-prices"
    return "special-price-delete" if delete else "special-price"


def _row(key: str, value: Entry) -> Entry:
    parts = key.split("|")
    kind, sku = parts[0], parts[1]
    if kind == "base":
        return {"price": value["price"], "store_id": 0, "sku": sku}
    if kind == "tier":
        return {
            "price": value["price"],
            "price_type": "fixed",
            "website_id": 0,
            "sku": sku,
            "customer_group": parts[2],
            "quantity": float(parts[3]),
        }
    return {
        "price": value["price"],
        "store_id": 0,
        "sku": sku,
        "price_from": value.get("price_from"),
        "price_to": value.get("price_to"),
    }


def _attribute(failure: Any, keys: list[str], into: dict[str, str]) -> None:
    """Name the keys a failure is about: its parameters carry the row's SKU (and, for tiers,
    the customer group and quantity)."""
    if not isinstance(failure, dict):
        return
    params = [str(p) for p in failure.get("parameters") or []]
    message = _render(str(failure.get("message") or "rejected"), params)
    for key in keys:
        parts = key.split("|")
        if parts[1] not in params:
            continue
        if parts[0] == "tier" and not _tier_matches(parts, params):
            continue
        into[key] = f"{into[key]}; {message}" if key in into else message


def _tier_matches(parts: list[str], params: list[str]) -> bool:
    lowered = {p.lower() for p in params}
    quantities = set()
    for p in params:
        try:
            quantities.add(_qty(float(p)))
        except ValueError:
            continue
    return parts[2].lower() in lowered and parts[3] in quantities


def _render(message: str, params: list[str]) -> str:
    """Magento's ``%1``/``%name`` placeholders filled in order with the parameters."""
    out, index = [], 0
    for word in message.split(" "):
        if word.startswith("%") and index < len(params):
            tail = word.rstrip(".,:")
            out.append(params[index] + word[len(tail) :])
            index += 1
        else:
            out.append(word)
    return " ".join(out)
