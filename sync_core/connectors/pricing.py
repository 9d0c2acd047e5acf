"""Price variances on order export, for any ERP connector: the ``price_policy`` option
(``magento`` | ``erp`` | ``hold``), one :class:`Variance` per line, and :class:`Variances`, the
bounded set a connector hands to the engine through ``alerts()`` (FM-S03)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sync_core.config import ConfigError
from sync_core.errors import BusinessHold
from sync_core.model import Order

POLICIES = ("magento", "erp", "hold")
TOLERANCE = Decimal("0.005")  # half a cent: prices are compared in currency units
MAX_VARIANCES = 500


def price_policy(options: dict[str, str]) -> str | None:
    """The configured policy, None when the check is off; an unknown value is refused."""
    raw = options.get("price_policy")
    if raw in (None, ""):
        return None
    policy = str(raw).strip().lower()
    if policy not in POLICIES:
        raise ConfigError(
            f"erp.options.price_policy must be one of {', '.join(POLICIES)}, got {raw!r}"
        )
    return policy


def money(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0))


@dataclass(frozen=True)
class Variance:
    """One line whose Magento price is not the ERP's price for the account."""

    line: int
    sku: str
    magento: Decimal
    erp: Decimal
    source: str  # where the ERP price came from, e.g. "price list 2"

    def text(self) -> str:
        return (
            f"line {self.line} {self.sku}: Magento {_num(self.magento)}, "
            f"ERP {_num(self.erp)} ({self.source})"
        )


def differs(magento: Decimal, erp: Decimal) -> bool:
    return abs(magento - erp) > TOLERANCE


class Variances:
    """Price variances seen on export, as the connector's alerts (bounded, latest kept)."""

    def __init__(self, system: str) -> None:
        self.system = system
        self._open: dict[str, dict[str, str]] = {}

    def record(self, order: Order, account: str, found: list[Variance], policy: str) -> None:
        action = {
            "magento": "sent Magento's price",
            "erp": f"left the price to {self.system}",
            "hold": "order held",
        }[policy]
        for variance in found:
            subject = f"{order.external_ref}:{variance.line}"
            if len(self._open) >= MAX_VARIANCES and subject not in self._open:
                self._open.pop(next(iter(self._open)))
            self._open[subject] = {
                "kind": "price_variance",
                "subject": subject,
                "detail": f"order {order.increment_id} {variance.text()} for {account} in "
                f"{self.system}; policy {policy}: {action}",
            }

    def current(self) -> list[dict[str, str]]:
        return list(self._open.values())


def hold(order: Order, account: str, system: str, found: list[Variance]) -> BusinessHold:
    lines = "; ".join(v.text() for v in found)
    return BusinessHold(
        f"order {order.increment_id}: Magento prices differ from the {system} prices for "
        f"{account} (price_policy hold): {lines}"
    )


def _num(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")
