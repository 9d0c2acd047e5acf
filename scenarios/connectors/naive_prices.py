"""The naive script's price chore: every cycle it reads the ERP's prices and copies those that
changed since it last sent them straight into Magento (its first run only notes them).

No preview, no approval (a 50 % change goes out like a 1 % one), no snapshot to roll back to,
effective dates ignored (an ERP period discount becomes an undated Magento special price the
moment it is read, and stays), and a 200 from Magento is taken as "all sent": the failed rows
inside the answer are never read, so they are never sent again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

Prices = dict[str, tuple[Decimal, Decimal | None]]  # sku -> (base, special or None)


def _netsuite(erp: Any) -> Prices:
    out: Prices = {}
    records = f"{erp.base}/services/rest/record/v1/inventoryItem"
    listed = erp.session.get(records, auth=erp.auth, timeout=30).json()
    for row in listed.get("items") or []:
        record = erp.session.get(
            f"{records}/{row['id']}",
            params={"fields": "itemId,basePrice"},
            auth=erp.auth,
            timeout=30,
        ).json()
        if record.get("basePrice") is not None:
            out[str(record["itemId"])] = (Decimal(str(record["basePrice"])), None)
    return {**out, **_netsuite_rules(erp)}


def _netsuite_rules(erp: Any) -> Prices:
    """The newest sale price rule entry per item wins at once: its rule's dates are not read."""
    out: Prices = {}
    entries = f"{erp.base}/services/rest/record/v1/salePriceRuleEntry"
    listed = erp.session.get(entries, auth=erp.auth, timeout=30).json()
    for row in listed.get("items") or []:
        entry = erp.session.get(
            f"{entries}/{row['id']}",
            params={"expandSubResources": "true"},
            auth=erp.auth,
            timeout=30,
        ).json()
        breaks = (entry.get("quantityBreaks") or {}).get("items") or []
        if breaks:
            out[str(entry["item"]["refName"])] = (Decimal(str(breaks[0]["rate"])), None)
    return out


def _sap_b1(erp: Any) -> Prices:
    out: Prices = {}
    for item in erp._rows("/Items", {"$select": "ItemCode,ItemPrices"}):
        for row in item.get("ItemPrices") or []:
            if row.get("PriceList") == 1:
                out[str(item["ItemCode"])] = (Decimal(str(row["Price"])), None)
    for special in erp._rows("/SpecialPrices", {}):
        code = str(special.get("ItemCode"))
        areas = special.get("SpecialPriceDataAreas") or []
        if special.get("CardCode") == "*1" and areas and code in out:
            out[code] = (out[code][0], Decimal(str(areas[0]["SpecialPrice"])))
    return out


def _business_central(erp: Any) -> Prices:
    out = {
        str(row["number"]): (Decimal(str(row["unitPrice"])), None)
        for row in erp._values("items", {})
        if row.get("unitPrice") is not None
    }
    return {**out, **_business_central_lines(erp)}


def _business_central_lines(erp: Any) -> Prices:
    """The last price list line per item wins at once: its dates and status are not read."""
    service = (erp.world.connector_options.get("erp_settings") or {}).get("price_list_service")
    if not service:
        return {}
    company = erp.session.get(erp._company(), headers=erp._headers(), timeout=30).json()
    c = erp.creds
    url = (
        f"{erp.world.erp_fake.base_url}/v2.0/{c['tenant']}/{c['environment']}/ODataV4/"
        f"Company('{company['name']}')/{service}"
    )
    response = erp.session.get(url, headers=erp._headers(), timeout=30)
    rows = (response.json().get("value") or []) if response.status_code == 200 else []
    return {str(r["Asset_No"]): (Decimal(str(r["Unit_Price"])), None) for r in rows}


def _sage200(erp: Any) -> Prices:
    """The most recently changed band price per product wins: band dates are not looked at."""
    rows = sorted(erp._list("/product_price_views"), key=lambda r: str(r.get("date_time_updated")))
    return {
        str(row["product_code"]): (Decimal(str(row["product_price_price"])), None)
        for row in rows
        if row.get("product_price_price") is not None
    }


def _s4hana(erp: Any) -> Prices:
    """The newest PPR0 record per material wins: its validity dates are not looked at."""
    out: dict[str, tuple[str, Prices]] = {}
    path = "API_SLSPRICINGCONDITIONRECORD_SRV/A_SlsPrcgCndnRecdValidity"
    params = {"$filter": "ConditionType eq 'PPR0'", "$expand": "to_SlsPrcgConditionRecord"}
    for row in erp._results(path, params):
        record = row.get("to_SlsPrcgConditionRecord") or {}
        number, material = str(row["ConditionRecord"]), str(row["Material"])
        if material not in out or number > out[material][0]:
            price = Decimal(str(record["ConditionRateValue"]))
            out[material] = (number, {material: (price, None)})
    return {m: p[m] for m, (_, p) in out.items()}


def _legacy(erp: Any) -> Prices:
    """The last ``PRICE_*.csv`` in ``outbound/``, read by position without its control file;
    the last ``STD`` row of an item wins, whatever its dates."""
    listing = erp.session.get(f"{erp.base}/files/outbound", auth=erp.auth, timeout=30).json()
    names = sorted(
        str(f["name"])
        for f in listing.get("files") or []
        if str(f["name"]).startswith("PRICE_") and str(f["name"]).endswith(".csv")
    )
    if not names:
        return {}
    url = f"{erp.base}/files/outbound/{names[-1]}"
    data = erp.session.get(url, auth=erp.auth, timeout=30).text
    return {
        row[0]: (Decimal(row[3]), None)
        for row in list(csv.reader(io.StringIO(data)))[1:]
        if len(row) >= 4 and row[1] == "STD"
    }


READERS: dict[str, Callable[[Any], Prices]] = {
    "s4hana": _s4hana,
    "netsuite": _netsuite,
    "sap-b1": _sap_b1,
    "business-central": _business_central,
    "sage200": _sage200,
    "legacy": _legacy,
}


def cycle(naive: Any) -> None:
    reader = READERS.get(naive.world.erp)
    if reader is None:
        return
    current = reader(naive.erp)
    if "prices_sent" not in naive.__dict__:  # first run: take the ERP's prices as the baseline
        naive.prices_sent = current
        return
    sent: Prices = naive.prices_sent
    changed = {sku: p for sku, p in current.items() if sent.get(sku) != p}
    if not changed:
        return
    base = [{"sku": s, "price": float(p[0]), "store_id": 0} for s, p in changed.items()]
    specials = [{"sku": s, "price": float(p[1]), "store_id": 0} for s, p in changed.items() if p[1]]
    response = _post(naive, "base-prices", base)
    if specials:
        _post(naive, "special-price", specials)
    if response.status_code == 200:  # "it worked": the failed rows in the body are not read
        sent.update(changed)


def _post(naive: Any, resource: str, rows: list[dict[str, Any]]) -> Any:
    return naive.session.post(
        f"{naive.world.magento.base_url}/rest/V1/products/{resource}",
        json={"prices": rows},
        headers=naive.magento_headers,
        timeout=30,
    )
