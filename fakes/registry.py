"""The vendors the harness can fake, by the names used on the command line."""

from __future__ import annotations

import importlib

from fakes.core.spec import VendorSpec

VENDORS: dict[str, str] = {
    "magento": "fakes.magento",
    "netsuite": "fakes.netsuite",
    "sap-b1": "fakes.sap_b1",
    "s4hana": "fakes.s4hana",
    "sage200": "fakes.sage200",
    "business-central": "fakes.business_central",
    "legacy": "fakes.legacy",
}


class UnknownVendor(ValueError):
    pass


def available() -> list[str]:
    """Vendors whose fake is installed in this build."""
    names = []
    for name, module in VENDORS.items():
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        names.append(name)
    return names


def load_spec(vendor: str) -> VendorSpec:
    module_name = VENDORS.get(vendor) or VENDORS.get(vendor.replace("_", "-"))
    if module_name is None:
        raise UnknownVendor(f"unknown vendor {vendor!r}; known: {', '.join(VENDORS)}")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise UnknownVendor(f"no fake for {vendor!r} is built yet") from exc
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, VendorSpec):
        raise UnknownVendor(f"{module_name} does not define SPEC")
    return spec
