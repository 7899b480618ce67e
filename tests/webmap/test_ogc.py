"""OGC API – Features at /ogc: documents against schemas, negotiation, paging, filters, errors, real clients."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import Engine, text

from app import create_app
from gis.db import get_engine
from gis.layers import LAYERS
from gis.settings import Settings
from tests.live_server import serve
from webmap.openapi_ogc import build_openapi

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
GEOJSON = "application/geo+json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

LINK = {"type": "object", "required": ["href", "rel"],
        "properties": {"href": {"type": "string", "pattern": "^http"}, "rel": {"type": "string"},
                       "type": {"type": "string"}, "title": {"type": "string"}}}
LINKS = {"type": "array", "items": LINK}
LANDING = {"type": "object", "required": ["title", "links"], "properties": {"links": LINKS}}
CONFORMANCE_SCHEMA = {"type": "object", "required": ["conformsTo"],
                      "properties": {"conformsTo": {"type": "array", "items": {"type": "string", "format": "uri"}}}}
BBOX = {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}
COLLECTION = {
    "type": "object",
    "required": ["id", "title", "description", "links", "itemType", "crs", "extent"],
    "properties": {
        "id": {"type": "string"}, "itemType": {"const": "feature"}, "crs": {"const": [CRS84]}, "links": LINKS,
        "extent": {"type": "object", "required": ["spatial"],
                   "properties": {"spatial": {"type": "object", "required": ["bbox", "crs"],
                                              "properties": {"bbox": {"type": "array", "items": BBOX,
                                                                      "minItems": 1},
                                                             "crs": {"const": CRS84}}},
                                  "temporal": {"type": "object", "required": ["interval"]}}},
    },
}
COLLECTIONS = {"type": "object", "required": ["links", "collections"],
               "properties": {"links": LINKS, "collections": {"type": "array", "items": COLLECTION}}}
FEATURE = {
    "type": "object", "required": ["type", "id", "geometry", "properties"],
    "properties": {"type": {"const": "Feature"}, "id": {"type": ["integer", "string"]},
                   "geometry": {"type": ["object", "null"]}, "properties": {"type": "object"}, "links": LINKS},
}
ITEMS = {
    "type": "object",
    "required": ["type", "features", "links", "numberMatched", "numberReturned", "timeStamp"],
    "properties": {
        "type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": FEATURE}, "links": LINKS,
        "numberMatched": {"type": "integer", "minimum": 0}, "numberReturned": {"type": "integer", "minimum": 0},
        "timeStamp": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"},
    },
}
PROBLEM = {"type": "object", "required": ["title", "status", "detail"],
           "properties": {"status": {"type": "integer"}, "detail": {"type": "string", "minLength": 10}}}


@pytest.fixture(scope="module")
def engine(loaded_template: Settings) -> Iterator[Engine]:
    """These tests only read: they share the session's loaded database instead of cloning one per test."""
    engine = get_engine(loaded_template)
    yield engine
    engine.dispose()  # the template is cloned by other tests: leave no connection open to it


@pytest.fixture(scope="module")
def app(loaded_template: Settings, engine: Engine):
    """The app on the shared loaded database (read-only tests)."""
    return create_app({"TESTING": True, "SETTINGS": loaded_template})


@pytest.fixture(scope="module")
def client(app):
    """Test client of the shared app."""
    return app.test_client()


def get_json(client, url: str, schema: dict, mimetype: str = "application/json", status: int = 200, **kw):
    response = client.get(url, **kw)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    assert response.mimetype == mimetype, url
    body = response.get_json(force=True)
    jsonschema.validate(body, schema)
    return body


def problem(client, url: str, status: int = 400) -> str:
    return get_json(client, url, PROBLEM, "application/problem+json", status)["detail"]


def rel(links: list[dict], name: str, type_: str | None = None) -> dict:
    found = [link for link in links if link["rel"] == name and (type_ is None or link.get("type") == type_)]
    assert found, (name, type_, links)
    return found[0]


def relative(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def count(engine, sql: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


# --- landing page, conformance, API ------------------------------------------------------------------

def test_landing_page_is_json_without_accept_and_links_everything(client):
    for url in ("/ogc", "/ogc/"):
        body = get_json(client, url, LANDING)
        links = body["links"]
        assert relative(rel(links, "service-desc")["href"]) == "/ogc/api"
        assert rel(links, "service-desc")["type"] == "application/vnd.oai.openapi+json;version=3.0"
        assert relative(rel(links, "service-doc", "text/html")["href"]) == "/ogc/api.html"
        assert relative(rel(links, "conformance")["href"]) == "/ogc/conformance"
        assert relative(rel(links, "data")["href"]) == "/ogc/collections"
        rel(links, "self", "application/json")
        rel(links, "alternate", "text/html")


def test_landing_page_html_for_browsers_in_indonesian_or_english(client):
    response = client.get("/ogc/", headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<html lang="id">' in page and "Koleksi" in page and "Accept" in response.headers["Vary"]
    english = client.get("/ogc/?f=html&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Collections" in english
    assert client.get("/ogc/?lang=fr").status_code == 400


def test_conformance_claims_core_geojson_html_oas30_and_cql2(client):
    body = get_json(client, "/ogc/conformance", CONFORMANCE_SCHEMA)
    claims = set(body["conformsTo"])
    base = "http://www.opengis.net/spec/"
    for cls in ("core", "geojson", "html", "oas30"):
        assert f"{base}ogcapi-features-1/1.0/conf/{cls}" in claims
    for cls in ("filter", "features-filter", "queryables"):
        assert f"{base}ogcapi-features-3/1.0/conf/{cls}" in claims
    for cls in ("cql2-text", "basic-cql2", "advanced-comparison-operators", "basic-spatial-functions"):
        assert f"{base}cql2/1.0/conf/{cls}" in claims
    assert "Conformance" in client.get("/ogc/conformance?f=html").get_data(as_text=True)


def test_openapi_document_is_valid_and_covers_every_collection(client):
    response = client.get("/ogc/api")
    assert response.status_code == 200
    assert response.content_type.startswith("application/vnd.oai.openapi+json")
    doc = response.get_json(force=True)
    validate_openapi(doc)
    assert doc["servers"][0]["url"].endswith("/ogc")
    for layer in LAYERS.values():
        items = doc["paths"][f"/collections/{layer.id}/items"]["get"]
        names = {p["name"] for p in items["parameters"]}
        assert {"bbox", "limit", "offset", "filter", "filter-lang", "f"} <= names
        assert set(layer.filters) <= names
        datetime = next(p for p in items["parameters"] if p["name"] == "datetime")  # OGC core: every collection
        assert ("no time" in datetime["description"]) == (not layer.year_sql)
        limit = next(p for p in items["parameters"] if p["name"] == "limit")
        assert limit["schema"]["maximum"] == 10_000 and limit["schema"]["default"] == 100
        assert f"/collections/{layer.id}/items/{{featureId}}" in doc["paths"]
        assert f"/collections/{layer.id}/queryables" in doc["paths"]


def test_api_docs_page_uses_local_assets_only(client):
    for url, headers in (("/ogc/api.html", {}), ("/ogc/api", BROWSER)):
        response = client.get(url, headers=headers)
        assert response.status_code == 200 and response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert "/collections/producers/items" in page and "filter-lang" in page
        assert_no_external_assets(page)


def assert_no_external_assets(page: str) -> None:
    assert not re.search(r"<(script|img|iframe)[^>]+src=", page)
    assert not re.search(r"<link[^>]+stylesheet", page)
    assert "@import" not in page and "cdn" not in page.lower()


# --- collections and queryables ---------------------------------------------------------------------

def test_collections_come_from_the_registry_with_extents_and_links(client):
    """The registry's layers first, in its order; then the analysis results (tests/webmap/test_analysis_ogc.py)."""
    body = get_json(client, "/ogc/collections", COLLECTIONS)
    ids = [c["id"] for c in body["collections"]]
    assert ids[:len(LAYERS)] == list(LAYERS) and len(ids) > len(LAYERS)
    assert all(doc["id"].startswith(doc["analysis"] + "-") for doc in body["collections"][len(LAYERS):])
    for doc in body["collections"][:len(LAYERS)]:
        west, south, east, north = doc["extent"]["spatial"]["bbox"][0]
        assert 107.5 < west < east < 108.8 and -6.8 < south < north < -5.7  # the islands of Pasekan reach -5.8
        assert relative(rel(doc["links"], "items", GEOJSON)["href"]) == f"/ogc/collections/{doc['id']}/items"
        rel(doc["links"], "items", "text/html")
        queryables = rel(doc["links"], "http://www.opengis.net/def/rel/ogc/1.0/queryables")
        assert queryables["type"] == "application/schema+json"
        if LAYERS[doc["id"]].year_sql:
            interval = doc["extent"]["temporal"]["interval"][0]
            assert interval[0].startswith("20") and interval[1].endswith("Z")


def test_one_collection_and_unknown_collection(client):
    doc = get_json(client, "/ogc/collections/producers?lang=en", COLLECTION)
    assert doc["title"] == "Producers (UMKM/IKM)"
    assert get_json(client, "/ogc/collections/producers", COLLECTION)["title"] == "Produsen UMKM/IKM"
    assert relative(rel(doc["links"], "self")["href"]).startswith("/ogc/collections/producers")
    detail = problem(client, "/ogc/collections/umkm", 404)
    assert "umkm" in detail and "producers" in detail
    assert problem(client, "/ogc/collections/umkm/items", 404)
    html = client.get("/ogc/collections/producers", headers=BROWSER).get_data(as_text=True)
    assert "Produsen UMKM/IKM" in html and "/ogc/collections/producers/items" in html


def test_queryables_are_a_json_schema_of_the_registry_properties(client):
    for layer in LAYERS.values():
        response = client.get(f"/ogc/collections/{layer.id}/queryables")
        assert response.status_code == 200 and response.mimetype == "application/schema+json"
        schema = response.get_json(force=True)
        Draft202012Validator.check_schema(schema)
        assert schema["type"] == "object" and schema["$id"].endswith(f"/collections/{layer.id}/queryables")
        assert set(schema["properties"]) == {p.name for p in layer.properties} | {"id", "geometry"}
        assert schema["properties"]["geometry"]["x-ogc-role"] == "primary-geometry"
    tags = client.get("/ogc/collections/producers/queryables").get_json(force=True)["properties"]["tags"]
    assert tags == {"title": "Label", "type": "array", "items": {"type": "string"}}
    html = client.get("/ogc/collections/producers/queryables?f=html").get_data(as_text=True)
    assert "employees" in html and "✓" in html


# --- items --------------------------------------------------------------------------------------------

def test_items_are_geojson_with_counts_links_and_crs(client, engine):
    response = client.get("/ogc/collections/producers/items?limit=10")
    assert response.mimetype == GEOJSON and response.headers["Content-Crs"] == f"<{CRS84}>"
    body = get_json(client, "/ogc/collections/producers/items?limit=10", ITEMS, GEOJSON)
    assert body["numberMatched"] == count(engine, "SELECT count(*) FROM producers")
    assert body["numberReturned"] == len(body["features"]) == 10
    assert relative(rel(body["links"], "next", GEOJSON)["href"]).endswith("limit=10&offset=10&f=json")
    rel(body["links"], "self", GEOJSON)
    rel(body["links"], "alternate", "text/html")
    rel(body["links"], "collection", "application/json")
    assert not [link for link in body["links"] if link["rel"] == "prev"]
    default = get_json(client, "/ogc/collections/producers/items", ITEMS, GEOJSON)
    assert default["numberReturned"] == 100


def test_next_links_walk_all_pages_and_keep_other_parameters(client, engine):
    url, ids, pages = "/ogc/collections/producers/items?sector=C&limit=50&lang=en", [], 0
    while url:
        body = get_json(client, url, ITEMS, GEOJSON)
        ids += [f["id"] for f in body["features"]]
        assert {f["properties"]["sector"] for f in body["features"]} <= {"C"}
        nxt = [link for link in body["links"] if link["rel"] == "next"]
        if pages:
            prev = parse_qs(urlsplit(rel(body["links"], "prev")["href"]).query)
            assert prev["sector"] == ["C"] and prev["limit"] == ["50"]
        url = relative(nxt[0]["href"]) if nxt else ""
        if url:
            query = parse_qs(urlsplit(url).query)
            assert query["sector"] == ["C"] and query["lang"] == ["en"] and query["limit"] == ["50"]
        pages += 1
    expected = count(engine, "SELECT count(*) FROM producers WHERE sector = 'C'")
    assert len(ids) == len(set(ids)) == expected and ids == sorted(ids) and pages == -(-expected // 50)


def test_property_filters(client, engine):
    body = get_json(client, "/ogc/collections/producers/items?sector=C&kbli=10794&limit=1000", ITEMS, GEOJSON)
    expected = count(engine, "SELECT count(*) FROM producers WHERE sector = 'C' AND kbli = '10794'")
    assert body["numberMatched"] == body["numberReturned"] == expected > 0
    tagged = get_json(client, "/ogc/collections/producers/items?tags=krupuk", ITEMS, GEOJSON)
    assert tagged["numberMatched"] == count(engine, "SELECT count(*) FROM producers WHERE 'krupuk' = ANY(tags)")
    desa = get_json(client, "/ogc/collections/desa/items?parent_code=32.12.01", ITEMS, GEOJSON)
    assert desa["numberMatched"] == count(engine, "SELECT count(*) FROM areas WHERE parent_code = '32.12.01'")


def test_bbox_and_datetime(client, engine):
    body = get_json(client, "/ogc/collections/producers/items?bbox=108.2,-6.5,108.4,-6.3&limit=1000",
                    ITEMS, GEOJSON)
    assert body["numberMatched"] == count(engine, "SELECT count(*) FROM producers WHERE "
                                                  "ST_Intersects(geom, ST_MakeEnvelope(108.2,-6.5,108.4,-6.3,4326))")
    yearly = get_json(client, "/ogc/collections/agriculture/items?datetime=2024&limit=1000", ITEMS, GEOJSON)
    assert {f["properties"]["year"] for f in yearly["features"]} == {2024}
    interval = get_json(client, "/ogc/collections/fisheries/items?datetime=2020-01-01/2022-12-31", ITEMS, GEOJSON)
    assert interval["numberMatched"] == count(
        engine, "SELECT count(*) FROM fisheries_production WHERE year BETWEEN 2020 AND 2022")


def test_cql2_text_filter(client, engine):
    cql = "sector = 'C' AND employees >= 5 AND S_INTERSECTS(geometry, BBOX(107.8, -6.7, 108.6, -6.2))"
    body = get_json(client, "/ogc/collections/producers/items", ITEMS, GEOJSON,
                    query_string={"filter": cql, "filter-lang": "cql2-text", "limit": "1000"})
    assert body["numberMatched"] == count(engine, "SELECT count(*) FROM producers WHERE sector = 'C' "
                                                  "AND employees >= 5")
    casei = get_json(client, "/ogc/collections/producers/items", ITEMS, GEOJSON,
                     query_string={"filter": "CASEI(name) LIKE CASEI('%KRUPUK%')"})
    assert casei["numberMatched"] == count(engine, "SELECT count(*) FROM producers WHERE name ILIKE '%krupuk%'")
    nxt = parse_qs(urlsplit(rel(body["links"], "self")["href"]).query)
    assert nxt["filter"] == [cql]


@pytest.mark.parametrize("query, message", [
    ("bbox=108,-6", "bbox must be minLon,minLat,maxLon,maxLat"),
    ("bbox=a,b,c,d", "numbers only"),
    ("bbox=108,-6,109,-95", "out of range"),
    ("limit=0", "limit must be between 1"),
    ("limit=ten", "limit must be a whole number"),
    ("offset=-5", "offset must be between 0"),
    ("datetime=yesterday", "datetime must be RFC 3339"),
    ("datetime=2024/2020", "ends before it starts"),
    ("colour=red", "unknown parameter 'colour'"),
    ("name=Krupuk", "'name' cannot be used as ?name=; filters of producers: kbli, sector"),
    ("employees=many", "employees must be whole numbers"),
    ("filter=colour%3D'red'", "unknown property 'colour'"),
    ("filter=sector%3D", "position"),
    ("filter=%20", "filter is empty"),
    ("filter=sector%3D'C'&filter-lang=cql2-json", "filter-lang must be cql2-text"),
    ("crs=EPSG:3857", "crs must be http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
    ("bbox-crs=EPSG:4326", "bbox-crs must be"),
    ("f=kml", "f must be one of json, html"),
    ("lang=fr", "lang must be one of id, en"),
])
def test_bad_parameters_are_400_problems_saying_what_to_fix(client, query, message):
    detail = problem(client, f"/ogc/collections/producers/items?{query}")
    assert message in detail, detail


def test_the_document_gives_the_parameters_each_route_parses(client):
    """One spec per operation (webmap.ogc_params) parses the requests and writes the OpenAPI parameters."""
    from webmap.ogc_params import PAGE_SPEC, item_spec, items_spec
    from webmap.ogc_providers import describe_layer

    paths = client.get("/ogc/api").get_json(force=True)["paths"]
    for path in ("/", "/conformance", "/api", "/collections", "/collections/producers"):
        assert paths[path]["get"]["parameters"] == PAGE_SPEC.openapi(), path
    for layer in LAYERS.values():
        found = describe_layer(layer, "en")
        assert paths[f"/collections/{layer.id}/items"]["get"]["parameters"] == items_spec(found).openapi()
        assert paths[f"/collections/{layer.id}/items/{{featureId}}"]["get"]["parameters"] == item_spec(
            found).openapi()
        for name in items_spec(found).names:  # every name the route takes is a documented one, and back
            response = client.get(f"/ogc/collections/{layer.id}/items", query_string={"offset": 9999, name: ""})
            assert response.status_code == 200, (layer.id, name, response.get_data(as_text=True))


@pytest.mark.parametrize("query", ["f=", "lang=", "filter=", "sector=", "bbox=", "crs=", "sortby=", "datetime="])
def test_an_empty_parameter_means_not_given(client, query):
    """As HTML forms send them (allowEmptyValue); properties= alone is OGC's "no property" (see below)."""
    plain = client.get("/ogc/collections/producers/items?offset=3&limit=3").get_json()
    given = get_json(client, f"/ogc/collections/producers/items?offset=3&{query}&limit=3", ITEMS, GEOJSON)
    assert given["features"] == plain["features"] and given["numberMatched"] == plain["numberMatched"]


@pytest.mark.parametrize("url,status,words", [
    ("/ogc/collections/producers/items?limit=5&limit=6", 400, ["give limit once"]),
    ("/ogc/collections/producers/items?sector=C&sector=G", 400, ["give sector once"]),
    ("/ogc?colour=red", 400, ["unknown parameter(s) colour", "f, lang"]),
    ("/ogc/collections?f=kml", 400, ["f must be one of json, html"]),
    ("/ogc/conformance?lang=EN", 400, ["lang must be one of id, en", "'EN'"]),
    ("/ogc/collections/producers/queryables?limit=5", 400, ["unknown parameter(s) limit"]),
    ("/ogc/collections/producers/items?properties=name,", 400, ["properties", "none empty"]),
    ("/ogc/collections/producers/items?sortby=name,,-kbli", 400, ["sortby needs property names"]),
    ("/ogc/collections/producers/items?bbox=108,-6,109,-5,1", 400, ["bbox must be minLon,minLat,maxLon,maxLat"]),
    ("/ogc/collections/producers/items?bbox=1_08,-6,109,-5", 400, ["bbox must contain numbers only"]),
    ("/ogc/collections/producers/items?datetime=2024-01-01T00:00", 400, ["datetime must be RFC 3339"]),
    ("/ogc/collections/producers/items/abc", 404, ["featureId must be a whole number", "'abc'"]),
    ("/ogc/collections/producers/items/1?f=csv", 400, ["f must be one of json, html"]),
])
def test_every_route_parses_through_its_spec(client, url, status, words):
    detail = problem(client, url, status)
    for word in words:
        assert word in detail, detail


def test_what_ogc_clients_send_is_read(client):
    """Six numbers with heights, RFC 3339 date-times, the names of CRS84 and media types as formats."""
    box = get_json(client, "/ogc/collections/producers/items?bbox=108.2,-6.5,0,108.4,-6.3,100&limit=1000",
                   ITEMS, GEOJSON)
    assert box["numberMatched"] == get_json(client, "/ogc/collections/producers/items?bbox=108.2,-6.5,108.4,-6.3"
                                                    "&limit=1000", ITEMS, GEOJSON)["numberMatched"]
    for query in ("datetime=2020-01-01T00:00:00Z/2022-12-31T23:59:59Z", "datetime=2020/", "datetime=../2022",
                  "f=application/geo%2Bjson", "f=application/json", "crs=urn:ogc:def:crs:OGC::CRS84"):
        get_json(client, f"/ogc/collections/fisheries/items?limit=1&{query}", ITEMS, GEOJSON)
    assert client.get("/ogc/collections/producers?f=text/html").mimetype == "text/html"


def test_a_collection_without_years_takes_datetime_and_keeps_every_feature(client):
    """OGC API - Features core: every collection takes datetime."""
    every = client.get("/ogc/collections/producers/items?limit=1").get_json()["numberMatched"]
    dated = get_json(client, "/ogc/collections/producers/items?limit=1&datetime=2024", ITEMS, GEOJSON)
    assert dated["numberMatched"] == every
    assert "datetime must be RFC 3339" in problem(client, "/ogc/collections/producers/items?datetime=soon")


def test_unknown_filter_property_lists_the_allowed_ones(client):
    detail = problem(client, "/ogc/collections/producers/items?filter=nama%3D'x'")
    for name in ("name", "products", "kbli", "sector", "tags", "geometry"):
        assert name in detail


def test_parameters_clients_add_are_accepted(client):
    for query in ("f=json", "f=geojson", "lang=en", f"crs={CRS84}", "crs=OGC:CRS84", f"bbox-crs={CRS84}",
                  "_=1712345678", f"filter-crs={CRS84}&filter=sector%3D'C'"):
        response = client.get(f"/ogc/collections/producers/items?limit=1&{query}")
        assert response.status_code == 200, (query, response.get_data(as_text=True))


def test_limit_above_the_maximum_is_served_as_the_maximum(client):
    # OGC API Features /req/core/fc-limit-response-1 C: a limit above the maximum is not an error.
    body = get_json(client, "/ogc/collections/producers/items?limit=50000", ITEMS, GEOJSON)
    assert body["numberReturned"] == 400 and len(body["features"]) == 400


def test_one_feature(client):
    feature = get_json(client, "/ogc/collections/producers/items/1", FEATURE, GEOJSON)
    assert feature["id"] == 1 and feature["geometry"]["type"] == "Point"
    rel(feature["links"], "collection")
    assert relative(rel(feature["links"], "self")["href"]) == "/ogc/collections/producers/items/1?f=json"
    area = get_json(client, "/ogc/collections/kecamatan/items/32.12.01", FEATURE, GEOJSON)
    assert area["id"] == "32.12.01" and area["geometry"]["type"] == "MultiPolygon"
    for url in ("/ogc/collections/producers/items/999999", "/ogc/collections/producers/items/abc",
                "/ogc/collections/nope/items/1"):
        assert problem(client, url, 404)
    assert problem(client, "/ogc/collections/producers/items/1?crs=EPSG:3857")
    assert "unknown parameter 'sector'" in problem(client, "/ogc/collections/producers/items/1?sector=C")
    html = client.get("/ogc/collections/producers/items/1", headers=BROWSER).get_data(as_text=True)
    assert "<svg" in html and "Krupuk" in html and "Koordinat (lintang, bujur)" in html


def test_items_html_table_with_pager_and_preview(client):
    response = client.get("/ogc/collections/producers/items?limit=20&offset=20&sector=C", headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert page.count("<tr>") == 21 and "<svg" in page and "Menampilkan 21–40 dari" in page
    assert "offset=40" in page and "Berikutnya" in page and "Sebelumnya" in page
    assert "/ogc/collections/producers/items/" in page
    assert_no_external_assets(page)
    english = client.get("/ogc/collections/kecamatan/items?f=html&lang=en").get_data(as_text=True)
    assert "Showing 1–31 of 31 features." in english and "<polyline" in english


def test_items_answer_head_and_conditional_requests(client):
    response = client.get("/ogc/collections/producers/items/1")
    etag = response.headers["ETag"]
    assert client.get("/ogc/collections/producers/items/1", headers={"If-None-Match": etag}).status_code == 304
    assert client.head("/ogc/collections/producers/items?limit=5").status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("query", [
    "filter=" + "(" * 500, "filter=NOT%20" * 50 + "TRUE", "filter=S_INTERSECTS(geometry,POINT(1e999%200))",
    "filter=S_INTERSECTS(geometry,POLYGON((0%200,1%201,0%200)))", "filter=name%20LIKE%205", "bbox=180,90,-180,-90",
    "offset=99999999999", "limit=99999999999999999999", "datetime=../..", "filter=id%3D'1'",
    "filter=A_CONTAINS(tags,(1,TRUE))", "filter=established_year%3D99999999999999", "filter='a'%3D'a'",
    "filter=employees%3D2.5", "filter=CASEI('X')%3Dname", "sector=%00", "filter=name%3D'%00'",
    "filter=employees%3D" + "0" * 5000,  # Python reads at most 4300 digits as an int
])
def test_odd_input_never_causes_a_server_error(client, query):
    response = client.get(f"/ogc/collections/producers/items?{query}")
    assert response.status_code in (200, 400), (query, response.get_data(as_text=True))
    if response.status_code == 400:
        assert response.mimetype == "application/problem+json"



def test_area_labels_are_one_named_point_inside_each_area(client, engine):
    """The label points the pages fetch: every area once, its name, level and rank, a point inside its polygon."""
    body = get_json(client, "/ogc/collections/area-labels/items?limit=2000", ITEMS, GEOJSON)
    areas = count(engine, "SELECT count(*) FROM areas")
    assert body["numberMatched"] == body["numberReturned"] == areas and not [
        link for link in body["links"] if link["rel"] == "next"]
    features = body["features"]
    assert {f["geometry"]["type"] for f in features} == {"Point"}
    assert all(list(f["properties"]) == ["code", "name", "level", "parent_code", "rank"] for f in features)
    assert all(f["id"] == f["properties"]["code"] and f["properties"]["name"] for f in features)
    with engine.connect() as conn:
        outside = conn.execute(text(
            "SELECT p.code FROM json_to_recordset(CAST(:features AS json)) AS p(code text, x float8, y float8) "
            "JOIN areas a ON a.code = p.code WHERE NOT ST_Contains(a.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326))"),
            {"features": json.dumps([{"code": f["id"], "x": f["geometry"]["coordinates"][0],
                                      "y": f["geometry"]["coordinates"][1]} for f in features])}).scalars().all()
        by_population = conn.execute(text(
            "SELECT name FROM areas WHERE level = 'kecamatan' "
            "ORDER BY population DESC NULLS LAST, area_km2 DESC NULLS LAST, code")).scalars().all()
    assert outside == []
    kecamatan = sorted((f["properties"] for f in features if f["properties"]["level"] == "kecamatan"),
                       key=lambda p: p["rank"])
    assert [p["name"] for p in kecamatan] == by_population  # rank 1: the most populous
    only = get_json(client, "/ogc/collections/area-labels/items?level=kecamatan&limit=100", ITEMS, GEOJSON)
    assert only["numberMatched"] == len(kecamatan) == count(engine, "SELECT count(*) FROM areas "
                                                                    "WHERE level = 'kecamatan'")
    compressed = client.get("/ogc/collections/area-labels/items?limit=2000", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert len(compressed.data) < 25_000  # one request for every name of the regency, small on a weak signal

# --- real clients against a live server ---------------------------------------------------------------

@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served by werkzeug on a free port of 127.0.0.1, in a thread."""
    with serve(app) as url:
        yield url


def test_owslib_reads_collections_and_items(live_server, engine):
    from owslib.ogcapi.features import Features

    api = Features(f"{live_server}/ogc")
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    ids = [c["id"] for c in api.collections()["collections"]]
    assert ids[:len(LAYERS)] == list(LAYERS) and "lq-agriculture-padi" in ids
    assert api.collection("producers")["itemType"] == "feature"
    items = api.collection_items("producers", limit=5, sector="C")
    assert len(items["features"]) == 5
    assert items["numberMatched"] == count(engine, "SELECT count(*) FROM producers WHERE sector = 'C'")
    assert api.collection_item("producers", "1")["id"] == 1
    assert "geometry" in api.collection_queryables("producers")["properties"]


def test_gdal_ogrinfo_reads_the_feature_count(live_server, engine):
    result = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{live_server}/ogc", "producers"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    expected = count(engine, "SELECT count(*) FROM producers")
    assert f"Feature Count: {expected}" in result.stdout, result.stdout
    assert "Geometry: Point" in result.stdout and "kbli: String" in result.stdout
    listing = subprocess.run(["ogrinfo", "-ro", f"OAPIF:{live_server}/ogc"], capture_output=True, text=True,
                             timeout=120, check=False)
    for layer_id in (*LAYERS, "lq-agriculture-padi", "leading-fisheries"):
        assert f": {layer_id} (" in listing.stdout, listing.stdout


def test_svg_preview_draws_points_as_dots_and_lines_as_polylines():
    from webmap.ogc_html import svg_preview

    svg = svg_preview([{"type": "MultiPoint", "coordinates": [[108, -6], [108.1, -6.1]]},
                        {"type": "Polygon", "coordinates": [[[108, -6], [108.1, -6], [108, -6.1], [108, -6]]]},
                        {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [108, -6]}]},
                        None])
    assert svg.count("<circle") == 3 and svg.count("<polyline") == 1
    assert svg_preview([None]) == ""


def test_items_download_every_matching_feature_as_csv(client):
    response = client.get("/ogc/collections/producers/items?f=csv&sector=C&limit=5")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).strip().splitlines()
    as_json = client.get("/ogc/collections/producers/items?sector=C&limit=1000").get_json()
    assert len(lines) - 1 == as_json["numberMatched"] > 5  # a download ignores paging


@pytest.mark.parametrize("url", [
    *(f"/ogc/collections/producers/items?f={fmt}&sector=C" for fmt in ("csv", "gpkg", "xlsx")),
    "/ogc/collections/agriculture/items?f=csv&datetime=2024",
    "/ogc/collections/lq-agriculture-padi/items?f=csv",
    "/ogc/collections/klassen-agriculture-padi/items?f=xlsx",
])
def test_without_the_database_a_download_answers_a_declared_503_not_a_broken_file(loaded_template, url):
    """A download streams after its 200: the database is reached first (gis.exports), so that it answers 503."""
    away = replace(loaded_template, database_url="postgresql+psycopg://peta@127.0.0.1:1/peta")  # nothing on port 1
    response = create_app({"TESTING": True, "SETTINGS": away}).test_client().get(url)
    assert response.status_code == 503, (url, response.status_code, response.get_data()[:200])
    assert response.mimetype == "application/problem+json" and response.headers["Retry-After"]
    declared = build_openapi("/ogc")["paths"]
    path = re.sub(r"/collections/(lq|klassen)-agriculture-padi/", r"/collections/\1-{sector}-{commodity}/",
                  urlsplit(url).path.removeprefix("/ogc"))
    assert "Retry-After" in declared[path]["get"]["responses"]["503"]["headers"]


def test_numbers_matched_are_kept_until_the_data_change(loaded_db):
    """Counting every match costs a scan: every page of a query shares one count until the data change."""
    import time

    client = create_app({"TESTING": True, "SETTINGS": loaded_db}).test_client()
    engine = get_engine(loaded_db)  # a database of its own: this test writes, the module's is shared

    def matched() -> int:
        response = client.get("/ogc/collections/producers/items?limit=1&offset=1")
        assert response.status_code == 200
        return response.get_json()["numberMatched"]

    before = count(engine, "SELECT count(*) FROM producers")
    assert matched() == before
    with engine.begin() as conn:  # a change behind the app's back, as another worker's load would be
        conn.execute(text("INSERT INTO producers (name, name_key, area_code, geom, location_precision, "
                          "load_run_id) SELECT name || ' 2', name_key || '2', area_code, geom, "
                          "location_precision, load_run_id FROM producers ORDER BY id LIMIT 1"))
    assert matched() == before  # the kept count: the data version is looked at every few seconds
    deadline = time.monotonic() + 15
    while matched() != before + 1:
        assert time.monotonic() < deadline, "the count was not renewed after the data changed"
        time.sleep(0.5)


@pytest.mark.parametrize("code", ["32.12", "32.12.16", "32.12.16.2004"])
def test_the_area_filter_agrees_on_every_interface(client, engine, code):
    """OGC items, the REST search and the exports keep the same producers for an area code at every level."""
    with engine.connect() as conn:
        inside = set(conn.execute(text("SELECT id FROM producers WHERE area_code = :c OR area_code LIKE :p"),
                                  {"c": code, "p": code + ".%"}).scalars())
    assert inside
    ogc = get_json(client, f"/ogc/collections/producers/items?area_code={code}&limit=1000", ITEMS, GEOJSON)
    assert ogc["numberMatched"] == len(inside) and {f["id"] for f in ogc["features"]} == inside
    ids, cursor = set(), ""
    while cursor is not None:
        page = client.get(f"/api/v1/producers?area={code}&limit=100" + (f"&cursor={cursor}" if cursor else ""))
        body = page.get_json()
        ids |= {f["id"] for f in body["features"]}
        cursor = body.get("next_cursor")
    assert ids == inside
    rows = client.get(f"/api/v1/export/producers?area={code}&f=csv").get_data(as_text=True).strip().splitlines()
    assert len(rows) - 1 == len(inside)


def test_properties_choose_and_order_what_is_returned(client):
    body = get_json(client, "/ogc/collections/producers/items?properties=sector,name&limit=3", ITEMS, GEOJSON)
    assert [list(f["properties"]) for f in body["features"]] == [["sector", "name"]] * 3
    bare = get_json(client, "/ogc/collections/producers/items?properties=&limit=2", ITEMS, GEOJSON)
    assert [f["properties"] for f in bare["features"]] == [{}, {}] and bare["features"][0]["geometry"]
    one = client.get("/ogc/collections/producers/items/1?properties=name").get_json()
    assert list(one["properties"]) == ["name"]
    assert "properties: producers has no property 'nama'" in problem(
        client, "/ogc/collections/producers/items?properties=name,nama")
    csv_text = client.get("/ogc/collections/producers/items?properties=name&f=csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").splitlines()[0] == "id,name,lon,lat"  # a download keeps the choice


def test_sortby_orders_the_pages_then_by_id(client, engine):
    body = get_json(client, "/ogc/collections/producers/items?sortby=-employees,name&limit=50", ITEMS, GEOJSON)
    with engine.connect() as conn:
        expected = list(conn.execute(text("SELECT id FROM producers ORDER BY employees DESC NULLS LAST, "
                                          "name, id LIMIT 50")).scalars())
    assert [f["id"] for f in body["features"]] == expected
    second = get_json(client, "/ogc/collections/producers/items?sortby=-employees,name&limit=50&offset=50",
                      ITEMS, GEOJSON)
    assert not {f["id"] for f in second["features"]} & set(expected)
    assert "holds a list" in problem(client, "/ogc/collections/producers/items?sortby=tags")
    assert "no property 'gaji'" in problem(client, "/ogc/collections/producers/items?sortby=-gaji")


def test_owslib_asks_for_properties_and_sortby(live_server, engine):
    from owslib.ogcapi.features import Features

    api = Features(f"{live_server}/ogc")
    items = api.collection_items("producers", limit=5, properties="name,employees", sortby=("employees", "desc"))
    assert [list(f["properties"]) for f in items["features"]] == [["name", "employees"]] * 5
    most = count(engine, "SELECT max(employees) FROM producers")
    assert items["features"][0]["properties"]["employees"] == most
