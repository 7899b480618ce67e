"""OGC API – Features at ``/ogc`` (Part 1 core, GeoJSON, HTML, OpenAPI 3.0; Part 3 CQL2-text filters).

Every collection comes from the layer registry (``gis.layers.LAYERS``); the queries live in
``gis.features``. JSON by default, HTML when ``f=html`` or a browser asks for ``text/html``;
Bahasa Indonesia by default, ``?lang=en`` for English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template_string, request, url_for

from gis import exports, features
from gis.cql2 import GEOMETRY_NAMES
from gis.features import FeaturePage, Selection
from gis.layers import LAYERS, Layer, Prop
from webmap.current import api_lang as _lang
from webmap.current import data_memo
from webmap.current import engine as _engine
from webmap.http import stream_export
from webmap.openapi_ogc import CRS84, DEFAULT_LIMIT, GEOJSON, MAX_LIMIT, build_openapi, operations, property_schema
from webmap.params import BadParameter, parse_bbox, parse_int, parse_year_interval
from webmap.problems import NotFound

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_TYPE = "application/schema+json"
MAX_OFFSET = 1_000_000_000
REL = "http://www.opengis.net/def/rel/ogc/1.0/"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/array-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
)
CRS84_NAMES = frozenset({CRS84, "[OGC:CRS84]", "OGC:CRS84", "CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84",
                         "urn:ogc:def:crs:OGC::CRS84", "https://www.opengis.net/def/crs/OGC/1.3/CRS84"})
ITEMS_PARAMETERS = ("bbox", "limit", "offset", "datetime", "filter", "filter-lang", "filter-crs", "bbox-crs",
                    "crs", "properties", "sortby", "f", "lang")
TOLERATED = ("_",)  # cache busters that some JavaScript clients add
PAGE_FORMATS = ("json", "html")




# --- request helpers ------------------------------------------------------------------------------

def _t(key: str) -> str:
    """A text of the page in the request's language."""
    return TEXT[key][_lang() == "en"]


def _layer(cid: str) -> Layer:
    layer = LAYERS.get(cid)
    if layer is None:
        raise NotFound(f"no collection {cid!r}; collections: {', '.join(LAYERS)}")
    return layer


def negotiate(formats: tuple[str, ...] = PAGE_FORMATS) -> str:
    """The response format: ``?f=`` if given, else HTML when the Accept header prefers text/html, else JSON."""
    requested = (request.args.get("f") or "").strip().lower()
    if requested:
        requested = {"geojson": "json", "application/json": "json", "application/geo+json": "json",
                     "text/html": "html"}.get(requested, requested)
        if requested not in formats:
            raise BadParameter(f"f must be one of {', '.join(formats)}, got {request.args['f']!r}")
        return requested
    accept = request.accept_mimetypes
    if accept and accept.quality("text/html") > max(accept.quality("application/json"),
                                                     accept.quality(GEOJSON)):
        return "html"
    return "json"


def _check_crs(args: Mapping[str, str], name: str) -> None:
    value = args.get(name)
    if value and value.strip() not in CRS84_NAMES:
        raise BadParameter(f"{name} must be {CRS84} (the only CRS served), got {value!r}")


def _url(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, _external=True, **values)


def _nav(endpoint: str, **values: Any) -> str:
    """A link for HTML pages: keeps ``lang`` and ``f=html`` of the current request."""
    keep = {k: request.args[k] for k in ("f", "lang") if request.args.get(k)}
    return url_for(endpoint, **values, **keep)


def _here(**changes: Any) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    query = urlencode(args, doseq=True)
    return request.base_url + (f"?{query}" if query else "")


def _link(href: str, rel: str, type_: str, title: str | None = None) -> dict[str, str]:
    link = {"href": href, "rel": rel, "type": type_}
    if title:
        link["title"] = title
    return link


def _self_links(json_type: str = "application/json") -> list[dict[str, str]]:
    return [_link(_here(f="json"), "self", json_type, "this document"),
            _link(_here(f="html"), "alternate", "text/html", "this document as HTML")]


def _json(body: Any, mimetype: str = "application/json") -> Response:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    response = Response(text, mimetype=mimetype)
    response.vary.update(("Accept", "Accept-Language"))  # titles follow the language
    return response


def _html(title: str, crumbs: list[tuple[str, str]], **content: Any) -> Response:
    lang = _lang()
    page = render_template_string(
        PAGE, lang=lang, t=lambda key: TEXT[key][lang == "en"], title=title, crumbs=crumbs,
        json_url=_here(f="json"), other_lang=_here(lang="id" if lang == "en" else "en"), **content)
    response = Response(page, mimetype="text/html")
    response.vary.update(("Accept", "Accept-Language"))
    return response


# --- landing page, conformance, API ------------------------------------------------------------------

@bp.get("")
@bp.get("/")
def landing() -> Response:
    """Landing page: links to the API description, conformance and the collections."""
    fmt = negotiate()
    title = _t("api_title")
    links = [
        *_self_links(),
        _link(_url("ogc.api"), "service-desc", OPENAPI_TYPE, "OpenAPI 3.0"),
        _link(_url("ogc.api_html"), "service-doc", "text/html", _t("docs")),
        _link(_url("ogc.conformance"), "conformance", "application/json", "Conformance"),
        _link(_url("ogc.conformance"), REL + "conformance", "application/json", "Conformance"),
        _link(_url("ogc.collections"), "data", "application/json", _t("collections")),
        _link(_url("ogc.collections"), REL + "data", "application/json", _t("collections")),
    ]
    body = {"title": title, "description": _t("api_description"), "links": links}
    if fmt == "html":
        nav = [(_t("collections"), _nav("ogc.collections")),
               ("Conformance", _nav("ogc.conformance")),
               (_t("docs"), _nav("ogc.api_html")),
               ("OpenAPI (JSON)", url_for("ogc.api", f="json"))]
        return _html(title, [], intro=body["description"], links=nav)
    return _json(body)


@bp.get("/conformance")
def conformance() -> Response:
    """The conformance classes this API implements."""
    if negotiate() == "html":
        return _html("Conformance", [("OGC API", _nav("ogc.landing"))], links=[(c, c) for c in CONFORMANCE])
    return _json({"conformsTo": list(CONFORMANCE), "links": _self_links()})


@bp.get("/api")
def api() -> Response:
    """The OpenAPI 3.0 document, generated from the layer registry."""
    if negotiate() == "html":
        return api_html()
    doc = build_openapi(_url("ogc.landing").rstrip("/"))
    return _json(doc, OPENAPI_TYPE)


@bp.get("/api.html")
def api_html() -> Response:
    """The API documentation as a plain HTML page (no external assets)."""
    doc = build_openapi(_url("ogc.landing").rstrip("/"))
    return _html(_t("docs"), [("OGC API", _nav("ogc.landing"))],
                 intro=doc["info"]["description"], operations=operations(doc),
                 prefix=url_for("ogc.landing").rstrip("/"), links=[("OpenAPI (JSON)", url_for("ogc.api", f="json"))])


# --- collections ------------------------------------------------------------------------------------

def collection_doc(layer: Layer, extent: features.Extent, lang: str) -> dict[str, Any]:
    """The description of one collection: id, titles, extent, CRS and links."""
    doc: dict[str, Any] = {
        "id": layer.id, "title": layer.title(lang), "description": layer.description(lang),
        "itemType": "feature", "crs": [CRS84],
        "links": [
            _link(_url("ogc.collection", cid=layer.id), "self", "application/json", layer.title(lang)),
            _link(_url("ogc.collection", cid=layer.id, f="html"), "alternate", "text/html", layer.title(lang)),
            _link(_url("ogc.items", cid=layer.id), "items", GEOJSON, _t("features")),
            _link(_url("ogc.items", cid=layer.id, f="html"), "items", "text/html", _t("features")),
            _link(_url("ogc.queryables", cid=layer.id), REL + "queryables", SCHEMA_TYPE, "Queryables"),
        ],
    }
    if extent.bbox is not None:
        doc["extent"] = {"spatial": {"bbox": [list(extent.bbox)], "crs": CRS84}}
        if extent.years is not None:
            first, last = extent.years
            doc["extent"]["temporal"] = {
                "interval": [[f"{first}-01-01T00:00:00Z", f"{last}-12-31T23:59:59Z"]],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return doc


@bp.get("/collections")
def collections() -> Response:
    """Every collection of the registry with its extent."""
    fmt = negotiate()
    lang = _lang()
    with _engine().connect() as conn:
        docs = [collection_doc(layer, features.extent(conn, layer), lang) for layer in LAYERS.values()]
    if fmt == "html":
        rows = [[(d["title"], _nav("ogc.collection", cid=d["id"])), d["id"], d["description"]] for d in docs]
        return _html(_t("collections"), [("OGC API", _nav("ogc.landing"))],
                     table={"head": [_t("title"), "id", _t("description")],
                            "rows": rows})
    return _json({"links": _self_links(), "collections": docs})


@bp.get("/collections/<cid>")
def collection(cid: str) -> Response:
    """One collection: titles, extent, links to its items and queryables."""
    layer = _layer(cid)
    fmt = negotiate()
    lang = _lang()
    with _engine().connect() as conn:
        doc = collection_doc(layer, features.extent(conn, layer), lang)
    if fmt == "html":
        extent = doc.get("extent", {})
        rows = [["id", layer.id], [_t("description"), doc["description"]],
                ["bbox", ", ".join(f"{v:.5f}" for v in extent["spatial"]["bbox"][0]) if extent else "—"],
                ["CRS", CRS84]]
        if "temporal" in extent:
            rows.append([_t("years"), " – ".join(v[:4] for v in extent["temporal"]["interval"][0])])
        nav = [(_t("features"), _nav("ogc.items", cid=cid)),
               ("Queryables", _nav("ogc.queryables", cid=cid))]
        return _html(layer.title(lang), _crumbs(), table={"head": [], "rows": rows}, links=nav)
    doc["links"][:2] = _self_links()
    return _json(doc)


def _crumbs(layer: Layer | None = None) -> list[tuple[str, str]]:
    lang = _lang()
    crumbs = [("OGC API", _nav("ogc.landing")), (_t("collections"), _nav("ogc.collections"))]
    if layer is not None:
        crumbs.append((layer.title(lang), _nav("ogc.collection", cid=layer.id)))
    return crumbs


@bp.get("/collections/<cid>/queryables")
def queryables(cid: str) -> Response:
    """The properties usable in ``filter`` (JSON Schema); ``?name=value`` filters are marked."""
    layer = _layer(cid)
    fmt = negotiate()
    lang = _lang()
    props: dict[str, Any] = {p.name: property_schema(p, lang) for p in layer.properties}
    if "id" not in props:
        props["id"] = {"title": "id", "type": layer.id_type}
    geometry_format = {"Point": "geometry-point", "MultiPolygon": "geometry-multipolygon"}
    props["geometry"] = {"title": _t("geometry"), "x-ogc-role": "primary-geometry",
                         "format": geometry_format.get(layer.geometry_type, "geometry-any")}
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": _url("ogc.queryables", cid=cid),
              "type": "object", "title": layer.title(lang), "properties": props, "additionalProperties": False}
    if fmt == "html":
        rows = [[name, p.get("type", p.get("format", "")), p.get("title", ""),
                 "✓" if name in layer.filters else ""] for name, p in props.items()]
        head = [_t("name"), _t("type"), _t("title"),
                f"?{_t('name').lower()}=…"]
        return _html(f"Queryables: {layer.title(lang)}", _crumbs(layer), table={"head": head, "rows": rows},
                     intro=_t("queryables_intro"))
    return _json(schema, SCHEMA_TYPE)


# --- items ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemsQuery:
    """A parsed items request: what to select and which page."""

    selection: Selection
    limit: int
    offset: int


def parse_items_query(layer: Layer, args: Mapping[str, str]) -> ItemsQuery:
    """Check and parse the query parameters of ``/collections/{id}/items``; BadParameter says what to fix."""
    _check_parameter_names(layer, args)
    for name in ("crs", "bbox-crs", "filter-crs"):
        _check_crs(args, name)
    # OGC API Features /req/core/fc-limit-response-1: a limit above the maximum is served as the maximum.
    limit = min(parse_int(args.get("limit"), "limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_OFFSET),
                MAX_LIMIT)
    offset = parse_int(args.get("offset"), "offset", default=0, minimum=0, maximum=MAX_OFFSET)
    cql = args.get("filter")
    lang = (args.get("filter-lang") or "cql2-text").strip().lower()
    if lang != "cql2-text":
        raise BadParameter(f"filter-lang must be cql2-text (the only filter language served), got {lang!r}")
    if cql is not None and not cql.strip():
        raise BadParameter("filter is empty; give a CQL2-text expression such as " + _cql_hint(layer))
    filters = {name: args[name] for name in layer.filters if name in args}
    selection = Selection(bbox=parse_bbox(args.get("bbox")), filters=filters,
                          years=parse_year_interval(args.get("datetime")), cql=cql,
                          properties=parse_properties(args.get("properties")), sortby=parse_sortby(args.get("sortby")))
    return ItemsQuery(selection, limit, offset)


def parse_properties(raw: str | None) -> tuple[str, ...] | None:
    """OGC ``properties=name,sector``: the properties to return (empty: none); None when not given."""
    if raw is None:
        return None
    return tuple(name.strip() for name in raw.split(",") if name.strip())


def parse_sortby(raw: str | None) -> tuple[tuple[str, bool], ...]:
    """OGC ``sortby=name,-employees``: properties to order by, ``-`` for descending (``+`` or none ascending)."""
    keys = []
    for part in (raw or "").split(","):
        part = part.strip()
        if not part:
            continue
        name = part.lstrip("+-").strip()
        if not name:
            raise BadParameter(f"sortby needs property names, such as sortby=-employees; got {raw!r}")
        keys.append((name, part.startswith("-")))
    return tuple(keys)


def _check_parameter_names(layer: Layer, args: Mapping[str, str]) -> None:
    known = set(ITEMS_PARAMETERS) | set(TOLERATED) | set(layer.filters)
    for name in args:
        if name in known:
            continue
        filters = ", ".join(layer.filters) or "none"
        if layer.prop(name) is not None or name in GEOMETRY_NAMES:
            raise BadParameter(f"{name!r} cannot be used as ?{name}=; filters of {layer.id}: {filters}; "
                               f"any property works in filter=, e.g. filter={_cql_hint(layer)}")
        raise BadParameter(f"unknown parameter {name!r}; parameters: {', '.join(ITEMS_PARAMETERS)}; "
                           f"filters of {layer.id}: {filters}")


def _cql_hint(layer: Layer) -> str:
    prop = next((p for p in layer.properties if p.type == "string"), None)
    return f"{prop.name} = '...'" if prop else "S_INTERSECTS(geometry, BBOX(108.2, -6.5, 108.4, -6.3))"


@bp.get("/collections/<cid>/items")
def items(cid: str) -> Response:
    """Features of a collection: bbox, datetime, property and CQL2 filters, paging with next/prev links."""
    layer = _layer(cid)
    query = parse_items_query(layer, request.args)
    fmt = negotiate(ITEM_FORMATS)
    return render_items(layer, query, fmt)


# The one place where the items' format (``f`` or Accept) is dispatched. To add a format (csv, gpkg ...),
# add its name to ITEM_FORMATS and a branch at the top of render_items that turns (layer, query) into a
# Response; query.selection (bbox, filters, datetime, CQL2) is what gis.features.build_where compiles.
DOWNLOAD_FORMATS = ("csv", "gpkg", "xlsx")
ITEM_FORMATS: tuple[str, ...] = (*PAGE_FORMATS, *DOWNLOAD_FORMATS)


def render_items(layer: Layer, query: ItemsQuery, fmt: str) -> Response:
    """The items response in format ``fmt`` (``json`` -> GeoJSON, ``html``, or a whole-selection download)."""
    if fmt in DOWNLOAD_FORMATS:  # every matching feature, streamed: paging does not apply to a download
        return stream_export(exports.export_layer(_engine(), layer, fmt, query.selection, lang=_lang()))
    if fmt == "html":
        return _items_html(layer, query, _read_page(layer, query))
    return _items_geojson(layer, query, _read_page(layer, query))


def _read_page(layer: Layer, query: ItemsQuery) -> FeaturePage:
    with _engine().connect() as conn:
        return features.items(conn, layer, query.selection, limit=query.limit, offset=query.offset,
                      memo=data_memo())


def _paging_links(query: ItemsQuery, page: FeaturePage, fmt: str, media: str) -> list[dict[str, str]]:
    links = []
    if page.has_more:
        links.append(_link(_here(offset=query.offset + query.limit, f=fmt), "next", media, "next page"))
    if query.offset > 0:
        links.append(_link(_here(offset=max(0, query.offset - query.limit) or None, f=fmt), "prev", media,
                           "previous page"))
    return links


def _items_geojson(layer: Layer, query: ItemsQuery, page: FeaturePage) -> Response:
    links = [
        _link(_here(f="json"), "self", GEOJSON, "this page"),
        _link(_here(f="html"), "alternate", "text/html", "this page as HTML"),
        _link(_url("ogc.collection", cid=layer.id), "collection", "application/json", layer.title(_lang())),
        *_paging_links(query, page, "json", GEOJSON),
    ]
    members = {"numberMatched": page.number_matched, "numberReturned": page.number_returned,
               "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "links": links}
    response = _json(page.feature_collection(members), GEOJSON)
    response.headers["Content-Crs"] = f"<{CRS84}>"
    return response


def _items_html(layer: Layer, query: ItemsQuery, page: FeaturePage) -> Response:
    lang = _lang()
    feats = json.loads(page.features_json)
    shown = features.shown_properties(layer, query.selection)
    names = [p.name for p in shown]
    head = ["id", *(_prop_title(p, lang) for p in shown)]
    rows = [[(str(f["id"]), _nav("ogc.item", cid=layer.id, fid=f["id"])),
             *(_cell(f["properties"].get(n)) for n in names)] for f in feats]
    first = query.offset + 1 if page.number_returned else 0
    summary = _t("showing").format(
        first=first, last=query.offset + page.number_returned,
        total=("" if page.matched_exact else "~") + f"{page.number_matched:,}")
    pager = [(TEXT[link["rel"]][lang == "en"], link["href"]) for link in _paging_links(query, page, "html",
                                                                                       "text/html")]
    return _html(f"{layer.title(lang)}", _crumbs(layer), intro=summary, table={"head": head, "rows": rows},
                 pager=pager, svg=_svg_preview([f.get("geometry") for f in feats]))


@bp.get("/collections/<cid>/items/<fid>")
def item(cid: str, fid: str) -> Response:
    """One feature by id."""
    layer = _layer(cid)
    fmt = negotiate()
    _check_crs(request.args, "crs")
    selection = Selection(properties=parse_properties(request.args.get("properties")))
    with _engine().connect() as conn:
        feature = features.item(conn, layer, fid, selection)
    if feature is None:
        raise NotFound(f"collection {cid!r} has no feature {fid!r}")
    lang = _lang()
    if fmt == "html":
        data = json.loads(feature)
        rows = [[_prop_title(p, lang), _cell(data["properties"].get(p.name))]
                for p in features.shown_properties(layer, selection)]
        geometry = data.get("geometry") or {}
        if geometry.get("type") == "Point":
            lon, lat = geometry["coordinates"][:2]
            rows.append([_t("coordinates"), f"{lat:.6f}, {lon:.6f}"])
        return _html(f"{layer.title(lang)}: {fid}", _crumbs(layer), table={"head": [], "rows": rows},
                     svg=_svg_preview([data.get("geometry")]))
    links = [_link(_here(f="json"), "self", GEOJSON, "this feature"),
             _link(_here(f="html"), "alternate", "text/html", "this feature as HTML"),
             _link(_url("ogc.collection", cid=cid), "collection", "application/json", layer.title(lang))]
    body = feature[:-1] + ', "links": ' + json.dumps(links, ensure_ascii=False) + "}"
    response = _json(body, GEOJSON)
    response.headers["Content-Crs"] = f"<{CRS84}>"
    return response


# --- HTML ---------------------------------------------------------------------------------------------

def _prop_title(prop: Prop, lang: str) -> str:
    return (prop.title_en if lang == "en" else prop.title_id) or prop.name


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return TEXT["yes" if value else "no"][_lang() == "en"]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _positions(geometry: Mapping[str, Any] | None) -> list[list[tuple[float, float]]]:
    """The geometry's coordinate sequences (each a list of lon/lat); a point is a sequence of one."""
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "GeometryCollection":
        return [seq for g in geometry.get("geometries", []) for seq in _positions(g)]
    if kind == "MultiPoint" and isinstance(coords, list):
        return [[(float(p[0]), float(p[1]))] for p in coords]
    depth = {"Point": 0, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
    level = depth.get(str(kind))
    if level is None or coords is None:
        return []
    seqs: list[Any] = [[coords]] if level == 0 else [coords] if level == 1 else coords
    for _ in range(max(0, level - 2)):
        seqs = [ring for part in seqs for ring in part]
    return [[(float(x[0]), float(x[1])) for x in seq] for seq in seqs]


def _svg_preview(geometries: list[Mapping[str, Any] | None], width: int = 640) -> str:
    """A small inline SVG drawing of the features (no map tiles, no external assets)."""
    seqs = [seq for g in geometries for seq in _positions(g)]
    points = [p for seq in seqs for p in seq]
    if not points:
        return ""
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    if east - west < 1e-4 and north - south < 1e-4:  # a single point: centre it in a small frame
        west, east, south, north = west - 0.02, east + 0.02, south - 0.01, north + 0.01
    dx, dy = max(east - west, 1e-6), max(north - south, 1e-6)
    height = int(min(max(dy / dx * (width - 20) + 20, 160), width))  # the data's shape, within bounds
    scale = min((width - 20) / dx, (height - 20) / dy)

    def xy(p: tuple[float, float]) -> str:
        return f"{10 + (p[0] - west) * scale:.1f},{10 + (north - p[1]) * scale:.1f}"

    shapes = []
    for seq in seqs:
        if len(seq) == 1:
            x, y = xy(seq[0]).split(",")
            shapes.append(f'<circle cx="{x}" cy="{y}" r="3"/>')
        else:
            shapes.append(f'<polyline points="{" ".join(xy(p) for p in seq)}"/>')
    return (f'<svg class="preview" viewBox="0 0 {width} {height}" role="img" aria-label="preview">'
            + "".join(shapes) + "</svg>")


TEXT: dict[str, tuple[str, str]] = {
    "api_title": ("Peta Ekonomi — OGC API Features", "Peta Ekonomi — OGC API Features"),
    "api_description": (
        "Potensi ekonomi Kabupaten Indramayu: wilayah, produsen UMKM/IKM, TPI, peluang investasi, produksi "
        "pertanian dan perikanan. Bisa dibaca QGIS, GDAL dan OWSLib.",
        "Economic potential of Kabupaten Indramayu: areas, UMKM/IKM producers, fish landing sites, investment "
        "opportunities, agriculture and fisheries production. Readable by QGIS, GDAL and OWSLib."),
    "docs": ("Dokumentasi API", "API documentation"),
    "collections": ("Koleksi", "Collections"),
    "features": ("Fitur", "Features"),
    "title": ("Judul", "Title"),
    "description": ("Deskripsi", "Description"),
    "years": ("Tahun", "Years"),
    "geometry": ("Geometri", "Geometry"),
    "name": ("Nama", "Name"),
    "type": ("Tipe", "Type"),
    "next": ("Berikutnya →", "Next →"),
    "prev": ("← Sebelumnya", "← Previous"),
    "showing": ("Menampilkan {first}–{last} dari {total} fitur.", "Showing {first}–{last} of {total} features."),
    "queryables_intro": (
        "Properti yang dapat dipakai di parameter filter (CQL2-text). Tanda ✓: juga sebagai ?nama=nilai.",
        "Properties usable in the filter parameter (CQL2-text). ✓: also usable as ?name=value."),
    "parameters": ("Parameter", "Parameters"),
    "language": ("English", "Bahasa Indonesia"),
    "coordinates": ("Koordinat (lintang, bujur)", "Coordinates (lat, lon)"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
}

PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#263238}
header{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap;border-bottom:1px solid #cfd8dc}
header span a{margin-left:.6rem}a{color:#01579b}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #eceff1;padding:.3rem .5rem;text-align:left;vertical-align:top}
.scroll{overflow-x:auto}.preview{width:100%;max-width:640px;background:#f5f7f8;border:1px solid #cfd8dc}
.preview circle{fill:#e65100}.preview polyline{fill:none;stroke:#37474f;stroke-width:1}
code{background:#eceff1;padding:0 .2rem}.op{margin:1rem 0;border-top:1px solid #cfd8dc}
</style></head><body>
<header><nav>{% for name, href in crumbs %}{% if not loop.first %} › {% endif %}<a href="{{ href }}">{{ name }}</a>
{%- endfor %}</nav>
<span><a href="{{ other_lang }}">{{ t('language') }}</a> <a href="{{ json_url }}">JSON</a></span></header>
<main><h1>{{ title }}</h1>
{% if intro %}<p>{{ intro }}</p>{% endif %}
{% if svg %}{{ svg|safe }}{% endif %}
{% if links %}<ul>{% for name, href in links %}<li><a href="{{ href }}">{{ name }}</a></li>{% endfor %}</ul>{% endif %}
{% if table %}<div class="scroll"><table>
{% if table.head %}<thead><tr>{% for h in table.head %}<th>{{ h }}</th>{% endfor %}</tr></thead>{% endif %}
<tbody>{% for row in table.rows %}<tr>{% for cell in row %}<td>
{%- if cell is not string %}<a href="{{ cell[1] }}">{{ cell[0] }}</a>{% else %}{{ cell }}{% endif -%}
</td>{% endfor %}</tr>{% endfor %}</tbody></table></div>{% endif %}
{% if pager %}<p>{% for name, href in pager %}<a href="{{ href }}">{{ name }}</a> {% endfor %}</p>{% endif %}
{% for op in operations or [] %}<section class="op"><h2><code>{{ op.method }} {{ prefix }}{{ op.path }}</code></h2>
<p><strong>{{ op.summary }}</strong> {{ op.description }}</p>
{% if op.parameters %}<table><thead><tr><th>{{ t('parameters') }}</th><th>in</th><th>schema</th><th></th></tr></thead>
<tbody>{% for p in op.parameters %}<tr><td><code>{{ p.name }}</code></td><td>{{ p['in'] }}</td>
<td>{{ p.schema.type }}{% if p.schema.enum %}: {{ p.schema.enum|join(', ') }}{% endif %}</td>
<td>{{ p.description }}</td></tr>{% endfor %}</tbody></table>{% endif %}
<p>→ {{ op.responses|join(', ') }}</p></section>{% endfor %}
</main></body></html>
"""
