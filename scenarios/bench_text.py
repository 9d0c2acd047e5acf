"""How ``erp-harness bench`` prints a figure: its value, unit and verdict against its target on
one line, then its inputs and what was measured as flat ``key=value`` pairs (nested keys
joined with dots), so each figure reads on its own in a terminal or a CI log."""

from __future__ import annotations

from typing import Any


def describe(name: str, entry: Any, seconds: float | None) -> str:
    """One figure as text: the value and its target, then its inputs and what was measured."""
    if not isinstance(entry, dict):
        return f"{name} = {entry}"
    value = entry.get("value", entry.get(name, entry.get("ratio")))
    unit = entry.get("unit") or ""
    head = f"{name} = {value} {unit}".rstrip()
    if entry.get("target"):
        verdict = {True: "met", False: "NOT met", None: "not judged"}[entry.get("met")]
        head += f"  (target {entry['target']}: {verdict})"
    if seconds is not None:
        head += f"  [{seconds:.1f}s]"
    lines = [head]
    for part in ("inputs", "measured"):
        if isinstance(entry.get(part), dict):
            lines.append(f"  {part}: " + ", ".join(f"{k}={v}" for k, v in _flat(entry[part])))
    shown = ("value", "unit", "target", "met", "inputs", "measured")
    rest = {k: v for k, v in entry.items() if k not in shown}
    if rest:
        lines.append("  " + ", ".join(f"{k}={v}" for k, v in _flat(rest)))
    return "\n".join(lines)


def _flat(values: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for key, value in values.items():
        if isinstance(value, dict):
            pairs.extend(_flat(value, f"{prefix}{key}."))
        else:
            pairs.append((f"{prefix}{key}", value))
    return pairs
