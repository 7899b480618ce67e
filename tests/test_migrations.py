from sqlalchemy import inspect

from gis import migrate
from gis.db import get_engine


def _tables(settings) -> set[str]:
    return set(inspect(get_engine(settings)).get_table_names()) - {"spatial_ref_sys"}


def test_upgrade_creates_every_table_and_downgrade_removes_them(empty_db):
    assert {"areas", "producers", "load_runs", "agriculture_production", "fisheries_production",
            "landing_sites", "opportunities", "comparison_totals"} <= _tables(empty_db)
    migrate.downgrade(empty_db, "base")
    get_engine(empty_db).dispose()
    assert _tables(empty_db) <= {"alembic_version"}
    migrate.upgrade(empty_db)
    assert "producers" in _tables(empty_db)


def test_spatial_and_lookup_indexes_exist(empty_db):
    insp = inspect(get_engine(empty_db))
    producer_indexes = {i["name"] for i in insp.get_indexes("producers")}
    assert "idx_producers_geom" in producer_indexes
    unique = {c["name"] for c in insp.get_unique_constraints("producers")}
    assert "uq_producers_area_code_name_key" in unique
    assert "idx_areas_geom" in {i["name"] for i in insp.get_indexes("areas")}
