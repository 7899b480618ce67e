"""Offline packages (gis/packages.py): MBTiles and GeoPackage of a kecamatan, read back with GDAL."""

from __future__ import annotations

import gzip
import json
import sqlite3
import threading

import pyogrio
import pytest
from sqlalchemy import text

from gis import packages
from gis.layers import LAYERS
from gis.tile_cover import tile_index

SINDANG = "32.12.16"
REGION = "32.12"
POINT_ID_FIELDS = {"producers": "mvt_id", "landing-sites": "mvt_id", "area-labels": "code"}


def number_matched(client, layer_id: str, **filters: str) -> int:
    """numberMatched of the OGC API items of ``layer_id`` with ``filters``."""
    body = client.get(f"/ogc/collections/{layer_id}/items", query_string={"limit": 1, **filters}).get_json()
    assert body["numberMatched"] is not None
    return int(body["numberMatched"])


def api_count(client, layer_id: str, code: str) -> int:
    """How many features of ``layer_id`` the OGC API has in area ``code``: ``area_code=``, or for the boundary
    layers the area itself (``code=``) and what lies inside it (``parent_code=``)."""
    layer = LAYERS[layer_id]
    if layer.prop("area_code") is not None:
        return number_matched(client, layer_id, area_code=code)
    return number_matched(client, layer_id, code=code) + number_matched(client, layer_id, parent_code=code)


@pytest.fixture
def sindang(engine):
    return packages.package_area(engine, REGION, SINDANG)


@pytest.fixture
def built(engine, sindang, tmp_path):
    """The MBTiles and GeoPackage of Kec. Sindang, with the progress reported while building."""
    seen: dict[str, list[tuple[int, int]]] = {"mbtiles": [], "gpkg": []}
    found = {fmt: packages.ensure(engine, tmp_path, sindang, fmt,
                                  progress=lambda done, total, fmt=fmt: seen[fmt].append((done, total)))
             for fmt in packages.FORMATS}
    return found, seen


def test_areas_are_the_regency_and_its_kecamatan(engine):
    areas = packages.package_areas(engine, REGION)
    assert areas[0].code == REGION and areas[0].level == "kabupaten"
    assert {a.level for a in areas[1:]} == {"kecamatan"} and len(areas) > 20
    assert any(a.code == SINDANG for a in areas)
    for code in ("32.12.16.2004", "99.99", "32.12.99", "nonsense"):
        with pytest.raises(packages.UnknownPackage):
            packages.package_area(engine, REGION, code)


def test_mbtiles_metadata(built, sindang, engine):
    found, seen = built
    path = found["mbtiles"].path
    assert path.name == f"{SINDANG}-{packages.version_token(engine)}.mbtiles"
    with sqlite3.connect(path) as db:
        meta = dict(db.execute("SELECT name, value FROM metadata"))
        rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles").fetchall()
    assert meta["format"] == "pbf" and meta["type"] == "overlay" and (meta["minzoom"], meta["maxzoom"]) == ("8", "14")
    for name in ("name", "bounds", "center", "attribution", "description", "version"):
        assert meta[name], name
    vector_layers = json.loads(meta["json"])["vector_layers"]
    assert [v["id"] for v in vector_layers] == list(LAYERS)
    assert all(8 <= v["minzoom"] <= v["maxzoom"] <= 14 and v["fields"] for v in vector_layers)
    # bounds cover the kecamatan
    west, south, east, north = map(float, meta["bounds"].split(","))
    with engine.connect() as conn:
        box = conn.execute(text("SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM areas "
                                "WHERE code = :c"), {"c": SINDANG}).one()
    assert west <= box[0] and south <= box[1] and east >= box[2] and north >= box[3]
    # every zoom has tiles, in TMS rows, gzip-compressed; the progress counted every candidate tile
    assert {z for z, *_ in rows} == set(range(8, 15))
    x, y = tile_index((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, 14)
    assert any((z, col, (1 << 14) - 1 - row) == (14, x, y) for z, col, row, _ in rows)
    assert all(data[:2] == b"\x1f\x8b" and gzip.decompress(data) for *_, data in rows)
    done, total = seen["mbtiles"][-1]
    assert done == total >= len(rows) and [d for d, _ in seen["mbtiles"]] == list(range(1, total + 1))


def test_mbtiles_points_at_max_zoom_equal_the_api(built, client):
    path = built[0]["mbtiles"].path
    assert "MBTiles" in pyogrio.list_drivers()
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert layers == set(LAYERS)
    counts = {}
    for layer_id, id_field in POINT_ID_FIELDS.items():
        frame = pyogrio.read_dataframe(path, layer=layer_id, ZOOM_LEVEL=14)
        assert id_field in frame.columns, (layer_id, list(frame.columns))
        counts[layer_id] = frame[id_field].nunique()
        assert counts[layer_id] == api_count(client, layer_id, SINDANG), layer_id
    assert counts["producers"] > 0 and counts["area-labels"] > 1


def test_gpkg_tables_and_counts_equal_the_api(built, client):
    path = built[0]["gpkg"].path
    assert {name for name, _ in pyogrio.list_layers(path)} == set(LAYERS)
    assert built[1]["gpkg"][-1] == (len(LAYERS), len(LAYERS))
    for layer_id, layer in LAYERS.items():
        frame = pyogrio.read_dataframe(path, layer=layer_id)
        assert len(frame) == api_count(client, layer_id, SINDANG), layer_id
        assert ["id", *(p.name for p in layer.properties)] == [c for c in frame.columns if c != "geometry"]
    producers = pyogrio.read_dataframe(path, layer="producers")
    assert producers["area_code"].str.startswith(SINDANG + ".").all()


def test_cache_hit_then_rebuild_after_a_load(engine, sindang, tmp_path):
    first = packages.ensure(engine, tmp_path, sindang, "gpkg")
    stamp = first.path.stat().st_mtime_ns
    again = packages.ensure(engine, tmp_path, sindang, "gpkg")
    assert again.path == first.path and again.path.stat().st_mtime_ns == stamp  # not rebuilt
    with engine.begin() as conn:  # a load run is a new data version
        conn.execute(text("INSERT INTO load_runs (kind, source_key, source_name, checksum, options, status, "
                          "rows_read, rows_loaded, rows_rejected, warnings, loaded_by, started_at) VALUES "
                          "('producers', 'x', 'x', 'x', '{}', 'loaded', 0, 0, 0, 0, 'tests', now())"))
    rebuilt = packages.ensure(engine, tmp_path, sindang, "gpkg")
    assert rebuilt.version != first.version and rebuilt.built and not first.path.exists()
    assert sorted(p.name for p in tmp_path.glob("*.gpkg")) == [rebuilt.path.name]


def test_other_zooms_rebuild_the_mbtiles(engine, sindang, tmp_path):
    small = packages.ensure(engine, tmp_path, sindang, "mbtiles", zooms=(8, 10))
    assert packages.mbtiles_zooms(small.path) == (8, 10)
    assert packages.ensure(engine, tmp_path, sindang, "mbtiles").path.stat().st_size == small.size  # as it is
    assert packages.mbtiles_zooms(packages.ensure(engine, tmp_path, sindang, "mbtiles", zooms=(9, 11)).path) == (9, 11)
    with pytest.raises(ValueError):
        packages.ensure(engine, tmp_path, sindang, "mbtiles", zooms=(12, 10))
    assert not list(tmp_path.glob(".*.tmp.*"))  # the failed build left nothing behind


def test_two_builders_make_one_file(engine, sindang, tmp_path):
    builds: list[int] = []
    results: list[packages.Package] = []

    def build() -> None:
        results.append(packages.ensure(engine, tmp_path, sindang, "gpkg",
                                       progress=lambda done, total: builds.append(done) if done == total else None))

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0].path == results[1].path and results[0].built
    assert len(builds) == 1  # the second waited for the lock and found the file


def test_in_area_refuses_what_is_not_a_code():
    with pytest.raises(ValueError):
        packages.in_area(LAYERS["producers"], "32.12' OR '1'='1")
