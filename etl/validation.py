"""Checking a file's chunks: converted, transformed and hashed on the load's workers, settled in file order.

Valid rows go to the writer; every problem goes to the report with its row, column and reason.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from etl.areas import AreaIndex
from etl.columns import Column, convert, each
from etl.context import ChunkContext, LoadOptions
from etl.duplicates import DuplicateTracker, RowHashes
from etl.errors import EtlError
from etl.jobs import Job
from etl.numbers import decide_decimals
from etl.report import Report
from etl.sources import OpenedSource, Source

if TYPE_CHECKING:
    from etl.runner import LoadRunner
    from etl.staging import BackgroundWriter

Progress = Callable[[int], None]
CHECK_THREADS = 2  # chunks checked at once: most of the work is in pyarrow and numpy, which release the GIL
READ_FAILURES = (EtlError, pd.errors.ParserError, UnicodeDecodeError)
# Columns a job needs, at least one of each group (values given as options count).
NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "boundaries": (("code", "name"),),
    "agriculture": (("area_code", "desa_name", "kecamatan_name"), ("commodity",), ("year",),
                    ("planted_ha", "harvested_ha", "production_ton")),
    "fisheries": (("area_code", "desa_name", "kecamatan_name"), ("kind",), ("year",),
                  ("production_ton", "value_idr", "area_ha")),
    "landing-sites": (("name",), ("area_code", "desa_name", "lat")),
    "producers": (("name",), ("area_code", "desa_name", "lat")),
    "opportunities": (("code",), ("title_id",)),
    "totals": (("scope",), ("subject",), ("year",), ("value",)),
    "grdp": (("category",), ("year",), ("value",)),
}


@dataclass
class Validation:
    """Checks every chunk of an opened file; the valid rows go to a writer, if there is one."""

    job: Job
    options: LoadOptions
    report: Report
    areas: AreaIndex
    rejected_path: Path | None
    progress: Progress | None
    valid_rows: int = 0
    writer: BackgroundWriter | None = None
    _decimals: dict[str, str] = field(default_factory=dict)
    _tracker: DuplicateTracker = field(default_factory=DuplicateTracker)

    def run(self, opening: Future[OpenedSource], runner: LoadRunner, writer: BackgroundWriter | None) -> int:
        """Check the file ``opening`` opens on the runner's workers, hand its valid rows to ``writer`` (None:
        a dry run); return the number of valid rows."""
        self.writer = writer
        try:
            source, findings = opening.result()
            self.report.absorb(findings)
        except READ_FAILURES as exc:
            unreadable(self.report, exc)
            return 0
        if source.title and self.options.year is None and "year" not in source.mapping:
            years = set(re.findall(r"\b(19\d\d|20\d\d)\b", source.title))
            if len(years) == 1:
                self.options = replace(self.options, year=int(years.pop()))
                self.report.warning(f"year {self.options.year} taken from the table title", "year-from-title")
        if check_needs(self.job, source, self.options, self.report):
            self._check_chunks(source, runner)
        return self.valid_rows

    def _check_chunks(self, source: Source, runner: LoadRunner) -> None:
        """Check CHECK_THREADS chunks at once while the next one is read; settle them in file order."""
        pending: deque[tuple[pd.DataFrame, np.ndarray, Future]] = deque()
        checks = runner.limited(CHECK_THREADS)
        failure: Exception | None = None
        try:
            for raw, rows in source.chunks:
                if not self._decimals:  # decided once, on the first chunk, for the whole file
                    self._decimals.update(_file_decimals(self.job, raw, source))
                checked = checks.submit(_check_chunk, self.job, raw, rows, source, self.areas, self.options,
                                        self._decimals)
                pending.append((raw, rows, checked))
                while pending and (len(pending) > CHECK_THREADS or pending[0][2].done()):
                    self._settle(*pending.popleft())  # checked chunks go on at once (in file order)
        except READ_FAILURES as exc:
            failure = exc
        try:
            while pending:
                self._settle(*pending.popleft())
        except READ_FAILURES as exc:
            failure = failure or exc
        if failure is not None:
            unreadable(self.report, failure)

    def _settle(self, raw: pd.DataFrame, rows: np.ndarray, checked: Future) -> None:
        """Take a checked chunk in file order: its findings, duplicates, valid rows to the writer."""
        out, ctx, findings, hashes = checked.result()
        report = self.report
        report.rows_read += len(raw)
        report.absorb(findings)
        ctx.report = report
        _drop_duplicates(self.job, hashes, ctx, self._tracker)
        keep = ~ctx.bad & ~ctx.skip
        self.valid_rows += int(keep.sum())
        if self.writer is not None and (report.valid or self.options.skip_invalid):
            self.writer.submit(out[keep], rows[keep])
        rejected = ctx.bad
        report.rows_rejected += int(rejected.sum())
        if self.rejected_path is not None and rejected.any():
            _append_rejected(self.rejected_path, raw[rejected], rows[rejected], report)
        if self.progress:
            self.progress(report.rows_read)


def _check_chunk(job: Job, raw: pd.DataFrame, rows: np.ndarray, source: Source, areas: AreaIndex,
                 options: LoadOptions, decimals: dict[str, str]
                 ) -> tuple[pd.DataFrame, ChunkContext, Report, RowHashes]:
    """Convert, transform and hash one chunk on a worker thread; findings go to a report of its own."""
    findings = Report(kind=job.kind, source="")
    frame, ctx = _convert_chunk(job, raw, rows, source, findings, areas, options, decimals)
    out = job.transform(frame, ctx)
    content = [c for c in job.stage if c != "geom" and c not in job.derived] + [c for c in ("lon", "lat") if c in out]
    hashes = RowHashes.of(out[list(job.natural_key)], out.reindex(columns=content), ~ctx.bad & ~ctx.skip)
    return out, ctx, findings, hashes


def _drop_duplicates(job: Job, hashes: RowHashes, ctx: ChunkContext, tracker: DuplicateTracker) -> None:
    """Exact repeats of a row load once (warning); rows sharing a key with other values are errors."""
    key = ", ".join(job.natural_key)
    for dup in tracker.check(hashes, ctx.rows):
        mask = np.zeros(len(ctx.rows), dtype=bool)
        mask[dup.position] = True
        if dup.identical:
            ctx.warn(mask, None, None, f"exact duplicate of row {dup.first_row}: loaded once", "duplicate-row")
            ctx.skip |= mask
        else:
            ctx.reject(mask, None, None, f"same {key} as row {dup.first_row} but different values: "
                       "keep one of them", "duplicate-key")


def unreadable(report: Report, exc: Exception) -> None:
    """Report a file that cannot be read (at the row and column the reader names, if it does)."""
    if isinstance(exc, EtlError):
        report.error(str(exc), "unreadable-file", row=getattr(exc, "row", None),
                     column=getattr(exc, "column", None))
    else:  # a parser error the reader did not turn into a ReadError
        report.error(f"the file cannot be read as a table: {exc}", "unreadable-file")


def check_needs(job: Job, source: Source, options: LoadOptions, report: Report) -> bool:
    """Report the columns the job needs that the file lacks; True when it has them all."""
    given = set(source.mapping) | set(options.table_values())
    if job.geometry in ("points", "any") and "lat" in given:
        given.add("lon")
    ok = True
    for group in NEEDS[job.kind]:
        if not given.intersection(group):
            accepted = [n for c in group for n in job.column(c).accepted][:12]
            hint = " (or give it with --" + group[0] + ")" if group[0] in ("commodity", "year") else ""
            report.error(f"missing column: the file needs a column for {' or '.join(group)}{hint}; "
                         f"accepted headers include: {', '.join(accepted)}", "missing-column",
                         column=group[0])
            ok = False
    if job.geometry == "polygons" and "geometry" not in source.mapping:
        report.error("boundaries need a vector file (GeoJSON, Shapefile, GeoPackage) with polygons",
                     "missing-geometry")
        ok = False
    return ok


def _convert_chunk(job: Job, raw: pd.DataFrame, rows: np.ndarray, source: Source, report: Report,
                   areas: AreaIndex, options: LoadOptions,
                   decimals: dict[str, str]) -> tuple[pd.DataFrame, ChunkContext]:
    n = len(raw)
    ctx = ChunkContext(report, areas, options, rows, source.headers, np.zeros(n, dtype=bool),
                       np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
    frame = pd.DataFrame(index=raw.index)
    for name, header in source.mapping.items():
        cells = raw[header]
        if name == "geometry":
            frame[name] = cells
            continue
        column: Column = job.column(name)
        converted = convert(column, cells, decimal=decimals.get(name), clean=source.clean)
        ctx.reject(converted.bad.to_numpy(), name, cells, converted.reason, "invalid-value")
        values = converted.values
        if column.type == "number":  # a cell given but read as missing: BPS "..." (not available)
            ctx.said_missing |= (values.isna() & cells.notna() & ~converted.bad).to_numpy(dtype=bool)
        unit = source.matched.get(name, header)
        if unit in column.scaled:
            values = values * column.scaled[unit]
        frame[name] = values
    return frame, ctx


def _file_decimals(job: Job, raw: pd.DataFrame, source: Source) -> dict[str, str]:
    """The decimal mark of every number column, from the first chunk (a file is written in one locale)."""
    numeric = {name: raw[header] for name, header in source.mapping.items()
               if name != "geometry" and job.column(name).type in ("number", "integer", "year")}
    return decide_decimals(numeric, prefer="," if source.indonesian else ".")


def _append_rejected(path: Path, raw: pd.DataFrame, rows: np.ndarray, report: Report) -> None:
    reasons: dict[int, list[str]] = {}
    for issue in report.issues:
        if issue.severity == "error" and issue.row is not None:
            reasons.setdefault(issue.row, []).append(f"{issue.column or ''}: {issue.reason}")
    out = raw.copy()
    for c in out.columns:
        if out[c].dtype == object and len(out) and isinstance(out[c].iloc[0], shapely.Geometry):
            out[c] = each(out[c], lambda g: g.wkt)
    out.insert(0, "_reason", ["; ".join(reasons.get(int(r), [])) for r in rows])
    out.insert(0, "_row", rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, mode="a", header=not path.exists(), index=False)


