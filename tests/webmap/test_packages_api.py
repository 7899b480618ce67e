"""Offline packages over HTTP (webmap/packages.py), the CLI that builds them and their place on the area page."""

from __future__ import annotations

import sqlite3

import pyogrio

from gis.layers import LAYERS
from webmap.limits import bucket

SINDANG = "32.12.16"


def test_list_has_the_regency_and_every_kecamatan(client, app):
    body = client.get("/api/v1/packages").get_json()
    assert body["data_version"] and body["packages"][0]["area_code"] == "32.12"
    assert {p["level"] for p in body["packages"][1:]} == {"kecamatan"}
    first = body["packages"][0]["formats"]
    assert set(first) == {"mbtiles", "gpkg"}
    assert first["mbtiles"]["href"].endswith("/api/v1/packages/32.12.mbtiles")
    assert first["gpkg"]["type"] == "application/geopackage+sqlite3"
    assert first["mbtiles"]["built"] is False and first["mbtiles"]["size_bytes"] is None
    assert not app.extensions["peta"].settings.package_path.exists()  # listing builds nothing


def test_download_builds_on_demand_then_serves_the_file(client):
    with client.get(f"/api/v1/packages/{SINDANG}.gpkg") as response:
        assert response.status_code == 200 and response.mimetype == "application/geopackage+sqlite3"
        assert response.headers["Content-Disposition"] == f'attachment; filename="peta-ekonomi-{SINDANG}.gpkg"'
        etag = response.headers["ETag"]
        body = response.get_data()
    assert body[:16] == b"SQLite format 3\x00"
    listed = client.get("/api/v1/packages", query_string={"area_code": SINDANG}).get_json()["packages"]
    assert [p["area_code"] for p in listed] == [SINDANG]
    gpkg = listed[0]["formats"]["gpkg"]
    assert gpkg["built"] is True and gpkg["size_bytes"] == len(body)
    assert gpkg["data_version"] == response.headers["X-Data-Version"]
    assert listed[0]["formats"]["mbtiles"]["built"] is False
    # conditional requests and ranges
    with client.get(f"/api/v1/packages/{SINDANG}.gpkg", headers={"If-None-Match": etag}) as unchanged:
        assert unchanged.status_code == 304
    with client.get(f"/api/v1/packages/{SINDANG}.gpkg", headers={"Range": "bytes=0-99"}) as part:
        assert part.status_code == 206 and part.get_data() == body[:100]


def test_mbtiles_download_reads_back(client, tmp_path):
    with client.get(f"/api/v1/packages/{SINDANG}.mbtiles") as response:
        assert response.status_code == 200 and response.mimetype == "application/vnd.sqlite3"
        path = tmp_path / "sindang.mbtiles"
        path.write_bytes(response.get_data())
    with sqlite3.connect(path) as db:
        assert dict(db.execute("SELECT name, value FROM metadata"))["format"] == "pbf"
        assert db.execute("SELECT count(*) FROM tiles").fetchone()[0] > 0
    assert {name for name, _ in pyogrio.list_layers(path)} == set(LAYERS)


def test_unknown_area_or_format_is_a_problem(client):
    for url in ("/api/v1/packages/99.99.mbtiles", "/api/v1/packages/32.12.16.2004.gpkg",
                "/api/v1/packages/nonsense.gpkg", f"/api/v1/packages/{SINDANG}.zip",
                "/api/v1/packages?area_code=32.12.99"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json" and response.get_json()["detail"], url
    bad = client.get("/api/v1/packages", query_string={"area_code": "x"})
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"


def test_downloads_are_in_the_costly_bucket(app):
    with app.test_request_context(f"/api/v1/packages/{SINDANG}.gpkg"):
        app.preprocess_request()
        assert bucket() == "costly"
    with app.test_request_context("/api/v1/packages"):
        app.preprocess_request()
        assert bucket() == "reads"


def test_documented_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/packages", "/api/v1/packages/{area_code}.mbtiles", "/api/v1/packages/{area_code}.gpkg"} <= set(
        paths)


def test_cli_builds_with_a_progress_bar(runner, app):
    result = runner.invoke(args=["packages", "build", SINDANG, "--maxzoom", "12"])
    assert result.exit_code == 0, result.output
    built = sorted(p.suffix for p in app.extensions["peta"].settings.package_path.glob(f"{SINDANG}-*"))
    assert built == [".gpkg", ".mbtiles"]
    assert f"{SINDANG} Sindang mbtiles" in result.output and "bytes" in result.output
    listed = runner.invoke(args=["packages", "list"])
    assert listed.exit_code == 0 and "not built" in listed.output
    assert runner.invoke(args=["packages", "build", "32.12.16.2004"]).exit_code == 2


def test_the_area_page_lists_its_downloads(client):
    page = client.get(f"/wilayah/{SINDANG}").get_data(as_text=True)
    assert 'id="packages"' in page and f"/api/v1/packages/{SINDANG}.mbtiles" in page
    assert f"/api/v1/packages/{SINDANG}.gpkg" in page
    assert 'id="packages"' not in client.get("/wilayah/32.12.16.2004").get_data(as_text=True)
