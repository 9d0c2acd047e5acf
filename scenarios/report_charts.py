"""Small inline SVG charts for report.html: the sync-lag distribution, the queue depth over
time and the stock drift per SKU. Plain SVG, no scripts and nothing fetched, so the page
renders offline and in any browser."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

WIDTH, HEIGHT = 280, 120
BAR = "#0969da"
WARN = "#cf222e"
CHART_KEYS = ("sync_lag_s", "queue_depth", "stock_drift")


def charts(metrics: dict[str, Any]) -> str:
    """The charts a scenario's metrics allow, side by side ('' when there are none)."""
    parts = []
    if metrics.get("sync_lag_s"):
        parts.append(lag_histogram(metrics["sync_lag_s"]))
    if metrics.get("queue_depth"):
        parts.append(queue_line(metrics["queue_depth"]))
    if metrics.get("stock_drift"):
        parts.append(drift_bars(metrics["stock_drift"]))
    return f"<div class='charts'>{''.join(parts)}</div>" if parts else ""


def _frame(title: str, body: str, caption: str) -> str:
    return (
        f"<figure><svg viewBox='0 0 {WIDTH} {HEIGHT}' width='{WIDTH}' role='img' "
        f"aria-label='{html.escape(title)}'>{body}"
        f"<line x1='30' y1='{HEIGHT - 20}' x2='{WIDTH - 5}' y2='{HEIGHT - 20}' stroke='#888'/>"
        f"</svg><figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def lag_histogram(lags: Sequence[float], bins: int = 10) -> str:
    low, high = min(lags), max(lags)
    width = (high - low) / bins or 1.0
    counts = [0] * bins
    for lag in lags:
        counts[min(int((lag - low) / width), bins - 1)] += 1
    tallest = max(counts)
    bar_w = (WIDTH - 40) / bins
    bars = "".join(
        _bar(35 + i * bar_w, bar_w - 2, n / tallest, BAR, f"{low + i * width:.0f} s: {n}")
        for i, n in enumerate(counts)
    )
    p95 = sorted(lags)[max(0, int(round(0.95 * len(lags))) - 1)]
    caption = f"sync lag: {len(lags)} orders, {low:.0f}-{high:.0f} s, p95 {p95:.0f} s (simulated)"
    return _frame("sync lag distribution", bars + _axis(f"{low:.0f} s", f"{high:.0f} s"), caption)


def queue_line(points: Sequence[Sequence[float]]) -> str:
    t_end = max(p[0] for p in points) or 1.0
    deepest = max(p[1] for p in points) or 1.0
    coords = " ".join(
        f"{35 + p[0] / t_end * (WIDTH - 45):.1f},{HEIGHT - 20 - p[1] / deepest * (HEIGHT - 35):.1f}"
        for p in points
    )
    body = f"<polyline points='{coords}' fill='none' stroke='{BAR}' stroke-width='2'/>"
    caption = f"outbox depth per cycle: peak {deepest:.0f} jobs"
    return _frame("queue depth over time", body + _axis("0 s", f"+{t_end:.0f} s"), caption)


def drift_bars(drift: dict[str, float]) -> str:
    items = list(drift.items())[:12]
    largest = max(v for _, v in items) or 1.0
    bar_w = (WIDTH - 40) / len(items)
    bars = "".join(
        _bar(35 + i * bar_w, bar_w - 2, value / largest, WARN, f"{sku}: {value:g}")
        for i, (sku, value) in enumerate(items)
    )
    caption = f"stock drift at the end: {len(drift)} SKU(s), largest {largest:g} units"
    return _frame("stock drift per SKU", bars + _axis(items[0][0], items[-1][0]), caption)


def _bar(x: float, width: float, share: float, colour: str, title: str) -> str:
    height = max(share * (HEIGHT - 35), 1.0)
    return (
        f"<rect x='{x:.1f}' y='{HEIGHT - 20 - height:.1f}' width='{max(width, 1):.1f}' "
        f"height='{height:.1f}' fill='{colour}'><title>{html.escape(title)}</title></rect>"
    )


def _axis(left: str, right: str) -> str:
    return (
        f"<text x='30' y='{HEIGHT - 5}' class='axis'>{html.escape(left)}</text>"
        f"<text x='{WIDTH - 5}' y='{HEIGHT - 5}' class='axis' text-anchor='end'>"
        f"{html.escape(right)}</text>"
    )
