"""What the locustfiles share: the CI gate, which turns thresholds into the process exit code.

Locust alone exits 1 on any failed request. Here the gate decides instead, in a ``quitting``
listener on the master or local runner (a distributed worker's stats are empty): exit 0 when
every threshold holds, ``GATE_FAILED`` (3) when one is broken, with one line per check on
standard output.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from locust.env import Environment
from locust.runners import WorkerRunner
from locust.stats import StatsEntry

GATE_FAILED = 3
Listener = TypeVar("Listener", bound=Callable[..., Any])


def listener(hook: Any) -> Callable[[Listener], Listener]:
    """``@listener(events.init)``: ``hook.add_listener`` as a typed decorator."""

    def register(function: Listener) -> Listener:
        hook.add_listener(function)
        return function

    return register


@dataclass(frozen=True)
class Check:
    """One threshold: ``value`` must stay at or below ``limit`` (at or above with ``at_least``)."""

    name: str
    value: float
    limit: float
    at_least: bool = False

    @property
    def ok(self) -> bool:
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def line(self) -> str:
        verdict = "ok" if self.ok else "BREACH"
        relation = ">=" if self.at_least else "<="
        return f"gate {verdict}: {self.name} = {self.value:g} (needs {relation} {self.limit:g})"


def is_judge(environment: Environment) -> bool:
    """True on the master or local runner, which hold the whole run's stats."""
    return environment.runner is not None and not isinstance(environment.runner, WorkerRunner)


def add_failure_option(parser: argparse.ArgumentParser, default: float = 0.01) -> None:
    parser.add_argument(
        "--max-failure-ratio",
        type=float,
        default=default,
        help="CI gate: highest share of failed requests (and failed orders) allowed",
    )


def p95_ms(entry: StatsEntry) -> float:
    """The entry's 95th percentile response time in ms (0 when it has no requests)."""
    return float(entry.get_response_time_percentile(0.95) or 0) if entry.num_requests else 0.0


def common_checks(environment: Environment) -> list[Check]:
    """The failure ratio over every row, and no exception raised inside a task."""
    assert environment.parsed_options is not None and environment.runner is not None
    total = environment.stats.total
    limit = float(environment.parsed_options.max_failure_ratio)
    return [
        Check("failure ratio", round(total.fail_ratio, 4), limit),
        Check("task exceptions", float(len(environment.runner.exceptions)), 0),
    ]


def gate(environment: Environment, checks: Iterable[Check]) -> bool:
    """Print each check and set the exit code: 0 when all hold, ``GATE_FAILED`` otherwise."""
    results = list(checks)
    for check in results:
        print(check.line(), flush=True)
    passed = all(check.ok for check in results)
    environment.process_exit_code = 0 if passed else GATE_FAILED
    return passed
