"""What is in the database: PostGIS version, row counts, last loads (for /healthz)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text


def database_status(engine: Engine) -> dict[str, Any]:
    """PostGIS version, row count of every table and the latest load run."""
    from gis.models import Base  # GeoAlchemy2 loads on first use, not at start-up

    with engine.connect() as conn:
        version = conn.execute(text("SELECT postgis_lib_version()")).scalar()
        counts = {
            name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar()  # names from our models
            for name in sorted(Base.metadata.tables)
        }
        last = conn.execute(text("SELECT max(finished_at) FROM load_runs")).scalar()
    return {"postgis": version, "rows": counts, "last_load": last.isoformat() if last else None}
