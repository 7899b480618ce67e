"""Database engine, sessions and provisioning (create the database and PostGIS)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from gis.settings import Settings

INSUFFICIENT_PRIVILEGE = "42501"


@lru_cache(maxsize=8)
def _engine_for(url: str, statement_timeout_ms: int) -> Engine:
    # JIT adds 30-40 ms to short spatial queries and never pays off here.
    options = f"-c jit=off -c statement_timeout={statement_timeout_ms}"
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=8,
        max_overflow=8,
        connect_args={"options": options, "connect_timeout": 5},
    )


def get_engine(settings: Settings) -> Engine:
    """Return the one engine of this process for these settings."""
    return _engine_for(settings.database_url, settings.statement_timeout_ms)


def ensure_database(url: str) -> bool:
    """Create the database of ``url`` and the PostGIS extension if missing; True if created."""
    target = make_url(url)
    admin = create_engine(
        target.set(database="postgres"), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    created = False
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).scalar()
            if not exists:
                quoted = conn.dialect.identifier_preparer.quote(target.database)
                conn.execute(text(f"CREATE DATABASE {quoted}"))
                created = True
    finally:
        admin.dispose()
    db = create_engine(target, isolation_level="AUTOCOMMIT")
    try:
        with db.connect() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    finally:
        db.dispose()
    return created


def drop_database(url: str) -> None:
    """Drop the database of ``url`` (used by the test session for its throwaway databases).

    ``WITH (FORCE)`` ends the sessions still connected. A role that is not a superuser may not end an
    autovacuum worker that way (PostgreSQL asks for ``pg_signal_backend``), but a plain DROP DATABASE
    stops autovacuum itself: that is the fallback.
    """
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            quoted = conn.dialect.identifier_preparer.quote(target.database)
            try:
                conn.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            except ProgrammingError as exc:
                if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                    raise
                conn.execute(text(f"DROP DATABASE IF EXISTS {quoted}"))
    finally:
        admin.dispose()
