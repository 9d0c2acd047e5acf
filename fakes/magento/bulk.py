"""Asynchronous and bulk Web API: bulks, queued operations and their consumer.

The consumer is ``async.operations.all``.

* ``POST|PUT|DELETE /rest/<store>/async/V1/<route>`` and ``/async/bulk/V1/<route>`` validate the
  input as the synchronous route would, then ``MassSchedule::publishMass`` creates one bulk
  (``Topic <topic>``) with one *open* operation (status 4) per entity and answers 202 with
  ``{"bulk_uuid", "request_items": [{"id", "data_hash", "status": "accepted"}], "errors": false}``.
  ``data_hash`` is the SHA-256 of the encoded message (the service arguments as JSON).
* The topic is ``async.<service interface, dots, lower case>.<method>.<http method>``, e.g.
  ``async.magento.sales.api.orderrepositoryinterface.save.post``.
* The consumer runs on the fake's clock: every ``consumer_interval_s`` simulated seconds one run
  handles up to ``consumer_batch_size`` open operations, oldest first, each only once the run
  time has reached its creation. Runs happen when time has advanced and the fake is touched
  (a request, an event, a snapshot); a stopped consumer leaves operations open while the API
  still accepts new ones. ``OperationProcessor`` outcomes: success is status 1 with
  ``Service execution success <class>::<method>`` and the serialized result; a
  ``LocalizedException`` is status 3 (not retriably failed) with the rendered message and
  ``error_code`` 0; database lock and deadlock errors are status 2 (retriably failed).
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fakes.magento.catalog import stamp
from fakes.magento.errors import NoSuchEntity

COMPLETE, RETRIABLY_FAILED, NOT_RETRIABLY_FAILED, OPEN, REJECTED = 1, 2, 3, 4, 5
USER_TYPES = {"integration": 1, "admin": 2, "customer": 3, "guest": 4}
DEADLOCK = ("SQLSTATE[40001]: Serialization failure: 1213 Deadlock found when trying to get "
            "lock; try restarting transaction")
IMPLEMENTATIONS = {
    "Magento\\Sales\\Api\\OrderRepositoryInterface":
        "Magento\\Sales\\Model\\OrderRepository\\Interceptor",
    "Magento\\InventoryApi\\Api\\SourceItemsSaveInterface":
        "Magento\\Inventory\\Model\\SourceItem\\Command\\SourceItemsSave\\Interceptor",
    "Magento\\InventoryApi\\Api\\SourceItemsDeleteInterface":
        "Magento\\Inventory\\Model\\SourceItem\\Command\\SourceItemsDelete\\Interceptor",
    "Magento\\Customer\\Api\\CustomerRepositoryInterface":
        "Magento\\Customer\\Model\\ResourceModel\\CustomerRepository\\Interceptor",
    "Magento\\Customer\\Api\\AccountManagementInterface":
        "Magento\\Customer\\Model\\AccountManagement\\Interceptor",
}


def topic_name(service: str, http_method: str) -> str:
    interface, _, method = service.partition("::")
    return f"async.{interface.replace(chr(92), '.').lower()}.{method.lower()}.{http_method.lower()}"


def success_message(service: str) -> str:
    interface, _, method = service.partition("::")
    implementation = IMPLEMENTATIONS.get(interface)
    if implementation is None:
        implementation = interface.replace("\\Api\\", "\\Model\\").removesuffix("Interface")
    return f"Service execution success {implementation}::{method}"


@dataclass(frozen=True)
class Submission:
    """One accepted ``/async`` or ``/async/bulk`` request."""

    route: tuple[str, str]
    service: str
    entities: list[dict[str, Any]]
    store_code: str
    caller_kind: str
    user_id: int | None


@dataclass
class BulkQueue:
    """``magento_bulk`` and ``magento_operation`` plus the consumer's schedule."""

    seed: int
    bulks: dict[str, dict[str, Any]] = field(default_factory=dict)
    operations: dict[int, dict[str, Any]] = field(default_factory=dict)
    open: list[int] = field(default_factory=list)
    next_operation: int = 1
    created_bulks: int = 0
    running: bool = True
    next_run: float = 0.0
    armed_failures: list[dict[str, Any]] = field(default_factory=list)

    # -- publishing --------------------------------------------------------------------------
    def schedule(self, submission: Submission, now: datetime) -> dict[str, Any]:
        bulk_uuid = self._new_uuid()
        topic = topic_name(submission.service, submission.route[0])
        self.bulks[bulk_uuid] = {
            "bulk_id": bulk_uuid, "description": f"Topic {topic}", "start_time": stamp(now),
            "user_type": USER_TYPES.get(submission.caller_kind, 4),
            "user_id": submission.user_id, "operation_ids": [],
        }
        items = [self._add_operation(bulk_uuid, topic, key, args, submission, now)
                 for key, args in enumerate(submission.entities)]
        return {"bulk_uuid": bulk_uuid, "request_items": items, "errors": False}

    def _add_operation(self, bulk_uuid: str, topic: str, key: int, args: dict[str, Any],
                       submission: Submission, now: datetime) -> dict[str, Any]:
        meta = json.dumps(args, separators=(",", ":"))
        serialized = {"entity_id": None, "entity_link": "", "meta_information": meta}
        operation_id = self.next_operation
        self.next_operation += 1
        self.operations[operation_id] = {
            "id": operation_id, "bulk_uuid": bulk_uuid, "topic_name": topic,
            "serialized_data": json.dumps(serialized, separators=(",", ":")),
            "result_serialized_data": None, "status": OPEN, "result_message": None,
            "error_code": None, "start_time": None,
            "_created": now.timestamp(), "_route": list(submission.route), "_args": args,
            "_service": submission.service, "_store": submission.store_code,
            "_caller": submission.caller_kind,
        }
        self.bulks[bulk_uuid]["operation_ids"].append(operation_id)
        self.open.append(operation_id)
        data_hash = hashlib.sha256(meta.encode()).hexdigest()
        return {"id": key, "data_hash": data_hash, "status": "accepted"}

    def _new_uuid(self) -> str:
        self.created_bulks += 1
        digest = hashlib.sha256(f"{self.seed}:bulk:{self.created_bulks}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    # -- the consumer ------------------------------------------------------------------------
    def due(self, now: float, interval: float, batch: int) -> list[tuple[float, dict[str, Any]]]:
        """The operations the consumer's runs up to ``now`` take, with each run's time."""
        taken: list[tuple[float, dict[str, Any]]] = []
        while self.running and self.next_run <= now:
            first = self._first_open_created()
            if first is None or first > now:
                self.next_run = _after(self.next_run, now, interval)
                break
            if first > self.next_run:
                self.next_run = _at_or_after(self.next_run, first, interval)
                continue
            taken += [(self.next_run, op) for op in self._take(self.next_run, batch)]
            self.next_run += interval
        return taken

    def take_now(self, now: float, limit: int | None) -> list[dict[str, Any]]:
        """A manual consumer run (``queue:consumers:start --max-messages``)."""
        return self._take(now, len(self.open) if limit is None else limit)

    def _first_open_created(self) -> float | None:
        return float(self.operations[self.open[0]]["_created"]) if self.open else None

    def _take(self, run_at: float, batch: int) -> list[dict[str, Any]]:
        count = 0
        while (count < min(batch, len(self.open))
               and self.operations[self.open[count]]["_created"] <= run_at):
            count += 1
        chosen = [self.operations[i] for i in self.open[:count]]
        del self.open[:count]
        return chosen

    def restart(self, now: float, interval: float) -> None:
        self.running = True
        self.next_run = now + interval

    def pop_armed_failure(self) -> dict[str, Any] | None:
        return self.armed_failures.pop(0) if self.armed_failures else None

    def finish(self, op: dict[str, Any], run_at: float, status: int, message: str,
               error_code: int | None, output: str | None) -> None:
        op.update(status=status, result_message=message, error_code=error_code,
                  result_serialized_data=output,
                  start_time=stamp(datetime.fromtimestamp(run_at, UTC)))

    # -- status endpoints --------------------------------------------------------------------
    def short_status(self, bulk_uuid: str) -> dict[str, Any]:
        return self._bulk_out(bulk_uuid, _short)

    def detailed_status(self, bulk_uuid: str) -> dict[str, Any]:
        return self._bulk_out(bulk_uuid, operation_out)

    def count(self, bulk_uuid: str, status: int) -> int:
        bulk = self.bulks.get(bulk_uuid)
        if bulk is None:
            return 0
        return sum(1 for i in bulk["operation_ids"] if self.operations[i]["status"] == status)

    def rows(self) -> list[dict[str, Any]]:
        return [operation_out(op) for op in self.operations.values()]

    def _bulk_out(self, bulk_uuid: str, render: Any) -> dict[str, Any]:
        bulk = self.bulks.get(bulk_uuid)
        if bulk is None:
            raise NoSuchEntity("Bulk uuid %bulkUuid not exist", {"bulkUuid": bulk_uuid})
        out = {k: v for k, v in bulk.items() if k != "operation_ids"}
        out["operations_list"] = [render(self.operations[i]) for i in bulk["operation_ids"]]
        out["operation_count"] = len(bulk["operation_ids"])
        return out

    def snapshot(self) -> list[dict[str, Any]]:
        return [{**self._bulk_out(u, operation_out), "open": self.count(u, OPEN)}
                for u in self.bulks]


def operation_out(op: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in op.items() if not k.startswith("_") and k != "start_time"}
    if op["start_time"] is not None:
        out["extension_attributes"] = {"start_time": op["start_time"]}
    return out


def _short(op: dict[str, Any]) -> dict[str, Any]:
    return {k: op[k] for k in ("id", "status", "result_message", "error_code")}


def _after(start: float, moment: float, interval: float) -> float:
    """The first consumer run strictly after ``moment``."""
    return start + interval * (math.floor((moment - start) / interval) + 1)


def _at_or_after(start: float, moment: float, interval: float) -> float:
    return start + interval * math.ceil((moment - start) / interval)
