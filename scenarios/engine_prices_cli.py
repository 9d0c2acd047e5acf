"""``erp-harness engine prices ...``: the price operator's commands (FM-T06) from an engine
config file: ``preview`` the diff the next run would batch, ``list`` the batches (and the
dead-lettered prices), ``show`` one batch's items, ``approve`` a held batch (it is applied at
once), ``rollback`` an applied batch to Magento's prices from before it, ``replay``
dead-lettered prices."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sync_core.config import ConfigError, load_config
from sync_core.engine import Engine
from sync_core.errors import SyncError
from sync_core.flows.prices import PriceRun, PricesFlow, attach

prices_app = typer.Typer(no_args_is_help=True, help="Price batches: preview, approve, roll back.")
console = Console()
ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="engine config (YAML)")]
JsonOption = Annotated[bool, typer.Option("--json")]
BatchArg = Annotated[int, typer.Argument(help="batch id (see `prices list`)")]


@contextmanager
def _flow(config: Path) -> Iterator[PricesFlow]:
    try:
        engine = Engine(load_config(config), name="prices-cli")
    except ConfigError as exc:
        raise typer.BadParameter(str(exc)) from exc
    try:
        flow = attach(engine)
        if flow is None:
            console.print(
                f"no price flow for {engine.config.erp.kind}: it is disabled, Magento owns "
                "prices (flows.prices), or the connector cannot read prices"
            )
            raise typer.Exit(2)
        yield flow
    except SyncError as exc:
        console.print(f"error: {exc.message}")
        raise typer.Exit(1) from exc
    finally:
        engine.close()


def _echo(rows: Any) -> None:
    typer.echo(json.dumps(rows, indent=2, default=str))


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(v) for v in row))
    console.print(table)


def _price(value: dict[str, Any] | None) -> str:
    if value is None:
        return "-"
    dates = [str(value[k]) for k in ("price_from", "price_to") if value.get(k)]
    return f"{value['price']}" + (f" ({' .. '.join(dates)})" if dates else "")


def _run(result: PriceRun) -> dict[str, Any]:
    return {"batch": result.batch, "status": result.status, **result.counts}


@prices_app.command()
def preview(config: ConfigOption, as_json: JsonOption = False) -> None:
    """The changes Magento would get now (nothing is stored or applied)."""
    with _flow(config) as flow:
        changes = flow.preview()
        limit = flow.threshold
    rows = [{**c.as_item(), "needs_approval": c.change_pct > limit} for c in changes]
    if as_json:
        _echo(rows)
        return
    _table(
        f"{len(rows)} price change(s); approval above {limit}%",
        ("key", "Magento now", "ERP", "change %", "needs approval"),
        [
            (r["key"], _price(r["old"]), _price(r["new"]), r["change_pct"], r["needs_approval"])
            for r in rows
        ],
    )


@prices_app.command("list")
def list_batches(config: ConfigOption, as_json: JsonOption = False) -> None:
    """Every batch with its per-item counts, and the dead-lettered prices."""
    with _flow(config) as flow:
        batches = [
            {**b, **flow.batches.counts(int(b["id"])), "snapshot": None}
            for b in flow.batches.batches()
        ]
        dead = flow.batches.dead()
    if as_json:
        _echo({"batches": batches, "dead": dead})
        return
    _table(
        f"{len(batches)} price batch(es)",
        ("id", "status", "submitted", "accepted", "rejected", "pending", "max %", "detail"),
        [
            (
                b["id"],
                b["status"],
                b["submitted"],
                b["accepted"],
                b["rejected"],
                b["pending"],
                b["max_change_pct"],
                b["detail"][:80],
            )
            for b in batches
        ],
    )
    for item in dead:
        console.print(f"dead-lettered: {item['key']} -> {_price(item['new'])}: {item['reason']}")


@prices_app.command()
def show(config: ConfigOption, batch: BatchArg, as_json: JsonOption = False) -> None:
    """One batch's items: Magento's value before, the ERP's, the outcome and its reason."""
    with _flow(config) as flow:
        items = flow.batches.items(batch)
    if as_json:
        _echo(items)
        return
    _table(
        f"batch {batch}: {len(items)} item(s)",
        ("key", "before", "after", "change %", "outcome", "reason"),
        [
            (
                i["key"],
                _price(i["old"]),
                _price(i["new"]),
                i["change_pct"],
                i["outcome"],
                i["reason"][:80],
            )
            for i in items
        ],
    )


@prices_app.command()
def approve(config: ConfigOption, batch: BatchArg, as_json: JsonOption = False) -> None:
    """Approve a held batch and apply it now."""
    with _flow(config) as flow:
        result = flow.approve(batch)
    _report(result, as_json)


@prices_app.command()
def rollback(config: ConfigOption, batch: BatchArg, as_json: JsonOption = False) -> None:
    """Restore Magento's prices from before an applied batch."""
    with _flow(config) as flow:
        result = flow.rollback(batch)
    _report(result, as_json)


@prices_app.command()
def replay(
    config: ConfigOption,
    keys: Annotated[list[str] | None, typer.Argument(help="price keys; none = all")] = None,
) -> None:
    """Send dead-lettered prices again at the next run (e.g. ``base|SKU-1``)."""
    with _flow(config) as flow:
        released = flow.replay(keys or None)
    console.print(f"released {released} dead-lettered price(s)")


def _report(result: PriceRun, as_json: bool) -> None:
    summary = _run(result)
    if as_json:
        _echo(summary)
        return
    counts = ", ".join(f"{k} {v}" for k, v in summary.items() if k not in ("batch", "status"))
    console.print(f"batch {result.batch}: {result.status}; {counts}")
