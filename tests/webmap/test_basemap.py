"""The operator's basemap (PETA_BASEMAP): none by default, an XYZ template, or a PMTiles archive the app serves."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import mapbox_vector_tile
import pytest
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write

from app import create_app
from gis.settings import Settings, SettingsError

PNG = b"\x89PNG\r\n\x1a\n"
TEMPLATE = "https://tiles.example.org/{z}/{x}/{y}.png"


def make_archive(path: Path, tiles: dict[tuple[int, int, int], bytes], tile_type: TileType,
                 compression: Compression, metadata: dict) -> Path:
    """A PMTiles archive holding ``tiles`` over Indramayu."""
    with write(path) as writer:
        for (z, x, y), data in sorted(tiles.items(), key=lambda item: zxy_to_tileid(*item[0])):
            writer.write_tile(zxy_to_tileid(z, x, y), data)
        writer.finalize({
            "tile_type": tile_type, "tile_compression": compression,
            "min_lon_e7": int(107.8e7), "min_lat_e7": int(-6.7e7), "max_lon_e7": int(108.6e7),
            "max_lat_e7": int(-6.1e7), "center_zoom": 1, "center_lon_e7": int(108.2e7), "center_lat_e7": int(-6.4e7),
        }, metadata)
    return path


@pytest.fixture
def raster_archive(tmp_path: Path) -> tuple[Path, dict]:
    tiles = {(0, 0, 0): PNG + b"zero", (1, 1, 1): PNG + b"one", (2, 3, 2): PNG + b"two"}
    path = make_archive(tmp_path / "osm.pmtiles", tiles, TileType.PNG, Compression.NONE,
                        {"attribution": "© OpenStreetMap contributors"})
    return path, tiles


def client_with(settings: Settings, basemap: str):
    return create_app({"TESTING": True, "SETTINGS": replace(settings, basemap=basemap)}).test_client()


def test_no_basemap_by_default(client):
    style = client.get("/styles/economy.json").get_json()
    assert "basemap" not in style["sources"]
    assert not any(layer["id"].startswith("basemap") for layer in style["layers"])
    assert "L.tileLayer" not in client.get("/").get_data(as_text=True)
    response = client.get("/basemap.pmtiles")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_a_pmtiles_archive_is_served_whole_with_ranges_and_tile_by_tile(loaded_db, raster_archive):
    path, tiles = raster_archive
    client = client_with(loaded_db, str(path))
    whole = path.read_bytes()
    with client.get("/basemap.pmtiles", headers={"Range": "bytes=0-126"}) as part:
        assert part.status_code == 206 and part.data == whole[:127]
        assert part.headers["Content-Range"] == f"bytes 0-126/{len(whole)}"
        assert "Content-Range" in part.headers["Access-Control-Expose-Headers"]
    with client.get("/basemap.pmtiles") as full:
        assert full.data == whole and full.headers["Accept-Ranges"] == "bytes"
    for (z, x, y), data in tiles.items():
        tile = client.get(f"/basemap/{z}/{x}/{y}.png")
        assert tile.status_code == 200 and tile.mimetype == "image/png" and tile.data == data
    assert client.get("/basemap/2/0/0.png").status_code == 204  # inside the zooms, not in the archive
    assert client.get("/basemap/9/0/0.png").status_code == 204  # beyond its zooms
    wrong = client.get("/basemap/0/0/0.pbf")
    assert wrong.status_code == 404 and wrong.mimetype == "application/problem+json"
    tilejson = client.get("/basemap.json").get_json()
    assert tilejson["tiles"] == ["http://localhost/basemap/{z}/{x}/{y}.png"]
    assert (tilejson["minzoom"], tilejson["maxzoom"]) == (0, 2)
    assert tilejson["attribution"] == "© OpenStreetMap contributors"


def test_the_style_and_the_pages_draw_a_raster_archive_under_everything(loaded_db, raster_archive):
    client = client_with(loaded_db, str(raster_archive[0]))
    style = client.get("/styles/economy.json").get_json()
    assert style["sources"]["basemap"]["tiles"] == ["http://localhost/basemap/{z}/{x}/{y}.png"]
    assert style["sources"]["basemap"]["attribution"] == "© OpenStreetMap contributors"
    assert [layer["id"] for layer in style["layers"][:2]] == ["background", "basemap"]
    for page in ("/", "/produk", "/wilayah/32.12.16"):
        html = client.get(page).get_data(as_text=True)
        assert "http://localhost/basemap/{z}/{x}/{y}.png" in html, page
        assert "OpenStreetMap contributors" in html, page


def test_an_xyz_template_is_drawn_from_its_own_host(loaded_db):
    client = client_with(loaded_db, TEMPLATE)
    style = client.get("/styles/economy.json").get_json()
    assert style["sources"]["basemap"]["tiles"] == [TEMPLATE]
    page = client.get("/")
    assert TEMPLATE in page.get_data(as_text=True)
    policy = dict(d.strip().split(" ", 1) for d in page.headers["Content-Security-Policy"].split(";"))
    assert "https://tiles.example.org" in policy["img-src"]
    assert "https://tiles.example.org" not in client.get("/api/v1/areas/32.12").headers["Content-Security-Policy"]
    assert client.get("/basemap.pmtiles").status_code == 404  # nothing of it is served here


def test_a_vector_archive_gets_plain_layers_and_stays_compressed(loaded_db, tmp_path):
    mvt = mapbox_vector_tile.encode([{"name": "water", "features": [
        {"geometry": "POLYGON ((0 0, 4096 0, 4096 4096, 0 0))", "properties": {}}]}])
    layers = [{"id": "water", "fields": {}}, {"id": "roads", "fields": {}}]
    path = make_archive(tmp_path / "vector.pmtiles", {(0, 0, 0): gzip.compress(mvt)}, TileType.MVT,
                        Compression.GZIP, {"vector_layers": layers})
    client = client_with(loaded_db, str(path))
    tile = client.get("/basemap/0/0/0.pbf")
    assert tile.headers["Content-Encoding"] == "gzip"
    assert mapbox_vector_tile.decode(gzip.decompress(tile.data))["water"]["features"]
    style = client.get("/styles/economy.json").get_json()
    assert style["sources"]["basemap"] == {"type": "vector", "url": "http://localhost/basemap.json", "attribution": ""}
    assert [layer["id"] for layer in style["layers"] if layer["id"].startswith("basemap")] == \
        ["basemap-water", "basemap-roads"]
    assert json.loads(client.get("/basemap.json").data)["vector_layers"][0]["id"] == "water"


@pytest.mark.parametrize("value", ["https://tiles.example.org/tiles.png", "missing.pmtiles", "basemap.mbtiles"])
def test_a_basemap_setting_that_cannot_work_is_refused_at_start(value):
    with pytest.raises(SettingsError, match="PETA_BASEMAP"):
        Settings.from_env({"PETA_BASEMAP": value})
