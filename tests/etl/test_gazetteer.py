"""Rows without a code are matched by name against the official gazetteer, not only the loaded areas."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from etl.context import LoadOptions
from etl.gazetteer import Gazetteer
from etl.pipeline import run_job
from gis.db import get_engine
from gis.settings import PROJECT_ROOT, Settings
from tests.conftest import REAL_DATA, table_checksums

REFERENCE = PROJECT_ROOT / "datasets" / "reference"
KENANGA = "32.12.16.2004"


def load(settings, kind: str, path: Path, **options):
    return run_job(get_engine(settings), settings, kind, path, LoadOptions(**options))


def scalar(settings, sql: str, **params):
    with get_engine(settings).connect() as conn:
        return conn.execute(text(sql), params).scalar()


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def sindang_only(settings, tmp_path: Path) -> None:
    """An empty-ish database: the desa of one kecamatan (Sindang), its kecamatan and kabupaten derived."""
    data = json.loads((REAL_DATA / "indramayu_desa.geojson").read_text(encoding="utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["kecamatan_kode"] == "32.12.16"]
    report = load(settings, "boundaries", write(tmp_path / "sindang.geojson", json.dumps(data)))
    assert report.status == "loaded" and report.rows_loaded == 10, report.issues[:3]


def test_the_gazetteer_lists_the_regions_areas():
    gazetteer = Gazetteer.load(REFERENCE, "32.12")
    levels = [p.level for p in gazetteer.places.values()]
    assert (levels.count("kabupaten"), levels.count("kecamatan"), levels.count("desa")) == (1, 31, 317)
    assert gazetteer.name_of(KENANGA) == "Kenanga" and gazetteer.name_of("32.12") == "Indramayu"
    assert ("32.12.16.2004", "Kenanga") in gazetteer.names("desa", "32.12.16")
    assert Gazetteer.load(REFERENCE, "32.13").places == {}  # another regency: none of these
    assert Gazetteer.load(PROJECT_ROOT / "no-such-folder", "32.12").places == {}


def test_the_gazetteer_folder_is_a_setting():
    assert Settings.from_env({}).gazetteer_dir == REFERENCE
    assert Settings.from_env({"PETA_GAZETTEER_DIR": "/srv/peta/rujukan"}).gazetteer_dir == Path("/srv/peta/rujukan")


def test_code_less_rows_are_matched_by_name_in_an_empty_ish_database(empty_db, tmp_path):
    sindang_only(empty_db, tmp_path)
    producers = write(tmp_path / "umkm.csv", "nama_usaha,desa,kecamatan,produk\n"
                      "Krupuk Bu Sri,Kenanga,Sindang,krupuk\n"
                      "Terasi Dermayu,Desa Dermayu,Kec. Sindang,terasi\n"
                      "Ikan Asin Pak Karta,Penganjang,,ikan asin\n"    # unique in the regency: no kecamatan needed
                      "Kerupuk Udang,Kenangan,Sindang,krupuk\n")       # a typo, matched with a warning
    report = load(empty_db, "producers", producers)
    assert report.status == "loaded", [i.describe() for i in report.issues]
    assert report.rows_loaded == 4
    with get_engine(empty_db).connect() as conn:
        codes = dict(conn.execute(text("SELECT name, area_code FROM producers")).all())
    assert codes == {"Krupuk Bu Sri": KENANGA, "Terasi Dermayu": "32.12.16.2006",
                     "Ikan Asin Pak Karta": "32.12.16.2008", "Kerupuk Udang": KENANGA}
    assert [(i.row, i.column, i.value, i.type) for i in report.issues if i.type == "fuzzy-match"] \
        == [(5, "desa", "Kenangan", "fuzzy-match")]
    agriculture = write(tmp_path / "tani.csv", "Kecamatan,Komoditas,Tahun,Produksi (ton)\nSindang,jagung,2024,12\n")
    assert load(empty_db, "agriculture", agriculture).status == "loaded"
    assert scalar(empty_db, "SELECT area_code FROM agriculture_production") == "32.12.16"


def test_names_of_the_gazetteer_match_beside_the_loaded_ones(empty_db, tmp_path):
    """A gazetteer elsewhere (PETA_GAZETTEER_DIR) that spells a desa otherwise: both spellings match."""
    sindang_only(empty_db, tmp_path)
    folder = tmp_path / "rujukan"
    shutil.copytree(REFERENCE, folder)
    desa = folder / "desa.csv"
    desa.write_text(desa.read_text(encoding="utf-8").replace(f"{KENANGA},Kenanga,", f"{KENANGA},Kenanga Baru,"),
                    encoding="utf-8")
    settings = replace(empty_db, gazetteer_dir=folder)
    producers = write(tmp_path / "umkm.csv",
                      "nama,desa,kecamatan\nToko A,Kenanga Baru,Sindang\nToko B,Kenanga,Sindang\n")
    report = load(settings, "producers", producers)
    assert report.status == "loaded", [i.describe() for i in report.issues]
    assert scalar(empty_db, "SELECT count(*) FROM producers WHERE area_code = :c", c=KENANGA) == 2


CASES = {
    # (row, column, value, type, reason contains)
    "unknown": ("nama,desa,kecamatan\nToko,Keningan,Sindang\n",
                (2, "desa", "Keningan", "unknown-area",
                 "unknown desa 'Keningan' in Sindang; closest: Kenanga, Penganjang")),
    "unknown-kecamatan": ("nama,desa,kecamatan\nToko,Kenanga,Sindangg Raya\n",
                          (2, "kecamatan", "Sindangg Raya", "unknown-area",
                           "unknown kecamatan 'Sindangg Raya' in Indramayu; closest: Sindang")),
    "ambiguous": ("nama,desa\nToko,Karanganyar\n",  # three in the gazetteer, none loaded: still ambiguous
                  (2, "desa", "Karanganyar", "ambiguous-area", "could be Karanganyar (32.12.")),
    "not-loaded": ("nama,desa,kecamatan\nToko,Eretan Kulon,Kandanghaur\n",
                   (2, "desa", "Eretan Kulon", "area-not-loaded",
                    "desa Eretan Kulon (32.12.21.2012) is in the official list but not loaded")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_name_that_does_not_match_is_reported_and_changes_nothing(empty_db, tmp_path, case):
    sindang_only(empty_db, tmp_path)
    content, (row, column, value, type_, reason) = CASES[case]
    before = table_checksums(get_engine(empty_db))
    report = load(empty_db, "producers", write(tmp_path / "umkm.csv", content))
    assert report.status == "invalid"
    issue = next(i for i in report.issues if i.severity == "error")
    assert (issue.row, issue.column, issue.value, issue.type) == (row, column, value, type_)
    assert reason in issue.reason, issue.reason
    assert table_checksums(get_engine(empty_db)) == before
