"""Writing valid rows: COPY into a staging table, then merge into the target (or COPY straight in)."""

from __future__ import annotations

import queue
from collections.abc import Sequence
from concurrent.futures import Executor, Future, wait
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely
from sqlalchemy import Connection, text

from etl.columns import on_distinct
from etl.jobs import Job
from etl.runner import SerialLane
from gis.text import arrow_text, text_series

_INT_TYPES = ("integer", "smallint", "bigint")
QUEUED_CHUNKS = 2  # prepared or being prepared, waiting for the writing thread (more only holds memory)
# Of the CSV that COPY reads: the unit separator (text files cannot hold it; a cell that does is quoted).
DELIMITER = "\x1f"


class Sink(Protocol):
    """Where the writer puts valid rows: made ready beside the checks, then written in file order."""

    def prepare(self, frame: pd.DataFrame, rows: np.ndarray) -> Any:
        """What :meth:`write` sends for the (non-empty) rows of ``frame``; no database work, any thread."""

    def write(self, prepared: Any) -> int:
        """Send prepared rows; return how many landed in the target."""


def csv_rows(frame: pd.DataFrame, types: dict[str, str], constants: dict[str, Any] | None = None, *,
             bare: bool = False, grouped_by: str | None = None) -> memoryview:
    """The rows of ``frame`` as CSV that COPY reads: the columns ``types`` (name -> SQL type), then the
    constant columns. Text is quoted, so that an empty text is not missing; ``bare``: not quoted
    (PostgreSQL reads that faster) unless some text holds a quote or a line break. Then empty
    text and missing cells are alike, so the COPY must read its NOT NULL columns FORCE_NOT_NULL.
    ``grouped_by``: bare rows come sorted by that column (in file order where it is equal)."""
    data = {name: _column(frame, name, sql_type) for name, sql_type in types.items()}
    for name, value in (constants or {}).items():
        data[name] = pd.Series(np.full(len(frame), value))
    table = pa.Table.from_pandas(pd.DataFrame(data), preserve_index=False)
    if bare:
        try:
            written = _written_csv(_as_text_columns(table), "none")
        except pa.ArrowInvalid:  # a value holds a quote, a line break or the delimiter
            pass
        else:
            return written if grouped_by is None else _lines_sorted(written, data[grouped_by])
    return _written_csv(table, "needed")


def _as_text_columns(table: pa.Table) -> pa.Table:
    """Every column as text: the text the CSV writer would make, but it writes bare rows of text in
    half the time it takes with numbers to format."""
    return pa.table([c if pa.types.is_large_string(c.type) or pa.types.is_string(c.type)
                     else pc.cast(c, pa.large_string()) for c in table.columns], names=table.column_names)


def _lines_sorted(csv: memoryview, values: pd.Series) -> memoryview:
    """Lines of bare CSV (a row each) in the order of ``values``, stable: moved as whole lines, in less
    than half the time of sorting the table before writing it."""
    ends = np.flatnonzero(np.frombuffer(csv, dtype=np.uint8) == ord("\n")) + 1
    if len(ends) != len(values):  # not a line a row: leave the rows as they are
        return csv
    offsets = np.concatenate([[0], ends])
    lines = pa.Array.from_buffers(pa.large_binary(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(csv)])
    codes, distinct = pd.factorize(values, sort=True)
    if len(distinct) < np.iinfo(np.uint16).max:  # a radix sort: four times faster
        codes = codes.astype(np.uint16)
    moved = lines.take(pa.array(np.argsort(codes, kind="stable")))
    return memoryview(moved.buffers()[2]).cast("B")[:len(csv)]


def _written_csv(table: pa.Table, quoting: str) -> memoryview:
    """The CSV in pyarrow's own memory: written without the GIL (a Python file would take it), and
    not copied into Python bytes (the COPY sends it in slices of a view)."""
    buffer = pa.BufferOutputStream()
    options = pacsv.WriteOptions(include_header=False, delimiter=DELIMITER, quoting_style=quoting)
    pacsv.write_csv(table, buffer, options)
    return memoryview(buffer.getvalue()).cast("B")


class CopyStream:
    """One COPY ... FROM STDIN (CSV) kept open while chunks of rows are written into it.

    The server parses one chunk while the next is being made; ``freeze`` writes the rows
    frozen (for a table created in the same transaction).
    """

    def __init__(self, conn: Connection, table: str, columns: list[str], freeze: bool = False,
                 not_null: Sequence[str] = ()) -> None:
        options = f"FORMAT csv, DELIMITER E'\\x{ord(DELIMITER):02x}'"
        if freeze:
            options += ", FREEZE"
        if not_null:  # bare rows (csv_rows): an empty field is an empty text there, not a missing one
            options += f", FORCE_NOT_NULL ({', '.join(not_null)})"
        self._cursor = conn.connection.driver_connection.cursor()
        self._manager = self._cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN ({options})")
        self._copy = self._manager.__enter__()

    def write(self, rows: bytes | memoryview) -> None:
        """Send rows (from :func:`csv_rows`)."""
        self._copy.write(rows)

    def close(self, error: BaseException | None = None) -> None:
        """End the COPY (wait until every row is in), or abort it with ``error``."""
        try:
            self._manager.__exit__(type(error) if error else None, error, None)
        finally:
            self._cursor.close()

    def __enter__(self) -> CopyStream:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: Any) -> None:
        self.close(error)


class Stage:
    """A temporary table shaped like the job's rows, dropped at the end of the transaction."""

    def __init__(self, conn: Connection, job: Job, load_run_id: int) -> None:
        self.conn = conn
        self.job = job
        self.load_run_id = load_run_id
        self.bulk = False
        self.name = "stage_" + job.table
        cols = ", ".join(f"{c} {t}" for c, t in job.stage.items())
        conn.execute(text(f"CREATE TEMP TABLE {self.name} (__row__ integer, {cols}) ON COMMIT DROP"))

    def prepare(self, frame: pd.DataFrame, rows: np.ndarray) -> memoryview:
        """The rows (already valid) with their row numbers, as CSV for the stage."""
        return csv_rows(frame.assign(__row__=np.asarray(rows)), {"__row__": "integer", **self.job.stage})

    def write(self, prepared: memoryview) -> int:
        """Stage the rows, merge them into the target, empty the stage."""
        with CopyStream(self.conn, self.name, ["__row__", *self.job.stage]) as stream:
            stream.write(prepared)
        return self._merge()

    def delete_source_rows(self, previous_runs: list[int]) -> None:
        """Delete the rows that earlier loads of the same source wrote (a corrected file replaces them)."""
        if self.job.replaces_source_rows and previous_runs:
            self.conn.execute(text(f"DELETE FROM {self.job.table} WHERE load_run_id = ANY(:runs)"),
                              {"runs": previous_runs})

    def _merge(self) -> int:
        job = self.job
        targets = target_columns(job)
        select = ", ".join(job.select_sql(c) for c in targets)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*targets, "load_run_id"]
                            if c not in job.natural_key)
        upsert = "" if self.bulk else f"ON CONFLICT ({', '.join(job.natural_key)}) DO UPDATE SET {updates}"
        result = self.conn.execute(text(
            f"INSERT INTO {job.table} ({', '.join(targets)}, load_run_id) "
            f"SELECT {select}, :run FROM {self.name} s ORDER BY s.__row__ {upsert}"
        ), {"run": self.load_run_id})
        self.conn.execute(text(f"TRUNCATE {self.name}"))
        return result.rowcount


class BackgroundWriter:
    """Writes chunks in file order on a worker of the load's pool while the next chunks are validated.

    PostgreSQL does the writing in its own process. Chunks are made ready (encoded) one at a time
    on a lane of the pool (a second encoder only competed with the checks for the cores: 0.1 s
    more CPU and 60 MB more memory on 1M rows), so the writing loop only sends and the server
    never waits for Python between chunks. Only the writing loop uses the sink's connection
    between the writer's creation and :meth:`close` (or :meth:`stop`). The pool needs a worker
    besides the loop for the encoding.
    """

    def __init__(self, sink: Sink, pool: Executor) -> None:
        self.sink = sink
        self.written = 0
        self._encoding = SerialLane(pool)
        self._queue: queue.Queue[Future | None] = queue.Queue(maxsize=QUEUED_CHUNKS)
        self._error: BaseException | None = None
        self._stopping = False
        self._ended = False
        self._loop = pool.submit(self._run)

    def submit(self, frame: pd.DataFrame, rows: np.ndarray) -> None:
        """Queue valid rows for writing (blocks while enough chunks are waiting)."""
        if not frame.empty and not self._ended:
            self._queue.put(self._encoding.submit(self.sink.prepare, frame, rows))

    def close(self) -> int:
        """Wait for every queued chunk; re-raise a failure of the encoding or writing; return rows written."""
        self._end()
        if self._error is not None:
            raise self._error
        return self.written

    def stop(self) -> None:
        """Write nothing more: drop the queued chunks and wait until the writing loop has ended."""
        self._stopping = True
        self._end()

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: Any) -> None:
        self.stop()

    def _end(self) -> None:
        if not self._ended:
            self._ended = True
            self._queue.put(None)
            wait([self._loop])

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None or self._stopping:
                item.cancel()
                continue  # keep draining so that the producer never blocks
            try:
                self.written += self.sink.write(item.result())
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread in close()
                self._error = exc


def target_columns(job: Job) -> list[str]:
    """Target columns: staged ones that the table has, plus those the database computes."""
    helper = {"wkt"}  # read only by a ``select`` expression
    return [c for c in job.stage if c not in helper] + [c for c in job.select if c not in job.stage]


# A byte as its two hex digits, read as one 16-bit number.
_HEX = np.array([int.from_bytes(f"{i:02X}".encode(), "little") for i in range(256)], dtype=np.uint16)
_EWKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("srid", "<u4"), ("x", "<f8"), ("y", "<f8")])


def point_ewkb_hex(lon: np.ndarray, lat: np.ndarray) -> pd.Series:
    """Hex EWKB (SRID 4326) of the points ``lon``, ``lat``; None where a coordinate is missing.

    The same text as ``shapely.to_wkb(..., hex=True, include_srid=True)``, built by numpy in one
    pass: making a million shapely points first takes seconds.
    """
    given = ~np.isnan(lon) & ~np.isnan(lat)
    record = np.zeros(len(lon), dtype=_EWKB_POINT)
    record["order"], record["type"], record["srid"] = 1, 0x20000001, 4326  # little endian, Point with SRID
    record["x"], record["y"] = lon, lat
    octets = record.view(np.uint8).reshape(len(record), _EWKB_POINT.itemsize)
    hexed = np.take(_HEX, octets)  # every point's hex text, one after the other
    width = 2 * _EWKB_POINT.itemsize
    offsets = np.arange(0, width * len(record) + 1, width, dtype=np.int32)
    validity = pa.array(given).buffers()[1]  # a bitmap: missing points are null
    text = pa.Array.from_buffers(pa.string(), len(record), [validity, pa.py_buffer(offsets), pa.py_buffer(hexed)],
                                 null_count=int((~given).sum()))
    return pd.Series(pd.arrays.ArrowExtensionArray(text))


def _column(frame: pd.DataFrame, name: str, sql_type: str) -> pd.Series:
    """The CSV-ready values of one column of ``frame`` (points are made from its lon and lat)."""
    if sql_type.startswith("geometry(Point") and name not in frame and "lon" in frame:
        return point_ewkb_hex(frame["lon"].to_numpy(dtype=float, na_value=np.nan),
                              frame["lat"].to_numpy(dtype=float, na_value=np.nan))
    return _to_csv_ready(frame[name] if name in frame else None, sql_type, len(frame))


def _to_csv_ready(values: Any, sql_type: str, n: int) -> pd.Series:
    """Values in a form pyarrow writes and PostgreSQL's CSV COPY reads for ``sql_type``."""
    if values is None:
        return pd.Series(["{}" if sql_type == "text[]" else None] * n, dtype=object)
    if sql_type.startswith("geometry"):
        geoms = shapely.set_srid(np.asarray(values, dtype=object), 4326)
        return pd.Series(shapely.to_wkb(geoms, hex=True, include_srid=True), dtype=object)
    if sql_type in _INT_TYPES:
        numbers = pd.to_numeric(pd.Series(values), errors="coerce").round()
        return numbers.astype("Int64").reset_index(drop=True)
    if sql_type == "double precision":
        return pd.to_numeric(pd.Series(values), errors="coerce").astype("float64").reset_index(drop=True)
    if sql_type == "boolean":
        return pd.Series(values).astype("boolean").reset_index(drop=True)
    series = _as_text(pd.Series(values).reset_index(drop=True))
    if sql_type == "text[]":  # "a;b" -> {"a","b"}; no list -> {}
        return on_distinct(series, _array_literal).fillna("{}")
    return series


def _array_literal(lists: pd.Series) -> pd.Series:
    """``a;b`` as the array literal ``{a,b}``; every item quoted when one needs it (or is the word NULL)."""
    quoted = lists.str.replace("\\", "\\\\", regex=False).str.replace('"', '\\"', regex=False)
    quoted = '{"' + quoted.str.replace(";", '","', regex=False) + '"}'
    plain = (lists.str.fullmatch(r"[^\s{}\\\",]+(?:;[^\s{}\\\",]+)*")
             & ~lists.str.contains(r"(?:^|;)null(?:;|$)", case=False)).fillna(False).astype(bool)
    return quoted.where(~plain, "{" + lists.str.replace(";", ",", regex=False) + "}")


def _as_text(series: pd.Series) -> pd.Series:
    """Cells as pandas text."""
    return series if series.dtype == "str" else text_series(arrow_text(series), series.index)
