"""The OpenAPI 3.0 document of ``/ogc``, generated from the layer registry (every collection, its filters) and
the analyses (``gis.analysis``): their collections depend on the loaded data, so each analysis has parametrised
paths (``/collections/lq-{sector}-{commodity}``, ``/collections/leading-{sector}``) instead of one per collection.
The parameters of every operation are those of the specs its route parses with (``webmap.ogc_params``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gis import analysis
from gis.cql2 import queryable_names
from gis.exports import FORMATS
from gis.layers import LAYERS, Layer, Prop
from webmap.ogc_analysis import path_segment, template
from webmap.ogc_params import PAGE_SPEC, item_spec, items_spec
from webmap.ogc_providers import describe_layer
from webmap.params import Param, Spec, choice, string

OPENAPI_VERSION = "3.0.3"
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
    found = describe_layer(layer, "en")
    page = PAGE_SPEC.openapi()
    return {
        base: _get(f"describe_{op}", layer.id, f"{layer.title_en}: description",
                   layer.description_en, page,
                   _responses({"$ref": "#/components/schemas/collection"}, "application/json")),
        f"{base}/queryables": _get(
            f"queryables_{op}", layer.id, f"{layer.title_en}: queryables",
            "Properties usable in filter (JSON Schema): " + ", ".join(queryable_names(layer)), page,
            _responses({"type": "object"}, "application/schema+json")),
        f"{base}/items": _get(
            f"items_{op}", layer.id, f"{layer.title_en}: features",
            f"{layer.description_en} Ordered by id; numberMatched is exact on small results and the "
            "planner's estimate on very large ones.", items_spec(found).openapi(),
            _responses({"$ref": f"{ref}_collection"}, GEOJSON, not_found=True, downloads=True)),
        f"{base}/items/{{featureId}}": _get(
            f"item_{op}", layer.id, f"{layer.title_en}: one feature", layer.description_en,
            item_spec(found).openapi(), _responses({"$ref": f"{ref}_feature"}, GEOJSON, not_found=True)),
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


def _analysis_op(name: str) -> str:
    return "analysis_" + name.replace("-", "_")


def _analysis_path(name: str) -> tuple[Param, ...]:
    """The parts of the collection ids of analysis ``name``, as path parameters."""
    params = [Param("sector", choice(*analysis.sectors()), "agriculture (commodities) or fisheries (kinds such as "
                    "tambak, laut).", where="path")]
    if name != "leading":
        params.append(Param("commodity", string(40, "[a-z0-9_]+", "a commodity such as padi"), "A commodity or "
                            "fisheries kind with data, e.g. padi or tambak (/collections lists those there are).",
                            example="padi", where="path"))
    return tuple(params)


def _analysis_paths(name: str) -> dict[str, Any]:
    op, tag = _analysis_op(name), f"analysis-{name}"
    ref = f"#/components/schemas/{op}"
    base = f"/collections/{path_segment(name)}"
    summary = analysis.SUMMARIES[name]
    path, found = _analysis_path(name), template(name)
    return {
        base: _get(f"describe_{op}", tag, f"{summary}: description", "One collection per commodity with data.",
                   Spec(*path, *PAGE_SPEC.params).openapi(),
                   _responses({"$ref": "#/components/schemas/collection"}, "application/json", not_found=True)),
        f"{base}/items": _get(
            f"items_{op}", tag, f"{summary}: areas", "The areas of the level with the analysis row as properties, "
            "computed for the options; the method, thresholds and warnings come as members.",
            Spec(*path, *items_spec(found).params).openapi(),
            _responses({"$ref": f"{ref}_collection"}, GEOJSON, not_found=True, downloads=True)),
        f"{base}/items/{{featureId}}": _get(
            f"item_{op}", tag, f"{summary}: one area", "One area with the analysis row, computed for the options.",
            Spec(*path, *item_spec(found).params).openapi(),
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
    page = PAGE_SPEC.openapi()
    paths: dict[str, Any] = {
        "/": _get("landing", "server", "Landing page", "Links to the API description, conformance and data.",
                  page, _responses({"$ref": "#/components/schemas/landingPage"}, "application/json")),
        "/conformance": _get("conformance", "server", "Conformance classes", "Standards this API implements.",
                             page, _responses({"$ref": "#/components/schemas/confClasses"}, "application/json")),
        "/api": _get("api", "server", "This document", "The OpenAPI 3.0 definition.", page, json_ok),
        "/collections": _get("collections", "server", "Collections", "Every collection of the platform.",
                             page, _responses({"$ref": "#/components/schemas/collections"}, "application/json")),
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
