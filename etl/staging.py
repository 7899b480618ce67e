"""The staging table of one load: COPY valid rows in, find duplicates, merge into the target."""

from __future__ import annotations

import io
import queue
import threading
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely
from sqlalchemy import Connection, text

from etl.jobs import Job

_INT_TYPES = ("integer", "smallint", "bigint")


class Stage:
    """A temporary table shaped like the job's rows, dropped at the end of the transaction."""

    def __init__(self, conn: Connection, job: Job) -> None:
        self.conn = conn
        self.job = job
        self.bulk = False
        self.name = "stage_" + job.table
        self.columns = list(job.stage)
        cols = ", ".join(f"{c} {t}" for c, t in job.stage.items())
        conn.execute(text(f"CREATE TEMP TABLE {self.name} (__row__ integer, {cols}) ON COMMIT DROP"))

    def copy(self, frame: pd.DataFrame, rows: np.ndarray) -> None:
        """COPY the rows of ``frame`` (already valid) into the staging table."""
        if frame.empty:
            return
        data = {"__row__": pd.Series(np.asarray(rows), dtype="int64")}
        for name, sql_type in self.job.stage.items():
            data[name] = _to_csv_ready(frame[name] if name in frame else None, sql_type, len(frame))
        table = pa.Table.from_pandas(pd.DataFrame(data), preserve_index=False)
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
        raw = self.conn.connection.driver_connection
        columns = ", ".join(["__row__", *self.columns])
        with raw.cursor() as cur, cur.copy(f"COPY {self.name} ({columns}) FROM STDIN (FORMAT csv)") as cp:
            cp.write(buffer.getvalue())

    def delete_source_rows(self, previous_runs: list[int]) -> None:
        """Delete the rows that earlier loads of the same source wrote (a corrected file replaces them)."""
        if self.job.replaces_source_rows and previous_runs:
            self.conn.execute(text(f"DELETE FROM {self.job.table} WHERE load_run_id = ANY(:runs)"),
                              {"runs": previous_runs})

    def flush(self, load_run_id: int) -> int:
        """Upsert the staged rows into the target table and empty the stage; returns rows written."""
        job = self.job
        targets = _target_columns(job)
        select = ", ".join(job.select_sql(c) for c in targets)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*targets, "load_run_id"]
                            if c not in job.natural_key)
        upsert = "" if self.bulk else f"ON CONFLICT ({', '.join(job.natural_key)}) DO UPDATE SET {updates}"
        result = self.conn.execute(text(
            f"INSERT INTO {job.table} ({', '.join(targets)}, load_run_id) "
            f"SELECT {select}, :run FROM {self.name} s ORDER BY s.__row__ {upsert}"
        ), {"run": load_run_id})
        self.conn.execute(text(f"TRUNCATE {self.name}"))
        return result.rowcount


    def target_is_empty(self) -> bool:
        """True when the target table has no rows (after this source's old rows were deleted)."""
        return not self.conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {self.job.table})")).scalar()


class SuspendedIndexes:
    """A table's secondary indexes and unique constraints, dropped for a bulk load and rebuilt after.

    Building an index once over a million rows is several times cheaper than updating it
    row by row. DROP and CREATE are transactional in PostgreSQL, so a failed load still
    leaves the table as it was; readers wait for the table's lock until the load commits.
    """

    def __init__(self, conn: Connection, table: str) -> None:
        self.conn = conn
        self.table = table
        params = {"t": table}
        self.constraints = conn.execute(text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:t AS regclass) AND contype = 'u'"), params).all()
        self.indexes = conn.execute(text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = :t AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conrelid = CAST(:t AS regclass) AND c.conname = i.indexname)"), params).all()
        quote = conn.dialect.identifier_preparer.quote
        for name, _ in self.constraints:
            conn.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}"))
        for name, _ in self.indexes:
            conn.execute(text(f"DROP INDEX {quote(name)}"))

    def restore(self) -> None:
        """Build the indexes and constraints again, with memory enough for sorted builds."""
        quote = self.conn.dialect.identifier_preparer.quote
        self.conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for name, definition in self.constraints:
            self.conn.execute(text(f"ALTER TABLE {self.table} ADD CONSTRAINT {quote(name)} {definition}"))
        for _, definition in self.indexes:
            self.conn.execute(text(definition))


class BackgroundWriter:
    """Writes chunks (COPY, then upsert) on a thread while the next chunk is validated.

    PostgreSQL does the index work in its own process, so reading and checking the next
    chunk in Python overlaps with writing this one. Only this thread uses the connection
    between the writer's creation and ``close``.
    """

    def __init__(self, stage: Stage, load_run_id: int) -> None:
        self.stage = stage
        self.load_run_id = load_run_id
        self.written = 0
        self._queue: queue.Queue[tuple[pd.DataFrame, np.ndarray] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="etl-writer", daemon=True)
        self._thread.start()

    def submit(self, frame: pd.DataFrame, rows: np.ndarray) -> None:
        """Queue valid rows for writing (blocks while two chunks are already waiting)."""
        if not frame.empty:
            self._queue.put((frame, rows))

    def close(self) -> int:
        """Wait for every queued chunk; re-raise a failure of the thread; return rows written."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.written

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # keep draining so that the producer never blocks
            try:
                self.stage.copy(*item)
                self.written += self.stage.flush(self.load_run_id)
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread in close()
                self._error = exc


def _target_columns(job: Job) -> list[str]:
    """Target columns: staged ones that the table has, plus computed ones (geometry)."""
    helper = {"lon", "lat", "wkt"}
    return [c for c in job.stage if c not in helper] + [c for c in job.select if c not in job.stage]


def _to_csv_ready(values: Any, sql_type: str, n: int) -> pd.Series:
    """Values in a form pyarrow writes and PostgreSQL's CSV COPY reads for ``sql_type``."""
    if values is None:
        return pd.Series([None] * n, dtype=object)
    if sql_type.startswith("geometry"):
        geoms = np.asarray(values, dtype=object)
        geoms = shapely.set_srid(geoms, 4326)
        return pd.Series(shapely.to_wkb(geoms, hex=True, include_srid=True), dtype=object)
    if sql_type in _INT_TYPES:
        numbers = pd.to_numeric(pd.Series(values), errors="coerce").round()
        return numbers.astype("Int64").reset_index(drop=True)
    if sql_type == "double precision":
        return pd.to_numeric(pd.Series(values), errors="coerce").astype("float64").reset_index(drop=True)
    if sql_type == "boolean":
        return pd.Series(values).astype("boolean").reset_index(drop=True)
    series = pd.Series(values).reset_index(drop=True)
    return series if series.dtype == "str" else series.astype("str")
