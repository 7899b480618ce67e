"""The validation report of one load: row-level issues, counts, and how to save them."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]
MAX_LISTED = 5_000  # issues listed one by one; beyond that only counted per type


@dataclass(frozen=True)
class Issue:
    """One finding about one cell or row: where, what value, why."""

    row: int | None
    column: str | None
    value: str | None
    reason: str
    type: str
    severity: Severity = "error"

    def describe(self) -> str:
        """Return the issue as one line a data steward can act on."""
        where = f"row {self.row}" if self.row is not None else "file"
        if self.column:
            where += f", column '{self.column}'"
        shown = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{self.severity}: {where}{shown}: {self.reason}"


@dataclass
class Report:
    """Everything the validation found, plus the counts of the load."""

    kind: str
    source: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    status: str = "pending"
    issues: list[Issue] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    load_run_id: int | None = None

    def add(self, issue: Issue) -> None:
        """Record an issue (listed while under the cap, always counted)."""
        self.counts[f"{issue.severity}:{issue.type}"] += 1
        if len(self.issues) < MAX_LISTED:
            self.issues.append(issue)

    def absorb(self, other: Report) -> None:
        """Take over the findings of another report (one chunk's), after this one's."""
        self.counts.update(other.counts)
        self.issues.extend(other.issues[: max(0, MAX_LISTED - len(self.issues))])
        self.notes.extend(other.notes)

    def error(self, reason: str, type_: str, *, row: int | None = None,
              column: str | None = None, value: Any = None) -> None:
        """Record an error."""
        self.add(Issue(row, column, _text(value), reason, type_, "error"))

    def warning(self, reason: str, type_: str, *, row: int | None = None,
                column: str | None = None, value: Any = None) -> None:
        """Record a warning (the row still loads)."""
        self.add(Issue(row, column, _text(value), reason, type_, "warning"))

    @property
    def error_count(self) -> int:
        """Number of errors found, listed or not."""
        return sum(n for key, n in self.counts.items() if key.startswith("error:"))

    @property
    def warning_count(self) -> int:
        """Number of warnings found, listed or not."""
        return sum(n for key, n in self.counts.items() if key.startswith("warning:"))

    @property
    def valid(self) -> bool:
        """True when no error was found."""
        return self.error_count == 0

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (the same shape for CLI and API)."""
        return {
            "kind": self.kind,
            "source": self.source,
            "status": self.status,
            "valid": self.valid,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "errors": self.error_count,
            "warnings": self.warning_count,
            "counts": dict(sorted(self.counts.items())),
            "load_run_id": self.load_run_id,
            "notes": self.notes,
            "issues": [asdict(i) for i in self.issues],
            "issues_truncated": len(self.issues) < self.error_count + self.warning_count,
        }

    def save_json(self, path: Path) -> None:
        """Write the report as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
