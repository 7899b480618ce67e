"""What a job's transform sees of one chunk: report, areas, options and the rows' fate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from etl.areas import AreaIndex
from etl.report import Report


@dataclass(frozen=True)
class LoadOptions:
    """How to run a load: checks only, skip bad rows, values the table's title gives."""

    dry_run: bool = False
    skip_invalid: bool = False
    commodity: str | None = None
    year: int | None = None
    source_key: str | None = None
    loaded_by: str = "cli"
    area: str | None = None  # GRDP: the region of a table whose title does not name it (etl/grdp.py)
    price_basis: str | None = None  # GRDP: adhk or adhb, for a table whose title does not name it

    def table_values(self) -> dict[str, Any]:
        """The values that complete a table whose title, not its columns, says what and when."""
        return {k: v for k, v in (("commodity", self.commodity), ("year", self.year)) if v is not None}


@dataclass
class ChunkContext:
    """One chunk under validation: which rows are bad so far, and where to report."""

    report: Report
    areas: AreaIndex
    options: LoadOptions
    rows: np.ndarray
    headers: dict[str, str]
    bad: np.ndarray
    skip: np.ndarray
    said_missing: np.ndarray | None = None  # rows with a figure cell saying "no figure" ("...", "n/a")

    def header(self, column: str) -> str:
        """The file's own header for a canonical column (for messages)."""
        return self.headers.get(column, column)

    def reject(self, mask: Any, column: str | None, values: Any, reason: str | Any, type_: str) -> None:
        """Mark rows bad and report each; ``reason`` may be one text or a text per row."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        self._report(mask, column, values, reason, type_, "error")

    def warn(self, mask: Any, column: str | None, values: Any, reason: str | Any, type_: str) -> None:
        """Report a warning for each masked row (the rows still load)."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self._report(mask, column, values, reason, type_, "warning")

    def _report(self, mask: np.ndarray, column: str | None, values: Any, reason: Any,
                type_: str, severity: str) -> None:
        idx = np.flatnonzero(mask)
        vals = _pick(values, idx)
        reasons = _pick(reason, idx) if not isinstance(reason, str) else [reason] * len(idx)
        add = self.report.error if severity == "error" else self.report.warning
        name = self.header(column) if column else None
        for i, value, why in zip(idx, vals, reasons, strict=True):
            add(why, type_, row=int(self.rows[i]), column=name, value=value)


def _pick(values: Any, idx: np.ndarray) -> list[Any]:
    if values is None:
        return [None] * len(idx)
    if isinstance(values, pd.Series):
        return values.iloc[idx].tolist()
    return list(np.asarray(values, dtype=object)[idx])
