"""A scenario's world: Magento and one ERP fake on one simulated clock, seeded from one dataset
through one profile, plus everything a connector under test needs to reach them.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fakes import FakeFleet, SimClock, create_fake
from fakes.core.fake import Fake
from scenarios.erps import support

ERP_KINDS = ("netsuite", "sap-b1", "s4hana", "sage200", "business-central", "legacy")

# How the dataset's Magento sources appear in each ERP (the fakes' documented defaults).
DEFAULT_LOCATIONS: dict[str, dict[str, str]] = {
    "netsuite": {"default": "1", "wh-north": "2", "wh-south": "3"},
    "sap-b1": {"default": "01", "wh-north": "02", "wh-south": "03"},
    "s4hana": {"default": "1010/0001", "wh-north": "1010/0002", "wh-south": "1020/0001"},
    "sage200": {"default": "HOME", "wh-north": "NORTH", "wh-south": "SOUTH"},
    "business-central": {"default": "MAIN", "wh-north": "NORTH", "wh-south": "SOUTH"},
    "legacy": {"default": "WH01", "wh-north": "WH02", "wh-south": "WH03"},
}


# ERPs that offer no way to find a customer by e-mail need a default account.
DEFAULT_CUSTOMERS: dict[str, str] = {"legacy": "CUST0001"}


def default_profile(erp: str) -> dict[str, Any]:
    """The mapping profile both the fakes and the connectors start from."""
    profile: dict[str, Any] = {
        "items": {},
        "locations": dict(DEFAULT_LOCATIONS[erp]),
        "accounts": {},
    }
    if erp in DEFAULT_CUSTOMERS:
        profile["default_customer"] = DEFAULT_CUSTOMERS[erp]
    return profile


@dataclass
class World:
    erp: str
    seed: int
    clock: SimClock
    fleet: FakeFleet
    profile: dict[str, Any]
    workdir: Path
    connector_options: dict[str, Any] = field(default_factory=dict)

    @property
    def magento(self) -> Fake:
        return self.fleet["magento"]

    @property
    def erp_fake(self) -> Fake:
        return self.fleet[self.erp]

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def close(self) -> None:
        self.fleet.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def build_world(
    erp: str,
    seed: int,
    profile: dict[str, Any] | None = None,
    erp_options: dict[str, Any] | None = None,
    magento_options: dict[str, Any] | None = None,
    connector_options: dict[str, Any] | None = None,
) -> World:
    """Create and start the in-process fakes for one scenario run."""
    clock = SimClock()
    profile = profile or default_profile(erp)
    workdir = Path(tempfile.mkdtemp(prefix=f"harness-{erp}-"))
    found = support(erp)
    erp_options = {**(found.world_options(workdir) if found else {}), **(erp_options or {})}
    fakes = {
        "magento": create_fake(
            "magento", seed=seed, clock=clock, profile=profile, options=magento_options
        ),
        erp: create_fake(erp, seed=seed, clock=clock, profile=profile, options=erp_options),
    }
    fleet = FakeFleet(fakes)
    fleet.start()
    return World(erp, seed, clock, fleet, profile, workdir, dict(connector_options or {}))
