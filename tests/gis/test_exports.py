import csv
import io
import json
import types

import pyogrio
import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from gis.exports import (
    FORMATS,
    ExportError,
    csv_chunks,
    export_layer,
    safe_text,
    stats_export,
)
from gis.features import Selection, build_where
from gis.layers import LAYERS
from gis.stats import StatsQuery, choropleth

KENANGA_BBOX = (108.30, -6.37, 108.33, -6.35)


def body(export) -> bytes:
    return b"".join(export.chunks)


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def read_gpkg(data: bytes, tmp_path):
    path = tmp_path / "export.gpkg"
    path.write_bytes(data)
    return pyogrio.read_dataframe(path)


def read_xlsx(data: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def rows_in(engine, layer, bbox=None, filters=None) -> int:
    where = build_where(layer, Selection(bbox, filters or {}))
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {layer.source} WHERE {where.sql}"), where.params).scalar_one()


def count_rows(fmt: str, data: bytes, tmp_path) -> int:
    if fmt == "csv":
        return len(read_csv(data))
    if fmt == "geojson":
        return len(json.loads(data)["features"])
    if fmt == "gpkg":
        return len(read_gpkg(data, tmp_path))
    return len(read_xlsx(data)) - 1


# ---------------------------------------------------------------- cell safety (no database)


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-12", "-12"), ("-12.5", "-12.5"), ("+62812", "+62812"), ("1e5", "1e5"), ("krupuk", "krupuk"), ("", ""),
])
def test_safe_text(value, expected):
    assert safe_text(value) == expected


def test_csv_is_written_batch_by_batch():
    batches = ([[i, f"row {i}"]] for i in range(3))
    chunks = csv_chunks(["id", "name"], batches)
    assert isinstance(chunks, types.GeneratorType)
    parts = list(chunks)
    assert len(parts) == 4 and parts[0].startswith("\ufeff".encode())


# ---------------------------------------------------------------- every layer, every format


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_layer_exports_every_row(engine, fmt, tmp_path):
    for layer in LAYERS.values():
        export = export_layer(engine, layer, fmt)
        assert export.mimetype == FORMATS[fmt][0]
        assert export.filename == f"{layer.id}.{FORMATS[fmt][1]}"
        assert count_rows(fmt, body(export), tmp_path) == rows_in(engine, layer), (layer.id, fmt)


def test_csv_columns_and_values_round_trip(engine):
    rows = read_csv(body(export_layer(engine, "producers", "csv", Selection(filters={"area_code": "32.12.16.2004"}))))
    assert rows and list(rows[0])[:3] == ["id", "name", "products"]
    assert {"lon", "lat"} <= set(rows[0]) and "wkt" not in rows[0]
    assert all(r["area_code"] == "32.12.16.2004" for r in rows)
    assert all(-6.37 < float(r["lat"]) < -6.34 for r in rows)
    desa = read_csv(body(export_layer(engine, "desa", "csv", Selection(filters={"parent_code": "32.12.16"}))))
    assert desa and desa[0]["wkt"].startswith("MULTIPOLYGON")


def test_geojson_is_valid_and_typed(engine):
    data = json.loads(body(export_layer(engine, "producers", "geojson", Selection(KENANGA_BBOX))))
    assert data["type"] == "FeatureCollection" and data["features"]
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert isinstance(feature["properties"]["tags"], list) and isinstance(feature["properties"]["employees"], int)
    for f in data["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert KENANGA_BBOX[0] <= lon <= KENANGA_BBOX[2] and KENANGA_BBOX[1] <= lat <= KENANGA_BBOX[3]


def test_gpkg_keeps_types_and_geometry(engine, tmp_path):
    frame = read_gpkg(body(export_layer(engine, "kecamatan", "gpkg")), tmp_path)
    assert len(frame) == 31 and frame.crs.to_epsg() == 4326
    assert set(frame.geom_type) == {"MultiPolygon"}
    producers = read_gpkg(body(export_layer(engine, "producers", "gpkg", Selection(filters={"sector": "A"}))), tmp_path)
    assert set(producers["sector"]) == {"A"}
    assert str(producers["employees"].dtype).lower().startswith("int")


def test_filters_bbox_and_years_select_rows(engine, tmp_path):
    producers = LAYERS["producers"]
    for filters in ({"sector": "C"}, {"tags": "krupuk"}, {"employees": "5"}):
        rows = read_csv(body(export_layer(engine, producers, "csv", Selection(filters=filters))))
        assert len(rows) == rows_in(engine, producers, filters=filters) > 0
    in_box = read_csv(body(export_layer(engine, producers, "csv", Selection(KENANGA_BBOX))))
    assert 0 < len(in_box) == rows_in(engine, producers, bbox=KENANGA_BBOX) < rows_in(engine, producers)
    padi_2024 = read_csv(body(export_layer(engine, "agriculture", "csv",
                                           Selection(filters={"commodity": "padi"}, years=(2024, 2024)))))
    assert padi_2024 and {r["year"] for r in padi_2024} == {"2024"}


def test_cql2_filter_is_applied(engine):
    rows = read_csv(body(export_layer(engine, "producers", "csv", Selection(cql="employees >= 50"))))
    assert rows and all(int(r["employees"]) >= 50 for r in rows)


@pytest.mark.parametrize("kwargs,message", [
    ({"fmt": "shp"}, "f must be one of"), ({"selection": Selection(filters={"name": "x"})}, "not a filter"),
    ({"selection": Selection(filters={"employees": "many"})}, "whole number"), ({"layer": "roads"}, "unknown layer"),
    ({"selection": Selection(years=(2020, 2024))}, "no years"), ({"selection": Selection(cql="nope = 1")}, "nope"),
])
def test_bad_requests_fail_before_any_byte(engine, kwargs, message):
    args = {"layer": "producers", "fmt": "csv", **kwargs}
    with pytest.raises(ExportError, match=message):
        export_layer(engine, args.pop("layer"), args.pop("fmt"), **args)


def test_exports_stream_in_chunks_from_a_server_side_cursor(engine):
    export = export_layer(engine, "producers", "csv", chunk_rows=50)
    parts = list(export.chunks)
    assert len(parts) >= 1 + 400 // 50
    geojson = list(export_layer(engine, "producers", "geojson", chunk_rows=50).chunks)
    assert len(geojson) >= 2 + 400 // 50


# ---------------------------------------------------------------- formula injection


@pytest.fixture
def hostile_producer(engine):
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO producers (name, name_key, products, kbli, sector, address, area_code, geom, "
            "location_precision, phone, tags, load_run_id) VALUES ('=HYPERLINK(\"http://evil\",\"x\")', 'evil', "
            "'+cmd|'' /C calc''!A0', '10794', 'C', '@SUM(1+1)', '32.12.16.2004', "
            "ST_SetSRID(ST_MakePoint(108.31, -6.36), 4326), 'exact', '-12', ARRAY['-x', 'ok'], "
            "(SELECT min(id) FROM load_runs))"))
    return {"area_code": "32.12.16.2004", "sector": "C", "kbli": "10794"}


def test_csv_neutralises_formulas(engine, hostile_producer):
    rows = read_csv(body(export_layer(engine, "producers", "csv", Selection(filters=hostile_producer))))
    evil = next(r for r in rows if "HYPERLINK" in r["name"])
    assert evil["name"].startswith("'=") and evil["products"].startswith("'+") and evil["address"].startswith("'@")
    assert evil["phone"] == "-12"  # a plain negative number stays a number
    assert evil["tags"] == "'-x;ok"
    for row in rows:
        for value in row.values():
            assert not value or value[0] not in "=+@\t\r" or value.lstrip("+-").replace(".", "").isdigit()


def test_xlsx_neutralises_formulas_and_keeps_numbers(engine, hostile_producer):
    data = body(export_layer(engine, "producers", "xlsx", Selection(filters=hostile_producer)))
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    evil_row = next(row for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(row[1].value))
    cells = dict(zip(header, evil_row, strict=True))
    assert cells["name"].value.startswith("'=") and cells["name"].data_type == "s"
    assert cells["address"].value.startswith("'@")
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert isinstance(cells["employees"].value, int | type(None)) and isinstance(cells["lon"].value, float)
    assert book.sheetnames == ["producers", "about"]


# ---------------------------------------------------------------- statistics


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_stats_export_every_format(engine, fmt, tmp_path):
    result = choropleth(engine, StatsQuery("agriculture", "padi", geometry=fmt in ("geojson", "gpkg")))
    export = stats_export(result, fmt)
    assert export.filename == f"agriculture_padi_2024_kecamatan.{FORMATS[fmt][1]}"
    data = body(export)
    assert count_rows(fmt, data, tmp_path) == len(result["values"]) == 31
    if fmt == "csv":
        row = read_csv(data)[0]
        assert set(row) >= {"code", "name", "value", "unit", "class", "year", "commodity"}
    if fmt == "gpkg":
        assert set(read_gpkg(data, tmp_path).geom_type) == {"MultiPolygon"}
    if fmt == "geojson":
        assert json.loads(data)["features"][0]["geometry"]["type"] == "MultiPolygon"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_database_that_is_away_fails_the_call_not_the_stream(fmt):
    """The rows are read as the file streams, after a 200: the database is reached when the export is made, so
    that a route answers 503 instead of a 200 with a broken file."""
    away = create_engine("postgresql+psycopg://peta@127.0.0.1:1/peta")  # nothing listens on port 1
    try:
        with pytest.raises(OperationalError):
            export_layer(away, "producers", fmt)
    finally:
        away.dispose()
