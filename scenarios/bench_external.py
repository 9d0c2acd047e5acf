"""Figures ``erp-harness bench`` takes from another module when it is installed
(``scenarios.bench_throughput``: ``erp_limit_efficiency`` and ``pg_workers``), each called with
whichever of the run's inputs it accepts; one that needs an input the run cannot give (a
PostgreSQL URL without ``HARNESS_PG_URL``) is skipped with the reason.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
from collections.abc import Callable
from typing import Any

THROUGHPUT_MODULE = "scenarios.bench_throughput"
EXTERNAL = ("erp_limit_efficiency", "pg_workers")
PG_URL_ENV = "HARNESS_PG_URL"

Work = Callable[[], Any]


def resolve(names: list[str], offered: dict[str, Any]) -> dict[str, Work | str]:
    """Per name, a call ready to make, or why it is skipped."""
    if importlib.util.find_spec(THROUGHPUT_MODULE) is None:
        return {name: f"{THROUGHPUT_MODULE} is not installed" for name in names}
    module = importlib.import_module(THROUGHPUT_MODULE)
    plan: dict[str, Work | str] = {}
    for name in names:
        function = getattr(module, name, None)
        if function is None:
            plan[name] = f"{THROUGHPUT_MODULE} has no {name}()"
            continue
        missing = _unmet(function, offered)
        plan[name] = (
            f"{name}() needs {', '.join(missing)}" if missing else _caller(function, offered)
        )
    return plan


def offered(erp: str, seed: int, quick: bool, orders: int) -> dict[str, Any]:
    """What an external figure may take: erp, seed and quick, the run's (smaller) order count
    with --quick, and a PostgreSQL store from ``HARNESS_PG_URL`` when set."""
    values: dict[str, Any] = {"erp": erp, "seed": seed, "quick": quick}
    if quick:
        values["orders"] = orders
    if os.environ.get(PG_URL_ENV):
        values["store_url"] = os.environ[PG_URL_ENV]
    return values


def _unmet(function: Callable[..., Any], values: dict[str, Any]) -> list[str]:
    """Required parameters of ``function`` that nothing offered fills."""
    return [
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.default is inspect.Parameter.empty
        and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
        and name not in values
    ]


def _caller(function: Callable[..., Any], values: dict[str, Any]) -> Work:
    """``function`` called with whichever offered arguments it accepts."""
    accepted = inspect.signature(function).parameters
    return lambda: function(**{k: v for k, v in values.items() if k in accepted})
