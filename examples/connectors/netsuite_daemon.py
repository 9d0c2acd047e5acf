#!/usr/bin/env python3
"""The example NetSuite connector as a long-running daemon, for

    erp-harness run --erp netsuite \\
        --connector-daemon "python examples/connectors/netsuite_daemon.py"

It waits for the harness's cycle file (HARNESS_CYCLE_FILE) to name a new cycle, runs one pass
of :mod:`netsuite_connector`, and acknowledges it in HARNESS_ACK_FILE. Run outside the harness
(no cycle file), it passes every ``--every`` seconds instead. ``--without CONTROL`` works as in
the one-shot example.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from netsuite_connector import CONTROLS, Connector  # noqa: E402

IDLE_EXIT_S = 600.0  # a daemon whose harness went away stops by itself


def one_pass(without: set[str]) -> None:
    connector = Connector(without)
    try:
        connector.export_orders()
        connector.import_stock()
    except (requests.RequestException, LookupError) as problem:
        print(f"pass failed: {problem}", file=sys.stderr, flush=True)


def cycle_number(path: Path) -> int:
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["cycle"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def acknowledge(path: Path, cycle: int) -> None:
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps({"cycle": cycle}), encoding="utf-8")
    partial.replace(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without", action="append", choices=CONTROLS, default=[])
    parser.add_argument("--every", type=float, default=60.0, help="seconds between passes")
    args = parser.parse_args()
    without = set(args.without)
    cycle_file = os.environ.get("HARNESS_CYCLE_FILE")
    if not cycle_file:
        while True:
            one_pass(without)
            time.sleep(args.every)
    cycles, acks = Path(cycle_file), Path(os.environ["HARNESS_ACK_FILE"])
    done, idle_since = 0, time.monotonic()
    while time.monotonic() - idle_since < IDLE_EXIT_S:
        wanted = cycle_number(cycles)
        if wanted > done:
            one_pass(without)
            done = wanted
            acknowledge(acks, done)
            idle_since = time.monotonic()
        time.sleep(0.01)
    return 0


if __name__ == "__main__":
    sys.exit(main())
