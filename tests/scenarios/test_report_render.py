"""report.html renders in headless Chromium: a screenshot of a real report shows the page
(timeline, charts, evidence), not a blank or broken one. `.ci/run` installs Debian's chromium;
without it the test says so and skips (and fails under CI, where it must run)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from scenarios.catalog import load
from scenarios.report import write_reports
from scenarios.runner import run_suite

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must install Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium) - report not rendered")
    return found


def _png_pixels(path: Path) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and the pixels of an 8-bit RGB or RGBA PNG (rows unfiltered)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    idat, pos = b"", 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw, size = zlib.decompress(idat), 3 if colour == 2 else 4
    stride, rows, previous = width * size, [], bytearray(width * size)
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, size)
        rows.append(row)
        previous = row
    pixels = [tuple(row[x : x + 3]) for row in rows for x in range(0, stride, size)]
    return width, height, pixels


def _unfilter(kind: int, row: bytearray, up: bytearray, size: int) -> bytearray:
    for i in range(len(row)):
        left = row[i - size] if i >= size else 0
        corner = up[i - size] if i >= size else 0
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 2:
            row[i] = (row[i] + up[i]) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + (left + up[i]) // 2) & 0xFF
        elif kind == 4:
            guess = left + up[i] - corner
            near = min(
                (abs(guess - left), 0, left),
                (abs(guess - up[i]), 1, up[i]),
                (abs(guess - corner), 2, corner),
            )
            row[i] = (row[i] + near[2]) & 0xFF
    return row


def test_report_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    chromium = _chromium()
    report = run_suite([(load()["FM-G07"], "netsuite")], "naive", seed=0, erp_label="netsuite")
    html_path = next(p for p in write_reports(report, tmp_path) if p.suffix == ".html")
    page = html_path.read_text(encoding="utf-8")
    assert "<svg" in page and "sync lag" in page and "is duplicated in netsuite" in page
    assert "http://" not in page and "https://" not in page  # nothing fetched from anywhere
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1200,1600",
            f"--screenshot={shot}",
            html_path.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    width, height, pixels = _png_pixels(shot)
    assert (width, height) == (1200, 1600)
    colours = set(pixels)
    # a blank or error page is one or two colours; the report has text, dots, bars and badges
    assert len(colours) > 64
    assert (0xCF, 0x22, 0x2E) in colours  # the failed badge and the drift bars (#cf222e)
    assert (0x09, 0x69, 0xDA) in colours  # the sync-lag histogram's bars (#0969da)
