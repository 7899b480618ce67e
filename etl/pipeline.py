"""Run one declared job on one file: read, map columns, validate, transform, stage, merge."""

from __future__ import annotations

import hashlib
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, text

from etl.areas import AreaIndex
from etl.bulk import BulkMode, ShadowTable, SuspendedIndexes, holds_only
from etl.columns import Column, convert, each
from etl.context import ChunkContext, LoadOptions
from etl.derived_areas import DerivedAreasSink
from etl.duplicates import DuplicateTracker, RowHashes
from etl.errors import EtlError
from etl.gazetteer import Gazetteer
from etl.jobs import JOBS, Job
from etl.numbers import decide_decimals
from etl.readers import open_table, read_vector, sniff_kind
from etl.report import Report
from etl.staging import BackgroundWriter, Sink, Stage
from etl.vocabulary import VocabularySink
from gis.settings import Settings

Progress = Callable[[int], None]
CHUNK_ROWS = 100_000
CHECK_THREADS = 2  # chunks checked at once: most of the work is in pyarrow and numpy, which release the GIL
BULK_BYTES = 20_000_000  # a file this large into an empty table: rebuild indexes once, after loading
INDONESIAN_WORDS = {"tahun", "produksi", "kecamatan", "desa", "kelurahan", "jumlah", "luas", "nama", "lintang",
                    "bujur", "nilai", "komoditas", "kabupaten", "menurut", "tabel", "sumber", "alamat", "jenis",
                    "panen", "tanam", "satuan", "usaha", "kode", "wilayah", "kuintal"}
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
}


@dataclass
class Source:
    """A file opened for a job: its canonical column map and a stream of raw chunks."""

    mapping: dict[str, str]  # canonical column -> normalised header in the file
    headers: dict[str, str]  # canonical column -> original header (for messages)
    chunks: Iterator[tuple[pd.DataFrame, np.ndarray]]
    title: str | None = None
    clean: bool = False  # text cells stripped, blank ones missing (TableChunk); map layers' are as read
    matched: dict[str, str] = field(default_factory=dict)  # canonical column -> the accepted name it matched

    @property
    def indonesian(self) -> bool:
        """True when the title or headers are Indonesian (then ``92.577`` means 92577)."""
        words = set(re.findall(r"[a-z]+", " ".join([self.title or "", *self.headers.values()]).lower()))
        return bool(words & INDONESIAN_WORDS)


def run_job(engine: Engine, settings: Settings, kind: str, path: Path, options: LoadOptions,
            *, rejected_path: Path | None = None, progress: Progress | None = None) -> Report:
    """Load ``path`` as ``kind`` in one transaction; the report says what happened."""
    job = JOBS[kind]
    report = Report(kind=kind, source=path.name)
    source_key = options.source_key or path.name
    bulk: BulkMode | None = None
    # The file's checksum, scan and header are read while the database is set up for the load.
    pool = ThreadPoolExecutor(2, thread_name_prefix="etl-open")
    checksummed = pool.submit(file_checksum, path)
    opening = pool.submit(_open_quietly, job, path)
    pool.shutdown(wait=False)
    try:
        with engine.connect() as conn:
            trans = conn.begin()
            try:
                # The engine's statement timeout guards the web requests; a load's merge and index builds
                # may take longer (a large upload while the map is busy), and its size is bounded anyway.
                conn.execute(text("SET LOCAL statement_timeout = 0"))
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"{kind}:{source_key}"})
                if job.table != "areas":  # codes checked below must stay valid until we commit
                    conn.execute(text("LOCK TABLE areas IN SHARE MODE"))
                previous = _previous_runs(conn, kind, source_key)
                checksum = checksummed.result()
                if not options.dry_run and _already_loaded(conn, previous, checksum, options):
                    report.status = "unchanged"
                    report.notes.append("this exact file was already loaded with the same options: nothing to do")
                    trans.rollback()
                    return report
                areas = AreaIndex.load(conn, settings.region_code, settings.region_buffer_km,
                                       Gazetteer.load(settings.gazetteer_dir, settings.region_code))
                if areas.region is None:
                    report.notes.append(f"region {settings.region_code} has no boundary loaded: "
                                        "points are not checked against it")
                writer = vocabulary = derived = None
                if not options.dry_run:
                    run_id = _insert_run(conn, job, path, source_key, checksum, options)
                    sink, bulk = _open_sink(engine, conn, job, path, previous, run_id, report)
                    if job.vocabulary:
                        sink = vocabulary = VocabularySink(sink, *job.vocabulary)
                    if job.derives_parents:
                        sink = derived = DerivedAreasSink(sink, conn, run_id)
                    writer = BackgroundWriter(sink)
                valid_rows = _validate(job, opening, options, report, areas, writer, rejected_path, progress)
                written = writer.close() if writer else 0
                if valid_rows == 0 and report.rows_read and (report.valid or options.skip_invalid):
                    report.error("no valid row to load", "no-rows")
                if not (report.valid or options.skip_invalid) or valid_rows == 0:
                    report.status = "invalid"
                    trans.rollback()
                    return report
                if options.dry_run:
                    report.status = "validated"
                    trans.rollback()
                    return report
                if vocabulary is not None:
                    vocabulary.save(conn, replace=bulk is not None)
                if derived is not None:
                    derived.finish(report)
                if bulk is not None:
                    bulk.finish()
                report.rows_loaded = written
                _finish_run(conn, run_id, previous, report)
                report.load_run_id = run_id
                report.status = "loaded"
                trans.commit()
                return report
            except BaseException:
                if trans.is_active:
                    trans.rollback()
                raise
    finally:
        if bulk is not None:
            bulk.discard()


def _open_sink(engine: Engine, conn: Connection, job: Job, path: Path, previous: list[int], run_id: int,
               report: Report) -> tuple[Sink, BulkMode | None]:
    """Where the rows go: through a staging table, or (a large file into a table that holds nothing
    else) straight into a fresh copy of the table or into the table without its indexes."""
    replaced = previous if job.replaces_source_rows else []
    bulk = False
    if path.stat().st_size >= BULK_BYTES:
        conn.execute(text(f"LOCK TABLE {job.table} IN SHARE ROW EXCLUSIVE MODE"))  # no other writer from here
        bulk = holds_only(conn, job.table, replaced)  # empty once this source's old rows are gone
        if bulk and ShadowTable.possible(conn, job):
            report.notes.append("bulk load: rows copied into a fresh table, indexed in parallel, "
                                "swapped in at commit")
            shadow = ShadowTable(engine, conn, job, run_id)
            return shadow, shadow
    stage = Stage(conn, job, run_id)
    stage.delete_source_rows(replaced)
    if bulk:
        stage.bulk = True
        report.notes.append("bulk load: indexes were rebuilt once after loading")
        return stage, SuspendedIndexes(conn, job.table)
    return stage, None


def _validate(job: Job, opening: Future, options: LoadOptions, report: Report, areas: AreaIndex,
              writer: BackgroundWriter | None, rejected_path: Path | None, progress: Progress | None) -> int:
    """Check every chunk, hand valid rows to the writer; returns the number of valid rows."""
    try:
        source, findings = opening.result()
        report.absorb(findings)
    except READ_FAILURES as exc:
        _unreadable(report, exc)
        return 0
    if source.title and options.year is None and "year" not in source.mapping:
        years = set(re.findall(r"\b(19\d\d|20\d\d)\b", source.title))
        if len(years) == 1:
            options = replace(options, year=int(years.pop()))
            report.warning(f"year {options.year} taken from the table title", "year-from-title")
    if not _check_needs(job, source, options, report):
        return 0
    decimals: dict[str, str] = {}
    tracker = DuplicateTracker()
    valid_rows = 0
    pending: deque[tuple[pd.DataFrame, np.ndarray, Future]] = deque()

    def settle(raw: pd.DataFrame, rows: np.ndarray, checked: Future) -> None:
        """Take a checked chunk in file order: its findings, duplicates, valid rows to the writer."""
        nonlocal valid_rows
        out, ctx, findings, hashes = checked.result()
        report.rows_read += len(raw)
        report.absorb(findings)
        ctx.report = report
        _drop_duplicates(job, hashes, ctx, tracker)
        keep = ~ctx.bad & ~ctx.skip
        valid_rows += int(keep.sum())
        if writer is not None and (report.valid or options.skip_invalid):
            writer.submit(out[keep], rows[keep])
        rejected = ctx.bad
        report.rows_rejected += int(rejected.sum())
        if rejected_path is not None and rejected.any():
            _append_rejected(rejected_path, raw[rejected], rows[rejected], report)
        if progress:
            progress(report.rows_read)

    failure: Exception | None = None
    with ThreadPoolExecutor(CHECK_THREADS, thread_name_prefix="etl-check") as pool:
        try:
            for raw, rows in source.chunks:
                if not decimals:  # decided once, on the first chunk, for the whole file
                    decimals.update(_file_decimals(job, raw, source))
                pending.append((raw, rows, pool.submit(_check_chunk, job, raw, rows, source, areas, options,
                                                       decimals)))
                while pending and (len(pending) > CHECK_THREADS or pending[0][2].done()):
                    settle(*pending.popleft())  # checked chunks go on at once (in file order)
        except READ_FAILURES as exc:
            failure = exc
        try:
            while pending:
                settle(*pending.popleft())
        except READ_FAILURES as exc:
            failure = failure or exc
    if failure is not None:
        _unreadable(report, failure)
    return valid_rows


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


def _unreadable(report: Report, exc: Exception) -> None:
    if isinstance(exc, EtlError):
        report.error(str(exc), "unreadable-file", row=getattr(exc, "row", None),
                     column=getattr(exc, "column", None))
    else:  # a parser error the reader did not turn into a ReadError
        report.error(f"the file cannot be read as a table: {exc}", "unreadable-file")


def _open_quietly(job: Job, path: Path) -> tuple[Source, Report]:
    """:func:`open_source` with a report of its own (it runs beside the set-up of the load)."""
    findings = Report(kind=job.kind, source="")
    return open_source(job, path, findings), findings


def open_source(job: Job, path: Path, report: Report) -> Source:
    """Open a table or vector file and map its headers to the job's columns."""
    if sniff_kind(path) == "vector":
        frame, warnings = read_vector(path)
        for w in warnings:
            report.warning(w, "file-warning")
        if job.geometry == "points":
            points = frame.geometry.geom_type == "Point"
            frame["__lon__"] = np.where(points, frame.geometry.x.where(points), np.nan)
            frame["__lat__"] = np.where(points, frame.geometry.y.where(points), np.nan)
        headers = {c: c for c in frame.columns if c not in ("__row__",)}
        mapping = map_headers(job, list(headers))
        if job.geometry == "points":
            mapping.setdefault("lon", "__lon__")
            mapping.setdefault("lat", "__lat__")
        if job.geometry in ("polygons", "any"):
            mapping["geometry"] = frame.geometry.name
        rows = frame["__row__"].to_numpy()
        data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        data[frame.geometry.name] = np.asarray(frame.geometry.array, dtype=object)
        chunks = ((data.iloc[i:i + CHUNK_ROWS], rows[i:i + CHUNK_ROWS]) for i in range(0, len(data), CHUNK_ROWS))
        return Source(mapping, {k: v for k, v in mapping.items()}, chunks)
    info, chunks = open_table(path, chunk_rows=CHUNK_ROWS)
    mapping = map_headers(job, list(info.headers), info.alternatives)
    _note_ignored(job, info.headers, mapping, report)
    for row, reason in info.dropped:
        if "empty" not in reason:
            report.notes.append(f"row {row}: {reason} skipped")
    headers = {canon: info.headers.get(src, src) for canon, src in mapping.items()}
    matched = {canon: next((k for k in (src, *info.alternatives.get(src, ())) if k in job.column(canon).accepted),
                           src) for canon, src in mapping.items()}  # "produksi_kuintal" of a bilingual header
    return Source(mapping, headers, ((c.frame, c.rows) for c in chunks), info.title, clean=True, matched=matched)


def map_headers(job: Job, headers: list[str],
                alternatives: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Canonical column -> file header, each header used once, first accepted name wins.

    A header's ``alternatives`` (its other language in a BPS table: "subdistrict" for
    "kecamatan") are tried for the columns that none of the headers' own names filled.
    """
    mapping: dict[str, str] = {}
    used: set[str] = set()
    present = set(headers)
    for column in job.columns:
        for name in column.accepted:
            if name in present and name not in used:
                mapping[column.name] = name
                used.add(name)
                break
    spelled = [(alt, header) for header in headers for alt in (alternatives or {}).get(header, ())]
    for column in job.columns:
        if column.name in mapping:
            continue
        for name in column.accepted:
            header = next((h for alt, h in spelled if alt == name and h not in used), None)
            if header is not None:
                mapping[column.name] = header
                used.add(header)
                break
    return mapping


def _note_ignored(job: Job, headers: dict[str, str], mapping: dict[str, str], report: Report) -> None:
    ignored = [headers[h] for h in headers if h not in mapping.values()]
    if ignored:
        report.notes.append("columns not used by this job: " + ", ".join(map(str, ignored)))


def _check_needs(job: Job, source: Source, options: LoadOptions, report: Report) -> bool:
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
    return {"commodity": options.commodity, "year": options.year, "skip_invalid": options.skip_invalid}


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
