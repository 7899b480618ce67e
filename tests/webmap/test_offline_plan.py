"""The save plan of "Simpan untuk offline" (webmap/offline.py, gis/offline.py): tiles that meet the area, counts
per zoom, sizes, the records' URLs, unknown areas and the data version."""

from __future__ import annotations

import json
import math

import pytest
from sqlalchemy import text

from gis.i18n import t
from webmap.offline import MAX_TILES, map_layers

KECAMATAN = "32.12.16"  # Sindang: the krupuk makers of Desa Kenanga


def plan(client, code: str = KECAMATAN, **args: int) -> dict:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    response = client.get(f"/api/v1/offline/{code}" + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.data[:300]
    return response.get_json()


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """WGS84 west, south, east, north of a tile."""
    def lon(i: int) -> float:
        return i / 2**z * 360 - 180

    def lat(j: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * j / 2**z))))

    return lon(x), lat(y + 1), lon(x + 1), lat(y)


def test_area_zooms_and_one_tile_pattern_of_every_map_layer(client):
    body = plan(client)
    assert body["area"]["code"] == KECAMATAN and body["area"]["level"] == "kecamatan"
    assert body["area"]["name"] == "Sindang"
    assert (body["minzoom"], body["maxzoom"]) == (8, 15) and body["max_zoom_choices"] == [13, 14, 15]
    layers = [layer.id for layer in map_layers()]
    assert body["tiles"]["url"] == "/tiles/" + ",".join(layers) + "/{z}/{x}/{y}.pbf"
    assert {"kecamatan", "desa", "producers", "landing-sites", "opportunities"} <= set(layers)
    assert "agriculture" not in layers  # choropleths: drawn over the area layers from /api/v1/stats
    per_zoom = body["tiles"]["per_zoom"]
    assert sorted(map(int, per_zoom)) == list(range(8, 16))
    assert sum(p["tiles"] for p in per_zoom.values()) == body["tiles"]["count"] == len(body["tiles"]["xyz"])
    for z, p in per_zoom.items():
        assert p["tiles"] == sum(1 for t in body["tiles"]["xyz"] if t[0] == int(z))
    assert per_zoom["8"]["tiles"] <= 2 and per_zoom["15"]["tiles"] > per_zoom["12"]["tiles"] > 1


def test_tiles_meet_the_area_and_none_is_left_out(client, engine):
    body = plan(client, maxzoom=13)
    listed = {tuple(t) for t in body["tiles"]["xyz"]}
    with engine.connect() as conn:
        for z in (11, 13):
            west, south, east, north = body["area"]["bbox"]
            in_box = {(z, x, y) for x in range(int((west + 180) / 360 * 2**z), int((east + 180) / 360 * 2**z) + 1)
                      for y in range(int((1 - math.asinh(math.tan(math.radians(north))) / math.pi) / 2 * 2**z),
                                     int((1 - math.asinh(math.tan(math.radians(south))) / math.pi) / 2 * 2**z) + 1)}
            for tile in in_box:
                meets = conn.execute(text(
                    "SELECT ST_Intersects(geom, ST_MakeEnvelope(:w, :s, :e, :n, 4326)) FROM areas WHERE code = :c"),
                    dict(zip("wsen", tile_bounds(*tile), strict=True), c=KECAMATAN)).scalar()
                assert meets == (tile in listed), tile
            assert any(t not in listed for t in in_box) or z == 11  # the polygon, not its box, decides


def test_maxzoom_changes_the_count_and_the_size(client):
    sizes = {z: plan(client, maxzoom=z) for z in (13, 14, 15)}
    counts = [sizes[z]["tiles"]["count"] for z in (13, 14, 15)]
    assert counts[0] < counts[1] < counts[2]
    assert sizes[13]["tiles"]["bytes"] < sizes[14]["tiles"]["bytes"] < sizes[15]["tiles"]["bytes"]
    assert sizes[13]["bytes"] < sizes[14]["bytes"] < sizes[15]["bytes"]
    assert sizes[13]["tiles"]["xyz"] == [t for t in sizes[15]["tiles"]["xyz"] if t[0] <= 13]


def test_the_size_of_small_zooms_is_exact(client):
    body = plan(client, minzoom=8, maxzoom=10)
    assert body["tiles"]["estimate"] == "exact"
    measured = 0
    for z, x, y in body["tiles"]["xyz"]:
        response = client.get(body["tiles"]["url"].format(z=z, x=x, y=y), headers={"Accept-Encoding": "identity"})
        assert response.status_code in (200, 204)
        measured += len(response.data)
    assert measured == body["tiles"]["bytes"] > 0
    big = plan(client)
    assert big["tiles"]["estimate"] == "sampled" and big["tiles"]["per_zoom"]["15"]["exact"] is False


def test_records_urls_answer_with_every_feature_of_the_area(client, engine):
    body = plan(client)
    by_layer = {r["layer"]: r for r in body["records"]}
    assert list(by_layer) == ["producers", "opportunities", "landing-sites", "agriculture", "fisheries"]
    table = {"producers": "producers", "opportunities": "opportunities", "landing-sites": "landing_sites",
             "agriculture": "agriculture_production", "fisheries": "fisheries_production"}
    with engine.connect() as conn:
        for layer, block in by_layer.items():
            own = layer in ("agriculture", "fisheries")  # the area's own rows, as its page's chart reads them
            expected = conn.execute(text(f"SELECT count(*) FROM {table[layer]} "  # noqa: S608 (our names)
                                         "WHERE area_code = :c OR (NOT :own AND area_code LIKE :p)"),
                                    {"c": KECAMATAN, "p": KECAMATAN + ".%", "own": own}).scalar()
            assert block["count"] == expected and block["count_exact"]
            features = []
            for url in block["urls"]:
                response = client.get(url, headers={"Accept-Encoding": "identity"})
                assert response.status_code == 200
                features += json.loads(response.data)["features"]
            assert len(features) == expected
            assert all(f["properties"]["area_code"].startswith(KECAMATAN) for f in features)
            assert not own or all(f["properties"]["area_code"] == KECAMATAN for f in features)
            measured = len(json.dumps(features, ensure_ascii=False).encode())
            assert block["estimate"] == "exact" and 0.8 * measured <= block["bytes"] <= 1.2 * measured
    assert by_layer["producers"]["count"] > 10  # Desa Kenanga's krupuk makers among them
    assert by_layer["agriculture"]["count"] > 0  # the rows of the area page's chart
    tpi = {r["layer"]: r for r in plan(client, "32.12.15", maxzoom=9)["records"]}["landing-sites"]
    assert tpi["count"] >= 1  # Kec. Indramayu: PP Karangsong


def test_resources_and_total(client):
    body = plan(client)
    urls = [r["url"] for r in body["resources"]]
    assert f"/wilayah/{KECAMATAN}" in urls and f"/api/v1/areas/{KECAMATAN}" in urls and "/produk" in urls
    assert not any(u.startswith(("/fonts/", "/styles/")) for u in urls)  # the pages draw labels with Leaflet
    for url in urls:
        assert client.get(url).status_code == 200, url
    known = sum(r["bytes"] or 0 for r in body["resources"])
    assert body["bytes"] == body["tiles"]["bytes"] + sum(r["bytes"] for r in body["records"]) + known


def test_the_regency_lists_more_tiles_and_every_record(client):
    regency, kecamatan = plan(client, "32.12", maxzoom=13), plan(client, maxzoom=13)
    assert regency["area"]["level"] == "kabupaten"
    assert regency["tiles"]["count"] > kecamatan["tiles"]["count"]
    assert {tuple(t) for t in kecamatan["tiles"]["xyz"]} <= {tuple(t) for t in regency["tiles"]["xyz"]}
    producers = {r["layer"]: r["count"] for r in regency["records"]}["producers"]
    assert producers == 400


def test_data_version_changes_with_the_data(client, engine):
    before = plan(client, maxzoom=9)["data_version"]
    with engine.begin() as conn:
        conn.execute(text("UPDATE producers SET name = name || ' ' WHERE id = (SELECT min(id) FROM producers)"))
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_force_next_flush()"))
    assert plan(client, maxzoom=9)["data_version"] != before


@pytest.mark.parametrize(("url", "status"), [
    ("/api/v1/offline/32.99", 404), ("/api/v1/offline/32.12.99.9999", 404), ("/api/v1/offline/xyz", 404),
    ("/api/v1/offline/32.12.16?maxzoom=17", 400), ("/api/v1/offline/32.12.16?minzoom=12&maxzoom=10", 400),
    ("/api/v1/offline/32.12.16?zoom=3", 400),
])
def test_errors_are_problems(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json" and response.get_json()["status"] == status


def test_too_many_tiles_asks_for_a_lower_maxzoom(client, monkeypatch):
    from webmap import offline

    monkeypatch.setattr(offline, "MAX_TILES", 10)
    response = client.get("/api/v1/offline/32.12.16?maxzoom=12")
    assert response.status_code == 400 and "maxzoom" in response.get_json()["detail"]
    assert MAX_TILES >= 10_000


def test_a_basemap_archive_adds_its_tiles_of_the_area(loaded_db, tmp_path):
    from pmtiles.tile import Compression, TileType

    from tests.webmap.test_basemap import PNG, client_with, make_archive

    def tile_of(z: int) -> tuple[int, int, int]:  # Desa Kenanga
        y = (1 - math.asinh(math.tan(math.radians(-6.3607))) / math.pi) / 2 * 2**z
        return z, int((108.3173 + 180) / 360 * 2**z), int(y)

    tiles = {tile_of(8): PNG + b"eight", tile_of(9): PNG + b"nine!", (9, 0, 0): PNG + b"far away"}
    path = make_archive(tmp_path / "osm.pmtiles", tiles, TileType.PNG, Compression.NONE, {})
    client = client_with(loaded_db, str(path))
    body = plan(client, maxzoom=10)
    basemap = {r["url"]: r["bytes"] for r in body["resources"] if r["url"].startswith("/basemap/")}
    assert basemap == {"/basemap/{}/{}/{}.png".format(*tile_of(z)): len(tiles[tile_of(z)]) for z in (8, 9)}
    for url in basemap:
        assert client.get(url).status_code == 200
    known = sum(r["bytes"] or 0 for r in body["resources"])
    assert known == sum(basemap.values()) and body["bytes"] == body["tiles"]["bytes"] + known + sum(
        r["bytes"] for r in body["records"])


def test_the_plan_is_a_read_and_the_tiles_it_lists_are_free(app):
    from webmap.limits import bucket

    with app.test_request_context("/api/v1/offline/32.12.16?maxzoom=14"):
        assert bucket() == "reads"
    with app.test_request_context("/tiles/kabupaten,kecamatan/14/13120/8482.pbf"):
        assert bucket() == "free"


@pytest.mark.parametrize(("code", "name"), [("32.12", "Indramayu"), (KECAMATAN, "Sindang")])
def test_the_area_page_carries_the_panel(client, code, name):
    html = client.get(f"/wilayah/{code}").get_data(as_text=True)
    assert 'id="offline-save"' in html and t("offline.panel.title", "id") in html
    assert t("offline.panel.intro", "id", name=name) in html
    config = json.loads(html.split('id="offline-save-config">', 1)[1].split("</script>", 1)[0])
    assert config["code"] == code and config["texts"]["remove"] == "Hapus"
    assert html.count('name="offline-maxzoom"') == 3 and "/static/js/offline-save.js" in html


def test_an_area_without_its_polygon_yet_has_no_tiles_but_its_records(client, engine):
    with engine.begin() as conn:
        conn.execute(text("UPDATE areas SET geom = ST_GeomFromText('MULTIPOLYGON EMPTY', 4326) "
                          "WHERE code = '32.12.16.2004'"))
    body = plan(client, "32.12.16.2004")
    assert body["area"]["bbox"] is None and body["tiles"]["count"] == 0 and body["tiles"]["xyz"] == []
    assert {r["layer"]: r["count"] for r in body["records"]}["producers"] > 0  # Desa Kenanga's krupuk makers
