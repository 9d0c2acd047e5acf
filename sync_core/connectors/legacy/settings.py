"""The legacy connector's settings: ``erp.options`` (non-secret), then ``erp.credentials``.

Only ``username`` and ``password`` are secrets (the SOAP user, also used for the file
gateway), read from ``erp.credentials``. The others are plain settings, read from
``erp.options`` and, failing that, from ``erp.credentials`` (where a ready file or
``HARNESS_ERP_<KEY>`` can carry them today); they belong in the mapping profile later:

``transport``     ``soap`` (default): orders by ``CreateOrder``; ``files``: order files
                  dropped through the file gateway (``<base_url>/files``, a stand-in for SFTP)
``stock_source``  ``soap`` (``GetStock``) or ``files`` (``STOCK_*.csv`` exports); default
                  follows ``transport``
``lookup``        ``soap`` (default): look orders up with ``FindOrdersByReference`` before
                  every create, also in ``files`` mode (after the ledger); ``ledger``: only
                  the connector's own file ledger (an ERP without the SOAP service)
``state_dir``     where the file ledger lives (``legacy-connector.sqlite``); default: beside
                  the engine's SQLite store file. Required for ``files`` otherwise
``warehouse``     the ERP warehouse on every order line; default: the warehouse mapped to
                  Magento's ``default`` source
``sender``        the ``H`` record's sender (default ``MAGENTO``)
``max_resends``   how often a file the ERP rejected for a transient reason (``LOCKED``, a
                  taken sequence number) is sent again before the order is dead-lettered (3)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sync_core.config import ConfigError, EngineConfig

TRANSPORTS = ("soap", "files")
LOOKUPS = ("soap", "ledger")
LEDGER_FILE = "legacy-connector.sqlite"


@dataclass(frozen=True)
class LegacySettings:
    username: str
    password: str
    transport: str = "soap"
    stock_source: str = "soap"
    lookup: str = "soap"
    state_dir: Path | None = None
    warehouse: str | None = None
    sender: str = "MAGENTO"
    max_resends: int = 3

    @property
    def ledger_path(self) -> Path | None:
        return self.state_dir / LEDGER_FILE if self.state_dir else None

    @property
    def needs_ledger(self) -> bool:
        return "files" in (self.transport, self.stock_source)


def _choice(value: str, allowed: tuple[str, ...], key: str) -> str:
    if value not in allowed:
        raise ConfigError(f"erp.credentials.{key} must be one of {', '.join(allowed)}: {value!r}")
    return value


def _number(value: str, key: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"erp.credentials.{key} must be a number: {value!r}") from None
    if number <= 0:
        raise ConfigError(f"erp.credentials.{key} must be above 0: {value!r}")
    return number


def store_dir(store_url: str) -> Path | None:
    """The folder of a file-based SQLite store (``sqlite:///path/engine.db``), else None."""
    prefix = "sqlite:///"
    if not store_url.startswith(prefix):
        return None
    path = store_url[len(prefix) :].split("?", 1)[0]
    return Path(path).parent if path and path != ":memory:" else None


def load_settings(config: EngineConfig) -> LegacySettings:
    erp = config.erp
    plain = {k: v.get_secret_value() for k, v in erp.credentials.items()} | dict(erp.options)
    transport = _choice(plain.get("transport", "soap"), TRANSPORTS, "transport")
    state = plain.get("state_dir")
    settings = LegacySettings(
        username=erp.secret("username"),
        password=erp.secret("password"),
        transport=transport,
        stock_source=_choice(plain.get("stock_source", transport), TRANSPORTS, "stock_source"),
        lookup=_choice(plain.get("lookup", "soap"), LOOKUPS, "lookup"),
        state_dir=Path(state) if state else store_dir(config.store_url),
        warehouse=plain.get("warehouse") or None,
        sender=plain.get("sender") or "MAGENTO",
        max_resends=int(_number(plain.get("max_resends", "3"), "max_resends")),
    )
    if settings.needs_ledger and settings.state_dir is None:
        raise ConfigError(
            "erp.credentials.state_dir is required for the legacy file transport when the "
            "engine's store is not a SQLite file"
        )
    return settings
