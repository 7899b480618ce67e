"""Run one declared job on one file: read, map columns, validate, transform, stage, merge."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from etl.areas import AreaIndex
from etl.bulk import BulkMode, ShadowTable, SuspendedIndexes, holds_only
from etl.context import LoadOptions
from etl.derived_areas import DerivedAreasSink
from etl.gazetteer import Gazetteer
from etl.jobs import JOBS, Job
from etl.report import Report
from etl.runner import LoadRunner
from etl.sources import OpenedSource, map_headers, open_quietly, open_source
from etl.staging import Sink, Stage
from etl.validation import Progress, Validation
from etl.vocabulary import VocabularySink
from gis.settings import Settings

__all__ = ["BULK_BYTES", "file_checksum", "map_headers", "open_source", "run_job"]

BULK_BYTES = 20_000_000  # a file this large into an empty table: rebuild indexes once, after loading


def run_job(engine: Engine, settings: Settings, kind: str, path: Path, options: LoadOptions,
            *, rejected_path: Path | None = None, progress: Progress | None = None) -> Report:
    """Load ``path`` as ``kind`` in one transaction; the report says what happened.

    Every worker thread of the load belongs to one :class:`LoadRunner`: when this returns or
    raises, none is left running and the file is closed.
    """
    load = _Load(engine, settings, JOBS[kind], path, options, rejected_path, progress)
    with LoadRunner() as runner:
        return load.run(runner)


@dataclass
class _Load:
    """One load of one file: the transaction, the checks and the writing."""

    engine: Engine
    settings: Settings
    job: Job
    path: Path
    options: LoadOptions
    rejected_path: Path | None
    progress: Progress | None
    report: Report = field(init=False)
    source_key: str = field(init=False)
    bulk: BulkMode | None = None
    vocabulary: VocabularySink | None = None
    derived: DerivedAreasSink | None = None

    def __post_init__(self) -> None:
        self.report = Report(kind=self.job.kind, source=self.path.name)
        self.source_key = self.options.source_key or self.path.name

    def run(self, runner: LoadRunner) -> Report:
        """Load in one transaction: committed when the rows are in, rolled back otherwise."""
        # The file's checksum, scan and header are read while the database is set up for the load.
        checksummed = runner.submit(file_checksum, self.path)
        opening = runner.open(open_quietly, self.job, self.path)
        try:
            with self.engine.connect() as conn:
                trans = conn.begin()
                try:
                    if self._load(conn, runner, checksummed, opening):
                        trans.commit()
                    else:
                        trans.rollback()
                except BaseException:
                    if trans.is_active:
                        trans.rollback()
                    raise
        finally:
            if self.bulk is not None:
                self.bulk.discard()
        return self.report

    def _load(self, conn: Connection, runner: LoadRunner, checksummed: Future[str],
              opening: Future[OpenedSource]) -> bool:
        """Check and write the rows inside the load's transaction; True when it is to be committed."""
        job, options, report = self.job, self.options, self.report
        # The engine's statement timeout guards the web requests; a load's merge and index builds
        # may take longer (a large upload while the map is busy), and its size is bounded anyway.
        conn.execute(text("SET LOCAL statement_timeout = 0"))
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"{job.kind}:{self.source_key}"})
        if job.table != "areas":  # codes checked below must stay valid until we commit
            conn.execute(text("LOCK TABLE areas IN SHARE MODE"))
        previous = _previous_runs(conn, job.kind, self.source_key)
        checksum = checksummed.result()
        if not options.dry_run and _already_loaded(conn, previous, checksum, options):
            report.status = "unchanged"
            report.notes.append("this exact file was already loaded with the same options: nothing to do")
            return False
        areas = self._areas(conn)
        run_id = None if options.dry_run else _insert_run(conn, job, self.path, self.source_key, checksum, options)
        valid_rows, written = self._check_and_write(conn, runner, opening, areas, previous, run_id)
        if valid_rows == 0 and report.rows_read and (report.valid or options.skip_invalid):
            report.error("no valid row to load", "no-rows")
        if not (report.valid or options.skip_invalid) or valid_rows == 0:
            report.status = "invalid"
            return False
        if run_id is None:
            report.status = "validated"
            return False
        self._finish(conn, run_id, previous, written)
        return True

    def _check_and_write(self, conn: Connection, runner: LoadRunner, opening: Future[OpenedSource],
                         areas: AreaIndex, previous: list[int], run_id: int | None) -> tuple[int, int]:
        """Check every chunk and, unless this is a dry run (no ``run_id``), write the valid rows as they come;
        return (valid rows, rows written). The writer has stopped when this returns or raises."""
        validation = Validation(self.job, self.options, self.report, areas, self.rejected_path, self.progress)
        if run_id is None:
            return validation.run(opening, runner, None), 0
        with runner.writer(self._open_sink(conn, previous, run_id, runner)) as writer:
            valid_rows = validation.run(opening, runner, writer)
            return valid_rows, writer.close()

    def _areas(self, conn: Connection) -> AreaIndex:
        settings = self.settings
        areas = AreaIndex.load(conn, settings.region_code, settings.region_buffer_km,
                               Gazetteer.load(settings.gazetteer_dir, settings.region_code))
        if areas.region is None:
            self.report.notes.append(f"region {settings.region_code} has no boundary loaded: "
                                     "points are not checked against it")
        return areas

    def _open_sink(self, conn: Connection, previous: list[int], run_id: int, runner: LoadRunner) -> Sink:
        """Where the rows go: through a staging table, or (a large file into a table that holds nothing
        else) straight into a fresh copy of the table or into the table without its indexes."""
        sink, self.bulk = _table_sink(self.engine, conn, self.job, self.path, previous, run_id, self.report, runner)
        if self.job.vocabulary:
            sink = self.vocabulary = VocabularySink(sink, *self.job.vocabulary)
        if self.job.derives_parents:
            sink = self.derived = DerivedAreasSink(sink, conn, run_id)
        return sink

    def _finish(self, conn: Connection, run_id: int, previous: list[int], written: int) -> None:
        """Complete what the rows need (vocabulary, derived areas, indexes) and record the run."""
        if self.vocabulary is not None:
            self.vocabulary.save(conn, replace=self.bulk is not None)
        if self.derived is not None:
            self.derived.finish(self.report)
        if self.bulk is not None:
            self.bulk.finish()
        self.report.rows_loaded = written
        _finish_run(conn, run_id, previous, self.report)
        self.report.load_run_id = run_id
        self.report.status = "loaded"


def _table_sink(engine: Engine, conn: Connection, job: Job, path: Path, previous: list[int], run_id: int,
                report: Report, runner: LoadRunner) -> tuple[Sink, BulkMode | None]:
    replaced = previous if job.replaces_source_rows else []
    bulk = False
    if path.stat().st_size >= BULK_BYTES:
        conn.execute(text(f"LOCK TABLE {job.table} IN SHARE ROW EXCLUSIVE MODE"))  # no other writer from here
        bulk = holds_only(conn, job.table, replaced)  # empty once this source's old rows are gone
        if bulk and ShadowTable.possible(conn, job):
            report.notes.append("bulk load: rows copied into a fresh table, indexed in parallel, "
                                "swapped in at commit")
            shadow = ShadowTable(engine, conn, job, run_id, runner)
            return shadow, shadow
    stage = Stage(conn, job, run_id)
    stage.delete_source_rows(replaced)
    if bulk:
        stage.bulk = True
        report.notes.append("bulk load: indexes were rebuilt once after loading")
        return stage, SuspendedIndexes(conn, job.table)
    return stage, None


def _previous_runs(conn: Connection, kind: str, source_key: str) -> list[int]:
    return list(conn.execute(text(
        "SELECT id FROM load_runs WHERE kind = :kind AND source_key = :key AND status = 'loaded'"
    ), {"kind": kind, "key": source_key}).scalars())


def _already_loaded(conn: Connection, previous: list[int], checksum: str, options: LoadOptions) -> bool:
    if not previous:
        return False
    row = conn.execute(text(
        "SELECT checksum, options FROM load_runs WHERE id = ANY(:ids) ORDER BY id DESC LIMIT 1"
    ), {"ids": previous}).one()
    return row.checksum == checksum and row.options == _options_json(options)


def _options_json(options: LoadOptions) -> dict:
    given = {"area": options.area, "price_basis": options.price_basis}  # GRDP only: absent elsewhere
    return {"commodity": options.commodity, "year": options.year, "skip_invalid": options.skip_invalid,
            **{k: v for k, v in given.items() if v is not None}}


def _insert_run(conn: Connection, job: Job, path: Path, source_key: str, checksum: str,
                options: LoadOptions) -> int:
    return conn.execute(text(
        "INSERT INTO load_runs (kind, source_key, source_name, checksum, options, status, rows_read, "
        "rows_loaded, rows_rejected, warnings, loaded_by, started_at) VALUES (:kind, :key, :name, "
        ":checksum, CAST(:options AS jsonb), 'loaded', 0, 0, 0, 0, :by, now()) RETURNING id"
    ), {"kind": job.kind, "key": source_key, "name": path.name, "checksum": checksum,
        "options": json.dumps(_options_json(options)), "by": options.loaded_by}).scalar_one()


def _finish_run(conn: Connection, run_id: int, previous: list[int], report: Report) -> None:
    conn.execute(text("UPDATE load_runs SET status = 'superseded' WHERE id = ANY(:ids)"), {"ids": previous})
    conn.execute(text(
        "UPDATE load_runs SET rows_read = :read, rows_loaded = :loaded, rows_rejected = :rejected, "
        "warnings = :warnings, finished_at = clock_timestamp() WHERE id = :id"
    ), {"read": report.rows_read, "loaded": report.rows_loaded, "rejected": report.rows_rejected,
        "warnings": report.warning_count, "id": run_id})


def file_checksum(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
