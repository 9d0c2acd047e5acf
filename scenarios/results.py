"""What a run produced: one result per scenario x ERP, with evidence and the replay command."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["passed", "failed", "errored", "skipped"]


@dataclass
class ScenarioResult:
    id: str
    erp: str
    connector: str
    status: Status
    duration_s: float
    evidence: list[str]
    reproduce: str
    title: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    timeline: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("timeline")
        return data


@dataclass
class RunReport:
    seed: int
    erp: str
    connector: str
    started_at: str
    duration_s: float = 0.0
    results: list[ScenarioResult] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts = {"passed": 0, "failed": 0, "errored": 0, "skipped": 0}
        for result in self.results:
            counts[result.status] += 1
        return counts

    @property
    def ok(self) -> bool:
        summary = self.summary()
        return summary["failed"] == 0 and summary["errored"] == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "run": {
                "seed": self.seed,
                "erp": self.erp,
                "connector": self.connector,
                "started_at": self.started_at,
                "duration_s": round(self.duration_s, 3),
            },
            "summary": self.summary(),
            "scenarios": [r.to_json() for r in self.results],
        }
