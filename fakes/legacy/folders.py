"""The ERP's drop folders: ``inbound/`` (+ ``processed/``, ``error/``), ``outbound/``, ``ack/``.

A legacy ERP shares these over SFTP or SMB; connectors on the same host may use the paths
directly, remote ones the HTTP gateway in :mod:`fakes.legacy.api`. Writes go through a hidden
``.<name>.part`` file and a rename, so nobody ever reads half a file. Only plain file names
(letters, digits, ``._-``, not starting with a dot) are accepted from the gateway; files put
there directly only need to be plain names (no path, not hidden).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

SAFE_NAME = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,199}")
AREAS = ("inbound", "inbound/processed", "inbound/error", "outbound", "ack")


class DropFolders:
    """The folder layout under one root directory."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, area: str) -> Path:
        if area not in AREAS:
            raise KeyError(area)
        return self.root / area

    @property
    def inbound(self) -> Path:
        return self.path("inbound")

    @property
    def outbound(self) -> Path:
        return self.path("outbound")

    @property
    def ack(self) -> Path:
        return self.path("ack")

    def paths(self) -> dict[str, str]:
        return {area.replace("/", "_") + "_dir": str(self.path(area)) for area in AREAS}

    def clear(self) -> None:
        """Empty the layout (only the folders it owns) and create it afresh."""
        for top in ("inbound", "outbound", "ack"):
            shutil.rmtree(self.root / top, ignore_errors=True)
        for area in AREAS:
            self.path(area).mkdir(parents=True, exist_ok=True)

    @staticmethod
    def check_name(name: str) -> str:
        """A name the gateway accepts: plain letters, digits and ``._-``; ValueError otherwise."""
        if not SAFE_NAME.fullmatch(name) or ".." in name:
            raise ValueError(f"not a plain file name: {name!r}")
        return name

    def _target(self, area: str, name: str) -> Path:
        if not name or name.startswith(".") or "/" in name or "\\" in name or "\0" in name:
            raise ValueError(f"not a file name: {name!r}")
        return self.path(area) / name

    def names(self, area: str) -> list[str]:
        folder = self.path(area)
        return sorted(
            p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
        )

    def listing(self, area: str) -> list[dict[str, object]]:
        folder = self.path(area)
        return [{"name": n, "size": (folder / n).stat().st_size} for n in self.names(area)]

    def read(self, area: str, name: str) -> bytes:
        target = self._target(area, name)
        if not target.is_file():
            raise FileNotFoundError(f"{area}/{name}")
        return target.read_bytes()

    def exists(self, area: str, name: str) -> bool:
        return self._target(area, name).is_file()

    def write(self, area: str, name: str, data: bytes) -> None:
        target = self._target(area, name)
        part = target.with_name(f".{name}.part")
        part.write_bytes(data)
        os.replace(part, target)

    def delete(self, area: str, name: str) -> None:
        target = self._target(area, name)
        if not target.is_file():
            raise FileNotFoundError(f"{area}/{name}")
        target.unlink()

    def move(self, name: str, source: str, dest: str) -> None:
        """Move ``name`` from one area to another, replacing a file of that name there."""
        src = self._target(source, name)
        if src.is_file():
            os.replace(src, self._target(dest, name))

    def tree(self) -> dict[str, bytes]:
        """Every file of the layout by relative path (for checkpoints)."""
        return {
            f"{area}/{name}": (self.path(area) / name).read_bytes()
            for area in AREAS
            for name in self.names(area)
        }

    def restore_tree(self, tree: dict[str, bytes]) -> None:
        self.clear()
        for rel, data in tree.items():
            area, _, name = rel.rpartition("/")
            self.write(area, name, data)
