"""Tiles, TileJSON and the MapLibre style over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import mapbox_vector_tile
import pytest
from sqlalchemy import text

from gis.layers import LAYERS
from gis.settings import PROJECT_ROOT
from gis.tiles import tile_fields
from webmap.glyphs import FONTS

REGENCY_Z7 = "7/102/66"
TILE_TYPE = "application/vnd.mapbox-vector-tile"
STYLE_LAYER_TYPES = {"background", "fill", "line", "circle", "symbol", "heatmap", "fill-extrusion", "raster",
                     "hillshade"}


def local(url: str) -> str:
    """The path and query of an absolute URL, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_tile_is_mvt_with_caching_headers(client, engine):
    response = client.get(f"/tiles/producers/{REGENCY_Z7}.pbf")
    assert response.status_code == 200
    assert response.mimetype == TILE_TYPE
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    features = mapbox_vector_tile.decode(response.data)["producers"]["features"]
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM producers")).scalar_one()
    assert sum(f["properties"]["point_count"] for f in features) == total
    etag = response.headers["ETag"]
    again = client.get(f"/tiles/producers/{REGENCY_Z7}.pbf", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_tile_filters(client):
    response = client.get(f"/tiles/producers/{REGENCY_Z7}.pbf?sector=C")
    sectors = {f["properties"]["sector"] for f in mapbox_vector_tile.decode(response.data)["producers"]["features"]}
    assert sectors == {"C"}
    response = client.get(f"/tiles/agriculture/{REGENCY_Z7}.pbf?commodity=padi&year=2024")
    features = mapbox_vector_tile.decode(response.data)["agriculture"]["features"]
    assert {(f["properties"]["commodity"], f["properties"]["year"]) for f in features} == {("padi", 2024)}


def test_producers_area_filter_takes_a_kecamatan_code(client, engine):
    """The planner's producers map passes the chosen kecamatan: the tiles keep the producers inside it."""
    def total(query: str) -> int:
        response = client.get(f"/tiles/producers/{REGENCY_Z7}.pbf?{query}")
        assert response.status_code == 200, response.data
        return sum(f["properties"]["point_count"]
                   for f in mapbox_vector_tile.decode(response.data)["producers"]["features"])

    with engine.connect() as conn:
        sindang, sindang_c = conn.execute(text(
            "SELECT count(*), count(*) FILTER (WHERE sector = 'C') FROM producers "
            "WHERE area_code LIKE '32.12.16.%'")).one()
    assert 0 < total("area_code=32.12.16") == sindang
    assert total("area_code=32.12.16&sector=C") == sindang_c
    assert total("area_code=32.12.16.2004") < sindang
    tilejson = client.get("/tiles/producers.json?area_code=32.12.16").get_json()
    assert tilejson["tiles"][0].endswith("?area_code=32.12.16")


@pytest.mark.parametrize("query, word", [("sectr=C", "not a filter"), ("employees=many", "whole number"),
                                         ("year=2024", "not a filter"), ("area_code=32.12.1%25", "Kemendagri")])
def test_bad_filter_is_400(client, query, word):
    response = client.get(f"/tiles/producers/{REGENCY_Z7}.pbf?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert word in response.get_json()["detail"]


def test_empty_tile_is_204(client):
    response = client.get("/tiles/producers/14/0/0.pbf")
    assert response.status_code == 204
    assert response.data == b""


@pytest.mark.parametrize("path", [
    "/tiles/nowhere/7/102/66.pbf", "/tiles/producers/23/0/0.pbf", "/tiles/producers/3/8/0.pbf",
    "/tiles/producers/3/0/8.pbf", "/tiles/producers/-1/0/0.pbf", "/tiles/producers/a/b/c.pbf",
    "/tiles/producers/99999999999999999999/0/0.pbf", "/tiles/producers/7/102/66.png", "/tiles/nowhere.json",
])
def test_bad_tile_addresses_are_404_problems(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_tilejson(client):
    response = client.get("/tiles/producers.json", base_url="https://peta.example.go.id")
    assert response.status_code == 200
    body = response.get_json()
    assert body["tilejson"] == "3.0.0"
    assert body["tiles"] == ["https://peta.example.go.id/tiles/producers/{z}/{x}/{y}.pbf"]
    assert 0 <= body["minzoom"] <= body["maxzoom"] <= 22
    west, south, east, north = body["bounds"]
    assert 107.8 < west < east < 108.6 and -6.7 < south < north < -6.2
    assert west <= body["center"][0] <= east and south <= body["center"][1] <= north
    assert body["attribution"] and body["name"] == LAYERS["producers"].title_id
    [vector_layer] = body["vector_layers"]
    assert vector_layer["id"] == "producers"
    assert vector_layer["fields"] == tile_fields(LAYERS["producers"])
    assert {p.name for p in LAYERS["producers"].properties} < set(vector_layer["fields"])


def test_tilejson_keeps_filters_and_language(client):
    body = client.get("/tiles/agriculture.json?commodity=padi&year=2024&lang=en").get_json()
    assert body["name"] == LAYERS["agriculture"].title_en
    [url] = body["tiles"]
    assert url.endswith("/tiles/agriculture/{z}/{x}/{y}.pbf?commodity=padi&year=2024")
    tile = client.get(local(url).replace("{z}/{x}/{y}", REGENCY_Z7).replace("%7B", "{").replace("%7D", "}"))
    assert tile.status_code == 200
    assert client.get("/tiles/agriculture.json?crop=padi").status_code == 400


def test_every_layer_has_tilejson_and_tiles(client):
    for layer_id in LAYERS:
        body = client.get(f"/tiles/{layer_id}.json").get_json()
        assert body["vector_layers"][0]["id"] == layer_id
        [url] = body["tiles"]
        response = client.get(local(url.replace("{z}/{x}/{y}", REGENCY_Z7)))
        assert response.status_code == 200, layer_id
        assert list(mapbox_vector_tile.decode(response.data)) == [layer_id]


def check_style_structure(style: dict, tilejsons: dict[str, dict]) -> None:
    assert style["version"] == 8
    assert "sprite" not in style and style["glyphs"].endswith("/fonts/{fontstack}/{range}.pbf")  # test_fonts.py
    ids = [layer["id"] for layer in style["layers"]]
    assert len(ids) == len(set(ids))
    used = set()
    for layer in style["layers"]:
        assert layer["type"] in STYLE_LAYER_TYPES
        if layer["type"] == "symbol":  # labels: their fonts must be among the glyphs served (test_fonts.py)
            assert set(layer["layout"].get("text-font", [])) <= set(FONTS), layer["id"]
        if layer["type"] == "background":
            continue
        assert layer["source"] in style["sources"], layer["id"]
        used.add(layer["source"])
        vector_ids = {v["id"] for v in tilejsons[layer["source"]]["vector_layers"]}
        assert layer["source-layer"] in vector_ids
        assert layer.get("layout", {}).get("visibility", "visible") in ("visible", "none")
    assert used == set(style["sources"])
    assert all(source["type"] == "vector" and source["url"] for source in style["sources"].values())


def test_style_draws_every_layer(client):
    response = client.get("/styles/economy.json", base_url="http://10.0.2.2:5000")
    assert response.status_code == 200
    style = response.get_json()
    hidden = {layer_id for layer_id, layer in LAYERS.items() if layer.style.ramp} - {"agriculture"}
    assert set(style["sources"]) == {"economy"} | hidden  # switched-off choropleths keep their own sources
    tilejsons = {}
    for source_id, source in style["sources"].items():
        assert source["url"].startswith("http://10.0.2.2:5000/tiles/")
        tilejsons[source_id] = client.get(local(source["url"])).get_json()
    check_style_structure(style, tilejsons)
    served = {v["id"] for tilejson in tilejsons.values() for v in tilejson["vector_layers"]}
    assert served == set(LAYERS)
    by_id = {layer["id"]: layer for layer in style["layers"]}
    assert by_id["kabupaten-line"]["type"] == "line"
    assert by_id["agriculture-fill"]["paint"]["fill-color"][0] == "step"
    radius = by_id["producers-circle"]["paint"]["circle-radius"]
    assert "point_count" in json.dumps(radius)
    assert "agriculture.commodity=padi" in style["sources"]["economy"]["url"]  # the choropleth shown at first
    assert all(by_id[f"{layer_id}-{kind}"]["source"] == "economy" for layer_id, kind in
               [("kabupaten", "line"), ("producers", "circle"), ("agriculture", "fill"), ("opportunities", "fill")])


def _style_validator() -> str | None:
    candidates = [os.environ.get("GL_STYLE_VALIDATE"), shutil.which("gl-style-validate"),
                  str(PROJECT_ROOT / "node_modules" / ".bin" / "gl-style-validate")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_style_passes_maplibre_validator(client, tmp_path, lang):
    validator = _style_validator()
    assert validator is not None, "gl-style-validate missing: make setup installs @maplibre/maplibre-gl-style-spec"
    path = tmp_path / "economy.json"
    path.write_text(client.get(f"/styles/economy.json?lang={lang}").get_data(as_text=True))
    done = subprocess.run([validator, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


# --- place names ---------------------------------------------------------------------------------------

# symbol layer -> (source, font stack, text field in Indonesian, in English)
NAME = ["get", "name"]
LABEL_LAYERS = {
    "label-kecamatan": ("area-labels", ["DejaVu Sans Bold"], NAME, NAME),
    "label-desa": ("area-labels", ["DejaVu Sans Book"], NAME, NAME),
    "label-landing-sites": ("landing-sites", ["DejaVu Sans Book"], NAME, NAME),
    "label-opportunities": ("opportunities", ["DejaVu Sans Book"], ["get", "title_id"],
                            ["coalesce", ["get", "title_en"], ["get", "title_id"]]),
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_style_names_kecamatan_desa_tpi_and_opportunities(client, lang):
    """Symbol layers over every other layer, placed kecamatan first; MapLibre's collision checks thin them."""
    style = client.get(f"/styles/economy.json?lang={lang}").get_json()
    symbols = [layer for layer in style["layers"] if layer["type"] == "symbol"]
    assert style["layers"][-len(symbols):] == symbols  # names over fills, lines and circles
    # MapLibre places the top layer first: desa names give way to opportunities, TPI and kecamatan names
    assert [layer["id"] for layer in symbols] == ["label-desa", "label-opportunities", "label-landing-sites",
                                                  "label-kecamatan"]
    by_id = {layer["id"]: layer for layer in symbols}
    for layer_id, (source, font, field_id, field_en) in LABEL_LAYERS.items():
        layer, layout, paint = by_id[layer_id], by_id[layer_id]["layout"], by_id[layer_id]["paint"]
        assert layer["source"] == "economy" and layer["source-layer"] == source
        assert layout["text-font"] == font
        assert layout["text-field"] == (field_en if lang == "en" else field_id)  # place names are not translated
        assert layout["text-allow-overlap"] is False and layout["text-ignore-placement"] is False
        assert layout["text-padding"] >= 2 and layout["visibility"] == "visible"
        assert paint["text-halo-width"] >= 1 and paint["text-halo-color"].startswith("rgba(255, 255, 255")
        assert ["==", ["geometry-type"], "Point"] in layer["filter"]
    kecamatan, desa = by_id["label-kecamatan"], by_id["label-desa"]
    assert 8 <= kecamatan["minzoom"] <= 10 and 11 <= kecamatan["maxzoom"] <= 13  # regency zoom
    assert desa["minzoom"] == kecamatan["maxzoom"] and "maxzoom" not in desa  # the desa take over, to the end
    assert ["==", ["get", "level"], "kecamatan"] in kecamatan["filter"]
    assert ["==", ["get", "level"], "desa"] in desa["filter"]
    for layer in (kecamatan, desa):  # the most populous of a level first
        assert layer["layout"]["symbol-sort-key"][:2] == ["coalesce", ["get", "rank"]]
        assert "center" in layer["layout"]["text-variable-anchor"]
    for layer_id in ("label-landing-sites", "label-opportunities"):  # beside their circles, not on them
        layout = by_id[layer_id]["layout"]
        assert layout["text-variable-anchor"] == ["left", "right"] and layout["text-radial-offset"] > 0.5
        assert by_id[layer_id]["minzoom"] <= 11
    assert kecamatan["layout"]["text-size"] > desa["layout"]["text-size"]


def test_style_draws_the_regency_outline_over_every_fill_and_line_at_every_zoom(client):
    """The kabupaten line is the coast and the islands: drawn last of the fills and lines, wider, from zoom 0."""
    style = client.get("/styles/economy.json").get_json()
    layers = style["layers"]
    position = {layer["id"]: i for i, layer in enumerate(layers)}
    outline = layers[position["kabupaten-line"]]
    assert outline["layout"]["visibility"] == "visible" and outline["minzoom"] == 0 and "maxzoom" not in outline
    assert "filter" not in outline
    others = [layer for layer in layers if layer["type"] in ("fill", "line") and layer is not outline]
    assert others and all(position[layer["id"]] < position["kabupaten-line"] for layer in others)
    widths = [layer["paint"]["line-width"] for layer in others if layer["type"] == "line"]
    assert all(outline["paint"]["line-width"] > width for width in widths)
    tilejson = client.get(local(style["sources"][outline["source"]]["url"])).get_json()
    assert tilejson["minzoom"] == 0  # drawn at every zoom (over-zoomed beyond its maxzoom)


def test_label_point_tiles_carry_names_ranks_and_levels(client, engine):
    """The area-labels tile of the whole regency holds one point per area, with its name, level and rank."""
    response = client.get(f"/tiles/area-labels/{REGENCY_Z7}.pbf")
    assert response.status_code == 200 and response.mimetype == TILE_TYPE
    features = mapbox_vector_tile.decode(response.data)["area-labels"]["features"]
    assert all(f["geometry"]["type"] == "Point" for f in features)
    with engine.connect() as conn:
        areas = {code: (name, level) for code, name, level in conn.execute(text("SELECT code, name, level FROM areas"))}
    assert {f["properties"]["code"]: (f["properties"]["name"], f["properties"]["level"]) for f in features} == areas
    assert len(features) == len(areas)
    for level in ("kecamatan", "desa"):
        ranks = sorted(f["properties"]["rank"] for f in features if f["properties"]["level"] == level)
        assert ranks == list(range(1, len(ranks) + 1))
    tilejson = client.get("/tiles/area-labels.json").get_json()
    assert {"name", "level", "rank"} <= set(tilejson["vector_layers"][0]["fields"])


def test_the_style_opens_on_the_mainland_like_the_pages(client):
    """The style's centre is the middle of the regency's first view, not of its bbox stretched by the islands."""
    center = client.get("/styles/economy.json").get_json()["center"]
    west, south, east, north = client.get("/api/v1/areas/32.12").get_json()["view_bbox"]
    assert center == [round((west + east) / 2, 6), round((south + north) / 2, 6)]
    assert center[1] < -6.3  # the whole regency's middle (islands included) lies further north


# --- composite tiles: several layers in one request --------------------------------------------------------

COMPOSITE = "kecamatan,desa,producers,landing-sites,opportunities"


def _busy_tile(engine, z: int) -> str:
    """z/x/y of the tile holding the most producers at zoom ``z``."""
    size = 2 * 20037508.342789244 / (1 << z)
    with engine.connect() as conn:
        x, y = conn.execute(text(
            "SELECT floor((ST_X(g) + :w) / :s), floor((:w - ST_Y(g)) / :s) FROM "
            "(SELECT ST_Transform(geom, 3857) AS g FROM producers) p GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1"),
            {"w": 20037508.342789244, "s": size}).one()
    return f"{z}/{int(x)}/{int(y)}"


@pytest.mark.parametrize("zoom", [12, 14], ids=["producers aggregated", "producers raw"])
def test_composite_tile_carries_each_layer_as_its_single_tile(client, engine, zoom):
    zxy = _busy_tile(engine, zoom)
    response = client.get(f"/tiles/{COMPOSITE}/{zxy}.pbf?agriculture.commodity=padi".replace(
        "opportunities", "opportunities,agriculture"))
    assert response.status_code == 200 and response.mimetype == TILE_TYPE
    decoded = mapbox_vector_tile.decode(response.data)
    expected = {}
    for layer_id in [*COMPOSITE.split(","), "agriculture"]:
        query = "?commodity=padi" if layer_id == "agriculture" else ""
        single = client.get(f"/tiles/{layer_id}/{zxy}.pbf{query}")
        if single.status_code == 200:
            expected[layer_id] = mapbox_vector_tile.decode(single.data)[layer_id]
    assert {"kecamatan", "desa", "producers"} <= set(expected)
    assert decoded == expected
    counted = ["point_count" in f["properties"] for f in decoded["producers"]["features"]]
    assert all(counted) if zoom < 13 else not any(counted)


def test_composite_order_is_canonical_and_cached_like_single_tiles(client):
    first = client.get(f"/tiles/producers,kabupaten/{REGENCY_Z7}.pbf")
    again = client.get(f"/tiles/kabupaten,producers,kabupaten/{REGENCY_Z7}.pbf")
    assert first.status_code == again.status_code == 200
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    assert list(mapbox_vector_tile.decode(first.data)) == ["kabupaten", "producers"]  # registry order
    assert first.headers["Cache-Control"] == client.get(f"/tiles/producers/{REGENCY_Z7}.pbf").headers["Cache-Control"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    revalidated = client.get(f"/tiles/producers,kabupaten/{REGENCY_Z7}.pbf",
                             headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304


def test_composite_leaves_out_layers_below_their_minzoom(client):
    decoded = mapbox_vector_tile.decode(client.get(f"/tiles/kabupaten,desa/{REGENCY_Z7}.pbf").data)
    assert list(decoded) == ["kabupaten"]  # desa from z10, as its TileJSON says
    assert client.get("/tiles/desa,landing-sites/7/0/0.pbf").status_code == 204


def test_composite_filters_name_their_layer(client):
    url = f"/tiles/producers,kecamatan/{REGENCY_Z7}.pbf"
    decoded = mapbox_vector_tile.decode(client.get(f"{url}?producers.sector=C").data)
    assert {f["properties"]["sector"] for f in decoded["producers"]["features"]} == {"C"}
    assert decoded["kecamatan"]["features"]
    for query, word in [("sector=C", "names its layer"), ("fisheries.kind=x", "not a layer of this tile"),
                        ("producers.sectr=C", "not a filter")]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, query
        assert response.mimetype == "application/problem+json" and word in response.get_json()["detail"]


def test_composite_unknown_layers_are_404_and_the_list_is_bounded(client, monkeypatch):
    for path in (f"/tiles/producers,nowhere,elsewhere/{REGENCY_Z7}.pbf", "/tiles/producers,nowhere.json",
                 f"/tiles/producers,/{REGENCY_Z7}.pbf", "/tiles/producers,kabupaten/23/0/0.pbf"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "application/problem+json", path
    detail = client.get(f"/tiles/producers,nowhere,elsewhere/{REGENCY_Z7}.pbf").get_json()["detail"]
    assert "'nowhere'" in detail and "'elsewhere'" in detail
    monkeypatch.setattr("webmap.tiles.MAX_COMPOSITE_LAYERS", 2)
    response = client.get(f"/tiles/kabupaten,kecamatan,desa/{REGENCY_Z7}.pbf")
    assert response.status_code == 400 and "at most 2" in response.get_json()["detail"]


def test_composite_tilejson(client):
    body = client.get("/tiles/producers,desa,agriculture.json?agriculture.year=2024&lang=en",
                      base_url="https://peta.example.go.id").get_json()
    assert body["tilejson"] == "3.0.0"
    assert body["tiles"] == ["https://peta.example.go.id/tiles/desa,producers,agriculture/{z}/{x}/{y}.pbf"
                             "?agriculture.year=2024"]
    assert [v["id"] for v in body["vector_layers"]] == ["desa", "producers", "agriculture"]
    singles = {v["id"]: client.get(f"/tiles/{v['id']}.json").get_json() for v in body["vector_layers"]}
    for vector_layer in body["vector_layers"]:
        assert vector_layer == {**singles[vector_layer["id"]]["vector_layers"][0],
                                "description": LAYERS[vector_layer["id"]].title_en}
    assert body["minzoom"] == min(s["minzoom"] for s in singles.values())
    assert body["maxzoom"] == max(s["maxzoom"] for s in singles.values())
    west, south, east, north = body["bounds"]
    assert all(west <= s["bounds"][0] and east >= s["bounds"][2] for s in singles.values())
    assert south <= north


def test_the_style_needs_one_tile_request_per_view(client, engine):
    """For one z/x/y, the layers drawn at first load need one tile URL between them (plus a basemap's)."""
    style = client.get("/styles/economy.json").get_json()
    zxy = _busy_tile(engine, 12)
    tilejsons = {source_id: client.get(local(source["url"])).get_json()
                 for source_id, source in style["sources"].items() if source_id != "basemap"}
    urls, drawn = set(), set()
    for layer in style["layers"]:
        if layer["type"] == "background" or layer["source"] == "basemap" or layer["layout"]["visibility"] == "none":
            continue
        if layer.get("minzoom", 0) <= 12 < layer.get("maxzoom", 24):
            urls.add(tilejsons[layer["source"]]["tiles"][0].replace("{z}/{x}/{y}", zxy))
            drawn.add(layer["source-layer"])
    assert len(urls) == 1 and len(drawn) >= 7  # one request carries every economic layer shown at z12
    [url] = urls
    assert url == tilejsons["economy"]["tiles"][0].replace("{z}/{x}/{y}", zxy)
    response = client.get(local(url))
    assert response.status_code == 200
    assert {"kecamatan", "desa", "producers", "agriculture"} <= set(mapbox_vector_tile.decode(response.data))
