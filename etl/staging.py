"""The staging table of one load: COPY valid rows in, find duplicates, merge into the target."""

from __future__ import annotations

import io
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
        self.name = "stage_" + job.table
        self.columns = list(job.stage)
        self.rows = 0
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
        self.rows += len(frame)

    def duplicates(self) -> list[tuple[list[int], bool]]:
        """Groups of rows sharing the natural key: (row numbers, whether the rows are identical)."""
        key = ", ".join(self.job.natural_key)
        content = "md5(row(" + ", ".join(self.columns) + ")::text)"
        result = self.conn.execute(text(
            f"SELECT array_agg(__row__ ORDER BY __row__), count(DISTINCT {content}) = 1 "
            f"FROM {self.name} GROUP BY {key} HAVING count(*) > 1 ORDER BY min(__row__)"
        ))
        return [(list(rows), bool(same)) for rows, same in result]

    def drop_rows(self, rows: list[int]) -> None:
        """Remove rows from the staging table (duplicates, or rejected when skipping)."""
        if rows:
            self.conn.execute(text(f"DELETE FROM {self.name} WHERE __row__ = ANY(:rows)"), {"rows": rows})
            self.rows -= len(rows)

    def merge(self, load_run_id: int, previous_runs: list[int]) -> int:
        """Replace the previous rows of this source and upsert the staged rows; returns rows written."""
        job = self.job
        if job.replaces_source_rows and previous_runs:
            self.conn.execute(text(f"DELETE FROM {job.table} WHERE load_run_id = ANY(:runs)"),
                              {"runs": previous_runs})
        targets = _target_columns(job)
        select = ", ".join(job.select_sql(c) for c in targets)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*targets, "load_run_id"]
                            if c not in job.natural_key)
        result = self.conn.execute(text(
            f"INSERT INTO {job.table} ({', '.join(targets)}, load_run_id) "
            f"SELECT {select}, :run FROM {self.name} s ORDER BY s.__row__ "
            f"ON CONFLICT ({', '.join(job.natural_key)}) DO UPDATE SET {updates}"
        ), {"run": load_run_id})
        return result.rowcount


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
    if sql_type == "text[]":
        return pd.Series([_pg_array(v) for v in values], dtype=object)
    if sql_type in _INT_TYPES:
        numbers = pd.to_numeric(pd.Series(values), errors="coerce").round()
        return numbers.astype("Int64").reset_index(drop=True)
    if sql_type == "double precision":
        return pd.to_numeric(pd.Series(values), errors="coerce").astype("float64").reset_index(drop=True)
    if sql_type == "boolean":
        return pd.Series(values).astype("boolean").reset_index(drop=True)
    series = pd.Series(values).reset_index(drop=True)
    return series.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))


def _pg_array(tags: Any) -> str:
    if not tags:
        return "{}"
    quoted = ('"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"' for t in tags)
    return "{" + ",".join(quoted) + "}"
