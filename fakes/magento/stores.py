"""Websites, store groups and store views: the admin scope plus ``default`` and ``eu``.

``/rest/<code>/V1/...`` selects a store view by code; ``all`` selects the admin store (id 0).
Increment ids come from per-store sequences: prefix (empty for store 1, the store id for the
others) followed by nine zero-padded digits, as ``Magento\\SalesSequence`` formats them
(``000000001`` for ``default``, ``2000000001`` for ``eu``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ALL_STORES_CODE = "all"


@dataclass(frozen=True)
class Store:
    id: int
    code: str
    name: str
    website_id: int
    group_id: int
    website_code: str
    website_name: str
    group_name: str
    currency: str
    locale: str
    timezone: str
    sequence_prefix: str

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "website_id": self.website_id,
            "store_group_id": self.group_id,
            "is_active": 1,
        }

    def website(self) -> dict[str, Any]:
        return {
            "id": self.website_id,
            "code": self.website_code,
            "name": self.website_name,
            "default_group_id": self.group_id,
        }

    def group(self) -> dict[str, Any]:
        return {
            "id": self.group_id,
            "website_id": self.website_id,
            "root_category_id": 0 if self.id == 0 else 2,
            "default_store_id": self.id,
            "name": self.group_name,
            "code": "default" if self.id == 0 else f"{self.website_code}_store",
        }

    def config(self, base_url: str) -> dict[str, Any]:
        base = base_url.rstrip("/") + "/"
        secure = "https://" + base.split("://", 1)[-1]
        return {
            "id": self.id,
            "code": self.code,
            "website_id": self.website_id,
            "locale": self.locale,
            "base_currency_code": self.currency,
            "default_display_currency_code": self.currency,
            "timezone": self.timezone,
            "weight_unit": "kgs",
            "base_url": base,
            "base_link_url": base,
            "base_static_url": base + "static/",
            "base_media_url": base + "media/",
            "secure_base_url": secure,
            "secure_base_link_url": secure,
            "secure_base_static_url": secure + "static/",
            "secure_base_media_url": secure + "media/",
        }

    def increment_id(self, number: int) -> str:
        return f"{self.sequence_prefix}{number:09d}"


ADMIN = Store(0, "admin", "Admin", 0, 0, "admin", "Admin", "Default", "GBP", "en_GB",
              "Europe/London", "0")
STORES: tuple[Store, ...] = (
    ADMIN,
    Store(1, "default", "Default Store View", 1, 1, "base", "Main Website",
          "Main Website Store", "GBP", "en_GB", "Europe/London", ""),
    Store(2, "eu", "EU Store View", 2, 2, "eu", "EU Website", "EU Store", "EUR", "de_DE",
          "Europe/Berlin", "2"),
)


def by_code(code: str) -> Store | None:
    for store in STORES:
        if store.code == code and store.id != 0:
            return store
    return ADMIN if code == ALL_STORES_CODE else None


def by_id(store_id: int) -> Store | None:
    for store in STORES:
        if store.id == store_id:
            return store
    return None


def frontend_stores() -> tuple[Store, ...]:
    return tuple(s for s in STORES if s.id != 0)
