"""Economic analysis at ``/api/v1/analysis``: location quotient, dynamic LQ, shift-share, Klassen, leading commodities.

HTTP only: each endpoint parses its query through one ``Spec`` (``spec(name)``, ``webmap.params``),
``gis.analysis_data`` reads the inputs and ``gis.analysis`` computes plain data, which is answered as
JSON (default), GeoJSON (``geometry=true`` or ``f=geojson``: area polygons for choropleths), CSV or XLSX
(``f=csv|xlsx``; text cells that a spreadsheet would run as a formula get a leading apostrophe, numbers
stay numbers). ``openapi_paths()`` describes the endpoints in OpenAPI 3.0 for the REST v1 document, with
the parameters of the same specs. The options (``LEVEL``, ``REFERENCE``, ``SHARE``) are also those of
the results' collections at ``/ogc``.

The same results as OGC API - Features collections are served by the one OGC API at ``/ogc``
(``webmap.ogc_analysis``); the former ``/api/v1/analysis/ogc...`` addresses redirect there (308).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, request

from gis import analysis, analysis_data, exports
from gis.i18n import t
from webmap import current
from webmap.openapi_v1 import READ, Operation
from webmap.params import LANG, BadParameter, Param, Spec, boolean, choice, choose_lang, integer, string

bp = Blueprint("analysis_api", __name__, url_prefix="/api/v1/analysis")

PREFIX = "/api/v1/analysis"
FORMATS: tuple[str, ...] = ("json", "geojson", "csv", "xlsx")
COMMON = ("level", "sector", "reference", "lang", "f", "geometry")
SUBJECT = ("commodity", "kind")
ENDPOINTS: Mapping[str, tuple[str, ...]] = {
    "lq": (*COMMON, *SUBJECT, "year"),
    "dlq": (*COMMON, *SUBJECT, "from", "to"),
    "shift-share": (*COMMON, *SUBJECT, "from", "to"),
    "klassen": (*COMMON, *SUBJECT, "from", "to", "share"),
    "leading": (*COMMON, "year", "from"),
}
SUMMARIES: Mapping[str, str] = analysis.SUMMARIES
MIN_YEAR, MAX_YEAR = 1900, 2100
GEOJSON = "application/geo+json"

# --------------------------------------------------------------------------- parameters

# The options of an analysis, also those of its collections at /ogc (webmap.ogc_analysis).
LEVEL = Param("level", choice(*analysis.LEVELS), "Area level of the rows.", default=analysis.LEVELS[0])
REFERENCE = Param("reference", choice(*analysis.SCOPES), "kabupaten: the sum of the areas of the level; provinsi / "
                  "nasional: comparison totals.", default=analysis.SCOPES[0])
SHARE = Param("share", choice(*analysis.SHARES), "Klassen share axis: contribution (area's share of the regency's "
              "production, threshold 1/n producing areas) or specialisation (share in the area's production, "
              "threshold the reference's share: LQ > 1).", default=analysis.SHARES[0])
_SUBJECT = string(64, "[A-Za-z0-9_-]+", "a name such as padi or tambak (letters, digits, _ and -)")
_YEAR = integer(MIN_YEAR, MAX_YEAR)
INDEX = Spec(LANG)


def _params() -> dict[str, Param]:
    """Every parameter of the analysis endpoints (the sectors are the registry's statistical layers, read now)."""
    sectors = analysis.sectors()
    return {p.name: p for p in (
        LEVEL, REFERENCE, SHARE, LANG,
        Param("sector", choice(*sectors), "A statistical layer: " + ", ".join(sectors) + " (agriculture: "
              "commodities; fisheries: kinds such as tambak, laut, kolam).", default="agriculture"),
        Param("f", choice(*FORMATS), "json, geojson (with area polygons), csv or xlsx.", default="json"),
        Param("geometry", boolean(), "Answer a GeoJSON FeatureCollection of the area polygons (as f=geojson).",
              default=False),
        Param("commodity", _SUBJECT, "Commodity (padi, mangga) or fisheries kind; required. A 400 lists those "
              "with data.", example="padi"),
        Param("kind", _SUBJECT, "Another name for commodity (fisheries kinds)."),
        Param("year", _YEAR, "Year (default: the latest with data)."),
        Param("from", _YEAR, "Start year (default: the first with data)."),
        Param("to", _YEAR, "End year (default: the latest with data)."),
    )}


def spec(name: str) -> Spec:
    """The parameters of ``/api/v1/analysis/{name}``."""
    params = _params()
    return Spec(*(params[p] for p in ENDPOINTS[name]))


# --------------------------------------------------------------------------- routes


@bp.get("")
@bp.get("/")
def index() -> Response:
    """Links to the analysis endpoints."""
    INDEX.parse(request.args)
    root = request.host_url.rstrip("/")
    return jsonify({"title": "Peta Ekonomi analysis API",
                    "links": [{"rel": "item", "href": f"{root}{PREFIX}/{name}", "type": "application/json",
                               "title": SUMMARIES[name]} for name in ENDPOINTS]})


@bp.get("/lq")
def location_quotient() -> Response:
    """LQ per area for one commodity and year."""
    return _answer("lq")


@bp.get("/dlq")
def dynamic_location_quotient() -> Response:
    """Dynamic LQ per area for one commodity between two years."""
    return _answer("dlq")


@bp.get("/shift-share")
def shift_share() -> Response:
    """Shift-share components per area for one commodity between two years."""
    return _answer("shift-share")


@bp.get("/klassen")
def klassen() -> Response:
    """Klassen quadrants of the areas for one commodity between two years."""
    return _answer("klassen")


@bp.get("/leading")
def leading() -> Response:
    """Leading commodities of every area in a year."""
    return _answer("leading")


# --------------------------------------------------------------------------- moved: the OGC API is /ogc
#
# The analysis results are collections of the one OGC API at /ogc (``webmap.ogc_analysis``). Every old
# /api/v1/analysis/ogc... address answers 308 to the same path under /ogc, with its query string.


@bp.get("/ogc")
@bp.get("/ogc/")
@bp.get("/ogc/<path:rest>")
def ogc_moved(rest: str = "") -> Response:
    """Permanent redirect (308) to the same path and query under ``/ogc``."""
    query = request.query_string.decode("latin-1")
    target = "/ogc" + request.path.removeprefix(PREFIX + "/ogc")
    return redirect(target + (f"?{query}" if query else ""), 308)


# --------------------------------------------------------------------------- parsing


def _answer(name: str) -> Response:
    fields = spec(name).parse(request.args)
    fmt, geometry = fields["f"], fields["geometry"]
    if geometry and fmt in ("csv", "xlsx"):
        raise BadParameter("geometry=true returns GeoJSON; drop it for f=csv or f=xlsx")
    query = analysis_query(name, fields)
    lang = choose_lang(fields["lang"], request.headers.get("Accept-Language"))
    engine = current.engine()
    region = current.settings().region_code
    inputs = analysis_data.read_inputs(engine, query, region, geometry=geometry or fmt == "geojson")
    result = analysis.report(inputs, lang)
    if fmt in ("csv", "xlsx"):
        return _export(result, fmt, lang)
    if geometry or fmt == "geojson":
        return _geojson(result, inputs.areas)
    return jsonify(result)


def analysis_query(name: str, fields: Mapping[str, Any]) -> analysis.AnalysisQuery:
    """The AnalysisQuery of the parameters parsed by ``spec(name)``."""
    commodity, kind = fields.get("commodity"), fields.get("kind")
    if commodity and kind and commodity != kind:
        raise BadParameter("give commodity or kind, not both (kind is another name for commodity)")
    return analysis.AnalysisQuery(
        analysis=name, sector=fields["sector"], level=fields["level"], commodity=commodity or kind,
        year=fields.get("year"), start=fields.get("from"), end=fields.get("to"), reference=fields["reference"],
        share=fields.get("share") or SHARE.default,
    )


# --------------------------------------------------------------------------- answers


def _features(result: Mapping[str, Any], areas: Sequence[analysis.Area]) -> list[dict[str, Any]]:
    shapes = {area.code: area.geometry for area in areas}
    return [{"type": "Feature", "id": row["code"], "geometry": shapes.get(row["code"]), "properties": row}
            for row in result["rows"]]


def _geojson(result: Mapping[str, Any], areas: Sequence[analysis.Area]) -> Response:
    meta = {k: v for k, v in result.items() if k not in ("rows", "type", "features")}
    body = {"type": "FeatureCollection", **meta, "features": _features(result, areas)}
    response = jsonify(body)
    response.mimetype = GEOJSON
    return response


def table(result: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The result as a flat table: context columns, then one row per area (per area and commodity for leading)."""
    context = {"analysis": result["analysis"], "sector": result["sector"], "level": result["level"],
               "reference": result["reference"]["scope"]}
    for key in ("commodity", "year", "from", "to"):
        if key in result:
            context[key] = result[key]
    records = _flat_records(result)
    keys = list(dict.fromkeys(k for record in records for k in record))
    header = [*context, *keys]
    return header, [[*context.values(), *(_cell(record.get(k)) for k in keys)] for record in records]


def _flat_records(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    if result["analysis"] != "leading":
        return [dict(row) for row in result["rows"]]
    records = []
    for row in result["rows"]:
        area = {"code": row["code"], "name": row["name"], "parent_code": row["parent_code"]}
        for item in row["commodities"]:
            records.append({**area, **item, "is_leading": item["commodity"] in row["leading"]})
    return records


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value


def _about(result: Mapping[str, Any], lang: str) -> list[list[Any]]:
    """The XLSX "about" sheet: the method, thresholds, reference, commodities, warnings and classes."""
    rows: list[list[Any]] = [["Peta Ekonomi: " + result["analysis"]],
                             [t("export.method", lang), result["method"]["formula"]],
                             ["", result["method"]["text"]]]
    rows += [[t("export.threshold", lang), key, str(value)] for key, value in result["thresholds"].items()]
    rows += [[t("export.reference", lang), result["reference"]["scope"], result["reference"]["code"]],
             [t("export.commodities", lang), ", ".join(result["commodities_considered"])]]
    rows += [[t("export.warning", lang), text] for text in result["warnings"]]
    rows += [[t("export.class", lang), key, label] for key, label in result["classes"].items()]
    return rows


def _export(result: Mapping[str, Any], fmt: str, lang: str) -> Response:
    header, rows = table(result)
    mimetype = exports.FORMATS[fmt][0]
    if fmt == "csv":
        chunks = exports.csv_chunks(header, [rows])
    else:
        chunks = exports.xlsx_chunks(header, [rows], about=_about(result, lang), sheet=result["analysis"])
    return Response(b"".join(chunks), mimetype=mimetype,
                    headers={"Content-Disposition": exports.content_disposition(_filename(result, fmt))})


def _filename(result: Mapping[str, Any], fmt: str) -> str:
    years = [str(result[k]) for k in ("from", "to", "year") if result.get(k) is not None]
    parts = [result["analysis"], result.get("commodity") or result["sector"], "-".join(dict.fromkeys(years)),
             result["level"], result["reference"]["scope"]]
    return re.sub(r"[^\w.-]", "_", "_".join(p for p in parts if p)) + f".{fmt}"


# --------------------------------------------------------------------------- OpenAPI


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


_TEXT, _NUM, _INT = {"type": "string"}, {"type": "number"}, {"type": "integer"}
_YEAR_SCHEMA = {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}


def _result_schema(name: str) -> dict[str, Any]:
    years = {"year": _YEAR_SCHEMA} if name == "lq" else {"from": _YEAR_SCHEMA, "to": _YEAR_SCHEMA}
    if name == "leading":
        years = {"year": _YEAR_SCHEMA, "from": _nullable(_YEAR_SCHEMA)}
    method = {"type": "object", "required": ["name", "formula", "text"],
              "properties": {"name": _TEXT, "formula": _TEXT, "text": _TEXT}}
    reference = {"type": "object", "required": ["scope", "code"], "properties": {
        "scope": {"type": "string", "enum": list(analysis.SCOPES)}, "code": _TEXT, "name": _nullable(_TEXT)}}
    return {"type": "object", "required": [
        "analysis", "sector", "level", "unit", "reference", "commodities_considered", "method", "thresholds",
        "summary", "classes", "warnings", "available", "rows", *years], "properties": {
        "analysis": {"type": "string", "enum": [name]}, "sector": {"type": "string", "enum": list(analysis.sectors())},
        "level": {"type": "string", "enum": list(analysis.LEVELS)}, "commodity": _TEXT, "label": _TEXT,
        "unit": _TEXT, "measure": _TEXT, "reference": reference, **years,
        "region": {"type": "object", "properties": {"code": _TEXT, "name": _TEXT}},
        "commodities_considered": {"type": "array", "items": _TEXT}, "method": method,
        "thresholds": {"type": "object"}, "summary": {"type": "object"},
        "classes": {"type": "object", "additionalProperties": _TEXT},
        "warnings": {"type": "array", "items": _TEXT}, "available": {"type": "object"},
        "rows": {"type": "array", "items": analysis.row_schema(name)}}}


def _geojson_schema(name: str) -> dict[str, Any]:
    feature = {"type": "object", "required": ["type", "id", "geometry", "properties"], "properties": {
        "type": {"type": "string", "enum": ["Feature"]}, "id": _TEXT,
        "geometry": {"type": "object", "nullable": True, "required": ["type"], "properties": {
            "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]}, "coordinates": {"type": "array"}}},
        "properties": analysis.row_schema(name)}}
    return {"type": "object", "required": ["type", "features", "method", "analysis"], "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]}, "analysis": {"type": "string", "enum": [name]},
        "method": {"type": "object"}, "features": {"type": "array", "items": feature}}}


def operations() -> list[Operation]:
    """The analysis endpoints, documented from the specs they parse with."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return [Operation(
        f"{PREFIX}/{name}", "analysis_" + name.replace("-", "_"), "analysis", SUMMARIES[name], spec(name),
        {"application/json": {"schema": _result_schema(name)}, GEOJSON: {"schema": _geojson_schema(name)},
         "text/csv": binary, exports.FORMATS["xlsx"][0]: binary},
        (*READ, 404), ok_description="Per-area rows with values, classes and labels",
        notes={404: "No data for this commodity, year or reference; detail says what exists."},
        more={"description": "The response carries the method (formula and text), thresholds, warnings and the "
                             "commodities, years and references with data; missing data answer 404 saying what "
                             "exists."})
        for name in ENDPOINTS]


def openapi_paths() -> dict[str, Any]:
    """OpenAPI 3.0 ``paths`` of the analysis endpoints, to merge into the /api/v1 document (errors refer to its
    ``Problem`` schema)."""
    return {op.path: {op.method: op.openapi()} for op in operations()}
