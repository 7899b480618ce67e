"""Economic analysis at ``/api/v1/analysis``: location quotient, dynamic LQ, shift-share, Klassen, leading commodities.

HTTP only: parameters are parsed here, ``gis.analysis_data`` reads the inputs and ``gis.analysis``
computes plain data, which is answered as JSON (default), GeoJSON (``geometry=true`` or ``f=geojson``:
area polygons for choropleths), CSV or XLSX (``f=csv|xlsx``; text cells that a spreadsheet would run
as a formula get a leading apostrophe, numbers stay numbers). ``openapi_paths()`` describes the
endpoints in OpenAPI 3.0 for the REST v1 document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request

from gis import analysis, analysis_data, exports
from webmap.current import allow_only as _allow
from webmap.params import (
    BadParameter,
    parse_bbox,
    parse_bool,
    parse_choice,
    parse_int,
    parse_lang,
    parse_year_interval,
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
SUMMARIES: Mapping[str, str] = {
    "lq": "Location quotient of a commodity per area in a year, basic / non-basic",
    "dlq": "Dynamic location quotient of a commodity per area between two years",
    "shift-share": "Shift-share of a commodity's production change per area between two years",
    "klassen": "Klassen typology of the areas for a commodity (growth against share)",
    "leading": "Leading commodities per area: production rank, LQ and growth against the reference",
}
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


# --------------------------------------------------------------------------- OGC API - Features
#
# The same results as feature collections, for GIS clients and maps: one collection per analysis and commodity
# (``lq-agriculture-padi``), items = the areas with the report's row as properties. ``datetime`` picks the year
# (LQ) or period (``2020/2024``); ``level``, ``reference`` and ``share`` as in the endpoints above.

OGC = "/ogc"
OGC_CONFORMANCE: tuple[str, ...] = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
)
OGC_ITEMS = ("level", "reference", "lang", "f", "datetime", "bbox", "limit", "offset")
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT, MAX_LIMIT = 100, 10_000


def _link(path: str, rel: str, type_: str, title: str = "") -> dict[str, str]:
    link = {"href": request.host_url.rstrip("/") + path, "rel": rel, "type": type_}
    return {**link, "title": title} if title else link


def _ogc_json(body: Any, mimetype: str = "application/json") -> Response:
    response = jsonify(body)
    response.mimetype = mimetype
    return response


@bp.get(OGC)
@bp.get(OGC + "/")
def ogc_landing() -> Response:
    """OGC API - Features landing page of the analysis results."""
    _allow("f", "lang")
    return _ogc_json({
        "title": "Peta Ekonomi: analysis results (OGC API - Features)",
        "description": "LQ, dynamic LQ, shift-share, Klassen typology and leading commodities per area, as "
                       "feature collections of the area polygons.",
        "links": [_link(PREFIX + OGC, "self", "application/json"),
                  _link("/api/v1/openapi.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0",
                        "OpenAPI 3.0"),
                  _link(PREFIX + OGC + "/conformance", "conformance", "application/json", "Conformance"),
                  _link(PREFIX + OGC + "/collections", "data", "application/json", "Collections")]})


@bp.get(OGC + "/conformance")
def ogc_conformance() -> Response:
    """The OGC API - Features conformance classes the analysis collections implement."""
    _allow("f", "lang")
    return _ogc_json({"conformsTo": list(OGC_CONFORMANCE),
                      "links": [_link(PREFIX + OGC + "/conformance", "self", "application/json")]})


@bp.get(OGC + "/collections")
def ogc_collections() -> Response:
    """Every result collection the loaded data allow."""
    _allow("f", "lang")
    lang = parse_lang(request.args, request.headers.get("Accept-Language"))
    found = analysis.result_collections(analysis_data.read_coverages(_engine(), _region()))
    bbox = analysis_data.read_bbox(_engine(), "kecamatan", _region())
    return _ogc_json({"links": [_link(PREFIX + OGC + "/collections", "self", "application/json")],
                      "collections": [_collection_doc(c, bbox, lang) for c in found]})


@bp.get(OGC + "/collections/<cid>")
def ogc_collection(cid: str) -> Response:
    """One result collection: title, extent, links to its items and to the REST endpoint."""
    _allow("f", "lang")
    lang = parse_lang(request.args, request.headers.get("Accept-Language"))
    return _ogc_json(_collection_doc(_result_collection(cid), analysis_data.read_bbox(_engine(), "kecamatan",
                                                                                       _region()), lang))


@bp.get(OGC + "/collections/<cid>/items")
def ogc_items(cid: str) -> Response:
    """The areas with the analysis row as properties (GeoJSON), filtered by bbox and paged by limit/offset."""
    collection = _result_collection(cid)
    _allow(*OGC_ITEMS, *(("share",) if collection.analysis == "klassen" else ()))
    parse_choice(request.args.get("f"), "f", ("json", "geojson"))
    bbox = parse_bbox(request.args.get("bbox"))
    limit = parse_int(request.args.get("limit"), "limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    offset = parse_int(request.args.get("offset"), "offset", default=0, minimum=0, maximum=1_000_000)
    result, areas = _collection_result(collection, request.args)
    features = [f for f in _features(result, areas) if bbox is None or _overlaps(f["geometry"], bbox)]
    page = features[offset:offset + limit]
    here = PREFIX + OGC + f"/collections/{cid}/items"
    links = [_link(_with(here, request.args, {}), "self", GEOJSON),
             _link(PREFIX + OGC + f"/collections/{cid}", "collection", "application/json")]
    if offset + limit < len(features):
        links.append(_link(_with(here, request.args, {"offset": str(offset + limit)}), "next", GEOJSON))
    return _geojson(result, areas, features=page, numberMatched=len(features), numberReturned=len(page),
                    links=links)


@bp.get(OGC + "/collections/<cid>/items/<fid>")
def ogc_item(cid: str, fid: str) -> Response:
    """One area's row of the analysis as a GeoJSON Feature."""
    collection = _result_collection(cid)
    _allow("level", "reference", "lang", "f", "datetime", *(("share",) if collection.analysis == "klassen" else ()))
    parse_choice(request.args.get("f"), "f", ("json", "geojson"))
    result, areas = _collection_result(collection, request.args)
    feature = next((f for f in _features(result, areas) if f["id"] == fid), None)
    if feature is None:
        raise analysis.MissingData(f"no area {fid!r} in {cid}; items are the areas of the level by code")
    links = [_link(PREFIX + OGC + f"/collections/{cid}/items/{fid}", "self", GEOJSON),
             _link(PREFIX + OGC + f"/collections/{cid}", "collection", "application/json")]
    return _ogc_json({**feature, "links": links}, GEOJSON)


def _engine() -> Any:
    return current_app.extensions["peta"].engine


def _region() -> str:
    return str(current_app.extensions["peta"].settings.region_code)


def _result_collection(cid: str) -> analysis.ResultCollection:
    found = analysis.result_collections(analysis_data.read_coverages(_engine(), _region()))
    match = next((c for c in found if c.id == cid), None)
    if match is None:
        raise analysis.MissingData(f"no collection {cid[:80]!r}; collections: {', '.join(c.id for c in found)}")
    return match


def _collection_doc(collection: analysis.ResultCollection, bbox: tuple[float, ...] | None,
                    lang: str) -> dict[str, Any]:
    base = PREFIX + OGC + f"/collections/{collection.id}"
    params = {"sector": collection.sector, **({"commodity": collection.commodity} if collection.commodity else {})}
    rest = PREFIX + f"/{collection.analysis}?" + "&".join(f"{k}={v}" for k, v in params.items())
    first, last = collection.years[0], collection.years[-1]
    doc: dict[str, Any] = {
        "id": collection.id, "title": collection.title(lang),
        "description": f"{SUMMARIES[collection.analysis]}; years with data {analysis.years_text(collection.years)}. "
                       f"datetime = {'a year' if collection.analysis == 'lq' else 'a period such as 2020/2024'}; "
                       f"level = kecamatan|desa; reference = kabupaten|provinsi|nasional.",
        "itemType": "feature", "crs": [CRS84],
        "analysis": collection.analysis, "sector": collection.sector, "commodity": collection.commodity,
        "links": [_link(base, "self", "application/json"), _link(base + "/items", "items", GEOJSON),
                  _link(rest, "alternate", "application/json", "REST: " + collection.analysis)],
        "extent": {"temporal": {"interval": [[f"{first}-01-01T00:00:00Z", f"{last}-12-31T23:59:59Z"]],
                                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}},
    }
    if bbox is not None:
        doc["extent"]["spatial"] = {"bbox": [list(bbox)], "crs": CRS84}
    return doc


def _collection_result(collection: analysis.ResultCollection,
                       args: Mapping[str, str]) -> tuple[dict[str, Any], Sequence[analysis.Area]]:
    """The report of ``collection`` for the item parameters, and the areas with their geometries."""
    years = _datetime_years(collection.analysis, args.get("datetime"))
    fields = {"sector": collection.sector, "commodity": collection.commodity or "", **years,
              **{k: args.get(k, "") for k in ("level", "reference", "share")}}
    query = parse_query(collection.analysis, fields)
    lang = parse_lang(args, request.headers.get("Accept-Language"))
    inputs = analysis_data.read_inputs(_engine(), query, _region(), geometry=True)
    return analysis.report(inputs, lang), inputs.areas


def _datetime_years(name: str, text: str | None) -> dict[str, str]:
    """OGC ``datetime`` as the endpoint's year parameters: a year for LQ, a period otherwise (open ends allowed)."""
    interval = parse_year_interval(text)
    if interval is None:
        return {}
    first, last = ("" if y is None else str(y) for y in interval)
    if name == "lq":
        if first != last:
            raise BadParameter("datetime of an LQ is one year, e.g. datetime=2024")
        return {"year": first}
    if name == "leading":
        return {"year": last, "from": first if first != last else ""}
    if first == last:
        raise BadParameter(f"datetime of {name} is a period start/end, e.g. datetime=2020/2024")
    return {"from": first, "to": last}


def _overlaps(geometry: Mapping[str, Any] | None, bbox: tuple[float, float, float, float]) -> bool:
    """True when the geometry's bounding box meets ``bbox`` (west, south, east, north)."""
    if not geometry:
        return False
    xs, ys = [], []
    stack: list[Any] = [geometry["coordinates"]]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], int | float):
            xs.append(item[0])
            ys.append(item[1])
        else:
            stack.extend(item)
    west, south, east, north = bbox
    return bool(xs) and min(xs) <= east and max(xs) >= west and min(ys) <= north and max(ys) >= south


def _with(path: str, args: Mapping[str, str], changes: Mapping[str, str]) -> str:
    merged = {**dict(args.items()), **changes}
    return path + ("?" + urlencode(merged) if merged else "")


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
    sector = parse_choice(args.get("sector"), "sector", analysis.SECTORS, default="agriculture") or "agriculture"
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


def _geojson(result: Mapping[str, Any], areas: Sequence[analysis.Area], **extra: Any) -> Response:
    features = extra.pop("features", None)
    meta = {k: v for k, v in result.items() if k not in ("rows", "type", "features")}
    body = {"type": "FeatureCollection", **meta, **extra,
            "features": _features(result, areas) if features is None else features}
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
    english = lang == "en"
    rows: list[list[Any]] = [["Peta Ekonomi: " + result["analysis"]],
                             ["method" if english else "metode", result["method"]["formula"]],
                             ["", result["method"]["text"]]]
    rows += [["threshold" if english else "ambang", key, str(value)] for key, value in result["thresholds"].items()]
    rows += [["reference" if english else "referensi", result["reference"]["scope"], result["reference"]["code"]],
             ["commodities" if english else "komoditas", ", ".join(result["commodities_considered"])]]
    rows += [["warning" if english else "peringatan", text] for text in result["warnings"]]
    rows += [["class" if english else "kelas", key, label] for key, label in result["classes"].items()]
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
    "sector": _param("sector", {"type": "string", "enum": list(analysis.SECTORS), "default": "agriculture"},
                     "agriculture (commodities) or fisheries (kinds such as tambak, laut, kolam)."),
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
_ROW_FIELDS: Mapping[str, Sequence[str]] = {
    "lq": ("production", "area_total", "share_in_area", "share_of_reference", "lq"),
    "dlq": ("start", "end", "growth", "area_growth", "lq_start", "lq_end", "dlq"),
    "shift-share": ("start", "end", "change", "growth", "annual_growth", "national_share", "proportional_shift",
                    "differential_shift", "net_shift"),
    "klassen": ("start", "end", "growth", "annual_growth", "share"),
}
_CLASSES: Mapping[str, Sequence[str]] = {
    "lq": list(analysis.LQ_CLASSES), "dlq": list(analysis.DLQ_CLASSES),
    "shift-share": list(analysis.SHIFT_CLASSES), "klassen": list(analysis.QUADRANTS),
    "leading": list(analysis.LEADING_CLASSES),
}


def _row_schema(name: str) -> dict[str, Any]:
    klass = {"type": "string", "enum": [*_CLASSES[name], None], "nullable": True}
    props: dict[str, Any] = {"code": _TEXT, "name": _TEXT, "parent_code": _nullable(_TEXT)}
    if name == "leading":
        item = {"type": "object", "required": ["commodity", "label", "production", "lq", "class", "class_label"],
                "properties": {"commodity": _TEXT, "label": _TEXT, "production": _NUM,
                               "share_in_area": _nullable(_NUM), "rank_production": _nullable(_INT),
                               "lq": _nullable(_NUM), "growth": _nullable(_NUM),
                               "reference_growth": _nullable(_NUM), "class": klass, "class_label": _TEXT}}
        props.update({"leading": {"type": "array", "items": _TEXT}, "leading_count": _INT,
                      "top_commodity": _nullable(_TEXT), "commodities": {"type": "array", "items": item}})
        required = ["code", "name", "leading", "commodities"]
    else:
        props.update({field: _nullable(_NUM) for field in _ROW_FIELDS[name]})
        props.update({"rank": _nullable(_INT), "class": klass, "class_label": _TEXT})
        if name == "klassen":
            props["quadrant"] = klass
        required = ["code", "name", *_ROW_FIELDS[name], "class", "class_label"]
    return {"type": "object", "required": required, "properties": props}


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
        "analysis": {"type": "string", "enum": [name]}, "sector": {"type": "string", "enum": list(analysis.SECTORS)},
        "level": {"type": "string", "enum": list(analysis.LEVELS)}, "commodity": _TEXT, "label": _TEXT,
        "unit": _TEXT, "measure": _TEXT, "reference": reference, **years,
        "region": {"type": "object", "properties": {"code": _TEXT, "name": _TEXT}},
        "commodities_considered": {"type": "array", "items": _TEXT}, "method": method,
        "thresholds": {"type": "object"}, "summary": {"type": "object"},
        "classes": {"type": "object", "additionalProperties": _TEXT},
        "warnings": {"type": "array", "items": _TEXT}, "available": {"type": "object"},
        "rows": {"type": "array", "items": _row_schema(name)}}}


def _geojson_schema(name: str) -> dict[str, Any]:
    feature = {"type": "object", "required": ["type", "id", "geometry", "properties"], "properties": {
        "type": {"type": "string", "enum": ["Feature"]}, "id": _TEXT,
        "geometry": {"type": "object", "nullable": True, "required": ["type"], "properties": {
            "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]}, "coordinates": {"type": "array"}}},
        "properties": _row_schema(name)}}
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
        "parameters": [_PARAMS[p] for p in ENDPOINTS[name]],
        "responses": {"200": {"description": "Per-area rows with values, classes and labels", "content": content},
                      "400": {"description": "A parameter to fix", "content": problem_json},
                      "404": {"description": "No data for this commodity, year or reference",
                              "content": problem_json}}}}


_LINKS = {"type": "array", "items": {"type": "object", "required": ["href", "rel"],
                                     "properties": {"href": _TEXT, "rel": _TEXT, "type": _TEXT, "title": _TEXT}}}
_OGC_FEATURE = {"type": "object", "required": ["type", "id", "geometry", "properties"], "properties": {
    "type": {"type": "string", "enum": ["Feature"]}, "id": _TEXT,
    "geometry": {"type": "object", "nullable": True, "required": ["type"], "properties": {
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]}, "coordinates": {"type": "array"}}},
    "properties": {"type": "object", "required": ["code", "name"]}}}
_OGC_COLLECTION = {"type": "object", "required": ["id", "title", "links", "extent"], "properties": {
    "id": _TEXT, "title": _TEXT, "description": _TEXT, "links": _LINKS, "extent": {"type": "object"},
    "analysis": {"type": "string", "enum": list(analysis.ANALYSES)},
    "sector": {"type": "string", "enum": list(analysis.SECTORS)}, "commodity": _nullable(_TEXT)}}
_OGC_PARAMS: Mapping[str, dict[str, Any]] = {
    "collectionId": {"name": "collectionId", "in": "path", "required": True, "schema": _TEXT,
                     "description": "ANALYSIS-SECTOR-COMMODITY (lq-agriculture-padi) or leading-SECTOR."},
    "featureId": {"name": "featureId", "in": "path", "required": True, "schema": _TEXT,
                  "description": "Kemendagri code of the area."},
    "datetime": _param("datetime", _TEXT, "A year (LQ, leading) or a period start/end such as 2020/2024 "
                       "(DLQ, shift-share, Klassen; leading: growth since the start); default: the years with data."),
    "bbox": _param("bbox", _TEXT, "minLon,minLat,maxLon,maxLat (WGS84): areas whose bounding box meets it."),
    "limit": _param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                    "Page size."),
    "offset": _param("offset", {"type": "integer", "minimum": 0, "maximum": 1_000_000, "default": 0},
                     "Features to skip."),
    "f": _param("f", {"type": "string", "enum": ["json", "geojson"]}, "json or geojson (both GeoJSON)."),
}


def _ogc_operation(op_id: str, summary: str, params: Sequence[str], schema: dict[str, Any],
                   mimetype: str = "application/json") -> dict[str, Any]:
    problem_json = {"application/problem+json": {"schema": {"type": "object", "required": ["title", "status"]}}}
    return {"get": {
        "operationId": op_id, "tags": ["analysis"], "summary": summary,
        "parameters": [_OGC_PARAMS.get(p) or _PARAMS[p] for p in params],
        "responses": {"200": {"description": summary, "content": {mimetype: {"schema": schema}}},
                      "400": {"description": "A parameter to fix", "content": problem_json},
                      "404": {"description": "No such collection, area or data", "content": problem_json}}}}


def _ogc_paths() -> dict[str, Any]:
    base, item_params = PREFIX + OGC, ("level", "reference", "share", "lang", "f", "datetime")
    return {
        base: _ogc_operation("analysis_ogc_landing", "OGC API - Features landing page of the analysis results",
                             ("lang",), {"type": "object", "required": ["links"], "properties": {"links": _LINKS}}),
        base + "/conformance": _ogc_operation(
            "analysis_ogc_conformance", "Conformance classes of the analysis collections", ("lang",),
            {"type": "object", "required": ["conformsTo"],
             "properties": {"conformsTo": {"type": "array", "items": _TEXT}}}),
        base + "/collections": _ogc_operation(
            "analysis_ogc_collections", "The analysis result collections", ("lang",),
            {"type": "object", "required": ["links", "collections"],
             "properties": {"links": _LINKS, "collections": {"type": "array", "items": _OGC_COLLECTION}}}),
        base + "/collections/{collectionId}": _ogc_operation(
            "analysis_ogc_collection", "One analysis result collection", ("collectionId", "lang"), _OGC_COLLECTION),
        base + "/collections/{collectionId}/items": _ogc_operation(
            "analysis_ogc_items", "The areas with the analysis values (share: Klassen collections only)",
            ("collectionId", *item_params, "bbox", "limit", "offset"),
            {"type": "object", "required": ["type", "features", "numberMatched", "numberReturned", "links"],
             "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                            "features": {"type": "array", "items": _OGC_FEATURE}, "numberMatched": _INT,
                            "numberReturned": _INT, "links": _LINKS}}, GEOJSON),
        base + "/collections/{collectionId}/items/{featureId}": _ogc_operation(
            "analysis_ogc_item", "One area with the analysis values", ("collectionId", "featureId", *item_params),
            _OGC_FEATURE, GEOJSON),
    }


def openapi_paths() -> dict[str, Any]:
    """OpenAPI 3.0 ``paths`` of the analysis endpoints (self-contained: no ``$ref``), to merge into /api/v1."""
    return {**{f"{PREFIX}/{name}": _operation(name) for name in ENDPOINTS}, **_ogc_paths()}
