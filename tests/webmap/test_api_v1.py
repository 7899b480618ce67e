import csv
import io
import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from app import create_app
from gis import keys
from gis.exports import FORMATS
from gis.layers import LAYERS
from tests.webmap.openapi_schemas import assert_declared, json_schema
from webmap.api_v1 import openapi_document

KENANGA = "32.12.16.2004"
PROBLEM = "application/problem+json"
UPLOAD = "/api/v1/uploads/{kind}"


@pytest.fixture(scope="module")
def components():
    return json_schema(openapi_document("")["components"])


def assert_valid(body, name, components):
    schema = {"$ref": f"#/components/schemas/{name}", "components": components}
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def assert_problem(response, status, *words):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"]
    for word in words:
        assert word in body["detail"], body["detail"]
    return body


# ---------------------------------------------------------------- areas


@pytest.mark.parametrize("code,level", [("32.12", "kabupaten"), ("32.12.16", "kecamatan"), (KENANGA, "desa")])
def test_area_profiles(client, components, code, level):
    response = client.get(f"/api/v1/areas/{code}")
    assert response.status_code == 200
    body = response.get_json()
    assert_valid(body, "AreaProfile", components)
    assert body["code"] == code and body["level"] == level
    rels = {link["rel"] for link in body["links"]}
    assert {"self", "producers", "opportunities"} <= rels


def test_kenanga_profile_content(client):
    body = client.get(f"/api/v1/areas/{KENANGA}?lang=en").get_json()
    assert body["name"] == "Kenanga" and body["parent"] == {"code": "32.12.16", "name": "Sindang"}
    assert body["level_label"] == "Village"
    sections = {s["section"]: s for s in body["producers"]["by_section"]}
    assert sections["C"]["label"] == "Manufacturing" and sections["C"]["count"] >= 20
    assert "OPP-3212-05" in {o["code"] for o in body["opportunities"]}
    assert body["top_commodities"][0]["subject"] == "padi"


def test_kabupaten_profile_ranks_commodities_and_lists_kecamatan(client):
    body = client.get("/api/v1/areas/32.12").get_json()
    assert len(body["children"]) == 31 and body["parent"] is None
    tons = [c["production_ton"] for c in body["top_commodities"]]
    assert tons == sorted(tons, reverse=True) and len(tons) >= 5
    assert body["population"] and body["producers"]["total"] >= 400
    assert {c["sector"] for c in body["top_commodities"]} == {"agriculture", "fisheries"}


@pytest.mark.parametrize("code", ["32.12.99", "99", "abc", "32.12.16.2004.1"])
def test_unknown_area_is_404_problem(client, code):
    assert_problem(client.get(f"/api/v1/areas/{code}"), 404, code)


# ---------------------------------------------------------------- producers


def test_producer_search_body_and_paging(client, components):
    seen, url, pages = [], "/api/v1/producers?q=krupuk&limit=7", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/geo+json"
        body = response.get_json()
        assert_valid(body, "ProducerCollection", components)
        seen += [f["id"] for f in body["features"]]
        nxt = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url = urlsplit(nxt[0])._replace(scheme="", netloc="").geturl() if nxt else None
        pages += 1
    assert pages >= 3 and len(seen) == len(set(seen)) >= 15


def test_producer_search_near(client, components):
    body = client.get("/api/v1/producers?near=108.3143,-6.3594&radius=2500&limit=50&tag=krupuk").get_json()
    assert_valid(body, "ProducerCollection", components)
    distances = [f["properties"]["distance_m"] for f in body["features"]]
    assert distances and distances == sorted(distances) and distances[-1] <= 2500


def test_tolerant_search_over_http(client):
    one = client.get("/api/v1/producers?q=K%C3%A9rupuk&limit=100").get_json()["features"]
    two = client.get("/api/v1/producers?q=kerupuk&limit=100").get_json()["features"]
    assert one and [f["id"] for f in one] == [f["id"] for f in two]


@pytest.mark.parametrize("query,words", [
    ("limit=0", ["limit"]), ("limit=abc", ["limit"]), ("near=abc", ["near"]), ("near=200,0", ["near"]),
    ("radius=100", ["radius", "near"]), ("near=108.3,-6.3&radius=99999", ["radius"]), ("sector=Z", ["sector"]),
    ("area=32.12.99", ["area"]), ("cursor=garbage", ["cursor"]), ("sektor=C", ["sektor", "sector"]),
    ("q=a", ["q"]), ("lang=fr", ["lang"]), ("q=%00x", ["NUL"]), ("limit=5&limit=6", ["limit"]),
])
def test_bad_producer_parameters_are_400_problems(client, query, words):
    assert_problem(client.get(f"/api/v1/producers?{query}"), 400, *words)


# ---------------------------------------------------------------- statistics


def test_stats_body(client, components):
    response = client.get("/api/v1/stats/agriculture?commodity=padi&level=desa&classes=7&method=natural_breaks")
    assert response.status_code == 200
    body = response.get_json()
    assert_valid(body, "Choropleth", components)
    assert body["classes"] == 7 and body["breaks"][-1] == body["max"]
    with_geometry = client.get("/api/v1/stats/fisheries?kind=laut&geometry=true&lang=en").get_json()
    assert_valid(with_geometry, "Choropleth", components)
    assert with_geometry["values"][0]["geometry"]["type"] == "MultiPolygon"
    assert with_geometry["label"] == "Marine capture"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_stats_exports(client, fmt):
    response = client.get(f"/api/v1/stats/agriculture?commodity=padi&f={fmt}")
    assert response.status_code == 200
    assert response.mimetype == FORMATS[fmt][0].split(";")[0]
    assert f'filename="agriculture_padi_2024_kecamatan.{FORMATS[fmt][1]}"' in response.headers["Content-Disposition"]
    assert len(response.get_data()) > 100


@pytest.mark.parametrize("url,status,words", [
    ("/api/v1/stats/forestry?commodity=jati", 404, ["forestry", "agriculture"]),
    ("/api/v1/stats/agriculture?commodity=durian", 404, ["durian", "padi"]),
    ("/api/v1/stats/agriculture?commodity=padi&year=2019", 404, ["2019", "2024"]),
    ("/api/v1/stats/agriculture?commodity=mangga&level=desa", 404, ["kecamatan"]),
    ("/api/v1/stats/agriculture", 400, ["commodity"]),
    ("/api/v1/stats/agriculture?commodity=padi&classes=12", 400, ["classes", "3", "9"]),
    ("/api/v1/stats/agriculture?commodity=padi&method=kmeans", 400, ["method", "quantiles"]),
    ("/api/v1/stats/agriculture?commodity=padi&f=shp", 400, ["f", "csv"]),
    ("/api/v1/stats/fisheries?commodity=laut", 400, ["commodity", "kind"]),
])
def test_stats_problems(client, url, status, words):
    assert_problem(client.get(url), status, *words)


# ---------------------------------------------------------------- opportunities


def test_opportunities(client, components):
    body = client.get("/api/v1/opportunities?sector=fisheries&lang=en").get_json()
    assert_valid(body, "OpportunityCollection", components)
    assert body["features"] and all(f["properties"]["sector"] == "fisheries" for f in body["features"])
    assert all(f["properties"]["title"] == f["properties"]["title_en"] for f in body["features"])
    ranged = client.get("/api/v1/opportunities?min_value=10000000000&max_value=20000000000").get_json()
    assert all(1e10 <= f["properties"]["value_idr"] <= 2e10 for f in ranged["features"])
    assert_problem(client.get("/api/v1/opportunities?min_value=-1"), 400, "min_value")
    assert_problem(client.get("/api/v1/opportunities?min_value=9&max_value=1"), 400, "min_value")


# ---------------------------------------------------------------- exports


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_every_layer(client, fmt):
    for layer in LAYERS:
        response = client.get(f"/api/v1/export/{layer}?f={fmt}")
        assert response.status_code == 200, (layer, response.get_data(as_text=True)[:300])
        assert response.is_streamed
        assert response.mimetype == FORMATS[fmt][0].split(";")[0]
        assert response.headers["Content-Disposition"] == f'attachment; filename="{layer}.{FORMATS[fmt][1]}"'
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.get_data()


def test_export_filters_match_ogc_items(client):
    data = client.get("/api/v1/export/producers?sector=A&bbox=107.8,-6.7,108.6,-6.1").get_data()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and {r["sector"] for r in rows} == {"A"}
    padi = client.get("/api/v1/export/agriculture?f=geojson&commodity=padi&datetime=2020/2021").get_data()
    years = {f["properties"]["year"] for f in json.loads(padi)["features"]}
    assert years == {2020, 2021}


@pytest.mark.parametrize("url,status,words", [
    ("/api/v1/export/roads", 404, ["roads", "producers"]),
    ("/api/v1/export/producers?f=shp", 400, ["f"]),
    ("/api/v1/export/producers?name=x", 400, ["name", "sector"]),
    ("/api/v1/export/producers?employees=many", 400, ["employees"]),
    ("/api/v1/export/producers?bbox=1,2,3", 400, ["bbox"]),
    ("/api/v1/export/producers?datetime=2020", 400, ["datetime"]),
    ("/api/v1/export/agriculture?datetime=20x", 400, ["datetime"]),
])
def test_export_problems(client, url, status, words):
    assert_problem(client.get(url), status, *words)


# ---------------------------------------------------------------- OpenAPI and docs


def test_openapi_document_describes_every_route(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/vnd.oai.openapi+json"
    doc = response.get_json()
    assert doc["openapi"].startswith("3.0")
    documented = set(doc["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("api_v1.", "uploads.")):
            path = rule.rule.rstrip("/").replace("<", "{").replace(">", "}")
            if "{layer_id}" in path:
                assert all(path.replace("{layer_id}", layer) in documented for layer in LAYERS)
            elif "{dataset}" in path:
                assert {"/api/v1/stats/agriculture", "/api/v1/stats/fisheries"} <= documented
            else:
                assert path in documented, path
    for item in doc["paths"].values():
        for operation in item.values():
            assert operation["summary"] and operation["operationId"] and "200" in operation["responses"]
            for param in operation["parameters"]:
                assert param["schema"] and param["description"]


def test_openapi_document_is_valid_openapi_3():
    validate_openapi(openapi_document("http://localhost/"))


def test_openapi_uploads_need_a_bearer_key_and_reads_stay_public():
    doc = openapi_document("")
    scheme = doc["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert doc["paths"][UPLOAD]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in doc  # reads stay public
    assert not [path for path, item in doc["paths"].items() if "security" in item.get("get", {})]


def _concrete(path: str) -> str:
    """A URL of a documented path that answers 200 on the test data."""
    queries = {"/api/v1/stats/agriculture": "?commodity=padi", "/api/v1/stats/fisheries": "?kind=laut"}
    return path.format(code="32.12", area_code="32.12.16", name="swagger-ui.css") + queries.get(path, "")


def _reads(doc) -> list[str]:
    return [path for path, item in doc["paths"].items() if "get" in item and not path.startswith("/api/v1/analysis")]


def test_every_answer_is_declared_with_its_media_type(client, engine):
    doc = openapi_document("")
    etag = client.get("/api/v1/areas/32.12").headers["ETag"]
    fisheries, admin = (keys.create_key(engine, role, role)[1] for role in ("fisheries", keys.ADMIN))
    good = b"kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n"
    answers = [  # (documented path, URL, headers, status)
        ("/api/v1/areas/{code}", "/api/v1/areas/32.12", {"If-None-Match": etag}, 304),
        ("/api/v1/areas/{code}", "/api/v1/areas/99.99", {}, 404),
        ("/api/v1/producers", "/api/v1/producers?near=1,2,3", {}, 400),
        ("/api/v1/stats/agriculture", "/api/v1/stats/agriculture?commodity=durian", {}, 404),
        ("/api/v1/stats/agriculture", "/api/v1/stats/agriculture?commodity=padi&f=xlsx", {}, 200),
        ("/api/v1/export/producers", "/api/v1/export/producers?f=gpkg&sector=C", {}, 200),
        ("/api/v1/docs/assets/{name}", "/api/v1/docs/assets/favicon-32x32.png", {}, 200),
        ("/api/v1/docs/assets/{name}", "/api/v1/docs/assets/swagger-ui.js", {}, 404),
        ("/api/v1/openapi.json", "/api/v1/openapi.json?v=2", {}, 400),
    ]
    for path, url, headers, status in answers:
        with client.get(url, headers=headers) as response:
            assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
            assert_declared(doc, response, path)
    uploads = [
        (_upload(client, good), 401),
        (_upload(client, good, fisheries), 403),
        (_upload(client, good, admin, kind="weather"), 404),
        (_upload(client, good, admin, year="soon"), 400),
        (client.post("/api/v1/uploads/agriculture", json={"file": "x"}, headers={"Authorization": f"Bearer {admin}"}),
         415),
    ]
    for response, status in uploads:
        assert response.status_code == status, response.get_data(as_text=True)[:300]
        assert_declared(doc, response, UPLOAD, "post")


def test_over_the_rate_limit_every_read_answers_a_declared_429(loaded_db):
    doc = openapi_document("")
    client = create_app({"TESTING": True, "SETTINGS": loaded_db, "RATELIMIT_ENABLED": True,
                         "RATELIMIT_DEFAULT": "1/minute"}).test_client()
    for path in _reads(doc):
        client.get(_concrete(path)).close()
        response = client.get(_concrete(path))
        assert response.status_code == 429, path
        assert_declared(doc, response, path)


def test_without_the_database_every_read_of_data_answers_a_declared_503(loaded_db):
    doc = openapi_document("")
    away = replace(loaded_db, database_url="postgresql+psycopg://peta@127.0.0.1:1/peta")  # nothing listens on 1
    client = create_app({"TESTING": True, "SETTINGS": away}).test_client()
    statuses = {}
    for path in _reads(doc):
        response = client.get(_concrete(path))
        statuses[path] = response.status_code
        assert_declared(doc, response, path)
    assert {path for path, status in statuses.items() if status == 200} == {
        "/api/v1", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/assets/{name}"}, statuses
    assert_declared(doc, _upload(client, b"x", "peta_some-key"), UPLOAD, "post")


def _upload(client, data: bytes, token: str | None = None, kind: str = "agriculture", **form):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/api/v1/uploads/{kind}", data={"file": (io.BytesIO(data), "jagung.csv"), **form},
                       headers=headers, content_type="multipart/form-data")


def test_upload_and_load_answers_match_their_schemas(client, engine, components):
    token = keys.create_key(engine, "schema-check", "agriculture")[1]
    good = b"kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n"
    dry = _upload(client, good, token, dry_run="true")
    assert dry.status_code == 200
    assert_valid(dry.get_json(), "UploadReport", components)
    assert dry.get_json()["status"] == "validated"
    loaded = _upload(client, good, token)
    assert loaded.status_code == 200 and loaded.get_json()["status"] == "loaded"
    assert_valid(loaded.get_json(), "UploadReport", components)
    invalid = _upload(client, good.replace(b",10", b",-10"), token)
    body = assert_problem(invalid, 400)
    assert_valid(body, "UploadProblem", components)
    assert body["report"]["issues"][0]["column"] == "produksi_ton"
    assert_valid(assert_problem(_upload(client, good, token, year="soon"), 400), "UploadProblem", components)
    for response, status in ((_upload(client, good), 401), (_upload(client, good, token, kind="fisheries"), 403),
                             (_upload(client, good, token, kind="weather"), 404)):
        assert_valid(assert_problem(response, status), "Problem", components)
    history = client.get("/api/v1/loads?limit=5")
    assert history.status_code == 200
    assert_valid(history.get_json(), "LoadList", components)
    assert history.get_json()["loads"][0]["loaded_by"] == "key:schema-check"


def test_landing_links(client, components):
    body = client.get("/api/v1").get_json()
    assert_valid(body, "Landing", components)
    assert {"service-desc", "service-doc"} <= {link["rel"] for link in body["links"]}


def test_docs_page_uses_local_assets_only(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "https://" not in page and "http://" not in page
    assert "/api/v1/openapi.json" in page and "GET /api/v1/producers" in page
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        assert f"/api/v1/docs/assets/{asset}" in page
        asset_response = client.get(f"/api/v1/docs/assets/{asset}")
        assert asset_response.status_code == 200 and len(asset_response.get_data()) > 10_000
    assert_problem(client.get("/api/v1/docs/assets/..%2Fapp.py"), 404)
    assert_problem(client.get("/api/v1/docs/assets/index.html"), 404)


def test_json_responses_get_etag_and_cors(client):
    response = client.get("/api/v1/areas/32.12.16")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    etag = response.headers["ETag"]
    assert client.get("/api/v1/areas/32.12.16", headers={"If-None-Match": etag}).status_code == 304


def test_self_link_keeps_the_query(client):
    body = client.get("/api/v1/producers?sector=C&limit=3").get_json()
    self_link = next(link["href"] for link in body["links"] if link["rel"] == "self")
    assert parse_qs(urlsplit(self_link).query) == {"sector": ["C"], "limit": ["3"]}


@pytest.mark.parametrize("path", ["/api/v1/producers?limit=100", "/api/v1/opportunities?limit=500",
                                  "/api/v1/stats/agriculture?commodity=padi&level=desa"])
def test_area_code_is_the_area_filter_under_the_ogc_name(client, path):
    """``area_code`` (the OGC API's name) keeps what ``area`` keeps; both at once must agree."""
    def keys(response) -> set[str]:
        body = response.get_json()
        return {str(f["id"]) for f in body["features"]} if "features" in body else {v["code"] for v in body["values"]}
    by_area = client.get(f"{path}&area=32.12.16")
    by_code = client.get(f"{path}&area_code=32.12.16")
    assert by_area.status_code == by_code.status_code == 200
    assert keys(by_area) == keys(by_code) and keys(by_area) and keys(by_area) != keys(client.get(path))
    both = client.get(f"{path}&area=32.12.16&area_code=32.12.01")
    assert both.status_code == 400 and "area_code" in both.get_json()["detail"]
