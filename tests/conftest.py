"""Test fixtures: a real, throwaway PostGIS database per session, cloned per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from gis import migrate
from gis.db import drop_database, ensure_database, get_engine
from gis.models import Base
from gis.settings import PROJECT_ROOT, Settings, normalize_database_url

REAL_DATA = PROJECT_ROOT / "datasets" / "real"  # verbatim copies of the research snapshot, with SOURCE.md
BUNDLED = PROJECT_ROOT / "datasets"


def _base_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return normalize_database_url(url) if url else "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _settings_for(database: str, tmp: Path) -> Settings:
    url = make_url(_base_url()).set(database=database).render_as_string(hide_password=False)
    return replace(Settings.from_env({}), database_url=url, report_dir=tmp / "reports")


def _clone(template: Settings, tmp: Path) -> Settings:
    """A new database copied from ``template`` (fast: PostgreSQL copies the files)."""
    get_engine(template).dispose()
    name = f"peta_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(template.database_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template.database_url).database}"'))
    finally:
        admin.dispose()
    return _settings_for(name, tmp)


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A migrated, empty database that tests clone (fails, not skips, without PostgreSQL)."""
    settings = _settings_for(f"peta_tmpl_{uuid.uuid4().hex[:10]}", tmp_path_factory.mktemp("tmpl"))
    ensure_database(settings.database_url)
    migrate.upgrade(settings)
    yield settings
    get_engine(settings).dispose()
    drop_database(settings.database_url)


@pytest.fixture(scope="session")
def loaded_template(schema_template: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A database with every bundled dataset loaded."""
    from etl.context import LoadOptions
    from etl.package import read_package
    from etl.pipeline import run_job

    settings = _clone(schema_template, tmp_path_factory.mktemp("loaded"))
    engine = get_engine(settings)
    for res in read_package(BUNDLED):
        report = run_job(engine, settings, res.kind, res.path,
                         LoadOptions(commodity=res.commodity, year=res.year, loaded_by="tests"))
        assert report.status == "loaded", (res.path, report.to_dict()["issues"][:5])
    yield settings
    engine.dispose()
    drop_database(settings.database_url)


@pytest.fixture
def empty_db(schema_template: Settings, tmp_path: Path) -> Iterator[Settings]:
    """A fresh database with the schema and no data."""
    settings = _clone(schema_template, tmp_path)
    yield settings
    get_engine(settings).dispose()
    drop_database(settings.database_url)


@pytest.fixture
def loaded_db(loaded_template: Settings, tmp_path: Path) -> Iterator[Settings]:
    """A fresh database with the bundled datasets loaded."""
    settings = _clone(loaded_template, tmp_path)
    yield settings
    get_engine(settings).dispose()
    drop_database(settings.database_url)


@pytest.fixture
def engine(loaded_db: Settings) -> Engine:
    """Engine of the per-test loaded database."""
    return get_engine(loaded_db)


@pytest.fixture
def app(loaded_db: Settings):
    """The Flask app on the per-test loaded database."""
    return create_app({"TESTING": True, "SETTINGS": loaded_db})


@pytest.fixture
def client(app):
    """Flask test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Flask CLI runner."""
    return app.test_cli_runner()


def table_checksums(engine: Engine) -> dict[str, str]:
    """An md5 of every table's rows, to prove a failed load changed nothing."""
    sums = {}
    with engine.connect() as conn:
        for name in sorted(Base.metadata.tables):
            sums[name] = conn.execute(
                text(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {name} t")
            ).scalar_one()
    return sums
