"""Loading files through the declared jobs, against a real PostGIS."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from openpyxl import Workbook
from shapely.geometry import Point, Polygon
from sqlalchemy import text

from etl.context import LoadOptions
from etl.pipeline import run_job
from gis.db import get_engine
from tests.conftest import REAL_DATA, table_checksums

KENANGA = "32.12.16.2004"


def load(settings, kind: str, path: Path, **options):
    return run_job(get_engine(settings), settings, kind, path, LoadOptions(**options),
                   rejected_path=path.with_suffix(".rejected.csv"))


def scalar(settings, sql: str, **params):
    with get_engine(settings).connect() as conn:
        return conn.execute(text(sql), params).scalar()


def scalars(settings, sql: str, **params) -> list:
    with get_engine(settings).connect() as conn:
        return list(conn.execute(text(sql), params).scalars())


def write(path: Path, content: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(content.encode(encoding))
    return path


def reasons(report) -> list[str]:
    return [i.type for i in report.issues if i.severity == "error"]


# ------------------------------------------------------------------ bundled data

def test_bundled_areas_are_complete(loaded_db):
    assert scalar(loaded_db, "SELECT count(*) FROM areas WHERE level = 'kecamatan'") == 31
    assert scalar(loaded_db, "SELECT count(*) FROM areas WHERE level = 'desa'") == 317
    assert scalar(loaded_db, "SELECT count(*) FROM areas WHERE level = 'kabupaten'") == 1
    assert scalar(loaded_db, "SELECT name FROM areas WHERE code = :c", c=KENANGA) == "Kenanga"
    assert scalar(loaded_db, "SELECT bool_or(approximate OR derived) FROM areas") is False
    # every desa polygon lies in its kecamatan, and every row references its load run
    assert scalar(loaded_db, """SELECT count(*) FROM areas d JOIN areas k ON k.code = d.parent_code
                                WHERE d.level = 'desa' AND NOT ST_Covers(ST_Buffer(k.geom, 1e-6), d.geom)""") == 0
    # producers carry no foreign keys (bulk-load speed): the ETL must leave no orphans
    assert scalar(loaded_db, "SELECT count(*) FROM producers p LEFT JOIN areas a ON a.code = p.area_code "
                  "WHERE a.code IS NULL") == 0
    assert scalar(loaded_db, "SELECT count(*) FROM producers p LEFT JOIN load_runs r ON r.id = p.load_run_id "
                  "WHERE r.id IS NULL OR r.status <> 'loaded'") == 0


def test_bundled_thematic_data(loaded_db):
    krupuk = scalar(loaded_db, "SELECT count(*) FROM producers WHERE area_code = :c AND 'krupuk' = ANY(tags)",
                    c=KENANGA)
    assert 30 <= krupuk <= 35
    assert scalar(loaded_db, "SELECT count(*) FROM producers WHERE 'migrant-owned' = ANY(tags)") > 0
    padi_2024 = scalar(loaded_db, """SELECT sum(production_ton) FROM agriculture_production a
        JOIN areas ar ON ar.code = a.area_code WHERE commodity = 'padi' AND year = 2024 AND ar.level = 'kecamatan'""")
    total_2024 = scalar(loaded_db, """SELECT production_ton FROM agriculture_production
        WHERE commodity = 'padi' AND year = 2024 AND area_code = '32.12'""")
    assert padi_2024 == pytest.approx(total_2024, rel=1e-6)
    # the BPS-style XLSX (mangga) loads by kecamatan name, without its 'Jumlah' row
    assert scalar(loaded_db, "SELECT count(*) FROM agriculture_production WHERE commodity = 'mangga' "
                  "AND year = 2023 AND area_code LIKE '32.12.__'") == 30
    # "92.577" kuintal in an Indonesian table is 92,577 kw = 9,257.7 t (the column total is 1,492,513 kw)
    assert scalar(loaded_db, "SELECT production_ton FROM agriculture_production WHERE commodity = 'mangga' "
                  "AND year = 2023 AND area_code = '32.12.23'") == pytest.approx(9257.7)
    assert scalar(loaded_db, "SELECT sum(production_ton) FROM agriculture_production WHERE commodity = 'mangga' "
                  "AND year = 2023 AND area_code LIKE '32.12.__'") == pytest.approx(149251.3)
    assert scalar(loaded_db, "SELECT count(*) FROM landing_sites") >= 9
    assert scalar(loaded_db, "SELECT count(*) FROM opportunities") >= 5


def test_reloading_the_bundled_data_changes_nothing(loaded_db):
    from etl.package import read_package
    from tests.conftest import BUNDLED

    before = table_checksums(get_engine(loaded_db))
    for res in read_package(BUNDLED):
        report = load(loaded_db, res.kind, res.path, commodity=res.commodity, year=res.year)
        assert report.status == "unchanged"
    assert table_checksums(get_engine(loaded_db)) == before


# ------------------------------------------------------------------ real boundary files

def test_bundled_boundaries_are_the_real_ones_with_their_figures(loaded_db):
    """The bundled desa are the real polygons; areas carry the published figure or say 'computed'."""
    real = {f["properties"]["kode"]: f["properties"]["area_km2_computed"] for f in
            json.loads((REAL_DATA / "indramayu_desa.geojson").read_text(encoding="utf-8"))["features"]}
    with get_engine(loaded_db).connect() as conn:
        bundled = dict(conn.execute(text("SELECT code, area_km2 FROM areas WHERE level = 'desa'")).all())
        sources = dict(conn.execute(text("SELECT area_source, count(*) FROM areas GROUP BY 1")).all())
        regency = conn.execute(text("SELECT area_km2, area_source, area_year, population, population_year, "
                                    "population_source FROM areas WHERE code = '32.12'")).one()
    assert bundled.keys() == real.keys()
    assert all(bundled[code] == pytest.approx(real[code], rel=0.01) for code in real)
    assert tuple(regency) == (2078.03, "BPS", 2024, 1980080, 2025, "Dukcapil")
    # 317 desa and the kecamatan without a BPS figure are measured; the others say BPS
    assert sources["computed"] >= 317 and sources["BPS"] >= 1 + 8 and None not in sources


def test_real_boundary_files_replace_the_bundled_ones(loaded_db):
    kec = load(loaded_db, "boundaries", REAL_DATA / "indramayu_kecamatan_from_desa.geojson")
    assert kec.status == "loaded", kec.to_dict()["issues"][:3]
    assert kec.rows_loaded == 31
    desa = load(loaded_db, "boundaries", REAL_DATA / "indramayu_desa.geojson")
    assert desa.status == "loaded", desa.to_dict()["issues"][:3]
    assert desa.rows_loaded == 317
    assert scalar(loaded_db, "SELECT count(*) FROM areas WHERE level='desa' AND NOT approximate") == 317
    # area computed from the real polygon when the file has none: Gantar ~171.7 km² (SOURCE.md)
    assert scalar(loaded_db, "SELECT area_km2 FROM areas WHERE name = 'Gantar' AND level = 'kecamatan'") \
        == pytest.approx(171.68, rel=0.01)


def test_big_style_boundary_file_in_utm_without_codes(loaded_db, tmp_path):
    """BIG attributes (NAMOBJ, WADMKC) and a metric CRS: names are matched within the kecamatan."""
    with get_engine(loaded_db).connect() as conn:
        rows = conn.execute(text("""SELECT d.name, k.name AS kec, ST_AsBinary(d.geom) FROM areas d
            JOIN areas k ON k.code = d.parent_code WHERE d.parent_code = '32.12.28'""")).all()
    from shapely import from_wkb
    frame = gpd.GeoDataFrame({"NAMOBJ": [r[0].replace(" ", "") for r in rows], "WADMKC": ["Kedokanbunder"] * len(rows),
                              "WADMKK": ["Indramayu"] * len(rows)},
                             geometry=[from_wkb(bytes(r[2])) for r in rows], crs=4326).to_crs(32749)
    shp = tmp_path / "desa_big.shp"
    frame.to_file(shp)
    archive = tmp_path / "desa_big.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("desa_big.*"):
            if part.suffix != ".zip":
                zf.write(part, f"BATAS_DESA/{part.name}")
    report = load(loaded_db, "boundaries", archive)
    assert report.status == "loaded", report.to_dict()["issues"][:3]
    assert report.rows_loaded == len(rows) == 7


# ------------------------------------------------------------------ messy but loadable

def test_excel_indonesian_csv_with_usual_slips(loaded_db, tmp_path):
    csv = write(tmp_path / "umkm.csv", (
        "Nama Usaha;Produk;KBLI;Desa;Kecamatan;Lintang;Bujur;Tenaga Kerja\r\n"
        "Krupuk Café Rasa;krupuk udang;10792;Kenanga;Sindang;-6,3551;108,3105;12\r\n"
        "Terasi Bu Éni;terasi;10213;Kenanga;Sindang;108,3108;-6,3549;3\r\n"      # swapped
        "Krupuk Café Rasa;krupuk udang;10792;Kenanga;Sindang;-6,3551;108,3105;12\r\n"  # twice
        "Warung PMI Sari;sembako;47111;Kedokanbunder;Kedokan Bunder;;;2\r\n"     # no coordinates
        "Dodol Mangga Ayu;dodol mangga;10792;Tulungagung;Kertasmaya;-6,5207;108,3557;4\r\n"
    ), encoding="cp1252")
    report = load(loaded_db, "producers", csv)
    assert report.status == "loaded", [i.describe() for i in report.issues]
    assert report.rows_loaded == 4
    types = {i.type for i in report.issues}
    assert {"swapped-coordinates", "duplicate-row", "no-coordinates", "fuzzy-match"} <= types
    lon, lat = [float(v) for v in scalar(loaded_db, "SELECT ST_X(geom) || ' ' || ST_Y(geom) FROM producers "
                                         "WHERE name = 'Terasi Bu Éni'").split()]
    assert (lon, lat) == (pytest.approx(108.3108), pytest.approx(-6.3549))
    assert scalar(loaded_db, "SELECT area_code FROM producers WHERE name = 'Warung PMI Sari'") == "32.12.28.2004"
    assert scalar(loaded_db, "SELECT location_precision FROM producers WHERE name = 'Warung PMI Sari'") == "area"
    assert scalar(loaded_db, "SELECT area_code FROM producers WHERE name = 'Dodol Mangga Ayu'") == "32.12.08.2007"


def test_bps_style_xlsx_with_two_row_header_totals_and_footnotes(loaded_db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Tabel 5.1.2 Luas Panen dan Produksi Padi Menurut Kecamatan di Kabupaten Indramayu, 2019"])
    ws.append([])
    ws.append(["Kecamatan", "Luas Panen", "Produksi"])
    ws.append([None, "(Ha)", "(Ton)"])
    ws.merge_cells("A3:A4")
    ws.append(["Haurgeulis", "7.123,5", "45.210"])
    ws.append(["Kertasmaya", "-", "1.234,75"])
    ws.append(["Jumlah", "7.123,5", "46.444,75"])
    ws.append([])
    ws.append(["Sumber: BPS Kabupaten Indramayu, Dalam Angka 2020"])
    path = tmp_path / "padi_2019.xlsx"
    wb.save(path)
    report = load(loaded_db, "agriculture", path, commodity="padi")
    assert report.status == "loaded", [i.describe() for i in report.issues]
    assert report.rows_loaded == 2
    assert scalar(loaded_db, "SELECT production_ton FROM agriculture_production WHERE year = 2019 "
                  "AND area_code = '32.12.08' AND commodity = 'padi'") == pytest.approx(1234.75)
    assert scalar(loaded_db, "SELECT harvested_ha FROM agriculture_production WHERE year = 2019 "
                  "AND area_code = '32.12.08'") == 0
    assert any("Jumlah" in n for n in report.notes)


def test_corrected_file_replaces_the_rows_of_its_source(loaded_db, tmp_path):
    first = write(tmp_path / "jagung.csv", "kode_wilayah,komoditas,tahun,produksi_ton\n"
                  "32.12.01,jagung,2024,100\n32.12.02,jagung,2024,200\n")
    assert load(loaded_db, "agriculture", first).status == "loaded"
    write(first, "kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,150\n")
    report = load(loaded_db, "agriculture", first)
    assert report.status == "loaded"
    assert scalar(loaded_db, "SELECT count(*) FROM agriculture_production WHERE commodity = 'jagung'") == 1
    assert scalar(loaded_db, "SELECT production_ton FROM agriculture_production WHERE commodity = 'jagung'") == 150
    assert scalar(loaded_db, "SELECT count(*) FROM load_runs WHERE source_key = 'jagung.csv' "
                  "AND status = 'superseded'") == 1


def test_skip_invalid_loads_the_good_rows_and_writes_the_bad_ones(loaded_db, tmp_path):
    path = write(tmp_path / "ikan.csv", "kode_wilayah,jenis,tahun,produksi_ton\n"
                 "32.12.15,tambak,2024,10\n32.12.99,tambak,2024,5\n32.12.16,laut,2024,abc\n")
    report = load(loaded_db, "fisheries", path, skip_invalid=True)
    assert report.status == "loaded"
    assert (report.rows_loaded, report.rows_rejected) == (1, 2)
    rejected = path.with_suffix(".rejected.csv").read_text()
    assert "32.12.99" in rejected and "abc" in rejected and "unknown area code" in rejected


# ------------------------------------------------------------------ bad input changes nothing

def _polygon_file(tmp_path: Path, name: str, crs: int | None, polygon: Polygon, code: str) -> Path:
    frame = gpd.GeoDataFrame({"kode": [code], "nama": ["Uji"]}, geometry=[polygon], crs=crs)
    path = tmp_path / name
    frame.to_file(path)
    return path


BAD_INPUTS = {
    "malformed-csv": ("producers", "umkm.csv", 'nama,lat,lon\n"Toko A,-6.3,108.3\nToko B,-6.3\n'),
    "wrong-columns": ("agriculture", "tani.csv", "foo,bar\n1,2\n"),
    "unknown-code": ("agriculture", "tani.csv", "kode_wilayah,komoditas,tahun,produksi_ton\n32.12.77,padi,2024,5\n"),
    "out-of-range": ("agriculture", "tani.csv", "kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,padi,2024,-5\n"),
    "duplicates": ("agriculture", "tani.csv", "kode_wilayah,komoditas,tahun,produksi_ton\n"
                   "32.12.01,padi,2024,5\n32.12.01,padi,2024,6\n"),
    "empty-file": ("producers", "kosong.csv", ""),
    "outside-region": ("producers", "jauh.csv", "nama,kode_desa,lat,lon\nToko Jakarta,32.12.16.2004,-6.2,106.8\n"),
    "ambiguous-name": ("agriculture", "nama.csv", "desa,komoditas,tahun,produksi_ton\nBulak,padi,2024,5\n"),
    "unknown-name": ("agriculture", "nama.csv", "kecamatan,komoditas,tahun,produksi_ton\nXyzabc,padi,2024,5\n"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_table_is_rejected_whole_and_changes_nothing(loaded_db, tmp_path, case):
    kind, name, content = BAD_INPUTS[case]
    path = write(tmp_path / name, content)
    before = table_checksums(get_engine(loaded_db))
    report = load(loaded_db, kind, path)
    assert report.status == "invalid"
    assert report.issues and all(i.reason for i in report.issues)
    first = next(i for i in report.issues if i.severity == "error")
    assert first.describe().startswith("error:")
    assert table_checksums(get_engine(loaded_db)) == before


def test_bad_rows_are_named_by_row_column_and_value(loaded_db, tmp_path):
    path = write(tmp_path / "tani.csv", "kode_wilayah,komoditas,tahun,produksi_ton\n"
                 "32.12.01,padi,2024,5\n32.12.01,jagung,dua ribu,7\n")
    report = load(loaded_db, "agriculture", path)
    issue = next(i for i in report.issues if i.severity == "error")
    assert (issue.row, issue.column, issue.value, issue.type) == (3, "tahun", "dua ribu", "invalid-value")


def test_bad_geometries_and_crs_are_rejected(loaded_db, tmp_path):
    bowtie = Polygon([(108.30, -6.40), (108.32, -6.42), (108.32, -6.40), (108.30, -6.42)])
    square = Polygon([(108.30, -6.40), (108.32, -6.40), (108.32, -6.42), (108.30, -6.42)])
    before = table_checksums(get_engine(loaded_db))
    invalid = load(loaded_db, "boundaries", _polygon_file(tmp_path, "bowtie.geojson", 4326, bowtie, "32.12.01"))
    assert "invalid-geometry" in reasons(invalid)
    # a shapefile whose coordinates are degrees but whose .prj says UTM: lands far away
    wrong_crs = load(loaded_db, "boundaries", _polygon_file(tmp_path, "wrong.shp", 32749, square, "32.12.01"))
    assert wrong_crs.status == "invalid"
    utm = gpd.GeoDataFrame({"kode": ["32.12.01"]}, geometry=[Polygon([(200000, 9290000), (201000, 9290000),
                                                                      (201000, 9291000)])])
    with pytest.warns(UserWarning, match="crs"):
        utm.to_file(tmp_path / "nocrs.shp")
    assert load(loaded_db, "boundaries", tmp_path / "nocrs.shp").status == "invalid"
    assert table_checksums(get_engine(loaded_db)) == before


def test_points_outside_the_region_in_vector_file(loaded_db, tmp_path):
    frame = gpd.GeoDataFrame({"nama": ["Toko"], "kode_desa": [KENANGA]}, geometry=[Point(106.8, -6.2)], crs=4326)
    path = tmp_path / "toko.gpkg"
    frame.to_file(path, layer="toko")
    report = load(loaded_db, "producers", path)
    assert report.status == "invalid" and "outside-region" in reasons(report)


def test_dry_run_validates_without_writing(loaded_db, tmp_path):
    path = write(tmp_path / "jagung.csv", "kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,1\n")
    before = table_checksums(get_engine(loaded_db))
    report = load(loaded_db, "agriculture", path, dry_run=True)
    assert report.status == "validated" and report.valid
    assert table_checksums(get_engine(loaded_db)) == before


def test_report_json_has_row_column_value_reason(loaded_db, tmp_path):
    path = write(tmp_path / "tani.csv", "kode_wilayah,komoditas,tahun,produksi_ton\n32.12.77,padi,2024,5\n")
    report = load(loaded_db, "agriculture", path)
    report.save_json(tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["valid"] is False
    first = data["issues"][0]
    assert {k: first[k] for k in ("row", "column", "value", "type")} == {
        "row": 2, "column": "kode_wilayah", "value": "32.12.77", "type": "unknown-area"}


# ------------------------------------------------------------------ bulk mode

def _producer_indexes(settings) -> set[str]:
    with get_engine(settings).connect() as conn:
        return set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'producers'")).scalars())


def _producer_schema(settings) -> dict[str, object]:
    """Everything of the producers table that a table swap could lose."""
    with get_engine(settings).connect() as conn:
        def rows(sql: str) -> list:
            return sorted(tuple(r) for r in conn.execute(text(sql)).all())
        return {
            "indexes": rows("SELECT indexname, regexp_replace(indexdef, ' ON \\S+ ', ' ON t ') FROM pg_indexes "
                            "WHERE tablename = 'producers'"),
            "constraints": rows("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                                "WHERE conrelid = 'producers'::regclass"),
            "columns": rows("SELECT attname, format_type(atttypid, atttypmod), attnotnull, "
                            "pg_get_expr(d.adbin, d.adrelid), attcollation FROM pg_attribute a "
                            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                            "WHERE attrelid = 'producers'::regclass AND attnum > 0 AND NOT attisdropped"),
            "sequence": rows("SELECT pg_get_serial_sequence('producers', 'id')"),
            "schema": rows("SELECT schemaname FROM pg_tables WHERE tablename = 'producers'"),
        }


def _add_word(settings, word: str) -> None:
    with get_engine(settings).begin() as conn:
        conn.execute(text("INSERT INTO producer_words VALUES (:w)"), {"w": word})


def _vocabulary(settings) -> set[str]:
    return set(scalars(settings, "SELECT word FROM producer_words"))


def _work_tables(settings) -> list[str]:
    with get_engine(settings).connect() as conn:
        return list(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'etl_work'")).scalars())


def _corrected_producers(tmp_path: Path) -> Path:
    from tests.conftest import BUNDLED

    corrected = tmp_path / "producers.csv"
    corrected.write_text((BUNDLED / "producers.csv").read_text(encoding="utf-8").replace("Krupuk", "Kerupuk"),
                         encoding="utf-8")
    return corrected


def test_bulk_load_swaps_in_a_fresh_table_with_every_index(loaded_db, tmp_path, monkeypatch):
    """A large file that replaces all the rows of a table: a fresh copy, indexed in parallel, swapped in."""
    import etl.pipeline

    monkeypatch.setattr(etl.pipeline, "BULK_BYTES", 0)
    schema, old_max = _producer_schema(loaded_db), scalar(loaded_db, "SELECT max(id) FROM producers")
    _add_word(loaded_db, "kataygtidakdipakai")  # a word of rows gone before: the bulk load drops it
    before = table_checksums(get_engine(loaded_db))
    report = load(loaded_db, "producers", _corrected_producers(tmp_path))
    assert report.status == "loaded" and any("fresh table" in n for n in report.notes), report.notes
    assert _producer_schema(loaded_db) == schema
    assert _work_tables(loaded_db) == []
    assert scalar(loaded_db, "SELECT count(*) FROM producers") == report.rows_loaded == 400
    assert scalar(loaded_db, "SELECT count(*) FROM producers WHERE name LIKE 'Krupuk%'") == 0
    assert scalar(loaded_db, "SELECT count(*) FROM producers WHERE name LIKE 'Kerupuk%'") > 0
    # ids keep coming from the same sequence, rows follow the file, every row names this run
    assert scalar(loaded_db, "SELECT min(id) FROM producers") > old_max
    assert scalar(loaded_db, "SELECT count(DISTINCT load_run_id) FROM producers") == 1
    assert scalar(loaded_db, "SELECT min(load_run_id) FROM producers") == report.load_run_id
    assert scalar(loaded_db, "SELECT count(*) FROM producers WHERE tags = '{}'") < 400
    # written frozen (COPY FREEZE) and analysed: every page all-visible, statistics ready for the planner
    assert scalar(loaded_db, "SELECT relallvisible = relpages AND relpages > 0 FROM pg_class "
                  "WHERE oid = 'producers'::regclass") is True
    assert scalar(loaded_db, "SELECT count(*) FROM pg_stats WHERE tablename = 'producers'") > 0
    # the search vocabulary is the new rows' words; the other tables are untouched
    words = "SELECT DISTINCT unnest(string_to_array(search_words, ' ')) FROM producers"
    assert _vocabulary(loaded_db) == set(scalars(loaded_db, words))
    assert "kerupuk" in _vocabulary(loaded_db)
    changed = ("producers", "load_runs", "producer_words")
    after = table_checksums(get_engine(loaded_db))
    assert {t: after[t] for t in after if t not in changed} == {t: before[t] for t in before if t not in changed}


def test_bulk_load_into_a_table_with_other_sources_rows_goes_through_the_stage(loaded_db, tmp_path, monkeypatch):
    """Rows of another source stay: no swap, the usual upsert (the table is not only this file's)."""
    import etl.pipeline

    monkeypatch.setattr(etl.pipeline, "BULK_BYTES", 0)
    other = write(tmp_path / "lain.csv", f"nama,kode_wilayah,produk\nUsaha Lain,{KENANGA},krupuk\n")
    assert load(loaded_db, "producers", other).status == "loaded"
    schema = _producer_schema(loaded_db)
    _add_word(loaded_db, "kataygtidakdipakai")
    report = load(loaded_db, "producers", _corrected_producers(tmp_path))
    assert report.status == "loaded" and not any("bulk" in n for n in report.notes), report.notes
    assert scalar(loaded_db, "SELECT count(*) FROM producers") == 401
    assert _producer_schema(loaded_db) == schema
    assert {"kerupuk", "krupuk", "kataygtidakdipakai"} <= _vocabulary(loaded_db)  # words are only added


def test_bulk_load_of_a_table_with_foreign_keys_rebuilds_its_indexes_in_place(loaded_db, tmp_path, monkeypatch):
    """Landing sites refer to areas: no swap; the indexes are dropped and built again in the transaction."""
    import etl.pipeline
    from tests.conftest import BUNDLED

    monkeypatch.setattr(etl.pipeline, "BULK_BYTES", 0)
    source = BUNDLED / "landing_sites.csv"
    with get_engine(loaded_db).connect() as conn:
        indexes = set(conn.execute(text("SELECT indexdef FROM pg_indexes WHERE tablename = 'landing_sites'")).scalars())
    count = scalar(loaded_db, "SELECT count(*) FROM landing_sites")
    corrected = tmp_path / source.name
    corrected.write_bytes(source.read_bytes())
    with corrected.open("a", encoding="utf-8") as fh:
        fh.write("\n")  # another checksum: loaded again, not "unchanged"
    report = load(loaded_db, "landing-sites", corrected)
    assert report.status == "loaded" and any("rebuilt" in n for n in report.notes), report.notes
    assert scalar(loaded_db, "SELECT count(*) FROM landing_sites") == count
    with get_engine(loaded_db).connect() as conn:
        assert set(conn.execute(text("SELECT indexdef FROM pg_indexes WHERE tablename = 'landing_sites'")).scalars()) \
            == indexes
    assert _work_tables(loaded_db) == []


def test_failed_swap_leaves_the_table_and_no_work_table(loaded_db, tmp_path, monkeypatch):
    import etl.bulk
    import etl.pipeline

    monkeypatch.setattr(etl.pipeline, "BULK_BYTES", 0)

    def fail(self):
        raise RuntimeError("the swap failed")

    monkeypatch.setattr(etl.bulk.ShadowTable, "_swap", fail)
    before, schema = table_checksums(get_engine(loaded_db)), _producer_schema(loaded_db)
    with pytest.raises(RuntimeError, match="the swap failed"):
        load(loaded_db, "producers", _corrected_producers(tmp_path))
    assert table_checksums(get_engine(loaded_db)) == before
    assert _producer_schema(loaded_db) == schema
    assert _work_tables(loaded_db) == []


def test_a_crashed_bulk_loads_work_table_is_dropped_by_the_next(loaded_db, tmp_path, monkeypatch):
    import etl.pipeline

    monkeypatch.setattr(etl.pipeline, "BULK_BYTES", 0)
    with get_engine(loaded_db).begin() as conn:
        conn.execute(text("CREATE SCHEMA IF NOT EXISTS etl_work"))
        conn.execute(text("CREATE TABLE etl_work.producers_run999 (LIKE producers)"))
        conn.execute(text("CREATE TABLE etl_work.landing_sites_run998 (LIKE landing_sites)"))
    assert load(loaded_db, "producers", _corrected_producers(tmp_path)).status == "loaded"
    assert _work_tables(loaded_db) == ["landing_sites_run998"]  # another table's: not this load's business


def test_failed_bulk_load_keeps_rows_and_indexes(loaded_db, tmp_path, monkeypatch):
    import etl.pipeline

    monkeypatch.setattr(etl.pipeline, "BULK_BYTES", 0)
    before, indexes = table_checksums(get_engine(loaded_db)), _producer_indexes(loaded_db)
    from tests.conftest import BUNDLED

    broken = tmp_path / "producers.csv"
    lines = (BUNDLED / "producers.csv").read_text(encoding="utf-8").splitlines()
    broken.write_text("\n".join([*lines, lines[1].replace("32.12.16.2004", "32.12.16.9999")]) + "\n", encoding="utf-8")
    report = load(loaded_db, "producers", broken)
    assert report.status == "invalid"
    assert table_checksums(get_engine(loaded_db)) == before
    assert _producer_indexes(loaded_db) == indexes
    assert _work_tables(loaded_db) == []


def test_a_load_is_not_cut_by_the_web_requests_statement_timeout(loaded_db, tmp_path, monkeypatch):
    """The engine's statement timeout guards web requests; a load (here one that waits a second for a lock
    on areas, as behind another writer) runs without it."""
    import threading
    from dataclasses import replace

    import etl.pipeline

    monkeypatch.setattr(etl.pipeline, "BULK_BYTES", 0)
    hurried = replace(loaded_db, statement_timeout_ms=300)
    engine = get_engine(hurried)
    with pytest.raises(Exception, match="statement timeout"), engine.connect() as conn:
        conn.execute(text("SELECT pg_sleep(1)"))
    locked, release = threading.Event(), threading.Event()

    def hold_areas() -> None:
        with get_engine(loaded_db).begin() as conn:
            conn.execute(text("LOCK TABLE areas IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            release.wait(10)

    holder = threading.Thread(target=hold_areas)
    holder.start()
    assert locked.wait(10)
    threading.Timer(1.0, release.set).start()
    try:
        report = run_job(engine, hurried, "producers", _corrected_producers(tmp_path), LoadOptions())
    finally:
        release.set()
        holder.join(10)
    assert report.status == "loaded", report.to_dict()["issues"][:3]
    with engine.connect() as conn:  # the pool's connections keep their timeout for the web requests
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "300ms"
    engine.dispose()


@pytest.mark.parametrize("bulk", [False, True], ids=["stage", "bulk"])
def test_a_producer_name_without_words_loads_and_one_without_letters_or_digits_is_refused(
        loaded_db, tmp_path, monkeypatch, bulk):
    """"99" has no word to search but its digits; "!!!" cannot tell one business from another."""
    import etl.pipeline

    if bulk:
        monkeypatch.setattr(etl.pipeline, "BULK_BYTES", 0)
    path = write(tmp_path / "producers.csv", "nama,kode_wilayah,produk,tags\n"
                 f"99,{KENANGA},,\n!!!,{KENANGA},krupuk,\nToko Sembilan,{KENANGA},,\n")
    report = load(loaded_db, "producers", path, skip_invalid=True)
    assert report.status == "loaded" and report.rows_loaded == 2, report.issues
    assert any("fresh table" in n for n in report.notes) is bulk
    errors = [i for i in report.issues if i.severity == "error"]
    assert [(i.row, i.column, i.value) for i in errors] == [(3, "nama", "!!!")]  # the header as written
    assert "letter (a-z) or a digit" in errors[0].reason
    assert scalar(loaded_db, "SELECT count(*) FROM producers") == 2
    assert scalar(loaded_db, "SELECT search_words FROM producers WHERE name = '99'") == ""
    assert scalar(loaded_db, "SELECT search_words FROM producers WHERE name = 'Toko Sembilan'") == "toko sembilan"
    assert "" not in _vocabulary(loaded_db) and "sembilan" in _vocabulary(loaded_db)


def test_bulk_copy_quotes_a_chunk_whose_values_need_it(loaded_db, tmp_path, monkeypatch):
    """Bulk rows go to COPY unquoted unless a value holds a quote or a line break; the tag "null" stays a tag."""
    import etl.pipeline

    monkeypatch.setattr(etl.pipeline, "BULK_BYTES", 0)
    path = write(tmp_path / "producers.csv", "nama,kode_wilayah,produk,tags\n"
                 f'"Toko ""Maju""",{KENANGA},"kue\nbasah",null;kue kering\nToko B,{KENANGA},,\n')
    report = load(loaded_db, "producers", path)
    assert report.status == "loaded" and report.rows_loaded == 2, report.issues
    assert any("fresh table" in n for n in report.notes)
    assert scalar(loaded_db, "SELECT products FROM producers WHERE name = 'Toko \"Maju\"'") == "kue\nbasah"
    tags = scalar(loaded_db, "SELECT tags FROM producers WHERE name = 'Toko \"Maju\"'")
    assert tags == ["null", "kue-kering"]
    assert scalar(loaded_db, "SELECT tags FROM producers WHERE name = 'Toko B'") == []
    assert scalar(loaded_db, "SELECT products IS NULL FROM producers WHERE name = 'Toko B'") is True


# ------------------------------------------------------------------ threads and files of a load

def _etl_threads() -> list[str]:
    import threading

    return [t.name for t in threading.enumerate() if t.name.startswith("etl")]


def _open_descriptors(path: Path) -> list[str]:
    """This process's file descriptors open on ``path`` (Linux: /proc/self/fd)."""
    import os

    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc/self/fd to see open files")
    target, found = str(path.resolve()), []
    for fd in fds.iterdir():
        try:
            if os.readlink(fd) == target:
                found.append(fd.name)
        except OSError:  # closed while listed
            continue
    return found


def _large_producers(tmp_path: Path, rows: int, bad_row: int | None = None) -> Path:
    """A producers CSV of ``rows`` rows in Kenanga; data row ``bad_row`` (1-based) names an unknown desa."""
    lines = ["nama,kode_wilayah,produk"]
    for i in range(1, rows + 1):
        code = "32.12.16.9999" if i == bad_row else KENANGA
        lines.append(f"Usaha Uji {i},{code},krupuk")
    return write(tmp_path / "producers.csv", "\n".join(lines) + "\n")


@pytest.mark.parametrize("exit_path", ["invalid-row", "dry-run", "unchanged", "missing-column", "write-fails"])
def test_every_way_out_of_a_load_leaves_no_worker_thread_and_the_file_closed(loaded_db, tmp_path, monkeypatch,
                                                                             exit_path):
    """An early failure (an invalid row in the first of many chunks, in strict mode), a dry run, a file
    already loaded, a missing column, a write the database refuses: no thread of the load survives it,
    the file is closed, and the database is as it was."""
    import etl.sources
    import etl.staging

    monkeypatch.setattr(etl.sources, "CHUNK_ROWS", 500)  # 40 chunks
    path = _large_producers(tmp_path, 20_000, bad_row=3 if exit_path == "invalid-row" else None)
    if exit_path == "missing-column":
        write(path, path.read_text(encoding="utf-8").replace("nama,", "judul,", 1))
    if exit_path == "unchanged":
        assert load(loaded_db, "producers", path).status == "loaded"
    if exit_path == "write-fails":
        def refuse(self, prepared):
            raise RuntimeError("the database refused the rows")

        monkeypatch.setattr(etl.staging.Stage, "write", refuse)
    before = table_checksums(get_engine(loaded_db))
    if exit_path == "write-fails":
        with pytest.raises(RuntimeError, match="refused the rows"):
            load(loaded_db, "producers", path)
    else:
        report = load(loaded_db, "producers", path, dry_run=exit_path == "dry-run")
        expected = {"invalid-row": "invalid", "dry-run": "validated", "unchanged": "unchanged",
                    "missing-column": "invalid"}
        assert report.status == expected[exit_path], report.to_dict()["issues"][:3]
    if exit_path == "invalid-row":
        first = next(i for i in report.issues if i.severity == "error")
        assert (first.row, first.column, first.value, first.type) == (4, "kode_wilayah", "32.12.16.9999",
                                                                      "unknown-area")
    assert _etl_threads() == []
    assert _open_descriptors(path) == []
    assert table_checksums(get_engine(loaded_db)) == before


def test_a_load_runs_its_work_on_one_pool_of_few_threads(loaded_db, tmp_path, monkeypatch):
    """Beside the main thread, a load (here a bulk load: checks, encoding, writing, index builds) uses only
    the threads of its runner's one pool."""
    import threading

    import etl.pipeline
    import etl.sources
    from etl.runner import WORKERS

    monkeypatch.setattr(etl.pipeline, "BULK_BYTES", 0)
    monkeypatch.setattr(etl.sources, "CHUNK_ROWS", 500)
    seen: set[str] = set()

    def progress(rows: int) -> None:
        seen.update(t.name for t in threading.enumerate() if t is not threading.main_thread())

    path = _large_producers(tmp_path, 5_000)
    report = run_job(get_engine(loaded_db), loaded_db, "producers", path, LoadOptions(), progress=progress)
    assert report.status == "loaded" and any("fresh table" in n for n in report.notes), report.notes
    ours = {name for name in seen if name.startswith("etl")}
    assert ours and all(name.startswith("etl-load_") for name in ours)
    assert len(ours) <= WORKERS
    assert _etl_threads() == []


def test_the_models_declare_the_indexes_the_migrations_made(empty_db):
    """Bulk loads rebuild indexes from gis.models: they must be the ones the database has."""
    from sqlalchemy import Column, MetaData, Table
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex

    from etl.bulk import declared_indexes
    from etl.jobs import JOBS

    dialect = postgresql.dialect()
    with get_engine(empty_db).connect() as conn:
        for table in sorted({job.table for job in JOBS.values()}):
            in_database = dict(conn.execute(text(
                "SELECT indexname, regexp_replace(indexdef, ' ON \\S+ ', ' ON t ') FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = :t"), {"t": table}).all())
            declared = declared_indexes(table)
            indexes = [d.index() for d in declared]
            Table("t", MetaData(), *(Column(c) for c in _columns(conn, table)), *indexes)
            built = {d.name: str(CreateIndex(i).compile(dialect=dialect)) for d, i in zip(declared, indexes,
                                                                                          strict=True)}
            assert set(built) == set(in_database), table
            for name, statement in built.items():
                made = conn.execute(text("SELECT pg_get_indexdef(CAST(:i AS regclass))"), {"i": name}).scalar()
                assert _same_index(statement, made, table), (statement, made)
            kinds = dict(conn.execute(text(
                "SELECT conname, contype FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
                "AND contype IN ('p', 'u')"), {"t": table}).all())
            assert {d.name: d.constraint for d in declared if d.constraint} == {
                name: {"p": "PRIMARY KEY", "u": "UNIQUE"}[kind] for name, kind in kinds.items()}


def _columns(conn, table: str) -> list[str]:
    return list(conn.execute(text("SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) "
                                  "AND attnum > 0 AND NOT attisdropped"), {"t": table}).scalars())


def _same_index(statement: str, indexdef: str, table: str) -> bool:
    """A compiled CREATE INDEX and pg_get_indexdef's, up to the table's name, btree spelled out, casts."""
    import re

    def canonical(sql: str) -> str:
        sql = re.sub(r" ON (ONLY )?\S+ ", " ON t ", sql)
        sql = re.sub(r"::\w+", "", sql)
        return sql if " USING " in sql else sql.replace(" ON t ", " ON t USING btree ")
    return canonical(statement) == canonical(indexdef)
