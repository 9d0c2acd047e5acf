"""Build the fakes that ``erp-harness serve`` runs: one seed, one dataset, each ERP seeded
through its own default profile, Magento consistent with all of them."""

from __future__ import annotations

from typing import Any

from fakes import WallClock, create_fake
from fakes.core.fake import Fake
from fakes.registry import VENDORS
from scenarios.world import ERP_KINDS, default_profile


def build_fakes(
    vendors: list[str], seed: int, control_token: str | None = None
) -> tuple[dict[str, Fake], dict[str, Any]]:
    unknown = [v for v in vendors if v not in VENDORS]
    if unknown:
        raise ValueError(f"unknown vendor(s) {', '.join(unknown)}; known: {', '.join(VENDORS)}")
    clock = WallClock()
    profiles = {v: default_profile(v) for v in vendors if v in ERP_KINDS}
    fakes = {
        vendor: create_fake(
            vendor,
            seed=seed,
            clock=clock,
            profile=profiles.get(vendor),
            control_token=control_token,
        )
        for vendor in dict.fromkeys(vendors)
    }
    return fakes, profiles
