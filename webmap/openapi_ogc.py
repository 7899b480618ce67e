"""The OpenAPI 3.0 document of ``/ogc``, generated from the layer registry (every collection, its filters) and
the analyses (``gis.analysis``): their collections depend on the loaded data, so each analysis has parametrised
paths (``/collections/lq-{sector}-{commodity}``, ``/collections/leading-{sector}``) instead of one per collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gis import analysis
from gis.cql2 import queryable_names
from gis.exports import FORMATS
from gis.layers import LAYERS, Layer, Prop

OPENAPI_VERSION = "3.0.3"
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GEOJSON = "application/geo+json"
PROBLEM = "application/problem+json"
_JSON_TYPES = {"string": "string", "number": "number", "integer": "integer", "boolean": "boolean"}


@dataclass(frozen=True)
class Operation:
    """One documented operation, flattened for the HTML docs page."""

    path: str
    method: str
    summary: str
    description: str
    parameters: tuple[dict[str, Any], ...]
    responses: tuple[str, ...]


def property_schema(prop: Prop, lang: str = "en") -> dict[str, Any]:
    """JSON Schema of one property (arrays hold strings)."""
    title = prop.title_en if lang == "en" else prop.title_id
    if prop.type == "array":
        return {"title": title or prop.name, "type": "array", "items": {"type": "string"}}
    return {"title": title or prop.name, "type": _JSON_TYPES[prop.type]}


def geometry_schema(layer: Layer) -> dict[str, Any]:
    """JSON Schema of the layer's GeoJSON geometry (nullable)."""
    if layer.geometry_type == "Point":
        return {"$ref": "#/components/schemas/pointGeoJSON"}
    if layer.geometry_type == "MultiPolygon":
        return {"$ref": "#/components/schemas/multipolygonGeoJSON"}
    return {"$ref": "#/components/schemas/geometryGeoJSON"}


def _param(name: str, description: str, schema: dict[str, Any], where: str = "query",
           required: bool = False, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "description": description, "required": required,
            "schema": schema, **extra}


def _common_params(formats: tuple[str, ...] = ("json", "html")) -> list[dict[str, Any]]:
    return [
        _param("f", "Response format; without it the Accept header decides (JSON unless a browser asks for HTML)."
               + (" csv, gpkg and xlsx download every matching feature." if "csv" in formats else ""),
               {"type": "string", "enum": list(formats)}, style="form", explode=False),
        _param("lang", "Language of titles and HTML pages: id (Bahasa Indonesia, default) or en.",
               {"type": "string", "enum": ["id", "en"], "default": "id"}),
    ]


def properties_parameter(layer: Layer) -> dict[str, Any]:
    """OGC ``properties``: the properties to return."""
    return _param("properties", "The properties to return, in this order (none when empty).",
                  {"type": "array", "items": {"type": "string", "enum": [p.name for p in layer.properties]}},
                  style="form", explode=False)


def items_parameters(layer: Layer) -> list[dict[str, Any]]:
    """Query parameters of ``/collections/{layer}/items``: paging, bbox, datetime, CQL2 and property filters."""
    params = [
        _param("bbox", "Only features intersecting minLon,minLat,maxLon,maxLat (CRS84).",
               {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
               style="form", explode=False),
        _param("limit", f"Features per page, 1..{MAX_LIMIT}; larger values are served as {MAX_LIMIT}.",
               {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
               style="form", explode=False),
        _param("offset", "Features to skip (paging; follow the next link).",
               {"type": "integer", "minimum": 0, "default": 0}, style="form", explode=False),
    ]
    if layer.year_sql:
        params.append(_param("datetime", "A year or interval (RFC 3339, '..' open): 2024, 2020/2024, 2022/..",
                             {"type": "string"}, style="form", explode=False))
    params += [
        _param("filter", "CQL2-text filter, e.g. " + _filter_example(layer), {"type": "string"}),
        _param("filter-lang", "Language of filter: cql2-text only.",
               {"type": "string", "enum": ["cql2-text"], "default": "cql2-text"}),
        _param("filter-crs", "CRS of geometries in filter: CRS84 only.", {"type": "string", "enum": [CRS84]}),
        _param("bbox-crs", "CRS of bbox: CRS84 only.", {"type": "string", "enum": [CRS84]}),
        _param("crs", "CRS of the response: CRS84 only.", {"type": "string", "enum": [CRS84]}),
        properties_parameter(layer),
        _param("sortby", "Order by these properties, '-' before a name for descending (then by id), "
                         "e.g. -" + next((p.name for p in layer.properties if p.type != "array"), "id") + ".",
               {"type": "array", "items": {"type": "string", "pattern": "^[+-]?[A-Za-z_][A-Za-z0-9_]*$"}},
               style="form", explode=False),
    ]
    for name in layer.filters:
        prop = layer.prop(name)
        assert prop is not None
        kind = "string" if prop.type == "array" or prop.area else _JSON_TYPES[prop.type]
        if prop.area:
            what = ("lies inside the given Kemendagri area (32.12, 32.12.16 or 32.12.16.2004: any level); "
                    "several separated by commas")
        elif prop.type == "array":
            what = "holds every given value (several separated by commas)"
        elif prop.type == "boolean":
            what = "is the given value"
        else:
            what = "equals one of the given values (several separated by commas)"
        params.append(_param(name, f"Only features whose {name} ({prop.title_en}) {what}.",
                             {"type": kind}, style="form", explode=False))
    return params + _common_params(("json", "html", "csv", "gpkg", "xlsx"))


def _filter_example(layer: Layer) -> str:
    examples = {"producers": "sector = 'C' AND employees >= 5", "agriculture": "commodity = 'padi' AND year = 2024"}
    return examples.get(layer.id, "S_INTERSECTS(geometry, BBOX(108.2, -6.5, 108.4, -6.3))")


def _responses(schema: dict[str, Any], media: str, *, not_found: bool = False,
               downloads: bool = False) -> dict[str, Any]:
    """Every status an operation can answer: 200 (as JSON, HTML and, for items, the downloads), 400 for a
    wrong parameter, 404 when it names something, 429 beyond the rate limit, 503 while the database is away."""
    content: dict[str, Any] = {media: {"schema": schema}, "text/html": {"schema": {"type": "string"}}}
    if downloads:
        content.update({mimetype.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                        for name, (mimetype, _) in FORMATS.items() if name != "geojson"})
    problem = {"content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/problem"}}}}
    retry = {"headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}}
    out: dict[str, Any] = {
        "200": {"description": "OK", "content": content},
        "400": {"description": "A parameter is wrong; detail says what to fix.", **problem},
        "429": {"description": "Too many requests from this address; try again after Retry-After.",
                **problem, **retry},
        "503": {"description": "The database is not reachable; try again after Retry-After.", **problem, **retry},
    }
    if not_found:
        out["404"] = {"description": "No such collection or feature.", **problem}
    return out


def _get(op_id: str, tag: str, summary: str, description: str, params: list[dict[str, Any]],
         responses: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"operationId": op_id, "tags": [tag], "summary": summary, "description": description,
                    "parameters": params, "responses": responses}}


def _collection_paths(layer: Layer) -> dict[str, Any]:
    op = layer.id.replace("-", "_")
    ref = f"#/components/schemas/{op}"
    base = f"/collections/{layer.id}"
    feature_id = _param("featureId", f"Id of a {layer.title_en} feature.", {"type": layer.id_type}, "path", True)
    crs = _param("crs", "CRS of the response: CRS84 only.", {"type": "string", "enum": [CRS84]})
    return {
        base: _get(f"describe_{op}", layer.id, f"{layer.title_en}: description",
                   layer.description_en, _common_params(),
                   _responses({"$ref": "#/components/schemas/collection"}, "application/json")),
        f"{base}/queryables": _get(
            f"queryables_{op}", layer.id, f"{layer.title_en}: queryables",
            "Properties usable in filter (JSON Schema): " + ", ".join(queryable_names(layer)), _common_params(),
            _responses({"type": "object"}, "application/schema+json")),
        f"{base}/items": _get(
            f"items_{op}", layer.id, f"{layer.title_en}: features",
            f"{layer.description_en} Ordered by id; numberMatched is exact on small results and the "
            "planner's estimate on very large ones.", items_parameters(layer),
            _responses({"$ref": f"{ref}_collection"}, GEOJSON, not_found=True, downloads=True)),
        f"{base}/items/{{featureId}}": _get(
            f"item_{op}", layer.id, f"{layer.title_en}: one feature", layer.description_en,
            [feature_id, crs, properties_parameter(layer), *_common_params()],
            _responses({"$ref": f"{ref}_feature"}, GEOJSON, not_found=True)),
    }


def _layer_schemas(layer: Layer) -> dict[str, Any]:
    op = layer.id.replace("-", "_")
    properties = {p.name: {**property_schema(p), "nullable": True} for p in layer.properties}
    feature = {
        "type": "object", "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": layer.id_type},
            "geometry": {**geometry_schema(layer), "nullable": True},
            "properties": {"type": "object", "properties": properties},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/link"}},
        },
    }
    collection = {
        "type": "object", "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": {"$ref": f"#/components/schemas/{op}_feature"}},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/link"}},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
            "timeStamp": {"type": "string", "format": "date-time"},
        },
    }
    return {f"{op}_feature": feature, f"{op}_collection": collection}


def _position() -> dict[str, Any]:
    return {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}


def _base_schemas() -> dict[str, Any]:
    link = {"type": "object", "required": ["href", "rel"],
            "properties": {k: {"type": "string"} for k in ("href", "rel", "type", "title", "hreflang")}}
    links = {"type": "array", "items": {"$ref": "#/components/schemas/link"}}
    ring = {"type": "array", "items": _position()}
    return {
        "link": link,
        "landingPage": {"type": "object", "required": ["links"],
                        "properties": {"title": {"type": "string"}, "description": {"type": "string"},
                                       "links": links}},
        "confClasses": {"type": "object", "required": ["conformsTo"],
                        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}}},
        "collection": {"type": "object", "required": ["id", "links"],
                       "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                      "description": {"type": "string"}, "itemType": {"type": "string"},
                                      "crs": {"type": "array", "items": {"type": "string"}},
                                      "extent": {"type": "object"}, "links": links}},
        "collections": {"type": "object", "required": ["links", "collections"],
                        "properties": {"links": links, "collections": {
                            "type": "array", "items": {"$ref": "#/components/schemas/collection"}}}},
        "problem": {"type": "object", "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                                                     "status": {"type": "integer"}, "detail": {"type": "string"}}},
        "pointGeoJSON": {"type": "object", "required": ["type", "coordinates"],
                         "properties": {"type": {"type": "string", "enum": ["Point"]}, "coordinates": _position()}},
        "multipolygonGeoJSON": {
            "type": "object", "required": ["type", "coordinates"],
            "properties": {"type": {"type": "string", "enum": ["MultiPolygon"]},
                           "coordinates": {"type": "array", "items": {"type": "array", "items": ring}}}},
        "geometryGeoJSON": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}},
    }


# --------------------------------------------------------------------------- the analysis collections

_ANALYSIS_TIME = {
    "lq": "The year (default: the latest with data), e.g. 2024.",
    "leading": "The year, or start/year for the growth since start (default: the latest, growth since the first).",
}


def _analysis_op(name: str) -> str:
    return "analysis_" + name.replace("-", "_")


def _analysis_segment(name: str) -> str:
    return f"{name}-{{sector}}" + ("" if name == "leading" else "-{commodity}")


def _analysis_path_params(name: str) -> list[dict[str, Any]]:
    params = [_param("sector", "agriculture (commodities) or fisheries (kinds such as tambak, laut).",
                     {"type": "string", "enum": list(analysis.sectors())}, "path", True)]
    if name != "leading":
        params.append(_param("commodity", "A commodity or fisheries kind with data, e.g. padi or tambak "
                             "(/collections lists those there are).",
                             {"type": "string", "pattern": "^[a-z0-9_]{1,40}$", "example": "padi"}, "path", True))
    return params


def _analysis_options(name: str) -> list[dict[str, Any]]:
    when = _ANALYSIS_TIME.get(name, "The period start/end, e.g. 2020/2024 (default: the first and latest years "
                                    "with data; '..' for an open end).")
    params = [
        _param("datetime", when, {"type": "string"}, style="form", explode=False),
        _param("level", "Area level of the items.", {"type": "string", "enum": list(analysis.LEVELS),
                                                     "default": "kecamatan"}),
        _param("reference", "kabupaten: the sum of the areas of the level; provinsi / nasional: comparison totals.",
               {"type": "string", "enum": list(analysis.SCOPES), "default": "kabupaten"}),
    ]
    if name == "klassen":
        params.append(_param("share", "Share axis: contribution (of the regency's production) or specialisation.",
                             {"type": "string", "enum": list(analysis.SHARES), "default": "contribution"}))
    return params


def _analysis_items_params(name: str) -> list[dict[str, Any]]:
    fields = [field for field, _ in analysis.row_fields(name)]
    sortable = [field for field, kind in analysis.row_fields(name) if kind != "array"]
    return [
        *_analysis_path_params(name),
        _param("bbox", "Only areas intersecting minLon,minLat,maxLon,maxLat (CRS84).",
               {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
               style="form", explode=False),
        _param("limit", f"Areas per page, 1..{MAX_LIMIT}; larger values are served as {MAX_LIMIT}.",
               {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
               style="form", explode=False),
        _param("offset", "Areas to skip (paging; follow the next link).",
               {"type": "integer", "minimum": 0, "default": 0}, style="form", explode=False),
        _param("area_code", "Only areas inside the given Kemendagri area (32.12, 32.12.16 or 32.12.16.2004: any "
               "level); several separated by commas.", {"type": "string"}, style="form", explode=False),
        *_analysis_options(name),
        _param("bbox-crs", "CRS of bbox: CRS84 only.", {"type": "string", "enum": [CRS84]}),
        _param("crs", "CRS of the response: CRS84 only.", {"type": "string", "enum": [CRS84]}),
        _param("properties", "The properties to return, in this order (none when empty).",
               {"type": "array", "items": {"type": "string", "enum": fields}}, style="form", explode=False),
        _param("sortby", f"Order by these properties, '-' before a name for descending (then by code), "
               f"e.g. -{sortable[-1]}.", {"type": "array", "items": {"type": "string", "enum": [
                   f"{sign}{field}" for field in sortable for sign in ("", "-")]}}, style="form", explode=False),
        *_common_params(("json", "html", "csv", "gpkg", "xlsx")),
    ]


def _analysis_paths(name: str) -> dict[str, Any]:
    op, tag = _analysis_op(name), f"analysis-{name}"
    ref = f"#/components/schemas/{op}"
    base = f"/collections/{_analysis_segment(name)}"
    summary = analysis.SUMMARIES[name]
    feature_id = _param("featureId", "Kemendagri code of an area of the level, e.g. 32.12.15.",
                        {"type": "string", "example": "32.12.15"}, "path", True)
    fields = [field for field, _ in analysis.row_fields(name)]
    properties = _param("properties", "The properties to return, in this order (none when empty).",
                        {"type": "array", "items": {"type": "string", "enum": fields}}, style="form", explode=False)
    crs = _param("crs", "CRS of the response: CRS84 only.", {"type": "string", "enum": [CRS84]})
    return {
        base: _get(f"describe_{op}", tag, f"{summary}: description", "One collection per commodity with data.",
                   [*_analysis_path_params(name), *_common_params()],
                   _responses({"$ref": "#/components/schemas/collection"}, "application/json", not_found=True)),
        f"{base}/items": _get(
            f"items_{op}", tag, f"{summary}: areas", "The areas of the level with the analysis row as properties, "
            "computed for the options; the method, thresholds and warnings come as members.",
            _analysis_items_params(name),
            _responses({"$ref": f"{ref}_collection"}, GEOJSON, not_found=True, downloads=True)),
        f"{base}/items/{{featureId}}": _get(
            f"item_{op}", tag, f"{summary}: one area", "One area with the analysis row, computed for the options.",
            [*_analysis_path_params(name), feature_id, crs, properties, *_analysis_options(name),
             *_common_params()],
            _responses({"$ref": f"{ref}_feature"}, GEOJSON, not_found=True)),
    }


def _analysis_schemas(name: str) -> dict[str, Any]:
    op = _analysis_op(name)
    feature = {
        "type": "object", "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]}, "id": {"type": "string"},
            "geometry": {"$ref": "#/components/schemas/multipolygonGeoJSON", "nullable": True},
            "properties": analysis.row_schema(name, required=False),
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/link"}},
        },
    }
    collection = {
        "type": "object", "required": ["type", "features", "numberMatched", "numberReturned"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "analysis": {"type": "string", "enum": [name]}, "method": {"type": "object"},
            "features": {"type": "array", "items": {"$ref": f"#/components/schemas/{op}_feature"}},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/link"}},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
            "timeStamp": {"type": "string", "format": "date-time"},
        },
    }
    return {f"{op}_feature": feature, f"{op}_collection": collection}


def build_openapi(server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.0 document of the OGC API at ``server_url`` (e.g. ``http://host/ogc``)."""
    json_ok = _responses({"type": "object"}, "application/vnd.oai.openapi+json;version=3.0")
    paths: dict[str, Any] = {
        "/": _get("landing", "server", "Landing page", "Links to the API description, conformance and data.",
                  _common_params(), _responses({"$ref": "#/components/schemas/landingPage"}, "application/json")),
        "/conformance": _get("conformance", "server", "Conformance classes", "Standards this API implements.",
                             _common_params(),
                             _responses({"$ref": "#/components/schemas/confClasses"}, "application/json")),
        "/api": _get("api", "server", "This document", "The OpenAPI 3.0 definition.", _common_params(), json_ok),
        "/collections": _get("collections", "server", "Collections", "Every collection of the platform.",
                             _common_params(),
                             _responses({"$ref": "#/components/schemas/collections"}, "application/json")),
    }
    schemas = _base_schemas()
    for layer in LAYERS.values():
        paths.update(_collection_paths(layer))
        schemas.update(_layer_schemas(layer))
    for name in analysis.ANALYSES:
        paths.update(_analysis_paths(name))
        schemas.update(_analysis_schemas(name))
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "Peta Ekonomi — OGC API Features", "version": "1.0.0",
                 "description": "Economic potential map: areas, producers (UMKM/IKM), landing sites, investment "
                                "opportunities, agriculture and fisheries production, and the analysis results "
                                "per area (LQ, DLQ, shift-share, Klassen typology, leading commodities: one "
                                "collection per analysis and commodity with data). CRS84 coordinates.",
                 "license": {"name": "MIT (code); data: see datasets/README.md"}},
        "servers": [{"url": server_url}],
        "tags": [{"name": "server"}, *({"name": layer.id, "description": layer.title_en}
                                       for layer in LAYERS.values()),
                 *({"name": f"analysis-{name}", "description": analysis.SUMMARIES[name]}
                   for name in analysis.ANALYSES)],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def operations(doc: dict[str, Any]) -> list[Operation]:
    """Every operation of ``doc`` in path order, for the docs page."""
    ops = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            ops.append(Operation(path, method.upper(), op.get("summary", ""), op.get("description", ""),
                                 tuple(op.get("parameters", ())), tuple(op.get("responses", {}))))
    return ops
