"""OGC API – Features at ``/ogc`` (Part 1 core, GeoJSON, HTML, OpenAPI 3.0; Part 3 CQL2-text filters).

The one OGC API of the platform. Collections come from providers (``webmap.ogc_providers``): the layer
registry (``gis.layers.LAYERS``, queried by ``gis.features``) and the analysis results
(``webmap.ogc_analysis``); the routes here do not know which provider answers. Each route parses its
query through a ``Spec`` (``webmap.ogc_params``: a collection's items and item specs bring its own filters
and options), the same specs that write the OpenAPI document (``webmap.openapi_ogc``). JSON by default,
HTML when ``f=html`` or a browser asks for ``text/html``; Bahasa Indonesia by default, ``?lang=en`` for English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, g, render_template_string, request, url_for

from gis.features import Extent, Selection
from gis.i18n import t
from webmap import current
from webmap.current import api_lang as _lang
from webmap.current import data_memo
from webmap.current import engine as _engine
from webmap.http import link, stream_export
from webmap.ogc_analysis import AnalysisProvider
from webmap.ogc_html import PAGE, cell, svg_preview
from webmap.ogc_params import CRS84, DOWNLOAD_FORMATS, PAGE_SPEC, item_spec, items_spec
from webmap.ogc_providers import Collection, Field, ItemsPage, LayerProvider, Provider, shown_fields
from webmap.openapi_ogc import GEOJSON, build_openapi, operations
from webmap.problems import NotFound

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_TYPE = "application/schema+json"
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

# --- request helpers ------------------------------------------------------------------------------

def _t(key: str, **values: Any) -> str:
    """A text of the catalogue (``gis.i18n``) in the request's language."""
    return t(key, _lang(), **values)


def _providers() -> tuple[Provider, ...]:
    """The providers of this request's collections, layers first."""
    if "ogc_providers" not in g:
        region = str(current.settings().region_code)
        g.ogc_providers = (LayerProvider(_engine(), data_memo()), AnalysisProvider(_engine(), region))
    return g.ogc_providers


def _find(cid: str) -> tuple[Provider, Collection]:
    """The provider that has collection ``cid`` and the collection; NotFound listing every collection."""
    lang = _lang()
    for provider in _providers():
        found = provider.collection(cid, lang)
        if found is not None:
            return provider, found
    ids = [c.id for provider in _providers() for c in provider.collections(lang)]
    raise NotFound(f"no collection {cid[:80]!r}; collections: {', '.join(ids)}")


def negotiate(requested: str | None) -> str:
    """The response format: ``f`` if given (parsed), else HTML when the Accept header prefers text/html, else JSON."""
    if requested:
        return requested
    accept = request.accept_mimetypes
    if accept and accept.quality("text/html") > max(accept.quality("application/json"),
                                                     accept.quality(GEOJSON)):
        return "html"
    return "json"


def _page_format() -> str:
    """The format of a page that takes ``f`` and ``lang`` only (checked as ``PAGE_SPEC`` declares them)."""
    return negotiate(PAGE_SPEC.parse(request.args)["f"])


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


def _self_links(json_type: str = "application/json") -> list[dict[str, str]]:
    return [link(_here(f="json"), "self", json_type, "this document"),
            link(_here(f="html"), "alternate", "text/html", "this document as HTML")]


def _json(body: Any, mimetype: str = "application/json") -> Response:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    response = Response(text, mimetype=mimetype)
    response.vary.update(("Accept", "Accept-Language"))  # titles follow the language
    return response


def _html(title: str, crumbs: list[tuple[str, str]], **content: Any) -> Response:
    lang = _lang()
    page = render_template_string(
        PAGE, lang=lang, t=lambda key: t(key, lang), title=title, crumbs=crumbs,
        json_url=_here(f="json"), other_lang=_here(lang="id" if lang == "en" else "en"), **content)
    response = Response(page, mimetype="text/html")
    response.vary.update(("Accept", "Accept-Language"))
    return response


# --- landing page, conformance, API ------------------------------------------------------------------

@bp.get("")
@bp.get("/")
def landing() -> Response:
    """Landing page: links to the API description, conformance and the collections."""
    fmt = _page_format()
    title = _t("ogc.api_title")
    links = [
        *_self_links(),
        link(_url("ogc.api"), "service-desc", OPENAPI_TYPE, "OpenAPI 3.0"),
        link(_url("ogc.api_html"), "service-doc", "text/html", _t("ogc.docs")),
        link(_url("ogc.conformance"), "conformance", "application/json", "Conformance"),
        link(_url("ogc.conformance"), REL + "conformance", "application/json", "Conformance"),
        link(_url("ogc.collections"), "data", "application/json", _t("ogc.collections")),
        link(_url("ogc.collections"), REL + "data", "application/json", _t("ogc.collections")),
    ]
    body = {"title": title, "description": _t("ogc.api_description"), "links": links}
    if fmt == "html":
        nav = [(_t("ogc.collections"), _nav("ogc.collections")),
               ("Conformance", _nav("ogc.conformance")),
               (_t("ogc.docs"), _nav("ogc.api_html")),
               ("OpenAPI (JSON)", url_for("ogc.api", f="json"))]
        return _html(title, [], intro=body["description"], links=nav)
    return _json(body)


@bp.get("/conformance")
def conformance() -> Response:
    """The conformance classes this API implements."""
    if _page_format() == "html":
        return _html("Conformance", [("OGC API", _nav("ogc.landing"))], links=[(c, c) for c in CONFORMANCE])
    return _json({"conformsTo": list(CONFORMANCE), "links": _self_links()})


@bp.get("/api")
def api() -> Response:
    """The OpenAPI 3.0 document, generated from the layer registry and the analyses."""
    if _page_format() == "html":
        return api_html()
    doc = build_openapi(_url("ogc.landing").rstrip("/"))
    return _json(doc, OPENAPI_TYPE)


@bp.get("/api.html")
def api_html() -> Response:
    """The API documentation as a plain HTML page (no external assets)."""
    PAGE_SPEC.parse(request.args)
    doc = build_openapi(_url("ogc.landing").rstrip("/"))
    return _html(_t("ogc.docs"), [("OGC API", _nav("ogc.landing"))],
                 intro=doc["info"]["description"], operations=operations(doc),
                 prefix=url_for("ogc.landing").rstrip("/"), links=[("OpenAPI (JSON)", url_for("ogc.api", f="json"))])


# --- collections ------------------------------------------------------------------------------------

def collection_doc(collection: Collection, extent: Extent) -> dict[str, Any]:
    """The description of one collection: id, titles, extent, CRS and links."""
    cid, title = collection.id, collection.title
    links = [
        link(_url("ogc.collection", cid=cid), "self", "application/json", title),
        link(_url("ogc.collection", cid=cid, f="html"), "alternate", "text/html", title),
        link(_url("ogc.items", cid=cid), "items", GEOJSON, _t("ogc.features")),
        link(_url("ogc.items", cid=cid, f="html"), "items", "text/html", _t("ogc.features")),
    ]
    if collection.cql:
        links.append(link(_url("ogc.queryables", cid=cid), REL + "queryables", SCHEMA_TYPE, "Queryables"))
    links += [link(path, rel, type_, text) for rel, path, type_, text in collection.related]
    doc: dict[str, Any] = {"id": cid, "title": title, "description": collection.description,
                           "itemType": "feature", "crs": [CRS84], **collection.members, "links": links}
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
    """Every collection of every provider, with its extent."""
    fmt = _page_format()
    lang = _lang()
    docs = [collection_doc(c, provider.extent(c.id)) for provider in _providers() for c in provider.collections(lang)]
    if fmt == "html":
        rows = [[(d["title"], _nav("ogc.collection", cid=d["id"])), d["id"], d["description"]] for d in docs]
        return _html(_t("ogc.collections"), [("OGC API", _nav("ogc.landing"))],
                     table={"head": [_t("ogc.title"), "id", _t("ogc.description")],
                            "rows": rows})
    return _json({"links": _self_links(), "collections": docs})


@bp.get("/collections/<cid>")
def collection(cid: str) -> Response:
    """One collection: titles, extent, links to its items and queryables."""
    provider, found = _find(cid)
    fmt = _page_format()
    doc = collection_doc(found, provider.extent(found.id))
    if fmt == "html":
        extent = doc.get("extent", {})
        rows = [["id", found.id], [_t("ogc.description"), doc["description"]],
                ["bbox", ", ".join(f"{v:.5f}" for v in extent["spatial"]["bbox"][0]) if extent else "—"],
                ["CRS", CRS84]]
        if "temporal" in extent:
            rows.append([_t("ogc.years"), " – ".join(v[:4] for v in extent["temporal"]["interval"][0])])
        nav = [(_t("ogc.features"), _nav("ogc.items", cid=cid))]
        if found.cql:
            nav.append(("Queryables", _nav("ogc.queryables", cid=cid)))
        return _html(found.title, _crumbs(), table={"head": [], "rows": rows}, links=nav)
    doc["links"][:2] = _self_links()
    return _json(doc)


def _crumbs(found: Collection | None = None) -> list[tuple[str, str]]:
    crumbs = [("OGC API", _nav("ogc.landing")), (_t("ogc.collections"), _nav("ogc.collections"))]
    if found is not None:
        crumbs.append((found.title, _nav("ogc.collection", cid=found.id)))
    return crumbs


def field_schema(field: Field) -> dict[str, Any]:
    """JSON Schema of one property (arrays hold strings)."""
    if field.type == "array":
        return {"title": field.title, "type": "array", "items": {"type": "string"}}
    return {"title": field.title, "type": field.type}


@bp.get("/collections/<cid>/queryables")
def queryables(cid: str) -> Response:
    """The properties usable in ``filter`` (JSON Schema); ``?name=value`` filters are marked."""
    _, found = _find(cid)
    if not found.cql:
        raise NotFound(f"{found.id} takes no filter= and has no queryables; its ?name= filters: "
                       f"{', '.join(found.filter_names) or 'none'}")
    fmt = _page_format()
    props: dict[str, Any] = {f.name: field_schema(f) for f in found.fields}
    if "id" not in props:
        props["id"] = {"title": "id", "type": found.id_type}
    geometry_format = {"Point": "geometry-point", "MultiPolygon": "geometry-multipolygon"}
    props["geometry"] = {"title": _t("ogc.geometry"), "x-ogc-role": "primary-geometry",
                         "format": geometry_format.get(found.geometry_type, "geometry-any")}
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": _url("ogc.queryables", cid=cid),
              "type": "object", "title": found.title, "properties": props, "additionalProperties": False}
    if fmt == "html":
        rows = [[name, p.get("type", p.get("format", "")), p.get("title", ""),
                 "✓" if name in found.filter_names else ""] for name, p in props.items()]
        head = [_t("common.name"), _t("ogc.type"), _t("ogc.title"), f"?{_t('common.name').lower()}=…"]
        return _html(f"Queryables: {found.title}", _crumbs(found), table={"head": head, "rows": rows},
                     intro=_t("ogc.queryables_intro"))
    return _json(schema, SCHEMA_TYPE)


# --- items ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemsQuery:
    """A parsed items request: what to select, which page, and the format asked for (None: by Accept)."""

    selection: Selection
    limit: int
    offset: int
    format: str | None = None


def parse_items_query(found: Collection, args: Mapping[str, str]) -> ItemsQuery:
    """The query parameters of ``/collections/{id}/items``, parsed by the collection's items spec."""
    fields = items_spec(found).parse(args)
    selection = Selection(bbox=fields["bbox"], filters=_own(found, fields, with_filters=True),
                          years=fields.get("datetime"), cql=fields.get("filter"),
                          properties=_properties(fields, args), sortby=fields["sortby"] or ())
    return ItemsQuery(selection, fields["limit"], fields["offset"], fields["f"])


def _own(found: Collection, fields: Mapping[str, Any], *, with_filters: bool) -> dict[str, str]:
    """The values given of the collection's own parameters but datetime (``Selection.years``): filters and options."""
    params = (*(found.filters if with_filters else ()), *found.options)
    return {p.name: fields[p.name] for p in params if p.name != "datetime" and fields[p.name] is not None}


def _properties(fields: Mapping[str, Any], args: Mapping[str, str]) -> tuple[str, ...] | None:
    """OGC ``properties``: the names given, none for ``properties=`` alone, all (None) when absent."""
    return () if args.get("properties") == "" else fields["properties"]


@bp.get("/collections/<cid>/items")
def items(cid: str) -> Response:
    """Features of a collection: bbox, datetime, property and CQL2 filters, paging with next/prev links."""
    provider, found = _find(cid)
    query = parse_items_query(found, request.args)
    fmt = negotiate(query.format)
    if fmt in DOWNLOAD_FORMATS:  # every matching feature, streamed: paging does not apply to a download
        return stream_export(provider.download(found.id, query.selection, fmt, _lang()))
    page = provider.items(found.id, query.selection, query.limit, query.offset, _lang())
    if fmt == "html":
        return _items_html(found, query, page)
    return _items_geojson(found, query, page)


def _paging_links(query: ItemsQuery, page: ItemsPage, fmt: str, media: str) -> list[dict[str, str]]:
    links = []
    if page.page.has_more:
        links.append(link(_here(offset=query.offset + query.limit, f=fmt), "next", media, "next page"))
    if query.offset > 0:
        links.append(link(_here(offset=max(0, query.offset - query.limit) or None, f=fmt), "prev", media,
                           "previous page"))
    return links


def _items_geojson(found: Collection, query: ItemsQuery, page: ItemsPage) -> Response:
    links = [
        link(_here(f="json"), "self", GEOJSON, "this page"),
        link(_here(f="html"), "alternate", "text/html", "this page as HTML"),
        link(_url("ogc.collection", cid=found.id), "collection", "application/json", found.title),
        *_paging_links(query, page, "json", GEOJSON),
    ]
    members = {**page.members, "numberMatched": page.page.number_matched,
               "numberReturned": page.page.number_returned,
               "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "links": links}
    response = _json(page.page.feature_collection(members), GEOJSON)
    response.headers["Content-Crs"] = f"<{CRS84}>"
    return response


def _items_html(found: Collection, query: ItemsQuery, page: ItemsPage) -> Response:
    lang = _lang()
    feats = json.loads(page.page.features_json)
    shown = shown_fields(found, query.selection)
    rows = [[(str(f["id"]), _nav("ogc.item", cid=found.id, fid=f["id"])),
             *(cell(f["properties"].get(s.name), lang) for s in shown)] for f in feats]
    first = query.offset + 1 if page.page.number_returned else 0
    summary = _t(
        "ogc.showing", first=first, last=query.offset + page.page.number_returned,
        total=("" if page.page.matched_exact else "~") + f"{page.page.number_matched:,}")
    pager = [(t(f"ogc.{link['rel']}", lang), link["href"])
             for link in _paging_links(query, page, "html", "text/html")]
    return _html(found.title, _crumbs(found), intro=summary, table={"head": ["id", *(s.title for s in shown)],
                                                                    "rows": rows},
                 pager=pager, svg=svg_preview([f.get("geometry") for f in feats]))


@bp.get("/collections/<cid>/items/<fid>")
def item(cid: str, fid: str) -> Response:
    """One feature by id."""
    provider, found = _find(cid)
    fields = item_spec(found).parse(request.args, {"featureId": fid})
    fmt = negotiate(fields["f"])
    selection = Selection(filters=_own(found, fields, with_filters=False), years=fields.get("datetime"),
                          properties=_properties(fields, request.args))
    feature = provider.item(found.id, fid, selection, _lang())
    if feature is None:
        raise NotFound(f"collection {cid!r} has no feature {fid[:80]!r}")
    if fmt == "html":
        return _item_html(found, fid, json.loads(feature), selection)
    links = [link(_here(f="json"), "self", GEOJSON, "this feature"),
             link(_here(f="html"), "alternate", "text/html", "this feature as HTML"),
             link(_url("ogc.collection", cid=cid), "collection", "application/json", found.title)]
    body = feature[:-1] + ', "links": ' + json.dumps(links, ensure_ascii=False) + "}"
    response = _json(body, GEOJSON)
    response.headers["Content-Crs"] = f"<{CRS84}>"
    return response


def _item_html(found: Collection, fid: str, data: Mapping[str, Any], selection: Selection) -> Response:
    lang = _lang()
    rows = [[s.title, cell(data["properties"].get(s.name), lang)] for s in shown_fields(found, selection)]
    geometry = data.get("geometry") or {}
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        rows.append([_t("ogc.coordinates"), f"{lat:.6f}, {lon:.6f}"])
    return _html(f"{found.title}: {fid}", _crumbs(found), table={"head": [], "rows": rows},
                 svg=svg_preview([data.get("geometry")]))
