"""``erp-harness load storefront|sync|capacity [LOCUST ARGS]``: run one of the Locust files of
``load/`` in a child process (Locust monkey-patches the process it runs in), passing every
other argument to Locust unchanged (``--help`` too: Locust's own; each file's options are in
``load/README.md``). The exit code is Locust's: 0 when the file's thresholds held, 3 when one broke.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILES = {
    "storefront": "storefront.py",
    "sync": "sync_lag.py",
    "capacity": "fake_capacity.py",
}
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}

load_app = typer.Typer(no_args_is_help=True, help="Locust load tests (the files in load/).")


def locust_command(profile: str, args: list[str]) -> list[str]:
    """The command line that runs ``profile``'s locustfile with ``args``."""
    if profile not in LOCUSTFILES:
        raise typer.BadParameter(
            f"unknown load profile {profile!r}; known: {', '.join(LOCUSTFILES)}"
        )
    locustfile = ROOT / "load" / LOCUSTFILES[profile]
    if not locustfile.is_file():
        raise typer.BadParameter(f"{locustfile} is missing: load/ comes with the source checkout")
    return [sys.executable, "-m", "locust", "-f", str(locustfile), *args]


def run_locust(profile: str, args: list[str]) -> int:
    """Run Locust on ``profile``'s file; answer its exit code."""
    command = locust_command(profile, args)
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else "")}
    return subprocess.call(command, env=env)


@load_app.command(context_settings=PASS_THROUGH)
def storefront(ctx: typer.Context) -> None:
    """Guest checkouts through the Magento fake at a target order rate (load/storefront.py)."""
    raise typer.Exit(run_locust("storefront", list(ctx.args)))


@load_app.command(context_settings=PASS_THROUGH)
def sync(ctx: typer.Context) -> None:
    """Engine workers against served fakes; the lag of each order (load/sync_lag.py)."""
    raise typer.Exit(run_locust("sync", list(ctx.args)))


@load_app.command(context_settings=PASS_THROUGH)
def capacity(ctx: typer.Context) -> None:
    """Requests without pause against one served fake (load/fake_capacity.py)."""
    raise typer.Exit(run_locust("capacity", list(ctx.args)))
