"""REST v1 at ``/api/v1``: area profiles, producer search, choropleth statistics, opportunities, exports.

Parsing and HTTP live here; the work is done by ``gis.profiles``, ``gis.search``, ``gis.stats`` and
``gis.exports``, which return plain data. Each route parses its query through one ``Spec``
(``webmap.params``), and the OpenAPI document (``webmap.openapi_v1``) is generated from the same specs;
it takes in the analysis endpoints (``webmap.analysis_api``) and the stewards' uploads
(``webmap.openapi_uploads``). The statistics and export specs are made from the layer registry when asked,
so a layer registered later is parsed and documented too.
"""

from __future__ import annotations

import html
import mimetypes
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request

from gis import exports, profiles, search, stats
from gis.area_codes import is_inside
from gis.features import Selection
from gis.i18n import t
from gis.kbli import SECTIONS
from gis.layers import LAYERS, Layer
from webmap import analysis_api, openapi_uploads, openapi_v1, packages
from webmap.current import data_memo
from webmap.current import engine as _engine
from webmap.http import link, stream_export
from webmap.openapi_v1 import FILES, GEOJSON, OPENAPI, READ, Operation, ref
from webmap.params import (
    AREA_CODES,
    LANG,
    BadParameter,
    Param,
    Spec,
    bbox,
    boolean,
    choice,
    choose_lang,
    integer,
    number,
    point,
    property_filter,
    string,
    years,
)
from webmap.problems import NotFound

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")

OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.0"
EXPORT_FORMATS = tuple(exports.FORMATS)
DOC_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
              "favicon-16x16.png", "favicon-32x32.png")
MAX_OFFSET = 10_000
MAX_VALUE_IDR = 10**15

# --------------------------------------------------------------------------- parameters

AREA_HINT = "a Kemendagri code such as 32.12, 32.12.16 or 32.12.16.2004"
AREA = Param("area", string(13, AREA_CODES, AREA_HINT), "Kemendagri code of a kabupaten, kecamatan or desa: "
             "only what lies inside it.", example="32.12.16")
AREA_CODE_ALIAS = Param("area_code", string(13, AREA_CODES, AREA_HINT), "The same as area, under the name of the "
                        "OGC API's filter (either may be given, not both).", example="32.12.16")
LANDING = Spec(LANG)
AREA_PROFILE = Spec(Param("code", string(13, AREA_CODES, AREA_HINT), "Kemendagri code (32.12, 32.12.16, "
                          "32.12.16.2004).", where="path", example="32.12.16"), LANG)
PRODUCERS = Spec(
    Param("q", string(search.MAX_QUERY_LENGTH), "Words to find in name, products and tags (case and accents "
          "ignored).", example="krupuk"),
    Param("sector", choice(*sorted(SECTIONS)), "KBLI 2020 section letter."),
    Param("tag", string(64, r"[\w-]+", "letters, digits, '-' or '_'"), "A tag, e.g. krupuk."),
    AREA,
    AREA_CODE_ALIAS,
    Param("near", point(), "lon,lat: only producers within radius, nearest first, with distance_m."),
    Param("radius", number(1, search.MAX_RADIUS_M), "Metres around near.", default=search.DEFAULT_RADIUS_M),
    Param("limit", integer(1, search.MAX_LIMIT), "Page size.", default=search.DEFAULT_LIMIT),
    Param("cursor", string(200), "next_cursor of the previous page."),
    LANG,
)
OPPORTUNITIES = Spec(
    Param("sector", string(64), "Sector, e.g. fisheries, agroindustry."),
    Param("status", string(32), "Status, e.g. tersedia."),
    Param("readiness", string(32), "Readiness, e.g. siap_investasi."),
    AREA,
    AREA_CODE_ALIAS,
    Param("min_value", number(0, MAX_VALUE_IDR), "Smallest investment value (IDR)."),
    Param("max_value", number(0, MAX_VALUE_IDR), "Largest investment value (IDR)."),
    Param("limit", integer(1, 500), "Page size.", default=100),
    Param("offset", integer(0, MAX_OFFSET), "Items to skip.", default=0),
    LANG,
)
NO_PARAMETERS = Spec()
SUBJECTS = {"commodity": "Commodity (e.g. padi, mangga).", "kind": "Fisheries kind (e.g. tambak, laut)."}
DOC_ASSET = Spec(Param("name", choice(*DOC_ASSETS), "A file of Swagger UI.", where="path"))


def stats_spec(dataset: stats.Dataset) -> Spec:
    """The parameters of ``/stats/{dataset}``."""
    subject = dataset.subject_param
    return Spec(
        Param(subject, string(64), SUBJECTS.get(subject, f"The {subject} to map."), required=True),
        Param("year", integer(1900, 2100), "Year (default: the latest)."),
        Param("level", choice(*stats.LEVELS), "Area level.", default="kecamatan"),
        Param("measure", choice(*dataset.measures), "Measure.", default=dataset.default_measure),
        Param("method", choice(*stats.METHODS), "Classification: quantiles, natural breaks (Fisher-Jenks) or "
              "equal interval.", default="quantiles"),
        Param("classes", integer(stats.MIN_CLASSES, stats.MAX_CLASSES), "Number of classes.",
              default=stats.DEFAULT_CLASSES),
        Param("geometry", boolean(), "Include the area geometries (f=geojson and f=gpkg always do).", default=False),
        AREA,
        AREA_CODE_ALIAS,
        Param("f", choice("json", *EXPORT_FORMATS), "json, or a file format to download.", default="json"),
        LANG,
    )



def export_spec(layer: Layer) -> Spec:
    """The parameters of ``/export/{layer}``: format, bbox, years, the layer's filters, area, language."""
    return Spec(
        Param("f", choice(*EXPORT_FORMATS), "File format.", default="csv"),
        Param("bbox", bbox(), "Only what intersects minLon,minLat,maxLon,maxLat (WGS84)."),
        *([Param("datetime", years(), "A year or interval: 2024, 2020/2024, 2020/.., ../2024.")]
          if layer.year_sql else []),
        *(property_filter(p) for p in layer.properties if p.filterable),
        *([AREA] if layer.prop("area_code") is not None else []),
        LANG,
    )


# --------------------------------------------------------------------------- helpers


def _area(fields: dict[str, Any]) -> str | None:
    """The area filter, given as ``area`` or as ``area_code`` (the OGC API's name); both at once must agree."""
    area, alias = fields.get("area"), fields.get("area_code")
    if area and alias and area != alias:
        raise BadParameter(f"area and area_code name the same filter; give one (got {area!r} and {alias!r})")
    return area or alias


def _lang(fields: Mapping[str, Any]) -> str:
    return choose_lang(fields["lang"], request.headers.get("Accept-Language"))


def _url(path: str, args: Mapping[str, Any] | None = None) -> str:
    root = request.host_url.rstrip("/")
    query = urlencode({k: v for k, v in (args or {}).items() if v not in (None, "")})
    return f"{root}{path}" + (f"?{query}" if query else "")


# --------------------------------------------------------------------------- routes


@bp.get("")
@bp.get("/")
def landing() -> Response:
    """Links to every REST v1 endpoint and to the API documents."""
    lang = _lang(LANDING.parse(request.args))
    return jsonify({
        "title": "Peta Ekonomi REST API v1",
        "description": t("api.description", lang),
        "links": [
            link(_url("/api/v1"), "self"),
            link(_url("/api/v1/openapi.json"), "service-desc", OPENAPI_TYPE),
            link(_url("/api/v1/docs"), "service-doc", "text/html"),
            link(_url("/api/v1/producers"), "producers", "application/geo+json"),
            link(_url("/api/v1/opportunities"), "opportunities", "application/geo+json"),
            link(_url("/api/v1/areas/32.12"), "area"),
        ],
    })


@bp.get("/areas/<code>")
def area(code: str) -> Response:
    """Profile of a kabupaten, kecamatan or desa."""
    fields = AREA_PROFILE.parse(request.args, {"code": code})
    profile = profiles.area_profile(_engine(), code, _lang(fields), data_memo())
    links = [link(_url(f"/api/v1/areas/{code}", {"lang": fields["lang"]}), "self"),
             link(_url("/api/v1/producers", {"area": code}), "producers", "application/geo+json"),
             link(_url("/api/v1/opportunities", {"area": code}), "opportunities", "application/geo+json"),
             link(_url(f"/wilayah/{code}"), "page", "text/html")]
    if profile["level"] in ("kabupaten", "kecamatan", "desa"):
        links.append(link(_url(f"/ogc/collections/{profile['level']}/items/{code}"), "item", "application/geo+json"))
    if profile["parent"]:
        links.append(link(_url(f"/api/v1/areas/{profile['parent']['code']}"), "up"))
    for child in profile["children"]:
        child["href"] = _url(f"/api/v1/areas/{child['code']}")
    return jsonify({**profile, "links": links})


@bp.get("/producers")
def producers() -> Response:
    """Search producers by text, sector, tag, area and distance; keyset paging with ``cursor``."""
    fields = PRODUCERS.parse(request.args)
    if request.args.get("radius") and fields["near"] is None:
        raise BadParameter("radius needs near=lon,lat")
    query = search.ProducerQuery(
        q=fields["q"], sector=fields["sector"], tag=fields["tag"], area=_area(fields), near=fields["near"],
        radius_m=fields["radius"], limit=fields["limit"], cursor=fields["cursor"],
    )
    body = search.search_producers(_engine(), query, _lang(fields))
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    links = [link(_url("/api/v1/producers", request.args), "self", "application/geo+json")]
    if body["next_cursor"]:
        links.append(link(_url("/api/v1/producers", {**args, "cursor": body["next_cursor"]}), "next",
                           "application/geo+json"))
    response = jsonify({**body, "links": links})
    response.mimetype = "application/geo+json"
    return response


@bp.get("/stats/<dataset>")
def statistics(dataset: str) -> Response:
    """Choropleth values per area with class breaks; ``f=`` exports them."""
    if dataset not in stats.DATASETS:
        raise NotFound(f"no statistics called {dataset!r}; use one of {', '.join(stats.DATASETS)}")
    declared = stats.DATASETS[dataset]
    fields = stats_spec(declared).parse(request.args)
    query = stats.StatsQuery(
        dataset=dataset, subject=fields[declared.subject_param], year=fields["year"], level=fields["level"],
        measure=fields["measure"], method=fields["method"], classes=fields["classes"],
        geometry=fields["geometry"] or fields["f"] in ("geojson", "gpkg"),
    )
    result = stats.choropleth(_engine(), query, _lang(fields))
    area = _area(fields)
    if area:  # the classes stay those of the whole level, as on the map
        result = {**result, "values": [v for v in result["values"] if is_inside(v["code"], area)]}
    if fields["f"] != "json":
        return stream_export(exports.stats_export(result, fields["f"]))
    return jsonify(result)


@bp.get("/opportunities")
def opportunities() -> Response:
    """Investment opportunities filtered by sector, status, readiness, area and value."""
    fields = OPPORTUNITIES.parse(request.args)
    query = search.OpportunityQuery(
        sector=fields["sector"], status=fields["status"], readiness=fields["readiness"], area=_area(fields),
        min_value=fields["min_value"], max_value=fields["max_value"], limit=fields["limit"], offset=fields["offset"],
    )
    body = search.list_opportunities(_engine(), query, _lang(fields))
    response = jsonify({**body, "links": [link(_url("/api/v1/opportunities", request.args), "self",
                                                "application/geo+json")]})
    response.mimetype = "application/geo+json"
    return response


@bp.get("/export/<layer_id>")
def export(layer_id: str) -> Response:
    """Download a registry layer as CSV, GeoJSON, GeoPackage or XLSX, with OGC-style filters."""
    layer = LAYERS.get(layer_id)
    if layer is None:
        raise NotFound(f"no layer called {layer_id!r}; layers: {', '.join(LAYERS)}")
    fields = export_spec(layer).parse(request.args)
    filters = {name: fields[name] for name in layer.filters if fields[name] is not None}
    selection = Selection(fields["bbox"], filters, fields.get("datetime"), area=fields.get("area"))
    return stream_export(exports.export_layer(_engine(), layer, fields["f"], selection, lang=_lang(fields)))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.0 document of REST v1."""
    NO_PARAMETERS.parse(request.args)
    response = jsonify(openapi_document(_url("")))
    response.mimetype = OPENAPI
    return response


@bp.get("/docs")
def docs() -> Response:
    """Swagger UI from local assets, with a plain listing of the operations for readers without JavaScript."""
    NO_PARAMETERS.parse(request.args)
    rows = "".join(
        f"<li><code>{method.upper()} {html.escape(path)}</code> {html.escape(op['summary'])}</li>"
        for path, item in openapi_document("")["paths"].items() for method, op in item.items()
    )
    page = _DOCS_PAGE.format(rows=rows, assets="/api/v1/docs/assets", spec="/api/v1/openapi.json")
    return Response(page, mimetype="text/html")


@bp.get("/docs/assets/<name>")
def docs_asset(name: str) -> Response:
    """Swagger UI files shipped by the swagger-ui-bundle package (no CDN)."""
    DOC_ASSET.parse(request.args, {"name": name})
    data, mimetype = _asset(name)
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@lru_cache(maxsize=len(DOC_ASSETS))
def _asset(name: str) -> tuple[bytes, str]:
    from swagger_ui_bundle import swagger_ui_path

    return (Path(str(swagger_ui_path)) / name).read_bytes(), _mimetype(name)


def _mimetype(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Peta Ekonomi REST API v1</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{assets}/swagger-ui.css"><link rel="icon" href="{assets}/favicon-32x32.png">
</head><body>
<div id="swagger-ui"><noscript><h1>Peta Ekonomi REST API v1</h1>
<p>OpenAPI document: <a href="{spec}">{spec}</a></p><ul>{rows}</ul></noscript></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({{url: "{spec}", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"}});</script>
</body></html>
"""


# --------------------------------------------------------------------------- OpenAPI


def operations() -> list[Operation]:
    """The operations of REST v1, documented from the specs their routes parse with."""
    meta = (304, 400, 429)  # no database behind these: no 503
    files = {_mimetype(name): {"schema": {"type": "string", "format": "binary"}} for name in DOC_ASSETS}
    return [
        Operation("/api/v1", "landing", "meta", "Links to the endpoints", LANDING, ref("Landing"), meta),
        Operation("/api/v1/areas/{code}", "area_profile", "areas", "Profile of a kabupaten, kecamatan or desa",
                  AREA_PROFILE, ref("AreaProfile"), (*READ, 404), notes={404: "No area has this code."}),
        Operation("/api/v1/producers", "search_producers", "producers",
                  "Search producers (text, sector, tag, area, near a point)", PRODUCERS,
                  ref("ProducerCollection", GEOJSON)),
        Operation("/api/v1/opportunities", "list_opportunities", "opportunities",
                  "Investment opportunities, largest first", OPPORTUNITIES, ref("OpportunityCollection", GEOJSON)),
        *(Operation(f"/api/v1/stats/{dataset.id}", f"stats_{dataset.id}", "statistics",
                    f"Choropleth statistics of {dataset.id} with class breaks", stats_spec(dataset),
                    {**ref("Choropleth"), **FILES}, (*READ, 404),
                    notes={404: f"No data for this {dataset.subject_param}, year, level or measure."})
          for dataset in stats.DATASETS.values()),
        *(Operation(f"/api/v1/export/{layer.id}", f"export_{layer.id.replace('-', '_')}", "exports",
                    f"Download {layer.title_en} as CSV, GeoJSON, GeoPackage or XLSX", export_spec(layer), FILES,
                    (400, 429, 503), ok_description="The file (streamed: no ETag)")
          for layer in LAYERS.values()),
        Operation("/api/v1/openapi.json", "openapi", "meta", "This OpenAPI document", NO_PARAMETERS,
                  {OPENAPI: {"schema": {"type": "object"}}}, meta),
        Operation("/api/v1/docs", "docs", "meta", "Swagger UI of this document", NO_PARAMETERS,
                  {"text/html": {"schema": {"type": "string"}}}, meta),
        Operation("/api/v1/docs/assets/{name}", "docs_asset", "meta", "A file of Swagger UI", DOC_ASSET, files,
                  (*meta, 404)),
    ]


def openapi_document(server: str) -> dict[str, Any]:
    """The OpenAPI 3.0 description of every REST v1 operation, the analysis endpoints, the uploads and packages."""
    return openapi_v1.document(server, [*operations(), *openapi_uploads.operations(), *packages.operations()],
                               analysis_api.openapi_paths(), {**openapi_uploads.schemas(), **packages.schemas()},
                               openapi_uploads.SECURITY_SCHEMES)
