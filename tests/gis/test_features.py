"""Feature queries against the bundled Indramayu data in a throwaway PostGIS database."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import jsonschema
import pytest
from sqlalchemy import Engine, text

from gis import features
from gis.db import get_engine
from gis.features import Selection
from gis.filters import QueryError, filter_values
from gis.layers import LAYERS, Prop
from gis.settings import Settings

PRODUCERS = LAYERS["producers"]

POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
GEOJSON_FEATURE = {
    "type": "object",
    "required": ["type", "id", "geometry", "properties"],
    "properties": {
        "type": {"const": "Feature"},
        "id": {"type": ["integer", "string"]},
        "geometry": {
            "oneOf": [
                {"type": "null"},
                {"type": "object", "required": ["type", "coordinates"],
                 "properties": {"type": {"enum": ["Point", "MultiPolygon", "Polygon", "LineString"]}}},
            ]
        },
        "properties": {"type": "object"},
    },
}
FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": GEOJSON_FEATURE}},
}


@pytest.fixture(scope="module")
def engine(loaded_template: Settings) -> Iterator[Engine]:
    """These tests only read: they share the session's loaded database instead of cloning one per test."""
    engine = get_engine(loaded_template)
    yield engine
    engine.dispose()  # the template is cloned by other tests: leave no connection open to it


def scalar(engine: Engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def page(engine: Engine, layer=PRODUCERS, selection: Selection | None = None, **kwargs) -> tuple:
    with engine.connect() as conn:
        result = features.items(conn, layer, selection, **kwargs)
    collection = json.loads(result.feature_collection({"numberMatched": result.number_matched}))
    jsonschema.validate(collection, FEATURE_COLLECTION)
    return result, collection["features"]


def test_every_layer_serves_valid_geojson_with_registry_properties(engine):
    for layer in LAYERS.values():
        result, feats = page(engine, layer, limit=5)
        total = scalar(engine, f"SELECT count(*) FROM {layer.source} WHERE {layer.where}")
        assert result.number_matched == total and result.matched_exact, layer.id
        assert result.number_returned == len(feats) == min(5, total)
        for feature in feats:
            assert list(feature["properties"]) == [p.name for p in layer.properties]
            assert feature["geometry"]["type"] in ("Point", "MultiPolygon", "Polygon")


def test_coordinates_have_at_most_six_decimals(engine):
    with engine.connect() as conn:
        body = features.items(conn, LAYERS["desa"], limit=3).features_json
    numbers = re.findall(r"-?\d+\.(\d+)", body.split('"properties"')[0])
    assert numbers and max(len(n) for n in numbers) <= 6


def test_paging_walks_every_feature_once_in_id_order(engine):
    seen, offset = [], 0
    while True:
        result, feats = page(engine, limit=37, offset=offset)
        seen += [f["id"] for f in feats]
        assert result.number_matched == 400
        if not result.has_more:
            break
        offset += 37
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 400
    result, feats = page(engine, limit=10, offset=1000)
    assert feats == [] and result.number_matched == 400 and not result.has_more


def test_property_filters_bind_values_and_match_sql(engine):
    result, feats = page(engine, selection=Selection(filters={"sector": "C", "kbli": "10794"}), limit=500)
    expected = scalar(engine, "SELECT count(*) FROM producers WHERE sector = 'C' AND kbli = '10794'")
    assert expected > 0 and result.number_matched == len(feats) == expected
    assert {(f["properties"]["sector"], f["properties"]["kbli"]) for f in feats} == {("C", "10794")}
    tagged, feats = page(engine, selection=Selection(filters={"tags": "krupuk"}), limit=500)
    assert tagged.number_matched == scalar(engine, "SELECT count(*) FROM producers WHERE 'krupuk' = ANY(tags)")
    assert all("krupuk" in f["properties"]["tags"] for f in feats)
    nobody, _ = page(engine, selection=Selection(filters={"sector": "x' OR '1'='1"}))
    assert nobody.number_matched == 0
    hires, feats = page(engine, selection=Selection(filters={"employees": "5"}), limit=500)
    assert hires.number_matched == scalar(engine, "SELECT count(*) FROM producers WHERE employees = 5")


def test_bad_filters_raise_query_errors_naming_the_allowed_ones(engine):
    with engine.connect() as conn:
        with pytest.raises(QueryError, match="filters: kbli, sector, area_code, employees, established_year, tags"):
            features.items(conn, PRODUCERS, Selection(filters={"name": "x"}))
        with pytest.raises(QueryError, match="employees must be a whole number"):
            features.items(conn, PRODUCERS, Selection(filters={"employees": "lima"}))
        with pytest.raises(QueryError, match="area_code takes Kemendagri codes"):
            features.items(conn, PRODUCERS, Selection(filters={"area_code": "32.12.16%"}))
    flag = Prop("approximate", "t.approximate", "boolean", filterable=True)
    with pytest.raises(QueryError, match="approximate must be true or false"):
        filter_values(flag, "maybe")
    assert filter_values(flag, "TRUE") == [True]
    with pytest.raises(QueryError, match="area_km2 must be a number"):
        filter_values(Prop("area_km2", "t.area_km2", "number"), "luas")


def test_an_area_filter_keeps_what_lies_inside_at_every_level(engine):
    """area_code=32.12.16 (a kecamatan) is every producer of its desa, as in the tiles and the exports."""
    for code in ("32.12", "32.12.16", "32.12.16.2004"):
        result, feats = page(engine, selection=Selection(filters={"area_code": code}), limit=1000)
        expected = scalar(engine, "SELECT count(*) FROM producers WHERE area_code = :c OR area_code LIKE :p",
                          c=code, p=code + ".%")
        assert expected > 0 and result.number_matched == len(feats) == expected, code
    both, _ = page(engine, selection=Selection(filters={"area_code": "32.12.16,32.12.15"}), limit=1000)
    assert both.number_matched == scalar(engine, "SELECT count(*) FROM producers WHERE area_code LIKE '32.12.16.%' "
                                                 "OR area_code LIKE '32.12.15.%'")


def test_bbox_matches_st_intersects(engine):
    bbox = (108.2, -6.5, 108.4, -6.3)
    result, feats = page(engine, selection=Selection(bbox=bbox), limit=1000)
    expected = scalar(engine, "SELECT count(*) FROM producers WHERE ST_Intersects(geom, "
                              "ST_MakeEnvelope(108.2, -6.5, 108.4, -6.3, 4326))")
    assert 0 < expected < 400 and result.number_matched == len(feats) == expected
    for f in feats:
        lon, lat = f["geometry"]["coordinates"]
        assert 108.2 <= lon <= 108.4 and -6.5 <= lat <= -6.3
    across, _ = page(engine, selection=Selection(bbox=(100.0, -7.0, -170.0, -6.0)))  # crosses the antimeridian
    assert across.number_matched == 400


def test_years_apply_to_yearly_layers_only(engine):
    agriculture = LAYERS["agriculture"]
    result, feats = page(engine, agriculture, Selection(years=(2024, 2024)), limit=1000)
    assert result.number_matched == scalar(engine, "SELECT count(*) FROM agriculture_production WHERE year = 2024")
    assert {f["properties"]["year"] for f in feats} == {2024}
    open_end, feats = page(engine, agriculture, Selection(years=(2023, None)), limit=1000)
    assert {f["properties"]["year"] for f in feats} <= {2023, 2024, 2025}
    assert open_end.number_matched == scalar(engine,
                                             "SELECT count(*) FROM agriculture_production WHERE year >= 2023")
    ignored, _ = page(engine, PRODUCERS, Selection(years=(1900, 1900)))
    assert ignored.number_matched == 400


@pytest.mark.parametrize("cql, where", [
    ("sector = 'C' AND employees > 5", "sector = 'C' AND employees > 5"),
    ("CASEI(name) LIKE '%krupuk%'", "lower(name) LIKE '%krupuk%'"),
    ("kbli IN ('10794', 10792) OR established_year BETWEEN 2000 AND 2005",
     "kbli IN ('10794', '10792') OR established_year BETWEEN 2000 AND 2005"),
    ("website IS NULL", "website IS NULL"),
    ("NOT sector = 'C'", "NOT sector = 'C'"),
    ("A_CONTAINS(tags, ('krupuk'))", "tags @> ARRAY['krupuk']"),
    ("A_OVERLAPS(tags, ('krupuk', 'batik'))", "tags && ARRAY['krupuk', 'batik']"),
    ("S_INTERSECTS(geometry, BBOX(108.2, -6.5, 108.4, -6.3))",
     "ST_Intersects(geom, ST_MakeEnvelope(108.2, -6.5, 108.4, -6.3, 4326))"),
    ("S_WITHIN(geometry, POLYGON((108.2 -6.5, 108.4 -6.5, 108.4 -6.3, 108.2 -6.3, 108.2 -6.5)))",
     "ST_Within(geom, ST_MakeEnvelope(108.2, -6.5, 108.4, -6.3, 4326))"),
    ("id <= 10", "id <= 10"),
])
def test_cql2_filters_match_hand_written_sql(engine, cql, where):
    result, _ = page(engine, selection=Selection(cql=cql), limit=1000)
    assert result.number_matched == scalar(engine, f"SELECT count(*) FROM producers WHERE {where}")


def test_cql2_on_polygons_and_joined_layers(engine):
    result, feats = page(engine, LAYERS["desa"], Selection(cql="S_CONTAINS(geometry, POINT(108.3173 -6.3608))"))
    assert result.number_matched >= 1
    point = "ST_SetSRID(ST_MakePoint(108.3173, -6.3608), 4326)"
    assert result.number_matched == scalar(
        engine, f"SELECT count(*) FROM areas WHERE level = 'desa' AND ST_Contains(geom, {point})")
    agri, feats = page(engine, LAYERS["agriculture"],
                       Selection(cql="commodity = 'padi' AND level = 'kecamatan' AND year = 2024"), limit=100)
    assert agri.number_matched > 0
    assert {(f["properties"]["commodity"], f["properties"]["level"]) for f in feats} == {("padi", "kecamatan")}


def test_count_falls_back_to_the_planner_estimate(engine, monkeypatch):
    monkeypatch.setattr(features, "COUNT_COST_LIMIT", 0.0)
    monkeypatch.setattr(features, "COUNT_INDEXED_ROWS", 0)
    result, _ = page(engine, limit=10)
    assert result.has_more and not result.matched_exact
    assert result.number_matched > 10  # the estimate never undercuts what the page has shown
    last, _ = page(engine, limit=10, offset=395)
    assert last.matched_exact and last.number_matched == 400  # the end of the data is known exactly
    with engine.connect() as conn:
        estimate = features.count(conn, PRODUCERS)
    assert not estimate.exact and 100 <= estimate.value <= 2000


def test_count_is_exact_when_cheap(engine):
    with engine.connect() as conn:
        assert features.count(conn, PRODUCERS) == features.Count(400, True)
        assert features.count(conn, PRODUCERS, Selection(filters={"sector": "C"})).exact


def test_item_by_id(engine):
    with engine.connect() as conn:
        feature = json.loads(features.item(conn, PRODUCERS, "1"))
        assert feature["id"] == 1 and feature["geometry"]["type"] == "Point"
        jsonschema.validate(feature, GEOJSON_FEATURE)
        assert features.item(conn, PRODUCERS, "999999") is None
        assert features.item(conn, PRODUCERS, "abc") is None
        assert features.item(conn, PRODUCERS, "1; DROP TABLE producers") is None
        area = json.loads(features.item(conn, LAYERS["kecamatan"], "32.12.01"))
        assert area["id"] == "32.12.01" and area["properties"]["level"] == "kecamatan"
        assert features.item(conn, LAYERS["kecamatan"], "32.12.01.2001") is None  # a desa is not a kecamatan


def test_extent_covers_the_data(engine):
    with engine.connect() as conn:
        ext = features.extent(conn, PRODUCERS)
        agri = features.extent(conn, LAYERS["agriculture"])
    west, south, east, north = ext.bbox
    assert 107.8 < west < east < 108.6 and -6.7 < south < north < -6.2 and not ext.estimated
    assert ext.years is None
    assert agri.years == tuple(scalar(engine, "SELECT ARRAY[min(year), max(year)] FROM agriculture_production"))


def test_database_refusals_become_query_errors(engine):
    with engine.connect() as conn:
        with pytest.raises(QueryError, match="division by zero"):
            features._execute(conn, "SELECT 1 / :zero", {"zero": 0})
        assert conn.execute(text("SELECT 1")).scalar_one() == 1  # the connection is usable again


def test_build_where_is_parameterised(engine):
    where = features.build_where(PRODUCERS, Selection(bbox=(108.0, -7.0, 109.0, -6.0), filters={"sector": "C"},
                                                      cql="name LIKE 'K%'"))
    assert "'C'" not in where.sql and "K%" not in where.sql
    assert where.params["pf_0"] == ["C"] and "K%" in where.params.values()
