"""The analysis results as OGC API - Features collections, on the bundled data: the same rows as the REST answers."""

import subprocess

import pytest
from jsonschema import Draft202012Validator

from tests.live_server import serve
from tests.webmap.openapi_schemas import json_schema
from webmap.analysis_api import openapi_paths

OGC = "/api/v1/analysis/ogc"
PATHS = openapi_paths()


def get_ok(client, path, **params):
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    key = path.replace("/lq-agriculture-padi", "/{collectionId}").replace("/klassen-agriculture-padi",
                                                                         "/{collectionId}")
    key = key.replace("/shift-share-agriculture-padi", "/{collectionId}").replace("/32.12.15", "/{featureId}")
    content = PATHS[key]["get"]["responses"]["200"]["content"][response.mimetype]
    errors = list(Draft202012Validator(json_schema(content["schema"])).iter_errors(response.get_json()))
    assert not errors, [e.message for e in errors[:5]]
    return response


def test_landing_and_conformance_link_the_collections(client):
    landing = get_ok(client, OGC).get_json()
    rels = {link["rel"]: link["href"] for link in landing["links"]}
    assert rels["data"].endswith(f"{OGC}/collections") and rels["service-desc"].endswith("/api/v1/openapi.json")
    conformance = get_ok(client, f"{OGC}/conformance").get_json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conformance
    documented = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert f"{OGC}/collections/{{collectionId}}/items" in documented


def test_collections_are_the_analyses_the_data_allow(client):
    body = get_ok(client, f"{OGC}/collections", lang="en").get_json()
    ids = [c["id"] for c in body["collections"]]
    # padi has five years per kecamatan; mangga one year only (no period analyses); fisheries kinds per kecamatan
    assert {"lq-agriculture-padi", "dlq-agriculture-padi", "shift-share-agriculture-padi",
            "klassen-agriculture-padi", "leading-agriculture", "lq-fisheries-tambak",
            "dlq-fisheries-laut", "lq-agriculture-mangga"} <= set(ids)
    assert "klassen-agriculture-mangga" not in ids and len(ids) == len(set(ids))
    klassen = next(c for c in body["collections"] if c["id"] == "klassen-agriculture-padi")
    assert klassen["title"] == "Klassen typology: Rice (paddy)"
    assert klassen["extent"]["temporal"]["interval"] == [["2020-01-01T00:00:00Z", "2024-12-31T23:59:59Z"]]
    west, south, east, north = klassen["extent"]["spatial"]["bbox"][0]
    assert 107.5 < west < east < 108.9 and -6.9 < south < north < -5.7  # Indramayu; the islands of Pasekan reach -5.8
    kecamatan = client.get("/ogc/collections/kecamatan").get_json()["extent"]["spatial"]["bbox"][0]
    assert [west, south, east, north] == pytest.approx(kecamatan, abs=0.01)
    assert get_ok(client, f"{OGC}/collections/klassen-agriculture-padi").get_json()["id"] == klassen["id"]


def test_items_are_the_rest_rows_with_polygons(client):
    rest = client.get("/api/v1/analysis/klassen", query_string={"commodity": "padi", "from": 2020, "to": 2024,
                                                                  "reference": "provinsi"}).get_json()
    items = get_ok(client, f"{OGC}/collections/klassen-agriculture-padi/items", datetime="2020/2024",
                   reference="provinsi").get_json()
    assert items["numberMatched"] == items["numberReturned"] == 31
    assert [f["properties"] for f in items["features"]] == rest["rows"]
    assert {f["geometry"]["type"] for f in items["features"]} == {"MultiPolygon"}
    assert items["thresholds"] == rest["thresholds"] and items["method"] == rest["method"]
    lq = get_ok(client, f"{OGC}/collections/lq-agriculture-padi/items", datetime="2024").get_json()
    assert lq["year"] == 2024 and all(f["properties"]["lq"] == pytest.approx(1.0) for f in lq["features"])


def test_items_page_and_filter_by_bbox(client):
    path = f"{OGC}/collections/shift-share-agriculture-padi/items"
    first = get_ok(client, path, limit=10).get_json()
    assert (first["numberMatched"], first["numberReturned"]) == (31, 10)
    after = next(link["href"] for link in first["links"] if link["rel"] == "next")
    assert "offset=10" in after and "limit=10" in after
    rest = get_ok(client, path, limit=10, offset=30).get_json()
    assert rest["numberReturned"] == 1 and not any(link["rel"] == "next" for link in rest["links"])
    everything = get_ok(client, path).get_json()["features"]
    assert [f["id"] for f in first["features"] + rest["features"]] == [f["id"] for f in everything[:10]] + [
        everything[30]["id"]]
    # a small box around the town of Indramayu (108.32 E, 6.33 S) keeps only the kecamatan near it
    near = get_ok(client, path, bbox="108.30,-6.35,108.34,-6.31").get_json()
    assert 0 < near["numberMatched"] < 31 and "32.12.15" in {f["id"] for f in near["features"]}


def test_one_item(client):
    feature = get_ok(client, f"{OGC}/collections/shift-share-agriculture-padi/items/32.12.15").get_json()
    assert feature["type"] == "Feature" and feature["id"] == "32.12.15"
    p = feature["properties"]
    assert p["national_share"] + p["proportional_shift"] + p["differential_shift"] == pytest.approx(p["change"])


@pytest.mark.parametrize("path,params,status,words", [
    ("/collections/klassen-agriculture-mangga", {}, 404, ["no collection", "lq-agriculture-mangga"]),
    ("/collections/lq-agriculture-padi/items", {"datetime": "2020/2024"}, 400, ["one year"]),
    ("/collections/klassen-agriculture-padi/items", {"datetime": "2024"}, 400, ["period"]),
    ("/collections/klassen-agriculture-padi/items", {"datetime": "2019/2024"}, 404, ["2019", "2020–2024"]),
    ("/collections/lq-agriculture-mangga/items", {"level": "desa"}, 404, ["desa", "kecamatan (2023)"]),
    ("/collections/lq-agriculture-padi/items", {"share": "specialisation"}, 400, ["unknown parameter"]),
    ("/collections/lq-agriculture-padi/items", {"limit": 0}, 400, ["limit"]),
    ("/collections/lq-agriculture-padi/items/99.99", {}, 404, ["no area"]),
])
def test_ogc_errors_are_problems(client, path, params, status, words):
    response = client.get(OGC + path, query_string=params)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    for word in words:
        assert word in response.get_json()["detail"]


# ---------------------------------------------------------------- real OGC clients against a live server


def test_owslib_and_gdal_read_the_result_collections(app, client):
    from owslib.ogcapi.features import Features

    rest = client.get("/api/v1/analysis/lq", query_string={"sector": "fisheries", "kind": "tambak"}).get_json()
    with serve(app) as url:
        api = Features(f"{url}{OGC}")
        assert "lq-fisheries-tambak" in [c["id"] for c in api.collections()["collections"]]
        items = api.collection_items("lq-fisheries-tambak", limit=50)
        assert [f["properties"]["lq"] for f in items["features"]] == [r["lq"] for r in rest["rows"]]
        info = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{url}{OGC}", "klassen-agriculture-padi"],
                              capture_output=True, text=True, timeout=120, check=False)
    assert info.returncode == 0, info.stderr
    assert "Feature Count: 31" in info.stdout and "quadrant: String" in info.stdout, info.stdout
