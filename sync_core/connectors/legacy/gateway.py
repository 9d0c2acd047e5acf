"""The ERP's drop folders through its file gateway (``<base_url>/files``).

Real installations share ``inbound/``, ``outbound/`` and ``ack/`` over SFTP or SMB; the gateway
gives the same operations over HTTP with the SOAP user's Basic credentials: list a folder,
download a file, drop a file into ``inbound/``, delete a picked-up file from ``outbound/`` or
``ack/``. An SFTP client with these five methods can replace it.
"""

from __future__ import annotations

from typing import Any

from contracts.legacy.layouts import CONTROL_SUFFIX, CsvLayout, stem
from sync_core.errors import RemoteNotFound
from sync_core.transport import HttpClient

FILES = "/files"


class FileGateway:
    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def names(self, area: str) -> list[str]:
        response = self.http.request("GET", f"{FILES}/{area}")
        body: dict[str, Any] = self.http.json(response)
        return sorted(str(f["name"]) for f in body.get("files") or [])

    def read(self, area: str, name: str) -> bytes | None:
        """The file's bytes, or None when it is not there."""
        try:
            return self.http.request("GET", f"{FILES}/{area}/{name}").content
        except RemoteNotFound:
            return None

    def text(self, area: str, name: str) -> str | None:
        data = self.read(area, name)
        return None if data is None else data.decode("utf-8")

    def put(self, name: str, data: bytes) -> None:
        """Drop ``name`` into ``inbound/`` (replacing a file of that name)."""
        self.http.request(
            "PUT",
            f"{FILES}/inbound/{name}",
            data=data,
            headers={"Content-Type": "application/octet-stream"},
        )

    def delete(self, area: str, name: str) -> None:
        """Mark a pick-up as done; a file already gone is fine."""
        try:
            self.http.request("DELETE", f"{FILES}/{area}/{name}")
        except RemoteNotFound:
            return


def ready_exports(layout: CsvLayout, names: list[str]) -> list[tuple[int, str]]:
    """``(seq, name)`` of the exports of ``layout`` among ``names`` whose control file is
    there too (the ERP writes it last), in sequence order."""
    present = set(names)
    found = []
    for name in names:
        match = layout.matches_name(name)
        if match and stem(name) + CONTROL_SUFFIX in present:
            found.append((int(match["seq"]), name))
    return sorted(found)
