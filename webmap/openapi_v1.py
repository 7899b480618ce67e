"""The OpenAPI 3.0 document of ``/api/v1``, generated from the endpoints' parameter specs (``webmap.params``).

Each endpoint declares one ``Operation``: its path, its ``Spec`` (which gives the parameters), what a 200
carries, and every other status it can answer; the responses are built here from those statuses, every
error as ``application/problem+json``. The schemas of the response bodies are written out below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gis import exports, stats
from gis.layers import LAYERS, Layer, sector_ids
from webmap import offline
from webmap.params import Spec

JSON = "application/json"
GEOJSON = "application/geo+json"
PROBLEM = "application/problem+json"
OPENAPI = "application/vnd.oai.openapi+json"

RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                               "schema": {"type": "integer", "minimum": 0}}}
STATUS_TEXT: dict[int, str] = {
    304: "Not modified: the ETag sent in If-None-Match is still current (no body).",
    400: "A parameter to fix: detail names it and says why.",
    401: "No API key, or an unknown or revoked one.",
    403: "The key's role does not allow this.",
    404: "No such resource, or no data for it.",
    413: "The request body is larger than the upload limit (PETA_MAX_UPLOAD_MB).",
    415: "The body is not multipart/form-data.",
    429: "Too many requests from this address; try again after Retry-After.",
    503: "The database is not reachable; try again after Retry-After.",
}
# What a GET that reads the database can answer besides 200 (304: JSON answers carry an ETag).
READ = (304, 400, 429, 503)
FILES = {mime.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
         for mime, _ in exports.FORMATS.values()} | {GEOJSON: {"schema": {"$ref": "#/components/schemas/GeoJSONFile"}}}
_TYPES = {"string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
          "boolean": {"type": "boolean"}, "array": {"type": "array", "items": {"type": "string"}}}


def ref(name: str, mime: str = JSON) -> dict[str, Any]:
    """Content of one media type whose schema is the component ``name``."""
    return {mime: {"schema": {"$ref": f"#/components/schemas/{name}"}}}


@dataclass(frozen=True)
class Operation:
    """One documented operation: the spec gives its parameters, ``statuses`` every answer besides 200."""

    path: str
    operation_id: str
    tag: str
    summary: str
    spec: Spec
    ok: Mapping[str, Any]  # media type -> {"schema": ...} of the 200 answer
    statuses: tuple[int, ...] = READ
    method: str = "get"
    ok_description: str = "OK"
    notes: Mapping[int, str] = field(default_factory=dict)  # descriptions saying more than STATUS_TEXT
    responses: Mapping[str, Any] = field(default_factory=dict)  # responses written out whole (replace built ones)
    more: Mapping[str, Any] = field(default_factory=dict)  # more fields: description, security, requestBody

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI operation object."""
        answers: dict[str, Any] = {"200": {"description": self.ok_description, "content": dict(self.ok)}}
        for status in self.statuses:
            answers[str(status)] = answer(status, self.notes.get(status))
        answers.update(self.responses)
        return {"operationId": self.operation_id, "tags": [self.tag], "summary": self.summary, **self.more,
                "parameters": self.spec.openapi(), "responses": answers}


def answer(status: int, description: str | None = None, schema: str = "Problem") -> dict[str, Any]:
    """The response object of a status other than 200: problem+json (304 has no body), Retry-After on 429/503."""
    out: dict[str, Any] = {"description": description or STATUS_TEXT[status]}
    if status != 304:
        out["content"] = {PROBLEM: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    if status in (429, 503):
        out["headers"] = RETRY_AFTER
    return out


def document(server: str, operations: Iterable[Operation], more_paths: Mapping[str, Any],
             schemas: Mapping[str, Any], security_schemes: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.0 document of ``operations`` (and of ``more_paths``, written elsewhere)."""
    paths: dict[str, Any] = {}
    for op in [*operations, offline_plan()]:
        paths.setdefault(op.path, {})[op.method] = op.openapi()
    paths.update(more_paths)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Peta Ekonomi REST API", "version": "1.0.0", "license": {"name": "MIT"},
                 "description": "Area profiles, producer search, choropleth statistics, investment opportunities, "
                                "exports, and the data stewards' uploads of Peta Ekonomi. Reads are public; uploads "
                                "need an API key (bearerAuth). Errors are application/problem+json. An empty "
                                "parameter (?sector=) means 'not given'; an unknown or repeated one is a 400."},
        "servers": [{"url": server or "/"}],
        "paths": paths,
        "components": {"schemas": {**_base_schemas(), **_feature_schemas(), "AreaProfile": _area_profile(),
                                   "Choropleth": _choropleth(), "OfflinePlan": _offline_plan(), **schemas},
                       "securitySchemes": dict(security_schemes)},
    }


def offline_plan() -> Operation:
    """``/api/v1/offline/{area_code}``: what saving an area for offline use fetches (``webmap.offline``)."""
    return Operation("/api/v1/offline/{area_code}", "offline_plan", "offline",
                     "What saving an area for offline use fetches, and its estimated size", offline.PLAN,
                     ref("OfflinePlan"), (*READ, 404), notes={
                         400: "minzoom above maxzoom, or more tiles than a save may hold: choose a lower maxzoom.",
                         404: "No area has this code."},
                     more={"description": "The tiles (z/x/y meeting the area's polygon, one composite URL "
                                          "pattern of every map layer), the record pages (producers, "
                                          "opportunities, TPI as GeoJSON) and the resources a phone fetches to "
                                          "keep the area offline, with their estimated size (see estimate)."})


# --------------------------------------------------------------------------- response bodies

_TEXT, _NUM, _INT = {"type": "string"}, {"type": "number"}, {"type": "integer"}
_LINKS = {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}


def nullable(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` or null."""
    return {**schema, "nullable": True}


def _obj(required: Iterable[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": properties}


def _array(items: Mapping[str, Any], **more: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **more}


def _base_schemas() -> dict[str, Any]:
    geometry_types = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                      "GeometryCollection"]
    return {
        "Problem": _obj(["title", "status", "detail"], type=_TEXT, title=_TEXT, status=_INT, detail=_TEXT),
        "Link": _obj(["rel", "href"], rel=_TEXT, href=_TEXT, type=_TEXT, title=_TEXT),
        "Geometry": {**_obj(["type"], type={"type": "string", "enum": geometry_types}, coordinates={"type": "array"}),
                     "nullable": True},
        "GeoJSONFile": _obj(["type", "features"], type={"type": "string", "enum": ["FeatureCollection"]}, name=_TEXT,
                            features=_array(_obj(["type", "geometry", "properties"],
                                                 geometry={"$ref": "#/components/schemas/Geometry"},
                                                 properties={"type": "object"}))),
        "Landing": _obj(["title", "links"], title=_TEXT, description=_TEXT, links=_LINKS),
    }


def _layer_properties(layer: Layer, extra: Mapping[str, Any]) -> dict[str, Any]:
    props = {p.name: nullable(_TYPES[p.type]) for p in layer.properties}
    return {"type": "object", "properties": {**props, **extra}}


def _feature_collection(properties: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    feature = _obj(["type", "id", "geometry", "properties"], type={"type": "string", "enum": ["Feature"]}, id=_INT,
                   geometry={"$ref": "#/components/schemas/Geometry"},
                   properties={"$ref": f"#/components/schemas/{properties}"})
    return _obj(["type", "features", "numberReturned", *extra], type={"type": "string", "enum": ["FeatureCollection"]},
                features=_array(feature), numberReturned={**_INT, "minimum": 0}, **extra, links=_LINKS)


def _feature_schemas() -> dict[str, Any]:
    return {
        "ProducerProperties": _layer_properties(LAYERS["producers"], {
            "sector_label": nullable(_TEXT), "area_name": nullable(_TEXT), "distance_m": {**_NUM, "minimum": 0}}),
        "ProducerCollection": _feature_collection("ProducerProperties", {"next_cursor": nullable(_TEXT)}),
        "OpportunityProperties": _layer_properties(LAYERS["opportunities"], {
            "title": nullable(_TEXT), "description": nullable(_TEXT), "area_name": nullable(_TEXT)}),
        "OpportunityCollection": _feature_collection("OpportunityProperties", {
            "numberMatched": {**_INT, "minimum": 0}}),
    }


def _area_profile() -> dict[str, Any]:
    code_name = _obj(["code", "name"], code=_TEXT, name=_TEXT, href=_TEXT)
    box = _array(_NUM, minItems=4, maxItems=4)
    commodity = _obj(["sector", "subject", "label", "year", "production_ton"],
                     sector={"type": "string", "enum": list(sector_ids())}, subject=_TEXT, label=_TEXT,
                     year=_INT, production_ton=_NUM, unit=_TEXT)
    by_section = _obj(["section", "count"], section=nullable(_TEXT), label=nullable(_TEXT), count=_INT)
    opportunity = _obj(["id", "code", "title"], id=_INT, code=_TEXT, title=nullable(_TEXT), sector=nullable(_TEXT),
                       status=nullable(_TEXT), readiness=nullable(_TEXT), value_idr=nullable(_NUM),
                       area_code=nullable(_TEXT))
    return _obj(
        ["code", "name", "level", "parent", "population", "area_km2", "approximate", "top_commodities", "producers",
         "opportunities", "children", "links"],
        code=_TEXT, bps_code=nullable(_TEXT), name=_TEXT,
        level={"type": "string", "enum": ["kabupaten", "kecamatan", "desa"]}, level_label=_TEXT,
        type=nullable(_TEXT), parent=nullable(code_name), population=nullable(_INT),
        population_year=nullable(_INT), population_source=nullable(_TEXT), area_km2=nullable(_NUM),
        area_source={**nullable(_TEXT), "description": "published source of area_km2, or 'computed' when the "
                                                       "platform measured the polygon"},
        area_year=nullable(_INT), density_per_km2=nullable(_NUM), approximate={"type": "boolean"},
        derived={"type": "boolean", "description": "dissolved from its desa; loading the real level replaces it"},
        centroid=_array(_NUM, minItems=2, maxItems=2), bbox=box,
        view_bbox={**box, "nullable": True, "description": "the first view on a map: the bbox without parts under "
                                                           "a twentieth of the largest (far islands)"},
        top_commodities=_array(commodity),
        producers=_obj(["total", "by_section"], total=_INT, by_section=_array(by_section)),
        opportunities=_array(opportunity), children=_array(code_name), links=_LINKS)


def _offline_plan() -> dict[str, Any]:
    estimate = {"type": "string", "enum": ["exact", "sampled"]}
    zoom = _obj(["tiles", "bytes", "exact"], tiles={**_INT, "minimum": 0}, bytes={**_INT, "minimum": 0},
                exact={"type": "boolean"})
    tiles = _obj(["url", "layers", "count", "bytes", "estimate", "per_zoom", "xyz"], url=_TEXT, layers=_array(_TEXT),
                 count={**_INT, "minimum": 0}, bytes={**_INT, "minimum": 0}, estimate=estimate,
                 per_zoom={"type": "object", "additionalProperties": zoom},
                 xyz=_array(_array(_INT, minItems=3, maxItems=3)))
    records = _obj(["layer", "count", "count_exact", "bytes", "estimate", "urls"], layer=_TEXT,
                   count={**_INT, "minimum": 0}, count_exact={"type": "boolean"}, bytes={**_INT, "minimum": 0},
                   estimate=estimate, urls=_array(_TEXT, minItems=1))
    area = _obj(["code", "name", "level", "bbox"], code=_TEXT, name=_TEXT, level=_TEXT,
                bbox=nullable(_array(_NUM, minItems=4, maxItems=4)))
    return _obj(
        ["area", "data_version", "minzoom", "maxzoom", "max_zoom_choices", "tiles", "records", "resources", "bytes",
         "estimate"],
        area=area, data_version=_TEXT, minzoom=_INT, maxzoom=_INT, max_zoom_choices=_array(_INT), tiles=tiles,
        records=_array(records), resources=_array(_obj(["url", "bytes"], url=_TEXT, bytes=nullable(_INT))),
        bytes={**_INT, "minimum": 0, "description": "estimated total: tiles, records, basemap tiles (see estimate)"},
        estimate=_TEXT)


def _choropleth() -> dict[str, Any]:
    value = _obj(["code", "name", "value", "unit", "class"], code=_TEXT, name=_TEXT, value=_NUM, unit=_TEXT,
                 **{"class": {**_INT, "minimum": 0}}, geometry={"$ref": "#/components/schemas/Geometry"})
    return _obj(
        ["dataset", "year", "available_years", "level", "measure", "unit", "method", "classes", "breaks", "min",
         "max", "values"],
        dataset={"type": "string", "enum": list(stats.DATASETS)}, label=_TEXT,
        **{dataset.subject_param: _TEXT for dataset in stats.DATASETS.values()},
        year=_INT, available_years=_array(_INT), level={"type": "string", "enum": list(stats.LEVELS)},
        measure=_TEXT, unit=_TEXT, method={"type": "string", "enum": list(stats.METHODS)},
        classes={**_INT, "minimum": 1, "maximum": stats.MAX_CLASSES}, classes_requested=_INT, min=_NUM, max=_NUM,
        breaks=_array(_NUM, minItems=1), values=_array(value))
