"""The layer registry is the one declaration of a layer: one more dataset, declared here and nowhere else, is in
every interface (issue 14, item 1).

A livestock dataset (``peternakan``: cattle, goats and free-range chickens per area and year) gets a table and a
few rows in the test database and a ``Layer`` registered for the test: OGC API Features, vector tiles, the
MapLibre style, REST exports and statistics, both OpenAPI documents, the pages' script configuration and the
analysis must find it with no other edit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace

import mapbox_vector_tile
import pytest
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import Engine, text

from gis import stats
from gis.analysis_data import SECTOR_TABLES
from gis.layers import LAYERS, RAMPS, Layer, Prop, Stats, Style, check_layer, registered, sector_ids, stat_layers

ID = "peternakan"
KECAMATAN = "32.12.16"  # Sindang: rows of the kecamatan and of its desa
REGENCY_Z7 = "7/102/66"  # one tile holding the whole regency
SUBJECTS = {"sapi": ("Sapi potong", "Beef cattle"), "kambing": ("Kambing", "Goats"),
            "ayam_buras": ("Ayam buras", "Free-range chickens")}

PETERNAKAN = Layer(
    id=ID, title_id="Produksi peternakan", title_en="Livestock production",
    description_id="Populasi ternak dan produksi daging per jenis ternak, wilayah dan tahun.",
    description_en="Livestock population and meat production by animal, area and year.",
    source="livestock_production t JOIN areas a ON a.code = t.area_code", id_sql="t.id", id_type="integer",
    geom_sql="a.geom", geometry_type="MultiPolygon",
    properties=(
        Prop("jenis", "t.jenis", "string", "Jenis ternak", "Animal", True),
        Prop("year", "t.year", "integer", "Tahun", "Year", True),
        Prop("area_code", "t.area_code", "string", "Kode wilayah", "Area code", True, area=True),
        Prop("area_name", "a.name", "string", "Wilayah", "Area"),
        Prop("level", "a.level", "string", "Tingkat", "Level", True),
        Prop("population_head", "t.population_head", "number", "Populasi (ekor)", "Population (head)"),
        Prop("production_ton", "t.production_ton", "number", "Produksi daging (ton)", "Meat production (t)"),
    ),
    table="livestock_production", year_sql="t.year", style=Style(ramp="Oranges"),
    stats=Stats(subject="jenis", measures={"production_ton": "ton", "population_head": "ekor"},
                sector_id="Peternakan", sector_en="Livestock", subjects=SUBJECTS),
)

TABLE = """
CREATE TABLE livestock_production (
    id serial PRIMARY KEY, area_code text NOT NULL REFERENCES areas (code), year integer NOT NULL,
    jenis text NOT NULL, population_head double precision, production_ton double precision)
"""
ROWS = """
INSERT INTO livestock_production (area_code, year, jenis, population_head, production_ton)
SELECT a.code, y, j.jenis, round(j.head * (1 + abs(hashtext(a.code || j.jenis || y)) % 97 / 10.0)),
       round((j.ton * (1 + abs(hashtext(a.code || y || j.jenis)) % 89 / 10.0))::numeric, 1)
FROM areas a, generate_series(2023, 2024) y,
     (VALUES ('sapi', 400, 30.0), ('kambing', 900, 6.0), ('ayam_buras', 20000, 25.0)) j (jenis, head, ton)
WHERE starts_with(a.code, '32.12.') AND (a.level = 'kecamatan' OR (a.parent_code = :kecamatan AND y = 2024))
"""


@pytest.fixture
def livestock(engine: Engine) -> Iterator[Engine]:
    """The livestock table with rows in every kecamatan (2023, 2024) and Sindang's desa (2024), registered."""
    with engine.begin() as conn:
        conn.execute(text(TABLE))
        conn.execute(text(ROWS), {"kecamatan": KECAMATAN})
        conn.execute(text("ANALYZE livestock_production"))
    with registered(PETERNAKAN):
        yield engine


def _count(engine: Engine, where: str = "TRUE", **params: object) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM livestock_production t JOIN areas a ON a.code = t.area_code "
                                 f"WHERE {where}"), params).scalar_one()


def _inside(code: str, area: str = KECAMATAN) -> bool:
    return code == area or code.startswith(area + ".")


# --- the registry itself -----------------------------------------------------------------------------


def test_every_declaration_is_consistent():
    for layer in LAYERS.values():
        check_layer(layer)
    assert sector_ids() == ("agriculture", "fisheries")


def test_a_registered_layer_is_there_inside_the_block_only():
    before = list(LAYERS)
    with registered(PETERNAKAN):
        assert LAYERS[ID] is PETERNAKAN and list(LAYERS) == [*before, ID]
        assert stat_layers()[-1] is PETERNAKAN
        assert stats.DATASETS[ID].subject_param == "jenis" and stats.DATASETS[ID].table == "livestock_production"
        assert stats.subject_label("ayam_buras", "en") == "Free-range chickens"
        assert SECTOR_TABLES[ID] == ("livestock_production", "jenis")
    assert list(LAYERS) == before and ID not in stats.DATASETS and ID not in SECTOR_TABLES
    assert stats.subject_label("ayam_buras", "en") == "Ayam buras"


def test_a_contradictory_declaration_is_refused():
    bad = replace(PETERNAKAN, stats=replace(PETERNAKAN.stats, measures={"eggs_kg": "kg"}, default_measure="eggs_kg"))
    with pytest.raises(ValueError, match="eggs_kg"), registered(bad):
        pass
    with pytest.raises(ValueError, match="ramp"), registered(replace(PETERNAKAN, style=Style(ramp="Nope"))):
        pass
    assert ID not in LAYERS


# --- OGC API Features -------------------------------------------------------------------------------


def test_ogc_collections_and_items_with_the_area_filter(client, livestock):
    collections = client.get("/ogc/collections?f=json").get_json()["collections"]
    doc = next(c for c in collections if c["id"] == ID)
    assert doc["title"] == "Produksi peternakan" and doc["extent"]["temporal"]["interval"][0][0].startswith("2023")
    queryables = client.get(f"/ogc/collections/{ID}/queryables?f=json").get_json()["properties"]
    assert {"jenis", "population_head", "production_ton"} <= set(queryables)
    body = client.get(f"/ogc/collections/{ID}/items?area_code={KECAMATAN}&jenis=sapi&limit=1000&f=json").get_json()
    codes = [f["properties"]["area_code"] for f in body["features"]]
    expected = _count(livestock, "(t.area_code = :k OR t.area_code LIKE :inside) AND t.jenis = 'sapi'",
                      k=KECAMATAN, inside=KECAMATAN + ".%")
    assert len(codes) == body["numberMatched"] == expected > 2
    assert all(_inside(code) for code in codes) and any(code != KECAMATAN for code in codes)
    assert {f["properties"]["jenis"] for f in body["features"]} == {"sapi"}


# --- vector tiles and the MapLibre style -----------------------------------------------------------------


def test_tilejson_and_a_tile(client, livestock):
    tilejson = client.get(f"/tiles/{ID}.json?jenis=sapi&year=2024").get_json()
    fields = tilejson["vector_layers"][0]["fields"]
    assert tilejson["name"] == "Produksi peternakan" and fields["jenis"] == "String"
    assert fields["population_head"] == "Number"
    assert tilejson["tiles"][0].endswith(f"/tiles/{ID}/{{z}}/{{x}}/{{y}}.pbf?jenis=sapi&year=2024")
    response = client.get(f"/tiles/{ID}/{REGENCY_Z7}.pbf?jenis=sapi&year=2024&level=kecamatan")
    assert response.status_code == 200, response.data
    features = mapbox_vector_tile.decode(response.data)[ID]["features"]
    assert len(features) == _count(livestock, "t.jenis = 'sapi' AND t.year = 2024 AND a.level = 'kecamatan'")
    assert {(f["properties"]["jenis"], f["properties"]["year"]) for f in features} == {("sapi", 2024)}


def test_maplibre_style(client, livestock):
    style = client.get("/styles/economy.json?lang=en").get_json()
    assert "/tiles/peternakan.json?" in style["sources"][ID]["url"]
    fill = next(layer for layer in style["layers"] if layer["id"] == f"{ID}-fill")
    assert fill["source"] == fill["source-layer"] == ID and fill["metadata"]["peta:title"] == "Livestock production"
    colors = [v for v in fill["paint"]["fill-color"] if isinstance(v, str) and v.startswith("#")]
    assert colors and set(colors) <= set(RAMPS["Oranges"])  # the ramp the layer names
    assert fill["metadata"]["peta:measure"] == "production_ton" and "jenis" in fill["metadata"]["peta:filters"]


# --- REST: exports, statistics ------------------------------------------------------------------------


def test_rest_export(client, livestock):
    response = client.get(f"/api/v1/export/{ID}?f=csv&jenis=kambing&area={KECAMATAN}&datetime=2024")
    assert response.status_code == 200, response.data
    lines = response.data.decode("utf-8-sig").splitlines()
    assert {"jenis", "year", "population_head"} <= set(lines[0].split(","))
    assert len(lines) - 1 == _count(livestock, "t.jenis = 'kambing' AND t.year = 2024 AND "
                                               "(t.area_code = :k OR t.area_code LIKE :inside)",
                                    k=KECAMATAN, inside=KECAMATAN + ".%")


def test_rest_statistics(client, livestock):
    result = client.get(f"/api/v1/stats/{ID}?jenis=sapi&level=kecamatan&lang=en").get_json()
    assert result["dataset"] == ID and result["jenis"] == "sapi" and result["label"] == "Beef cattle"
    assert result["year"] == 2024 and result["available_years"] == [2023, 2024] and result["unit"] == "ton"
    assert len(result["values"]) == _count(livestock, "t.jenis = 'sapi' AND t.year = 2024 AND a.level = 'kecamatan'")
    heads = client.get(f"/api/v1/stats/{ID}?jenis=sapi&level=desa&measure=population_head").get_json()
    assert heads["unit"] == "ekor" and heads["values"] and all(_inside(v["code"]) for v in heads["values"])
    wrong = client.get(f"/api/v1/stats/{ID}?commodity=sapi")  # the subject parameter is the layer's
    assert wrong.status_code == 400 and "jenis" in wrong.get_json()["detail"]


def test_rest_statistics_as_a_file(client, livestock):
    response = client.get(f"/api/v1/stats/{ID}?jenis=sapi&level=kecamatan&f=csv")
    assert response.status_code == 200
    assert response.data.decode("utf-8-sig").splitlines()[0].startswith("code,name,jenis,year")


def test_area_profile_lists_the_dataset(client, livestock):
    profile = client.get(f"/api/v1/areas/{KECAMATAN}?lang=en").get_json()
    assert ID in {item["sector"] for item in profile["top_commodities"]}


# --- the OpenAPI documents ------------------------------------------------------------------------------


def test_openapi_documents(client, livestock):
    rest = client.get("/api/v1/openapi.json").get_json()
    validate_openapi(rest)
    stats_op = rest["paths"][f"/api/v1/stats/{ID}"]["get"]
    params = {p["name"]: p for p in stats_op["parameters"]}
    assert params["jenis"]["required"] and params["measure"]["schema"]["enum"] == ["production_ton", "population_head"]
    export_params = {p["name"] for p in rest["paths"][f"/api/v1/export/{ID}"]["get"]["parameters"]}
    assert {"jenis", "year", "level", "area", "datetime"} <= export_params
    ogc = client.get("/ogc/api?f=json").get_json()
    assert f"/collections/{ID}/items" in ogc["paths"] and ID in {tag["name"] for tag in ogc["tags"]}


def test_openapi_of_the_analysis_lists_the_sector(client, livestock):
    rest = client.get("/api/v1/openapi.json").get_json()
    sector = next(p for p in rest["paths"]["/api/v1/analysis/lq"]["get"]["parameters"] if p["name"] == "sector")
    assert ID in sector["schema"]["enum"]


# --- the pages' script configuration -------------------------------------------------------------------


def _map_config(html: str) -> dict:
    start = re.search(r"PetaLayers\.register\(\"\w+\", \w+, ", html).end()
    return json.JSONDecoder().raw_decode(html, start)[0]


def _page_config(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="peta-page">(.*?)</script>', html, re.S)[1])


def test_pages_configuration(client, livestock):
    html = client.get("/?lang=en").get_data(as_text=True)
    config = _map_config(html)
    declared = next(s for s in config["statistics"] if s["id"] == ID)
    assert declared["subject"] == declared["field"] == "jenis" and declared["measure"] == "production_ton"
    assert declared["measures"] == [{"id": "production_ton", "unit": "ton", "title": "Meat production (t)"},
                                    {"id": "population_head", "unit": "ekor", "title": "Population (head)"}]
    assert declared["ramp"] == list(RAMPS["Oranges"]) and declared["labels"]["sapi"] == "Beef cattle"
    assert config["layers"][ID]["title"] == "Livestock production" and config["messages"][f"sector.{ID}"] == "Livestock"
    choropleth = re.search(r'PetaLayers\.create\(\s*\w+, "choropleth", (\{[^\n]*"id": "choropleth-peternakan"[^\n]*\})',
                           html)
    assert choropleth and {s["id"] for s in json.loads(choropleth[1])["subjects"]} == set(SUBJECTS)
    investor = client.get("/investor").get_data(as_text=True)
    assert f'id="trend-{ID}"' in investor and "<h2>Peternakan</h2>" in investor
    assert {s["id"] for s in _page_config(investor)["subjects"][ID]} == set(SUBJECTS)
    planner = client.get("/perencana").get_data(as_text=True)
    assert f'<option value="{ID}">Produksi peternakan</option>' in planner
    assert _page_config(planner)["subjects"][ID][0]["level"] == "kecamatan"


# --- analysis ------------------------------------------------------------------------------------------


def test_location_quotient_of_a_livestock_subject(client, livestock):
    response = client.get(f"/api/v1/analysis/lq?sector={ID}&commodity=sapi&year=2024&lang=en")
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["sector"] == ID and result["label"] == "Beef cattle"
    assert len(result["rows"]) == _count(livestock, "t.jenis = 'sapi' AND t.year = 2024 AND a.level = 'kecamatan'")
    assert set(result["commodities_considered"]) == set(SUBJECTS)


def test_analysis_results_are_collections(client, livestock):
    collections = client.get("/ogc/collections").get_json()["collections"]
    assert f"lq-{ID}-sapi" in {c["id"] for c in collections}
