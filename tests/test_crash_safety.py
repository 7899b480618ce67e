"""Crash safety: a load killed or cut off half-way leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from gis.db import get_engine
from gis.settings import PROJECT_ROOT, Settings
from tests.conftest import table_checksums

ROWS = 300_000
FLASK = Path(sys.executable).parent / "flask"
WRITING_TIMEOUT_S = 120


def _big_producers_csv(engine: Engine, path: Path, rows: int = ROWS) -> Path:
    """A large, valid producers file: desa codes with a point inside each desa."""
    with engine.connect() as conn:
        desa = conn.execute(text(
            "SELECT code, ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon "
            "FROM areas WHERE level = 'desa' ORDER BY code"
        )).all()
    assert desa, "the bundled data has no desa"
    pick = np.arange(rows) % len(desa)
    codes = np.array([d.code for d in desa], dtype=object)[pick]
    lat = np.array([d.lat for d in desa])[pick]
    lon = np.array([d.lon for d in desa])[pick]
    frame = pd.DataFrame({
        "name": [f"Usaha Uji Beban {i}" for i in range(rows)],
        "products": "krupuk ikan",
        "kbli": "10794",
        "area_code": codes,
        "lat": lat.round(6),
        "lon": lon.round(6),
    })
    frame.to_csv(path, index=False)
    return path


def _cli_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = settings.database_url
    env["PETA_REPORT_DIR"] = str(settings.report_dir)
    return env


def _admin(settings: Settings) -> Engine:
    url = make_url(settings.database_url).set(database="postgres")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _load_backends(admin: Engine, database: str) -> list[int]:
    """Backends of ``database`` writing producers: COPY into staging, or the merge INSERT."""
    with admin.connect() as conn:
        return list(conn.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid() "
            "AND state = 'active' AND (query ILIKE 'COPY %' OR query ILIKE 'INSERT INTO producers%')"
        ), {"db": database}).scalars())


def _start_load(settings: Settings, csv: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(FLASK), "--app", "app", "etl", "load", "producers", str(csv)],
        cwd=PROJECT_ROOT, env=_cli_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _wait_until_writing(proc: subprocess.Popen[bytes], admin: Engine, database: str) -> list[int]:
    deadline = time.monotonic() + WRITING_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the load ended before it was interrupted ({proc.returncode}): {err.decode()[-2000:]}")
        pids = _load_backends(admin, database)
        if pids:
            return pids
        time.sleep(0.05)
    proc.kill()
    proc.communicate()
    pytest.fail("the load never started writing")


def _run_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM load_runs")).scalar_one()


@pytest.fixture
def big_csv(loaded_db: Settings, tmp_path: Path) -> Path:
    return _big_producers_csv(get_engine(loaded_db), tmp_path / "big_producers.csv")


@pytest.fixture
def admin(loaded_db: Settings):
    engine = _admin(loaded_db)
    yield engine
    engine.dispose()


def test_sigkill_during_load_changes_nothing(loaded_db: Settings, big_csv: Path, admin: Engine) -> None:
    engine = get_engine(loaded_db)
    before, runs = table_checksums(engine), _run_count(engine)
    proc = _start_load(loaded_db, big_csv)
    try:
        _wait_until_writing(proc, admin, make_url(loaded_db.database_url).database)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    _wait_for_no_backends(admin, make_url(loaded_db.database_url).database)
    assert _run_count(engine) == runs
    assert table_checksums(engine) == before


def test_lost_connection_during_load_fails_and_changes_nothing(loaded_db: Settings, big_csv: Path,
                                                               admin: Engine) -> None:
    engine = get_engine(loaded_db)
    database = make_url(loaded_db.database_url).database
    before, runs = table_checksums(engine), _run_count(engine)
    proc = _start_load(loaded_db, big_csv)
    try:
        pids = _wait_until_writing(proc, admin, database)
        with admin.connect() as conn:
            for pid in pids:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode not in (0, None), err.decode()[-2000:]
    assert _run_count(engine) == runs
    assert table_checksums(engine) == before


def _wait_for_no_backends(admin: Engine, database: str) -> None:
    """A killed client's backend notices the closed socket and rolls back; wait for that."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _load_backends(admin, database):
        time.sleep(0.1)


def _terminate_pool(admin: Engine, database: str) -> int:
    with admin.connect() as conn:
        return len(conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :db AND pid <> pg_backend_pid()"
        ), {"db": database}).all())


@pytest.mark.parametrize("path", ["/api/v1/areas/32.12", "/healthz"])
def test_requests_survive_terminated_connections(client, loaded_db: Settings, admin: Engine, path: str) -> None:
    assert client.get(path).status_code == 200  # the pool now holds a connection
    assert _terminate_pool(admin, make_url(loaded_db.database_url).database) >= 1
    first = client.get(path)
    assert first.status_code in (200, 503), first.get_data(as_text=True)[:500]
    if first.status_code == 503:
        assert first.headers.get("Retry-After")
        assert first.mimetype in ("application/problem+json", "application/json")
        second = client.get(path)
        assert second.status_code == 200, second.get_data(as_text=True)[:500]
