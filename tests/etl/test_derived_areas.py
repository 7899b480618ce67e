"""A desa boundary file alone builds the hierarchy: its kecamatan and kabupaten are derived (real PostGIS)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from sqlalchemy import text

from etl.context import LoadOptions
from etl.pipeline import run_job
from gis.db import get_engine
from tests.conftest import REAL_DATA, table_checksums

DESA = REAL_DATA / "indramayu_desa.geojson"
KECAMATAN = REAL_DATA / "indramayu_kecamatan_from_desa.geojson"


def load(settings, kind: str, path: Path, **options):
    return run_job(get_engine(settings), settings, kind, path, LoadOptions(**options))


def rows(settings, sql: str, **params) -> list:
    with get_engine(settings).connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


def scalar(settings, sql: str, **params):
    with get_engine(settings).connect() as conn:
        return conn.execute(text(sql), params).scalar()


# The derived areas against the desa they were dissolved from: measured area and the sum of the desa's.
DERIVED_VS_DESA = """
SELECT k.code, k.level, k.area_km2, k.area_source, ST_GeometryType(k.geom), ST_IsValid(k.geom),
       (SELECT sum(d.area_km2) FROM areas d WHERE d.level = 'desa' AND d.code LIKE k.code || '.%') AS desa_km2
FROM areas k WHERE k.derived ORDER BY k.code
"""


def check_derived_from_desa(settings, kecamatan: int) -> None:
    derived = rows(settings, DERIVED_VS_DESA)
    assert [r[1] for r in derived].count("kecamatan") == kecamatan
    assert [r[1] for r in derived].count("kabupaten") == 1
    for code, _, area, source, kind, valid, desa_km2 in derived:
        assert (kind, valid, source) == ("ST_MultiPolygon", True, "computed"), code
        assert area == pytest.approx(desa_km2, rel=0.01), code
    # every desa hangs below a kecamatan that hangs below the kabupaten, and lies inside it
    assert scalar(settings, """SELECT count(*) FROM areas d JOIN areas k ON k.code = d.parent_code
        JOIN areas r ON r.code = k.parent_code WHERE d.level = 'desa' AND r.level = 'kabupaten'
        AND ST_Covers(ST_Buffer(k.geom, 1e-6), d.geom)""") == scalar(settings, "SELECT count(*) FROM areas "
                                                                      "WHERE level = 'desa'")


def test_the_real_desa_file_alone_derives_31_kecamatan_and_the_kabupaten(empty_db):
    report = load(empty_db, "boundaries", DESA)
    assert report.status == "loaded", [i.describe() for i in report.issues[:5]]
    assert report.rows_loaded == 317
    assert (report.counts["derived:kecamatan"], report.counts["derived:kabupaten"]) == (31, 1)
    assert any("31 kecamatan, 1 kabupaten" in note for note in report.notes), report.notes
    check_derived_from_desa(empty_db, kecamatan=31)
    # names from the file's kecamatan_nama; the kabupaten's from the gazetteer (the file has none)
    assert scalar(empty_db, "SELECT name FROM areas WHERE code = '32.12.16'") == "Sindang"
    assert scalar(empty_db, "SELECT name FROM areas WHERE code = '32.12'") == "Indramayu"
    assert scalar(empty_db, "SELECT name_key FROM areas WHERE code = '32.12.28'") == "kedokanbunder"
    assert scalar(empty_db, "SELECT count(*) FROM areas WHERE derived AND load_run_id = :r",
                  r=report.load_run_id) == 32
    # the whole regency is about 2,076 km² (BIG's figure; SOURCE.md)
    assert scalar(empty_db, "SELECT area_km2 FROM areas WHERE code = '32.12'") == pytest.approx(2076, rel=0.01)


def test_loading_the_real_kecamatan_afterwards_replaces_the_derived_ones(empty_db):
    desa = load(empty_db, "boundaries", DESA)
    assert desa.status == "loaded"
    report = load(empty_db, "boundaries", KECAMATAN)
    assert report.status == "loaded", [i.describe() for i in report.issues[:5]]
    assert report.rows_loaded == 31 and "derived:kecamatan" not in report.counts
    assert scalar(empty_db, "SELECT count(*) FROM areas WHERE level = 'kecamatan' AND NOT derived") == 31
    # the kabupaten, still the union of the same desa, is left as the desa file made it
    assert rows(empty_db, "SELECT code, load_run_id FROM areas WHERE derived") == [("32.12", desa.load_run_id)]
    features = json.loads(KECAMATAN.read_text(encoding="utf-8"))["features"]
    gantar = next(f["properties"] for f in features if f["properties"]["nama"] == "Gantar")
    assert rows(empty_db, "SELECT name, load_run_id FROM areas WHERE code = :c", c=gantar["kode"]) \
        == [("Gantar", report.load_run_id)]
    # their geometry is the file's (measured: area_km2_computed of the file), not the union of the desa
    assert scalar(empty_db, "SELECT area_km2 FROM areas WHERE code = :c", c=gantar["kode"]) \
        == pytest.approx(gantar["area_km2_computed"], rel=1e-3)
    # the desa still hang below them
    assert scalar(empty_db, "SELECT count(*) FROM areas WHERE level = 'desa' AND parent_code = :c",
                  c=gantar["kode"]) > 0


def test_a_kecamatan_file_alone_derives_the_kabupaten(empty_db):
    report = load(empty_db, "boundaries", KECAMATAN)
    assert report.status == "loaded", [i.describe() for i in report.issues[:5]]
    assert dict(report.counts) == {"derived:kabupaten": 1}
    kecamatan_km2 = scalar(empty_db, "SELECT sum(area_km2) FROM areas WHERE level = 'kecamatan'")
    assert rows(empty_db, "SELECT code, name, derived FROM areas WHERE level = 'kabupaten'") \
        == [("32.12", "Indramayu", True)]
    assert scalar(empty_db, "SELECT area_km2 FROM areas WHERE code = '32.12'") == pytest.approx(kecamatan_km2, rel=0.01)


def test_loaded_areas_are_never_overwritten_by_a_derivation(empty_db):
    assert load(empty_db, "boundaries", KECAMATAN.parent / "indramayu_kabupaten.geojson").status == "loaded"
    before = rows(empty_db, "SELECT code, name, ST_AsEWKB(geom), derived, load_run_id FROM areas")
    report = load(empty_db, "boundaries", DESA)
    assert report.status == "loaded", [i.describe() for i in report.issues[:5]]
    assert report.counts["derived:kecamatan"] == 31 and "derived:kabupaten" not in report.counts
    assert rows(empty_db, "SELECT code, name, ST_AsEWKB(geom), derived, load_run_id FROM areas "
                "WHERE level = 'kabupaten'") == before
    assert scalar(empty_db, "SELECT count(*) FROM areas WHERE level = 'kecamatan' AND derived "
                  "AND parent_code = '32.12'") == 31


def big_desa_file(tmp_path: Path, *, kecamatan: tuple[str, ...] | None = None, codes: bool = True) -> Path:
    """The real desa as BIG publishes them: KDEPUM, KDCPUM, NAMOBJ, WADMKC, WADMKK, in UTM 49S."""
    frame = gpd.read_file(DESA)
    if kecamatan is not None:
        frame = frame[frame["kecamatan_kode"].isin(kecamatan)]
    big = gpd.GeoDataFrame({"NAMOBJ": frame["nama"].str.upper(), "WADMKC": frame["kecamatan_nama"],
                            "WADMKK": "Indramayu", "WADMPR": "Jawa Barat"},
                           geometry=frame.geometry, crs=frame.crs).to_crs(32749)
    if codes:
        big.insert(0, "KDCPUM", frame["kecamatan_kode"])
        big.insert(0, "KDEPUM", frame["kode"])
    path = tmp_path / "ADMINISTRASIDESA_AR_25K.gpkg"
    big.to_file(path, layer="ADMINISTRASIDESA_AR_25K")
    return path


def test_a_big_style_desa_file_derives_its_kecamatan_and_kabupaten(empty_db, tmp_path):
    report = load(empty_db, "boundaries", big_desa_file(tmp_path))
    assert report.status == "loaded", [i.describe() for i in report.issues[:5]]
    assert (report.rows_loaded, report.counts["derived:kecamatan"], report.counts["derived:kabupaten"]) \
        == (317, 31, 1)
    check_derived_from_desa(empty_db, kecamatan=31)
    assert scalar(empty_db, "SELECT name FROM areas WHERE code = '32.12'") == "Indramayu"  # WADMKK
    assert scalar(empty_db, "SELECT name FROM areas WHERE code = '32.12.08'") == "Kertasemaya"  # WADMKC


def test_a_big_desa_file_without_codes_is_matched_through_the_gazetteer(empty_db, tmp_path):
    """No KDEPUM/KDCPUM: NAMOBJ within WADMKC gives the code from the official list, then the parents are derived."""
    report = load(empty_db, "boundaries", big_desa_file(tmp_path, kecamatan=("32.12.16", "32.12.28"), codes=False))
    assert report.status == "loaded", [i.describe() for i in report.issues[:5]]
    assert (report.rows_loaded, report.counts["derived:kecamatan"], report.counts["derived:kabupaten"]) \
        == (17, 2, 1)
    assert rows(empty_db, "SELECT code, name FROM areas WHERE code LIKE '32.12.16.%' AND name = 'KENANGA'") \
        == [("32.12.16.2004", "KENANGA")]
    check_derived_from_desa(empty_db, kecamatan=2)


def test_a_second_desa_file_grows_the_derived_kabupaten(empty_db, tmp_path):
    first = big_desa_file(tmp_path, kecamatan=("32.12.16",))
    assert load(empty_db, "boundaries", first).status == "loaded"
    small = scalar(empty_db, "SELECT area_km2 FROM areas WHERE code = '32.12'")
    (tmp_path / "more").mkdir()
    report = load(empty_db, "boundaries", big_desa_file(tmp_path / "more", kecamatan=("32.12.28",)))
    assert report.status == "loaded" and report.counts["derived:kecamatan"] == 1
    assert scalar(empty_db, "SELECT area_km2 FROM areas WHERE code = '32.12'") > small
    check_derived_from_desa(empty_db, kecamatan=2)


def test_a_rejected_desa_file_derives_nothing(empty_db, tmp_path):
    features = json.loads(DESA.read_text(encoding="utf-8"))
    features["features"][200]["properties"]["kode"] = "32.12.99.9999x"  # not a code: the file is refused
    broken = tmp_path / "desa.geojson"
    broken.write_text(json.dumps(features), encoding="utf-8")
    before = table_checksums(get_engine(empty_db))
    report = load(empty_db, "boundaries", broken)
    assert report.status == "invalid"
    assert table_checksums(get_engine(empty_db)) == before


def test_a_dry_run_says_what_would_be_derived(empty_db):
    before = table_checksums(get_engine(empty_db))
    report = load(empty_db, "boundaries", DESA, dry_run=True)
    assert report.status == "validated"
    assert any("31 kecamatan, 1 kabupaten" in note for note in report.notes), report.notes
    assert table_checksums(get_engine(empty_db)) == before
