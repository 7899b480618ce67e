"""Bulk loads: a large file into a table that holds nothing else (or only the rows it replaces).

Building an index once over a million rows is several times cheaper than updating it row
by row, so a bulk load builds the indexes after the rows are in. Two ways, chosen by the table:

- :class:`ShadowTable`, for tables that no foreign key or view ties to others (producers):
  the rows are COPYed straight into a fresh copy of the table in the ``etl_work`` schema,
  its indexes are built side by side on several connections, and the copy takes the
  table's place inside the load's transaction. Readers keep reading the old table until
  the commit; a failed load drops the copy (a crashed one leaves it for the next bulk load
  of that table to drop).
- :class:`SuspendedIndexes`, for the others: the indexes are dropped inside the load's
  transaction and built once at the end. Readers wait for the table until the commit.
"""

from __future__ import annotations

import contextlib
import os
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text

from etl.jobs import Job
from etl.staging import CopyStream, csv_rows

WORK_SCHEMA = "etl_work"
INDEX_MEMORY = "512MB"  # maintenance_work_mem of an index build: enough to sort a million rows in memory
# Statistics gathered before the swap: a 15,000-row sample (PostgreSQL's default takes 30,000) is
# plenty for the planner and takes half the time; autovacuum's later ANALYZE uses the server's own.
STATISTICS_TARGET = 50


class BulkMode(Protocol):
    """How a bulk load finishes: build the indexes (and swap tables), or clean up after a failure."""

    def finish(self) -> None:
        """Build the indexes once every row is written (inside the load's transaction)."""

    def discard(self) -> None:
        """Remove what the load left behind; called once the load's transaction has ended."""


def holds_only(conn: Connection, table: str, runs: list[int]) -> bool:
    """True when every row of ``table`` belongs to one of ``runs`` (or it has none)."""
    return bool(conn.execute(text(
        f"SELECT NOT EXISTS (SELECT 1 FROM {table} WHERE NOT (load_run_id = ANY(:runs)))"), {"runs": runs}).scalar())


class SuspendedIndexes:
    """A table's secondary indexes and unique constraints, dropped for a bulk load and rebuilt after.

    DROP and CREATE are transactional in PostgreSQL, so a failed load still leaves the table
    as it was.
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

    def finish(self) -> None:
        """Build the indexes and constraints again, with memory enough for sorted builds."""
        quote = self.conn.dialect.identifier_preparer.quote
        self.conn.execute(text(f"SET LOCAL maintenance_work_mem = '{INDEX_MEMORY}'"))
        for name, definition in self.constraints:
            self.conn.execute(text(f"ALTER TABLE {self.table} ADD CONSTRAINT {quote(name)} {definition}"))
        for _, definition in self.indexes:
            self.conn.execute(text(definition))

    def discard(self) -> None:
        """Nothing to do: the rolled-back transaction restored the indexes."""


class ShadowTable:
    """A fresh copy of the target table that the rows go into, indexed in parallel, swapped in at commit.

    ``conn`` is the load's transaction: it holds the target in SHARE ROW EXCLUSIVE mode (no
    other writer) from before the copy is made until the commit. The copy lives in its own
    schema, so its indexes take the target's names from the start.
    """

    def __init__(self, engine: Engine, conn: Connection, job: Job, load_run_id: int) -> None:
        self.engine = engine
        self.conn = conn
        self.job = job
        self.load_run_id = load_run_id
        self.table = job.table
        self.stream: CopyStream | None = None
        self.base = f"{job.table}_run{load_run_id}"
        self.name = f"{WORK_SCHEMA}.{self.base}"
        self.schema = conn.execute(text(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.oid = CAST(:t AS regclass)"), {"t": self.table}).scalar_one()
        self.not_null = set(conn.execute(text(
            "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attnum > 0 "
            "AND attnotnull AND NOT attisdropped"), {"t": self.table}).scalars())
        self.indexes = conn.execute(text(
            "SELECT i.relname, pg_get_indexdef(i.oid), c.contype FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid "
            "WHERE x.indrelid = CAST(:t AS regclass)"), {"t": self.table}).all()
        self.work = _unlimited(engine, autocommit=False)
        try:
            self.work.execute(text(f"CREATE SCHEMA IF NOT EXISTS {WORK_SCHEMA}"))
            for (stray,) in self.work.execute(text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = :s AND tablename LIKE :p"),
                    {"s": WORK_SCHEMA, "p": f"{self.table}\\_run%"}).all():
                self.work.execute(text(f'DROP TABLE IF EXISTS {WORK_SCHEMA}."{stray}"'))  # a crashed load's
            self.work.commit()
            # Created in the transaction that fills it: COPY FREEZE writes the rows frozen and all-visible
            # (no hint bits for the first readers to write, index-only scans at once), and a load killed
            # while copying leaves no table behind.
            self.work.execute(text(
                f"CREATE TABLE {self.name} (LIKE {self.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                "INCLUDING STORAGE)"))
        except BaseException:
            _release(self.work)
            raise

    @staticmethod
    def possible(conn: Connection, job: Job) -> bool:
        """True when the job's rows need no SQL to become target rows and nothing else refers to the table."""
        if job.select:
            return False
        return not conn.execute(text(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' "
            "               AND CAST(:t AS regclass) IN (conrelid, confrelid)) "
            "OR EXISTS (SELECT 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
            "           WHERE d.refobjid = CAST(:t AS regclass) AND r.ev_class <> d.refobjid)"),
            {"t": job.table}).scalar()

    def prepare(self, frame: pd.DataFrame, rows: np.ndarray) -> tuple[memoryview, int]:
        """The rows as CSV for the copy, and how many. Chunks are written in file order; within one, rows
        go in the order of the natural key's first column (the area): its unique index then builds in
        two thirds of the time, and the rows of a desa sit together on disk."""
        return csv_rows(frame, self.job.stage, {"load_run_id": self.load_run_id}, bare=True,
                        grouped_by=self.job.natural_key[0]), len(frame)

    def write(self, prepared: tuple[memoryview, int]) -> int:
        """COPY prepared rows straight into the copy; one COPY for them all."""
        if self.stream is None:
            columns = [*self.job.stage, "load_run_id"]
            self.stream = CopyStream(self.work, self.name, columns, freeze=True,
                                     not_null=[c for c in columns if c in self.not_null])
        data, count = prepared
        self.stream.write(data)
        return count

    def finish(self) -> None:
        """Commit the copy's rows, build every index of the target on it side by side, gather its
        statistics for the planner, then swap the copy in."""
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        self.work.commit()
        self._build_indexes()
        self.work.execute(text(f"SET LOCAL default_statistics_target = {STATISTICS_TARGET}"))
        self.work.execute(text(f"ANALYZE {self.name}"))
        self.work.commit()
        self._swap()

    def discard(self) -> None:
        """Drop the copy if it is still there (the load failed) and return the work connection."""
        try:
            if self.stream is not None:
                with contextlib.suppress(Exception):  # the COPY may have failed already
                    self.stream.close(RuntimeError("load failed"))  # aborts the COPY
                self.stream = None
            self.work.rollback()  # rows still being copied: the table goes with them
            self.work.execute(text(f"DROP TABLE IF EXISTS {self.name}"))
            self.work.commit()
        finally:
            _release(self.work)

    def _build_indexes(self) -> None:
        on_target = re.compile(rf" ON (ONLY )?(\w+\.)?{re.escape(self.table)} USING ")
        definitions = sorted((on_target.sub(f" ON {self.name} USING ", d, count=1) for _, d, _ in self.indexes),
                             key=_build_cost_rank)
        workers = max(1, min(len(definitions), os.cpu_count() or 2))
        with ThreadPoolExecutor(workers, thread_name_prefix="etl-index") as pool:
            for future in [pool.submit(self._build, d) for d in definitions]:
                future.result()

    def _build(self, definition: str) -> None:
        conn = _unlimited(self.engine)
        try:
            conn.execute(text(f"SET maintenance_work_mem = '{INDEX_MEMORY}'"))
            conn.execute(text(definition))
        finally:
            _release(conn)

    def _swap(self) -> None:
        conn, quote = self.conn, self.conn.dialect.identifier_preparer.quote
        conn.execute(text(f"LOCK TABLE {self.table} IN ACCESS EXCLUSIVE MODE"))
        owned = conn.execute(text(
            "SELECT s.oid::regclass::text, a.attname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid "
            "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
            "WHERE s.relkind = 'S' AND d.deptype = 'a' AND d.refobjid = CAST(:t AS regclass)"),
            {"t": self.table}).all()
        for sequence, _ in owned:  # or they would go with the old table
            conn.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY NONE"))
        conn.execute(text(f"DROP TABLE {self.table}"))
        conn.execute(text(f"ALTER TABLE {self.name} SET SCHEMA {quote(self.schema)}"))
        target = f"{quote(self.schema)}.{quote(self.table)}"
        conn.execute(text(f"ALTER TABLE {quote(self.schema)}.{quote(self.base)} RENAME TO {quote(self.table)}"))
        for sequence, column in owned:
            conn.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY {target}.{quote(column)}"))
        kinds = {"p": "PRIMARY KEY", "u": "UNIQUE"}
        for name, _, contype in self.indexes:
            if contype in kinds:
                conn.execute(text(f"ALTER TABLE {target} ADD CONSTRAINT {quote(name)} "
                                  f"{kinds[contype]} USING INDEX {quote(name)}"))


def _unlimited(engine: Engine, autocommit: bool = True) -> Connection:
    """A connection of the engine without its statement timeout (meant for web requests)."""
    conn = engine.connect()
    if autocommit:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
    conn.execute(text("SET statement_timeout = 0"))
    if conn.in_transaction():
        conn.commit()
    return conn


def _release(conn: Connection) -> None:
    """Give the connection back to the pool with the engine's settings (or drop it if that fails)."""
    try:
        if conn.in_transaction():
            conn.rollback()
        conn.execute(text("RESET ALL"))
        if conn.in_transaction():
            conn.commit()
    except Exception:  # noqa: BLE001 - the connection is broken: the pool must not hand it out again
        conn.invalidate()
    finally:
        conn.close()


def _build_cost_rank(definition: str) -> int:
    """Slowest builds first, so that the longest one starts at once and the short ones fill the gaps:
    trigram, GiST, GIN over an expression (words: several entries a row), unique keys (several
    text columns), other GIN, other B-trees."""
    method, columns = definition.rsplit(" USING ", 1)[1].split(" ", 1)
    if "_trgm_ops" in definition:
        return 0
    if method == "gin" and "(" in columns.strip()[1:]:  # an expression, not a column list
        return 2
    if definition.startswith("CREATE UNIQUE") and method == "btree" and "," in columns:
        return 3
    return {"gist": 1, "gin": 4}.get(method, 5)
