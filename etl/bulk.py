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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Engine,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from etl.jobs import Job
from etl.staging import CopyStream, csv_rows
from gis.models import Base

if TYPE_CHECKING:
    from etl.runner import LoadRunner

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


@dataclass(frozen=True)
class DeclaredIndex:
    """An index of a table as gis.models declares it, with the constraint it backs (if any)."""

    name: str
    expressions: tuple[str | ColumnElement, ...]  # column names, or SQL expressions
    unique: bool = False
    method: str = "btree"
    operators: tuple[str, ...] = ()  # operator classes, e.g. "gin_trgm_ops"
    constraint: str | None = None  # "PRIMARY KEY" or "UNIQUE" when the index backs that constraint

    @classmethod
    def of(cls, index: Index) -> DeclaredIndex:
        """The declaration of a model's index."""
        options = index.dialect_options["postgresql"]
        return cls(str(index.name), tuple(e.name if isinstance(e, Column) else e for e in index.expressions),
                   bool(index.unique), options["using"] or "btree", tuple(options["ops"].values()))

    @property
    def build_cost(self) -> int:
        """Rank of the build's duration, slowest 0: trigram, GiST, GIN over an expression (words: several
        entries a row), unique keys over several columns, other GIN, other B-trees. The slowest start
        first, so that the longest one starts at once and the short ones fill the gaps."""
        if any("_trgm_ops" in op for op in self.operators):
            return 0
        if self.method == "gin" and any(not isinstance(e, str) for e in self.expressions):
            return 2
        if self.unique and self.method == "btree" and len(self.expressions) > 1:
            return 3
        return {"gist": 1, "gin": 4}.get(self.method, 5)

    def index(self) -> Index:
        """A new index object of this declaration, for a table with the declared column names."""
        columns = [e for e in self.expressions if isinstance(e, str)]
        return Index(self.name, *self.expressions, unique=self.unique, postgresql_using=self.method,
                     postgresql_ops=dict(zip(columns, self.operators, strict=False)))


def declared_indexes(table: str) -> list[DeclaredIndex]:
    """Every index of ``table`` that gis.models declares, those behind its primary key and unique
    constraints included; the slowest builds first."""
    model = Base.metadata.tables[table]
    kinds = {PrimaryKeyConstraint: "PRIMARY KEY", UniqueConstraint: "UNIQUE"}
    backing = [DeclaredIndex(str(c.name), tuple(column.name for column in c.columns), unique=True,
                             constraint=kinds[type(c)]) for c in model.constraints if type(c) in kinds]
    plain = [DeclaredIndex.of(index) for index in model.indexes]
    return sorted(backing + plain, key=lambda declared: (declared.build_cost, declared.name))


class SuspendedIndexes:
    """A table's secondary indexes and unique constraints (as gis.models declares them), dropped for a
    bulk load and built again after it.

    DROP and CREATE are transactional in PostgreSQL, so a failed load still leaves the table
    as it was.
    """

    def __init__(self, conn: Connection, table: str) -> None:
        self.conn = conn
        model = Base.metadata.tables[table]
        self.constraints = [c for c in model.constraints if isinstance(c, UniqueConstraint)]
        self.indexes = sorted(model.indexes, key=lambda index: str(index.name))
        for constraint in self.constraints:
            conn.execute(DropConstraint(constraint))
        for index in self.indexes:
            conn.execute(DropIndex(index))

    def finish(self) -> None:
        """Build the indexes and constraints again, with memory enough for sorted builds."""
        self.conn.execute(text(f"SET LOCAL maintenance_work_mem = '{INDEX_MEMORY}'"))
        for constraint in self.constraints:
            self.conn.execute(AddConstraint(constraint))
        for index in self.indexes:
            self.conn.execute(CreateIndex(index))

    def discard(self) -> None:
        """Nothing to do: the rolled-back transaction restored the indexes."""


class ShadowTable:
    """A fresh copy of the target table that the rows go into, indexed in parallel, swapped in at commit.

    ``conn`` is the load's transaction: it holds the target in SHARE ROW EXCLUSIVE mode (no
    other writer) from before the copy is made until the commit. The copy lives in its own
    schema, so its indexes take the target's names from the start.
    """

    def __init__(self, engine: Engine, conn: Connection, job: Job, load_run_id: int, runner: LoadRunner) -> None:
        self.engine = engine
        self.runner = runner
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
        self.indexes = declared_indexes(self.table)
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
        """Build the target's indexes on the copy, as many at once as the server has cores."""
        columns = [Column(c.name) for c in Base.metadata.tables[self.table].columns]  # names are enough
        indexes = [declared.index() for declared in self.indexes]
        Table(self.base, MetaData(), *columns, *indexes, schema=WORK_SCHEMA)  # the copy, for the statements
        self.runner.run_all(self._build, [CreateIndex(index) for index in indexes], at_once=os.cpu_count() or 2)

    def _build(self, statement: CreateIndex) -> None:
        conn = _unlimited(self.engine)
        try:
            conn.execute(text(f"SET maintenance_work_mem = '{INDEX_MEMORY}'"))
            conn.execute(statement)
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
        for declared in self.indexes:
            if declared.constraint is not None:
                name = quote(declared.name)
                conn.execute(text(f"ALTER TABLE {target} ADD CONSTRAINT {name} {declared.constraint} "
                                  f"USING INDEX {name}"))


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
