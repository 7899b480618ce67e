"""Vector tiles made in PostGIS: decoded and checked against SQL counts in the tile's envelope."""

from __future__ import annotations

import math
from dataclasses import replace

import mapbox_vector_tile
import pytest
from sqlalchemy import text

from gis import tiles
from gis.filters import QueryError, property_filters
from gis.layers import LAYERS
from gis.tiles import (
    TileCache,
    TileNotFound,
    TilePolicy,
    check_tile,
    choropleth_default,
    composite_tile,
    composite_tile_sql,
    layer_bounds,
    tile,
    tile_fields,
)

PRODUCERS = LAYERS["producers"]
# The producers with a tile policy that turns any tile of more than five points into the dense grid.
FEW_POINTS = replace(PRODUCERS, tiles=TilePolicy(aggregate_below=13, group_by="sector", max_points=5))
REGENCY_Z7 = (7, 102, 66)  # one tile holding the whole regency


def decode(data: bytes | None, layer_id: str) -> list[dict]:
    assert data, "expected a tile with features"
    decoded = mapbox_vector_tile.decode(data)
    assert list(decoded) == [layer_id]
    return decoded[layer_id]["features"]


def count_in_tile(engine, z: int, x: int, y: int, where: str = "TRUE", **params) -> int:
    sql = (f"SELECT count(*) FROM producers t WHERE t.geom && ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326) "
           f"AND {where}")
    with engine.connect() as conn:
        return conn.execute(text(sql), {"z": z, "x": x, "y": y, **params}).scalar_one()


def busiest_tile(engine, z: int, where: str = "TRUE") -> tuple[int, int, int]:
    size = 2 * tiles.WORLD_M / (1 << z)
    with engine.connect() as conn:
        x, y = conn.execute(text(
            "SELECT floor((ST_X(g) + :w) / :s), floor((:w - ST_Y(g)) / :s) "
            f"FROM (SELECT ST_Transform(geom, 3857) AS g FROM producers WHERE {where}) p "
            "GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1"
        ), {"w": tiles.WORLD_M, "s": size}).one()
    return z, int(x), int(y)


def test_tile_matrix_bounds():
    check_tile(0, 0, 0)
    check_tile(22, (1 << 22) - 1, 0)
    for z, x, y in [(-1, 0, 0), (23, 0, 0), (3, 8, 0), (3, 0, 8), (3, -1, 0)]:
        with pytest.raises(TileNotFound):
            check_tile(z, x, y)


def test_filters_come_from_the_registry_and_are_bound():
    sql, params = property_filters(PRODUCERS, {"sector": "C,G", "tags": "krupuk", "employees": "5"})
    assert "'C'" not in sql and ":f" in sql
    assert sorted(map(str, params.values())) == ["['C', 'G']", "['krupuk']", "[5]"]
    with pytest.raises(QueryError, match="not a filter"):
        property_filters(PRODUCERS, {"phone": "0812"})  # a property, but not filterable
    for bad in ("many", "99999999999999999999999", "1.5"):
        with pytest.raises(QueryError, match="whole number"):
            property_filters(PRODUCERS, {"employees": bad})
    with pytest.raises(QueryError, match="needs a value"):
        property_filters(PRODUCERS, {"sector": ""})


def test_raw_points_at_high_zoom_match_sql_count(engine):
    z, x, y = busiest_tile(engine, 15)
    features = decode(tile(engine, PRODUCERS, z, x, y), "producers")
    assert len(features) == count_in_tile(engine, z, x, y) > 0
    first = features[0]
    assert "point_count" not in first["properties"]
    with engine.connect() as conn:
        row = conn.execute(text("SELECT name, sector, kbli, array_to_string(tags, ',') FROM producers WHERE id = :id"),
                           {"id": first["id"]}).one()
    props = first["properties"]
    assert (props["name"], props["sector"], props["kbli"], props.get("tags", "")) == tuple(v or "" for v in row)
    assert set(props) <= set(tile_fields(PRODUCERS))


def test_raw_points_sit_where_st_asmvtgeom_puts_them(engine):
    """Tile coordinates computed by arithmetic are ST_AsMVTGeom's, to the unit; features come in id order."""
    z, x, y = busiest_tile(engine, 15)
    data = tile(engine, PRODUCERS, z, x, y)
    assert tile(engine, PRODUCERS, z, x, y) == data  # the same bytes every time: a stable ETag
    features = mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})["producers"]["features"]
    with engine.connect() as conn:
        expected = {fid: (gx, gy) for fid, gx, gy in conn.execute(text(
            "SELECT id, ST_X(g), ST_Y(g) FROM (SELECT id, ST_AsMVTGeom(ST_Transform(geom, 3857), "
            "ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS g FROM producers "
            "WHERE geom && ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326)) p"), {"z": z, "x": x, "y": y})}
    assert {f["id"]: tuple(f["geometry"]["coordinates"]) for f in features} == expected
    assert [f["id"] for f in features] == sorted(expected)


@pytest.mark.parametrize("zoom", [7, 10, 12])
def test_grid_cells_at_low_zoom_account_for_every_point(engine, zoom):
    z, x, y = busiest_tile(engine, zoom) if zoom > 7 else REGENCY_Z7
    features = decode(tile(engine, PRODUCERS, z, x, y), "producers")
    assert all(f["geometry"]["type"] == "Point" for f in features)
    assert sum(f["properties"]["point_count"] for f in features) == count_in_tile(engine, z, x, y)
    assert all(f["properties"]["sector"] in "ABCDEFGHIJKLMNOPQRSTU" for f in features)
    if zoom == 7:
        with engine.connect() as conn:
            assert sum(f["properties"]["point_count"] for f in features) == \
                conn.execute(text("SELECT count(*) FROM producers")).scalar_one()


@pytest.mark.parametrize("dense", [False, True], ids=["grid below z13", "dense tile at z14"])
def test_each_cell_carries_its_most_common_sector(engine, dense):
    """Grid cells (by zoom, or in a dense tile) carry the most common sector, the first in order among equals."""
    producers = FEW_POINTS if dense else PRODUCERS
    z, x, y = busiest_tile(engine, 14) if dense else REGENCY_Z7
    features = decode(tile(engine, producers, z, x, y), "producers")
    biggest = max(features, key=lambda f: f["properties"]["point_count"])
    grid = producers.tiles.dense_grid if dense else producers.tiles.grid
    ex, ey = biggest["geometry"]["coordinates"]  # extent units, y up; the centroid lies in its cell
    col = x * grid + int(ex * grid // tiles.EXTENT)
    row = y * grid + int((tiles.EXTENT - ey) * grid // tiles.EXTENT)
    with engine.connect() as conn:
        sectors = conn.execute(text(
            "SELECT sector, count(*) FROM producers "
            "WHERE floor((ST_X(ST_Transform(geom, 3857)) + :w) / :s) = :col "
            "AND floor((:w - ST_Y(ST_Transform(geom, 3857))) / :s) = :row GROUP BY 1 ORDER BY 2 DESC, 1"
        ), {"w": tiles.WORLD_M, "s": 2 * tiles.WORLD_M / (1 << z) / grid, "col": col, "row": row}).all()
    assert sum(n for _, n in sectors) == biggest["properties"]["point_count"]
    assert biggest["properties"]["sector"] == sectors[0][0]


def _add_cluster(engine, x: float, y: float, sectors: list[str | None], tag: str) -> None:
    """Producers within a metre of Web Mercator x/y, one per sector given (None: no sector), centred on x/y."""
    offsets = [(dx, dy) for dx, dy in [(0.5, 0.5), (-0.5, -0.5), (0.5, -0.5), (-0.5, 0.5)] * 4][:len(sectors)]
    if len(sectors) % 2:  # keep the centroid on x/y
        offsets[-1] = (0.0, 0.0)
    with engine.begin() as conn:
        for i, (sector, (dx, dy)) in enumerate(zip(sectors, offsets, strict=True)):
            conn.execute(text(
                "INSERT INTO producers (name, name_key, area_code, geom, location_precision, load_run_id, sector) "
                "SELECT :name, :name, (SELECT min(code) FROM areas), "
                "ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), 3857), 4326), 'exact', (SELECT min(id) FROM load_runs), "
                ":sector"), {"name": f"uji {tag} {i}", "x": x + dx, "y": y + dy, "sector": sector})


@pytest.mark.parametrize("zoom", [12, 14])
def test_most_common_sector_wins_ties_go_to_the_first_and_no_sector_comes_last(engine, zoom):
    """Both ways of picking a cell's sector (per (cell, sector) group below z13, mode() in dense tiles)."""
    policy = FEW_POINTS.tiles
    size14 = 2 * tiles.WORLD_M / (1 << 14)
    cell = size14 / policy.dense_grid
    tx, ty = 13139, 8470  # the z14 tile of 108.7 E, 6.1 S: at sea, no producer within its z12 tile
    clusters = {  # dense cells 40 apart (~760 m): apart at z12 too, each well inside one z12 cell
        "a": (["G", "G", "G", "A", "A", "C", "C", None, None, None, None], "G"),
        "b": (["I", "B", None], "B"),
        "c": ([None, None], None),
    }
    centres = {}
    for k, (name, (sectors, _)) in enumerate(clusters.items()):
        ix = iy = 20 + 40 * k
        centres[name] = (-tiles.WORLD_M + tx * size14 + (ix + 0.5) * cell,
                         tiles.WORLD_M - ty * size14 - (iy + 0.5) * cell)
        _add_cluster(engine, *centres[name], sectors, name)
    z, x, y = (14, tx, ty) if zoom == 14 else (12, tx >> 2, ty >> 2)
    size = 2 * tiles.WORLD_M / (1 << z)
    data = tile(engine, FEW_POINTS, z, x, y)
    features = mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})["producers"]["features"]
    assert len(features) == len(clusters)
    for name, (sectors, expected) in clusters.items():
        cx = (centres[name][0] - (-tiles.WORLD_M + x * size)) * tiles.EXTENT / size
        cy = ((tiles.WORLD_M - y * size) - centres[name][1]) * tiles.EXTENT / size
        found = min(features, key=lambda f: abs(f["geometry"]["coordinates"][0] - cx)
                    + abs(f["geometry"]["coordinates"][1] - cy))
        assert abs(found["geometry"]["coordinates"][0] - cx) <= 1 and abs(found["geometry"]["coordinates"][1] - cy) <= 1
        assert found["properties"]["point_count"] == len(sectors)
        assert found["properties"].get("sector") == expected


def test_dense_tiles_fall_back_to_a_finer_grid(engine):
    z, x, y = busiest_tile(engine, 14)
    expected = count_in_tile(engine, z, x, y)
    assert expected > 5
    features = decode(tile(engine, FEW_POINTS, z, x, y), "producers")
    assert sum(f["properties"]["point_count"] for f in features) == expected


def test_attribute_filters(engine):
    z, x, y = REGENCY_Z7
    features = decode(tile(engine, PRODUCERS, z, x, y, {"sector": "C"}), "producers")
    assert {f["properties"]["sector"] for f in features} == {"C"}
    assert sum(f["properties"]["point_count"] for f in features) == count_in_tile(engine, z, x, y, "sector = 'C'")
    z, x, y = busiest_tile(engine, 15, "'krupuk' = ANY(tags)")
    features = decode(tile(engine, PRODUCERS, z, x, y, {"tags": "krupuk"}), "producers")
    assert len(features) == count_in_tile(engine, z, x, y, "'krupuk' = ANY(tags)")
    assert all("krupuk" in f["properties"]["tags"].split(",") for f in features)


INSIDE = "(t.area_code = :code OR t.area_code LIKE :code || '.%')"


def test_area_filter_keeps_the_producers_inside_a_kabupaten_kecamatan_or_desa(engine):
    """``area_code`` takes a code of any level: 32.12.16 holds 32.12.16.2004 (codes are fixed-width prefixes)."""
    z, x, y = REGENCY_Z7
    counts = []
    for code in ("32.12", "32.12.16", "32.12.16.2004"):
        features = decode(tile(engine, PRODUCERS, z, x, y, {"area_code": code}), "producers")
        counts.append(sum(f["properties"]["point_count"] for f in features))
        assert counts[-1] == count_in_tile(engine, z, x, y, INSIDE, code=code), code
    assert counts[0] > counts[1] > counts[2] > 0
    both = decode(tile(engine, PRODUCERS, z, x, y, {"area_code": "32.12.16,32.12.15"}), "producers")
    assert sum(f["properties"]["point_count"] for f in both) == count_in_tile(
        engine, z, x, y, "t.area_code LIKE '32.12.16.%' OR t.area_code LIKE '32.12.15.%'")
    # raw points at high zoom: all of them inside the kecamatan, none of the neighbours'
    z, x, y = busiest_tile(engine, 15, "area_code LIKE '32.12.16.%'")
    features = decode(tile(engine, PRODUCERS, z, x, y, {"area_code": "32.12.16"}), "producers")
    assert len(features) == count_in_tile(engine, z, x, y, INSIDE, code="32.12.16")
    assert all(f["properties"]["area_code"].startswith("32.12.16.") for f in features)
    west, south, east, north = layer_bounds(engine, PRODUCERS, {"area_code": "32.12.16"})
    whole = layer_bounds(engine, PRODUCERS)
    assert whole[0] <= west < east <= whole[2] and (east - west) < (whole[2] - whole[0])
    for bad in ("32.12.1%", "32.12.16_", "32.1", "Sindang"):
        with pytest.raises(QueryError, match="Kemendagri"):
            property_filters(PRODUCERS, {"area_code": bad})


def test_agriculture_by_commodity_and_year(engine):
    z, x, y = REGENCY_Z7
    features = decode(tile(engine, LAYERS["agriculture"], z, x, y, {"commodity": "padi", "year": "2024"}),
                      "agriculture")
    with engine.connect() as conn:
        expected = conn.execute(text(
            "SELECT count(*) FROM agriculture_production WHERE commodity = 'padi' AND year = 2024")).scalar_one()
    assert len(features) == expected
    assert {(f["properties"]["commodity"], f["properties"]["year"]) for f in features} == {("padi", 2024)}
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)


def test_polygons_simplified_but_none_lost(engine):
    z, x, y = REGENCY_Z7
    features = decode(tile(engine, LAYERS["kecamatan"], z, x, y), "kecamatan")
    with engine.connect() as conn:
        codes = set(conn.execute(text("SELECT code FROM areas WHERE level = 'kecamatan'")).scalars())
        vertices = conn.execute(text("SELECT sum(ST_NPoints(geom)) FROM areas WHERE level = 'kecamatan'")).scalar()
    assert {f["properties"]["code"] for f in features} == codes
    encoded = sum(len(ring) for f in features for ring in _rings(f["geometry"]))
    assert encoded < vertices


def _rings(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def test_empty_tile_is_none(engine):
    assert tile(engine, PRODUCERS, 14, 0, 0) is None
    assert tile(engine, LAYERS["desa"], 10, 0, 0) is None


def test_out_of_range_is_a_domain_error(engine):
    with pytest.raises(TileNotFound):
        tile(engine, PRODUCERS, 23, 0, 0)
    with pytest.raises(TileNotFound):
        tile(engine, PRODUCERS, 4, 16, 0)


def test_fields_and_bounds(engine):
    fields = tile_fields(PRODUCERS)
    assert fields["point_count"] == "Number" and fields["tags"] == "String" and fields["employees"] == "Number"
    assert "point_count" not in tile_fields(LAYERS["kecamatan"])
    west, south, east, north = layer_bounds(engine, PRODUCERS)
    assert 107.8 < west < east < 108.6 and -6.7 < south < north < -6.2
    assert layer_bounds(engine, PRODUCERS, {"sector": "U"}) is None


def test_choropleth_default(engine):
    choropleth = choropleth_default(engine, LAYERS["agriculture"])
    assert choropleth is not None
    assert choropleth.filters["level"] == "kecamatan" and choropleth.filters["commodity"] == "padi"
    assert choropleth.measure == "production_ton"
    assert choropleth.breaks == sorted(choropleth.breaks) and len(choropleth.breaks) >= 2
    assert choropleth_default(engine, PRODUCERS) is None


def test_cache_renders_once_per_data_version(engine, monkeypatch):
    calls = []
    real = tiles.tile
    monkeypatch.setattr(tiles, "tile", lambda *a, **k: calls.append(a[2:5]) or real(*a, **k))
    cache = TileCache(max_bytes=1 << 20, version_ttl_s=0)
    first = cache.get_tile(engine, PRODUCERS, *REGENCY_Z7)
    assert cache.get_tile(engine, PRODUCERS, *REGENCY_Z7) == first
    assert len(calls) == 1
    with engine.begin() as conn:  # a new load run is a new data version
        conn.execute(text("INSERT INTO load_runs (kind, source_key, source_name, checksum, options, status, "
                          "rows_read, rows_loaded, rows_rejected, warnings, loaded_by, started_at) VALUES "
                          "('producers', 'x', 'x', 'x', '{}', 'loaded', 0, 0, 0, 0, 'tests', now())"))
    cache.get_tile(engine, PRODUCERS, *REGENCY_Z7)
    assert len(calls) == 2
    assert TileCache(max_bytes=0).get_tile(engine, PRODUCERS, *REGENCY_Z7) == first
    # each area filter is a tile of its own
    sindang = cache.get_tile(engine, PRODUCERS, *REGENCY_Z7, {"area_code": "32.12.16"})
    assert sindang == tile(engine, PRODUCERS, *REGENCY_Z7, {"area_code": "32.12.16"}) != first
    assert cache.get_tile(engine, PRODUCERS, *REGENCY_Z7, {"area_code": "32.12.16.2004"}) not in (first, sindang)


# --- label points ----------------------------------------------------------------------------------------

AREA_LABELS = LAYERS["area-labels"]


def _tile_range(engine, z: int) -> tuple[range, range]:
    """Columns and rows of the zoom-``z`` tiles that cover the regency."""
    west, south, east, north = layer_bounds(engine, LAYERS["kabupaten"])
    size = 2 * tiles.WORLD_M / (1 << z)

    def column(lon: float) -> int:
        return int((lon * tiles.WORLD_M / 180 + tiles.WORLD_M) // size)

    def row(lat: float) -> int:
        y = math.log(math.tan(math.radians(45 + lat / 2))) * tiles.EARTH_RADIUS_M
        return int((tiles.WORLD_M - y) // size)

    return range(column(west), column(east) + 1), range(row(north), row(south) + 1)


def test_label_points_in_tiles_lie_inside_their_kecamatan_and_desa(engine):
    """Every area comes in the z11 tiles of the regency, named, at a point inside its polygon (ST_Contains)."""
    z = 11
    size = 2 * tiles.WORLD_M / (1 << z)
    columns, rows = _tile_range(engine, z)
    found: dict[str, tuple[float, float, str, str]] = {}
    for x in columns:
        for y in rows:
            data = tile(engine, AREA_LABELS, z, x, y)
            if data is None:
                continue
            decoded = mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})
            for feature in decoded["area-labels"]["features"]:
                px, py = feature["geometry"]["coordinates"]
                mx = -tiles.WORLD_M + (x + px / tiles.EXTENT) * size
                my = tiles.WORLD_M - (y + py / tiles.EXTENT) * size
                lon = math.degrees(mx / tiles.EARTH_RADIUS_M)
                lat = math.degrees(2 * math.atan(math.exp(my / tiles.EARTH_RADIUS_M)) - math.pi / 2)
                props = feature["properties"]
                found[props["code"]] = (lon, lat, props["name"], props["level"])
    with engine.connect() as conn:
        areas = {code: (name, level) for code, name, level in conn.execute(text(
            "SELECT code, name, level FROM areas WHERE level IN ('kecamatan', 'desa')"))}
        codes = [code for code in found if code in areas]
        outside = conn.execute(text(
            "SELECT p.code FROM unnest(CAST(:codes AS text[]), CAST(:lons AS float8[]), CAST(:lats AS float8[])) "
            "AS p(code, lon, lat) JOIN areas a ON a.code = p.code "
            "WHERE NOT ST_Contains(a.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))"),
            {"codes": codes, "lons": [found[c][0] for c in codes], "lats": [found[c][1] for c in codes]},
        ).scalars().all()
    assert len(areas) > 300 and set(areas) <= set(found)
    assert {code: found[code][2:] for code in areas} == areas
    assert outside == []


def test_label_points_are_the_centres_of_the_largest_inscribed_circles(engine):
    """One stored point per area, inside it, at least as far from its edges as PostGIS's point on surface."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT code, ST_Contains(geom, label_point), ST_GeometryType(label_point), "
            "ST_Distance(label_point, ST_Boundary(geom)), ST_Distance(ST_PointOnSurface(geom), ST_Boundary(geom)), "
            "greatest(ST_XMax(geom) - ST_XMin(geom), ST_YMax(geom) - ST_YMin(geom)) / 1000 "
            "FROM areas WHERE level IN ('kecamatan', 'desa')")).all()
    assert len(rows) > 300
    assert [code for code, inside, kind, *_ in rows if not inside or kind != "ST_Point"] == []
    # within the tolerance of ST_MaximumInscribedCircle (a thousandth of the area's width)
    assert [code for code, _, _, mine, surface, tolerance in rows if mine + tolerance < surface] == []


def test_a_new_polygon_gets_its_label_point_when_it_is_written(engine):
    """The database computes the point (a generated column): a load that changes a polygon moves its label."""
    with engine.begin() as conn:
        before = conn.execute(text("SELECT ST_X(label_point), ST_Y(label_point) FROM areas "
                                   "WHERE code = '32.12.16.2004'")).one()
        conn.execute(text("UPDATE areas SET geom = ST_Translate(geom, 0.5, 0.25) WHERE code = '32.12.16.2004'"))
        after, inside = conn.execute(text("SELECT ARRAY[ST_X(label_point), ST_Y(label_point)], "
                                          "ST_Contains(geom, label_point) FROM areas "
                                          "WHERE code = '32.12.16.2004'")).one()
    assert inside
    assert after == pytest.approx([before[0] + 0.5, before[1] + 0.25], abs=1e-3)


# --- composite tiles ---------------------------------------------------------------------------------------

COMPOSITE = ["kecamatan", "desa", "area-labels", "producers", "landing-sites", "opportunities"]


@pytest.mark.parametrize("zoom", [12, 14], ids=["producers aggregated", "producers raw"])
def test_a_composite_tile_holds_each_layer_as_its_single_tile(engine, zoom):
    z, x, y = busiest_tile(engine, zoom)
    parts = [(LAYERS[layer_id], None) for layer_id in COMPOSITE]
    parts.append((LAYERS["agriculture"], {"commodity": "padi", "year": "2024"}))
    data = composite_tile(engine, parts, z, x, y)
    assert data
    decoded = mapbox_vector_tile.decode(data)
    singles = {layer.id: tile(engine, layer, z, x, y, filters) for layer, filters in parts}
    assert list(decoded) == [layer_id for layer_id, single in singles.items() if single]
    assert data == b"".join(single or b"" for single in singles.values())  # byte for byte, in order
    for layer_id, single in singles.items():
        if single:
            assert decoded[layer_id] == mapbox_vector_tile.decode(single)[layer_id]
    producers = decoded["producers"]["features"]
    assert all(("point_count" in f["properties"]) == (zoom < 13) for f in producers)


def test_composite_parameters_stay_apart_per_layer(engine):
    sql, params = composite_tile_sql([(PRODUCERS, {"sector": "C"}), (LAYERS["agriculture"], {"year": "2024"}),
                                      (LAYERS["kecamatan"], None)], *REGENCY_Z7)
    assert params["l0_layer"] == "producers" and params["l1_layer"] == "agriculture"
    assert params["l0_z"] == params["l2_z"] == 7 and "z" not in params
    assert ":z," not in sql and ":l0_z, :l0_x, :l0_y" in sql and ":l2_layer" in sql
    data = composite_tile(engine, [(PRODUCERS, {"sector": "C"}), (LAYERS["kecamatan"], None)], *REGENCY_Z7)
    decoded = mapbox_vector_tile.decode(data)
    assert {f["properties"]["sector"] for f in decoded["producers"]["features"]} == {"C"}
    assert decoded["kecamatan"]["features"]


def test_an_empty_composite_is_none(engine):
    assert composite_tile(engine, [(PRODUCERS, None), (LAYERS["landing-sites"], None)], 14, 0, 0) is None
    assert composite_tile(engine, [], *REGENCY_Z7) is None
    with pytest.raises(ValueError, match="at most"):
        composite_tile(engine, [(PRODUCERS, None)] * (tiles.MAX_COMPOSITE_LAYERS + 1), *REGENCY_Z7)
