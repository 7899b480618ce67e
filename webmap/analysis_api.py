"""Economic analysis at ``/api/v1/analysis``: location quotient, dynamic LQ, shift-share, Klassen, leading commodities.

HTTP only: parameters are parsed here, ``gis.analysis_data`` reads the inputs and ``gis.analysis``
computes plain data, which is answered as JSON (default), GeoJSON (``geometry=true`` or ``f=geojson``:
area polygons for choropleths), CSV or XLSX (``f=csv|xlsx``; text cells that a spreadsheet would run
as a formula get a leading apostrophe, numbers stay numbers). ``openapi_paths()`` describes the
endpoints in OpenAPI 3.0 for the REST v1 document.

The same results as OGC API - Features collections are served by the one OGC API at ``/ogc``
(``webmap.ogc_analysis``); the former ``/api/v1/analysis/ogc...`` addresses redirect there (308).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect, request

from gis import analysis, analysis_data, exports
from gis.i18n import t
from webmap.current import allow_only as _allow
from webmap.params import (
    BadParameter,
    parse_bool,
    parse_choice,
    parse_int,
    parse_lang,
)

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


# --------------------------------------------------------------------------- routes


@bp.get("")
@bp.get("/")
def index() -> Response:
    """Links to the analysis endpoints."""
    _allow("lang")
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
    _allow(*ENDPOINTS[name])
    fmt = parse_choice(request.args.get("f"), "f", FORMATS, default="json") or "json"
    geometry = parse_bool(request.args.get("geometry"), "geometry")
    if geometry and fmt in ("csv", "xlsx"):
        raise BadParameter("geometry=true returns GeoJSON; drop it for f=csv or f=xlsx")
    query = parse_query(name, request.args)
    lang = parse_lang(request.args, request.headers.get("Accept-Language"))
    engine = current_app.extensions["peta"].engine
    region = current_app.extensions["peta"].settings.region_code
    inputs = analysis_data.read_inputs(engine, query, region, geometry=geometry or fmt == "geojson")
    result = analysis.report(inputs, lang)
    if fmt in ("csv", "xlsx"):
        return _export(result, fmt, lang)
    if geometry or fmt == "geojson":
        return _geojson(result, inputs.areas)
    return jsonify(result)


def parse_query(name: str, args: Mapping[str, str]) -> analysis.AnalysisQuery:
    """An AnalysisQuery from query parameters (empty values mean "not given"); BadParameter when malformed."""
    sector = parse_choice(args.get("sector"), "sector", analysis.sectors(), default="agriculture") or "agriculture"
    return analysis.AnalysisQuery(
        analysis=name, sector=sector,
        level=parse_choice(args.get("level"), "level", analysis.LEVELS, default="kecamatan") or "kecamatan",
        commodity=_subject(args) if name != "leading" else None,
        year=_year(args, "year"), start=_year(args, "from"), end=_year(args, "to"),
        reference=parse_choice(args.get("reference"), "reference", analysis.SCOPES, default="kabupaten")
        or "kabupaten",
        share=parse_choice(args.get("share"), "share", analysis.SHARES, default="contribution") or "contribution",
    )


def _subject(args: Mapping[str, str]) -> str | None:
    commodity, kind = args.get("commodity") or None, args.get("kind") or None
    if commodity and kind and commodity != kind:
        raise BadParameter("give commodity or kind, not both (kind is another name for commodity)")
    value = commodity or kind
    if value is not None and (len(value) > 64 or not re.fullmatch(r"[\w-]+", value)):
        raise BadParameter(f"commodity must be a name such as padi or tambak (letters, digits, _ and -), "
                           f"got {value[:64]!r}")
    return value


def _year(args: Mapping[str, str], name: str) -> int | None:
    value = parse_int(args.get(name), name, default=0, minimum=MIN_YEAR, maximum=MAX_YEAR)
    return value or None


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


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


_TEXT, _NUM, _INT = {"type": "string"}, {"type": "number"}, {"type": "integer"}
_YEAR = {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}
_SUBJECT_SCHEMA = {"type": "string", "pattern": r"^[\w-]{0,64}$"}
_PARAMS: Mapping[str, dict[str, Any]] = {
    "level": _param("level", {"type": "string", "enum": list(analysis.LEVELS), "default": "kecamatan"},
                    "Area level of the rows."),
    "commodity": _param("commodity", _SUBJECT_SCHEMA, "Commodity (padi, mangga) or fisheries kind; required. "
                        "A 400 lists those with data."),
    "kind": _param("kind", _SUBJECT_SCHEMA, "Another name for commodity (fisheries kinds)."),
    "year": _param("year", _YEAR, "Year (default: the latest with data)."),
    "from": _param("from", _YEAR, "Start year (default: the first with data)."),
    "to": _param("to", _YEAR, "End year (default: the latest with data)."),
    "reference": _param("reference", {"type": "string", "enum": list(analysis.SCOPES), "default": "kabupaten"},
                        "kabupaten: the sum of the areas of the level; provinsi / nasional: comparison totals."),
    "share": _param("share", {"type": "string", "enum": list(analysis.SHARES), "default": "contribution"},
                    "Klassen share axis: contribution (area's share of the regency's production, threshold "
                    "1/n producing areas) or specialisation (share in the area's production, threshold the "
                    "reference's share: LQ > 1)."),
    "lang": _param("lang", {"type": "string", "enum": ["id", "en"]}, "Language of labels and method texts."),
    "f": _param("f", {"type": "string", "enum": list(FORMATS), "default": "json"},
                "json, geojson (with area polygons), csv or xlsx."),
    "geometry": _param("geometry", {"type": "boolean", "default": False},
                       "Answer a GeoJSON FeatureCollection of the area polygons (as f=geojson)."),
}
def _sector_param() -> dict[str, Any]:
    """The sector parameter: one of the registry's statistical layers (read at call time)."""
    return _param("sector", {"type": "string", "enum": list(analysis.sectors()), "default": "agriculture"},
                  "A statistical layer: " + ", ".join(analysis.sectors())
                  + " (agriculture: commodities; fisheries: kinds such as tambak, laut, kolam).")


def _result_schema(name: str) -> dict[str, Any]:
    years = {"year": _YEAR} if name == "lq" else {"from": _YEAR, "to": _YEAR}
    if name == "leading":
        years = {"year": _YEAR, "from": _nullable(_YEAR)}
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


def _operation(name: str) -> dict[str, Any]:
    problem_json = {"application/problem+json": {"schema": {
        "type": "object", "required": ["title", "status", "detail"],
        "properties": {"type": _TEXT, "title": _TEXT, "status": _INT, "detail": _TEXT}}}}
    binary = {"schema": {"type": "string", "format": "binary"}}
    content = {"application/json": {"schema": _result_schema(name)},
               "application/geo+json": {"schema": _geojson_schema(name)},
               "text/csv": binary, exports.FORMATS["xlsx"][0]: binary}
    return {"get": {
        "operationId": "analysis_" + name.replace("-", "_"), "tags": ["analysis"], "summary": SUMMARIES[name],
        "description": "The response carries the method (formula and text), thresholds, warnings and the "
                       "commodities, years and references with data; missing data answer 404 saying what exists.",
        "parameters": [_sector_param() if p == "sector" else _PARAMS[p] for p in ENDPOINTS[name]],
        "responses": {"200": {"description": "Per-area rows with values, classes and labels", "content": content},
                      "400": {"description": "A parameter to fix", "content": problem_json},
                      "404": {"description": "No data for this commodity, year or reference",
                              "content": problem_json}}}}


def openapi_paths() -> dict[str, Any]:
    """OpenAPI 3.0 ``paths`` of the analysis endpoints (self-contained: no ``$ref``), to merge into /api/v1."""
    return {f"{PREFIX}/{name}": _operation(name) for name in ENDPOINTS}
