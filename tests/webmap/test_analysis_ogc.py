"""The analysis results as collections of the one OGC API at /ogc, on the bundled data: the same rows as the REST
answers, selected like the layers' items; the former /api/v1/analysis/ogc addresses redirect there."""

import csv
import io
import json
import re
import subprocess

import pytest
from jsonschema import Draft202012Validator

from tests.live_server import serve
from tests.webmap.openapi_schemas import json_schema
from webmap.openapi_ogc import build_openapi

OGC = "/ogc"
OLD = "/api/v1/analysis/ogc"
DOC = build_openapi(OGC)
COMPONENTS = json_schema(DOC["components"])
ANALYSIS_ID = re.compile(r"^/collections/(lq|dlq|shift-share|klassen)-[a-z]+-[a-z0-9_]+|^/collections/leading-[a-z]+")


def template(path):
    """The OpenAPI path of a request path under /ogc (an analysis collection's id is parametrised)."""
    path = path.removeprefix(OGC) or "/"

    def generic(match):
        name = match.group(1) or "leading"
        return f"/collections/{name}-{{sector}}" + ("" if name == "leading" else "-{commodity}")

    path = ANALYSIS_ID.sub(generic, path)
    return re.sub(r"/items/[^/]+$", "/items/{featureId}", path)


def get_ok(client, path, **params):
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    content = DOC["paths"][template(path)]["get"]["responses"]["200"]["content"][response.mimetype]
    schema = {**json_schema(content["schema"]), "components": COMPONENTS}
    errors = list(Draft202012Validator(schema).iter_errors(response.get_json()))
    assert not errors, [e.message for e in errors[:5]]
    return response


def test_the_analysis_collections_are_listed_at_ogc_after_the_layers(client):
    body = get_ok(client, f"{OGC}/collections", lang="en").get_json()
    ids = [c["id"] for c in body["collections"]]
    # padi has five years per kecamatan; mangga one year only (no period analyses); fisheries kinds per kecamatan
    assert {"lq-agriculture-padi", "dlq-agriculture-padi", "shift-share-agriculture-padi",
            "klassen-agriculture-padi", "leading-agriculture", "lq-fisheries-tambak",
            "dlq-fisheries-laut", "lq-agriculture-mangga"} <= set(ids)
    assert ids[0] == "kabupaten" and "producers" in ids and ids.index("producers") < ids.index("lq-agriculture-padi")
    assert "klassen-agriculture-mangga" not in ids and len(ids) == len(set(ids))
    klassen = next(c for c in body["collections"] if c["id"] == "klassen-agriculture-padi")
    assert klassen["title"] == "Klassen typology: Rice (paddy)" and klassen["analysis"] == "klassen"
    assert klassen["extent"]["temporal"]["interval"] == [["2020-01-01T00:00:00Z", "2024-12-31T23:59:59Z"]]
    west, south, east, north = klassen["extent"]["spatial"]["bbox"][0]
    assert 107.5 < west < east < 108.9 and -6.9 < south < north < -5.7  # Indramayu; the islands of Pasekan reach -5.8
    kecamatan = client.get("/ogc/collections/kecamatan").get_json()["extent"]["spatial"]["bbox"][0]
    assert [west, south, east, north] == pytest.approx(kecamatan, abs=0.01)
    rels = {(link["rel"], link["type"]): link["href"] for link in klassen["links"]}
    assert rels["items", "application/geo+json"].endswith("/ogc/collections/klassen-agriculture-padi/items")
    assert rels["alternate", "application/json"].endswith("/api/v1/analysis/klassen?sector=agriculture&commodity=padi")
    one = get_ok(client, f"{OGC}/collections/klassen-agriculture-padi").get_json()
    assert one["id"] == klassen["id"] and one["links"][0]["rel"] == "self"
    html = client.get(f"{OGC}/collections?f=html").get_data(as_text=True)
    assert "/ogc/collections/leading-agriculture" in html


@pytest.mark.parametrize("old,new", [
    ("", "/ogc"),
    ("/", "/ogc/"),
    ("/conformance", "/ogc/conformance"),
    ("/collections?lang=en", "/ogc/collections?lang=en"),
    ("/collections/lq-agriculture-padi", "/ogc/collections/lq-agriculture-padi"),
    ("/collections/klassen-agriculture-padi/items?datetime=2020/2024&reference=provinsi&limit=5",
     "/ogc/collections/klassen-agriculture-padi/items?datetime=2020/2024&reference=provinsi&limit=5"),
    ("/collections/lq-agriculture-padi/items/32.12.15?f=json",
     "/ogc/collections/lq-agriculture-padi/items/32.12.15?f=json"),
])
def test_the_old_addresses_redirect_permanently_to_ogc(client, old, new):
    response = client.get(OLD + old)
    assert response.status_code == 308
    assert response.headers["Location"].removeprefix("http://localhost") == new
    followed = client.get(OLD + old, follow_redirects=True)
    assert followed.status_code == 200 and followed.request.path == new.split("?")[0]


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
    leading = get_ok(client, f"{OGC}/collections/leading-agriculture/items", limit=3).get_json()
    assert leading["numberReturned"] == 3 and "commodities" in leading["features"][0]["properties"]


def test_items_page_with_next_and_prev_links_and_filter_by_bbox(client):
    path = f"{OGC}/collections/shift-share-agriculture-padi/items"
    first = get_ok(client, path, limit=10).get_json()
    assert (first["numberMatched"], first["numberReturned"]) == (31, 10)
    after = next(link["href"] for link in first["links"] if link["rel"] == "next")
    assert "offset=10" in after and "limit=10" in after
    assert not any(link["rel"] == "prev" for link in first["links"])
    rest = get_ok(client, path, limit=10, offset=30).get_json()
    assert rest["numberReturned"] == 1 and not any(link["rel"] == "next" for link in rest["links"])
    assert "offset=20" in next(link["href"] for link in rest["links"] if link["rel"] == "prev")
    everything = get_ok(client, path).get_json()["features"]
    assert [f["id"] for f in first["features"] + rest["features"]] == [f["id"] for f in everything[:10]] + [
        everything[30]["id"]]
    # a small box around the town of Indramayu (108.32 E, 6.33 S) keeps only the kecamatan near it
    near = get_ok(client, path, bbox="108.30,-6.35,108.34,-6.31").get_json()
    assert 0 < near["numberMatched"] < 31 and "32.12.15" in {f["id"] for f in near["features"]}


def test_the_bbox_means_what_it_means_for_the_kecamatan_layer(client):
    box = "108.2,-6.5,108.4,-6.3"
    layer = client.get(f"{OGC}/collections/kecamatan/items", query_string={"bbox": box}).get_json()
    result = get_ok(client, f"{OGC}/collections/lq-agriculture-padi/items", bbox=box).get_json()
    assert {f["id"] for f in result["features"]} == {f["id"] for f in layer["features"]}


@pytest.mark.parametrize("code", ["32.12", "32.12.16", "32.12.16.2004"])
def test_the_area_filter_keeps_the_areas_inside_at_every_level(client, code):
    """area_code keeps what lies inside the area, as on the layers: compared with the desa and kecamatan layers."""
    for level in ("kecamatan", "desa"):
        layer = client.get(f"{OGC}/collections/{level}/items", query_string={"limit": 1000}).get_json()
        inside = {f["id"] for f in layer["features"] if f["id"] == code or f["id"].startswith(code + ".")}
        result = get_ok(client, f"{OGC}/collections/lq-agriculture-padi/items", area_code=code, level=level,
                        limit=1000).get_json()
        assert {f["id"] for f in result["features"]} == inside and result["numberMatched"] == len(inside)
    assert get_ok(client, f"{OGC}/collections/lq-agriculture-padi/items",
                  area_code="32.12.16,32.12.15").get_json()["numberMatched"] == 2


def test_properties_and_sortby_as_on_the_layers(client):
    path = f"{OGC}/collections/shift-share-agriculture-padi/items"
    body = get_ok(client, path, properties="name,differential_shift", sortby="-differential_shift").get_json()
    assert [list(f["properties"]) for f in body["features"]] == [["name", "differential_shift"]] * 31
    shifts = [f["properties"]["differential_shift"] for f in body["features"]]
    assert shifts == sorted(shifts, reverse=True)
    by_name = get_ok(client, path, sortby="name", limit=31).get_json()["features"]
    assert [f["properties"]["name"] for f in by_name] == sorted(f["properties"]["name"] for f in by_name)
    one = get_ok(client, f"{path}/32.12.15", properties="change").get_json()
    assert list(one["properties"]) == ["change"]


def test_one_item(client):
    feature = get_ok(client, f"{OGC}/collections/shift-share-agriculture-padi/items/32.12.15").get_json()
    assert feature["type"] == "Feature" and feature["id"] == "32.12.15"
    p = feature["properties"]
    assert p["national_share"] + p["proportional_shift"] + p["differential_shift"] == pytest.approx(p["change"])
    assert {link["rel"] for link in feature["links"]} >= {"self", "collection"}


def test_html_pages_and_downloads(client):
    page = client.get(f"{OGC}/collections/lq-agriculture-padi/items?f=html&lang=en&limit=10")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Showing 1–10 of 31 features." in html and "<polyline" in html and "Next" in html
    assert "/ogc/collections/lq-agriculture-padi/items/32.12" in html
    assert "Indramayu" in client.get(f"{OGC}/collections/lq-agriculture-padi/items/32.12.15?f=html").get_data(
        as_text=True)
    assert client.get(f"{OGC}/collections/leading-agriculture/items?f=html").status_code == 200
    download = client.get(f"{OGC}/collections/lq-agriculture-padi/items?f=csv&area_code=32.12.16&limit=1")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["code"] for r in rows] == ["32.12.16"] and float(rows[0]["lq"]) == pytest.approx(1.0)
    leading = client.get(f"{OGC}/collections/leading-agriculture/items?f=xlsx")
    assert leading.status_code == 200 and "attachment" in leading.headers["Content-Disposition"]


@pytest.mark.parametrize("path,params,status,words", [
    ("/collections/klassen-agriculture-mangga", {}, 404, ["no collection", "lq-agriculture-mangga", "producers"]),
    ("/collections/lq-agriculture-padi/items", {"datetime": "2020/2024"}, 400, ["one year"]),
    ("/collections/klassen-agriculture-padi/items", {"datetime": "2024"}, 400, ["period"]),
    ("/collections/klassen-agriculture-padi/items", {"datetime": "2019/2024"}, 404, ["2019", "2020–2024"]),
    ("/collections/lq-agriculture-mangga/items", {"level": "desa"}, 404, ["desa", "kecamatan (2023)"]),
    ("/collections/lq-agriculture-padi/items", {"share": "specialisation"}, 400, ["unknown parameter 'share'"]),
    ("/collections/lq-agriculture-padi/items", {"colour": "red"}, 400,
     ["unknown parameter 'colour'", "filters of lq-agriculture-padi: area_code"]),
    ("/collections/lq-agriculture-padi/items", {"lq": "1"}, 400, ["'lq' cannot be used as ?lq="]),
    ("/collections/lq-agriculture-padi/items", {"filter": "lq > 1"}, 400, ["unknown parameter 'filter'"]),
    ("/collections/lq-agriculture-padi/items", {"area_code": "32-12"}, 400, ["Kemendagri codes"]),
    ("/collections/lq-agriculture-padi/items", {"level": "kota"}, 400, ["level must be one of"]),
    ("/collections/lq-agriculture-padi/items", {"limit": 0}, 400, ["limit"]),
    ("/collections/lq-agriculture-padi/items", {"properties": "lq,gaji"}, 400, ["no property 'gaji'"]),
    ("/collections/leading-agriculture/items", {"sortby": "leading"}, 400, ["holds a list"]),
    ("/collections/lq-agriculture-padi/items/99.99", {}, 404, ["no feature '99.99'"]),
    ("/collections/lq-agriculture-padi/items/32.12.15", {"area_code": "32.12"}, 400, ["unknown parameter"]),
    ("/collections/lq-agriculture-padi/queryables", {}, 404, ["no queryables"]),
])
def test_errors_are_problems(client, path, params, status, words):
    response = client.get(OGC + path, query_string=params)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    for word in words:
        assert word in response.get_json()["detail"]


def test_the_openapi_document_describes_the_analysis_collections(client):
    paths = client.get(f"{OGC}/api").get_json(force=True)["paths"]
    for name in ("lq", "dlq", "shift-share", "klassen"):
        items = paths[f"/collections/{name}-{{sector}}-{{commodity}}/items"]["get"]
        names = {p["name"] for p in items["parameters"]}
        assert {"sector", "commodity", "bbox", "limit", "offset", "area_code", "datetime", "level",
                "reference", "properties", "sortby", "f", "lang"} <= names
        assert ("share" in names) == (name == "klassen") and "filter" not in names
        assert {"200", "400", "404", "429", "503"} <= set(items["responses"])
    assert "/collections/leading-{sector}/items/{featureId}" in paths
    assert json.dumps(paths).count("application/problem+json") > 0


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
