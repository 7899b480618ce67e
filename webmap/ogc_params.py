"""The parameters of the OGC API at ``/ogc``, declared once (``webmap.params``): the ``Spec`` of each operation
parses its requests (``webmap.ogc``) and writes its OpenAPI parameters (``webmap.openapi_ogc``).

Every page takes ``f`` and ``lang`` (``PAGE_SPEC``). The items of a collection (``items_spec``) take
``bbox`` and ``bbox-crs``, ``datetime`` (OGC core: a collection without years takes it and keeps every
feature), ``limit`` and ``offset``, ``properties``, ``sortby``, ``crs``, ``filter``, ``filter-lang`` and
``filter-crs`` when it serves CQL2, and the collection's own parameters (``Collection.filters``: a layer's
``?name=value`` filters from the registry, an area property keeping what lies inside the given areas;
``Collection.options``: what an analysis computes). One item (``item_spec``) takes ``crs``, ``properties``
and the options. As everywhere, an empty value means "not given"; ``properties=`` alone means "no property" (OGC).

The kinds accept exactly what their schema says, but for two rules of OGC API - Features: a ``limit`` above
the maximum is served as the maximum (/req/core/fc-limit-response-1), and media types and ``geojson`` are
read as formats (clients send them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from gis.cql2 import GEOMETRY_NAMES, MAX_LENGTH
from webmap.ogc_providers import Collection, Field
from webmap.params import (
    LANG,
    NUMBER,
    BadParameter,
    Kind,
    Param,
    Spec,
    integer,
    parse_bbox,
    parse_year_interval,
    string,
)

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84_NAMES = (CRS84, "https://www.opengis.net/def/crs/OGC/1.3/CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84",
               "urn:ogc:def:crs:OGC::CRS84", "[OGC:CRS84]", "OGC:CRS84", "CRS84")
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
MAX_OFFSET = 1_000_000_000
PAGE_FORMATS = ("json", "html")
# The items' format: json (GeoJSON) and html pages, or a download of every selected feature (``Provider.download``).
DOWNLOAD_FORMATS = ("csv", "gpkg", "xlsx")
ITEM_FORMATS: tuple[str, ...] = (*PAGE_FORMATS, *DOWNLOAD_FORMATS)
_FORMAT_ALIASES = {"geojson": "json", "application/geo+json": "json", "application/json": "json",
                   "text/html": "html"}
_FORM_LIST = {"style": "form", "explode": False}  # arrays as comma-separated values: bbox=1,2,3,4
_FILTER_EXAMPLES = {"producers": "sector = 'C' AND employees >= 5", "agriculture": "commodity = 'padi' AND year = 2024"}
_SPATIAL_EXAMPLE = "S_INTERSECTS(geometry, BBOX(108.2, -6.5, 108.4, -6.3))"

# --------------------------------------------------------------------------- kinds


def formats(*names: str) -> Kind:
    """A response format of ``names``; ``geojson`` and the media types clients send are read as json or html."""
    aliases = {alias: fmt for alias, fmt in _FORMAT_ALIASES.items() if fmt in names}

    def read(value: str, name: str) -> str:
        found = value if value in names else aliases.get(value)
        if found is None:
            raise BadParameter(f"{name} must be one of {', '.join(names)}, got {value!r}")
        return found
    return Kind("format", {"type": "string", "enum": [*names, *aliases]}, read)


def crs() -> Kind:
    """CRS84, the only CRS served, by any of its names."""
    def read(value: str, name: str) -> str:
        if value not in CRS84_NAMES:
            raise BadParameter(f"{name} must be {CRS84} (the only CRS served), got {value!r}")
        return CRS84
    return Kind("crs", {"type": "string", "enum": list(CRS84_NAMES)}, read)


def filter_language() -> Kind:
    """cql2-text, the only filter language served."""
    def read(value: str, name: str) -> str:
        if value != "cql2-text":
            raise BadParameter(f"{name} must be cql2-text (the only filter language served), got {value!r}")
        return value
    return Kind("filter-lang", {"type": "string", "enum": ["cql2-text"]}, read)


def ogc_bbox() -> Kind:
    """``minLon,minLat,maxLon,maxLat`` in CRS84, or six numbers with heights (ignored)."""
    pattern = re.compile(",".join([NUMBER] * 4) + f"(?:,{NUMBER},{NUMBER})?")

    def read(value: str, name: str) -> tuple[float, float, float, float]:
        box = parse_bbox(value)  # its messages say what is wrong: how many numbers, which, the range
        if not pattern.fullmatch(value) or box is None:
            raise BadParameter(f"{name} must contain numbers only, got {value!r}")
        return box
    schema = {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}
    return Kind("bbox", schema, read, example=[108.2, -6.5, 108.4, -6.3], exact=False, style=_FORM_LIST)


def page_size() -> Kind:
    """``limit``: 1 to MAX_LIMIT; larger ones are served as MAX_LIMIT (OGC /req/core/fc-limit-response-1),
    up to MAX_OFFSET, beyond which a limit is taken for a mistake."""
    whole = integer(1, MAX_OFFSET)

    def read(value: str, name: str) -> int:
        return min(whole.read(value, name), MAX_LIMIT)
    return Kind("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, read)


_INSTANT = (r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2}"
            r"(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2}))?)?)?")
_INTERVAL = rf"(?:{_INSTANT}|\.\.)?(?:/(?:{_INSTANT}|\.\.)?)?"


def instants() -> Kind:
    """An OGC ``datetime`` (RFC 3339 instant or interval, ``..`` or nothing for an open end), read as years."""
    pattern = re.compile(_INTERVAL)

    def read(value: str, name: str) -> tuple[int | None, int | None]:
        years = parse_year_interval(value)  # its messages say what is wrong
        if not pattern.fullmatch(value) or years is None:
            raise BadParameter(f"{name} must be RFC 3339 (e.g. 2024, 2020-01-01/2024-12-31 or 2020/..), "
                               f"got {value!r}")
        return years
    return Kind("datetime", {"type": "string", "pattern": f"^{_INTERVAL}$"}, read, example="2020/2024", exact=False)


def _no_property(parameter: str, what: str, key: str, fields: Sequence[Field]) -> BadParameter:
    names = ", ".join(f.name for f in fields)
    return BadParameter(f"{parameter}: {what} has no property {key!r}; properties: {names}")


def property_names(fields: Sequence[Field], what: str) -> Kind:
    """OGC ``properties``: names of ``fields`` separated by commas, the properties to return in this order."""
    names = {f.name for f in fields}

    def read(value: str, name: str) -> tuple[str, ...]:
        parts = value.split(",")
        if "" in parts:
            raise BadParameter(f"{name} must be property names separated by commas, none empty; got {value!r}")
        for part in parts:
            if part not in names:
                raise _no_property(name, what, part, fields)
        return tuple(parts)
    schema = {"type": "array", "items": {"type": "string", "enum": [f.name for f in fields]}}
    return Kind("properties", schema, read, style=_FORM_LIST)


def sort_keys(fields: Sequence[Field], what: str) -> Kind:
    """OGC ``sortby``: property names separated by commas, ``-`` before one for descending (``+`` or none: ascending);
    not a property holding a list."""
    sortable = [f.name for f in fields if f.type != "array"]
    lists = {f.name for f in fields if f.type == "array"}

    def read(value: str, name: str) -> tuple[tuple[str, bool], ...]:
        keys = []
        for part in value.split(","):
            key = part[1:] if part.startswith(("+", "-")) else part
            if not key:
                raise BadParameter(f"{name} needs property names, such as {name}=-{sortable[-1]}; got {value!r}")
            if key in lists:
                raise BadParameter(f"{name} cannot use {key}: it holds a list")
            if key not in sortable:
                raise _no_property(name, what, key, fields)
            keys.append((key, part.startswith("-")))
        return tuple(keys)
    enum = [f"{sign}{key}" for key in sortable for sign in ("", "-", "+")]
    return Kind("sortby", {"type": "array", "items": {"type": "string", "enum": enum}}, read, style=_FORM_LIST)


def feature_id(id_type: str) -> Kind:
    """The id of a feature in a path: a whole number or a string, as the collection's ids are."""
    if id_type != "integer":
        return Kind("string", {"type": "string"}, lambda value, name: value)

    def read(value: str, name: str) -> str:
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise BadParameter(f"{name} must be a whole number, got {value[:80]!r}")
        return value
    return Kind("integer", {"type": "integer"}, read)


# --------------------------------------------------------------------------- parameters and specs

F_PAGE = Param("f", formats(*PAGE_FORMATS), "Response format; without it the Accept header decides (JSON unless "
               "a browser asks for HTML).")
F_ITEMS = Param("f", formats(*ITEM_FORMATS), "Response format; without it the Accept header decides (JSON unless "
                "a browser asks for HTML). csv, gpkg and xlsx download every matching feature (no paging).")
PAGE_SPEC = Spec(F_PAGE, LANG)
BBOX = Param("bbox", ogc_bbox(), "Only features intersecting minLon,minLat,maxLon,maxLat (CRS84; six numbers "
             "with heights are read too).")
BBOX_CRS = Param("bbox-crs", crs(), "CRS of bbox: CRS84 only.")
CRS = Param("crs", crs(), "CRS of the response: CRS84 only.")
DATETIME = Param("datetime", instants(), "A year or interval (RFC 3339, '..' open): 2024, 2020/2024, 2022/..")
TIMELESS = Param("datetime", instants(), "These features have no time: a datetime (RFC 3339 instant or interval, "
                 "as OGC API - Features core takes on every collection) keeps them all.")
LIMIT = Param("limit", page_size(), f"Features per page, 1..{MAX_LIMIT}; larger values are served as {MAX_LIMIT}.",
              default=DEFAULT_LIMIT)
OFFSET = Param("offset", integer(0, MAX_OFFSET), "Features to skip (paging; follow the next link).", default=0)
FILTER_LANG = Param("filter-lang", filter_language(), "Language of filter: cql2-text only.", default="cql2-text")
FILTER_CRS = Param("filter-crs", crs(), "CRS of geometries in filter: CRS84 only.")


def cql_hint(found: Collection) -> str:
    """An example of ``filter`` on the collection, for messages."""
    prop = next((f for f in found.fields if f.type == "string"), None)
    return f"{prop.name} = '...'" if prop else _SPATIAL_EXAMPLE


def _properties(found: Collection) -> Param:
    return Param("properties", property_names(found.fields, found.id),
                 "The properties to return, in this order (properties= alone: none).")


def _sortby(found: Collection) -> Param:
    example = next((f.name for f in found.fields if f.type != "array"), "id")
    return Param("sortby", sort_keys(found.fields, found.id), "Order by these properties, '-' before a name for "
                 f"descending, then by id; e.g. -{example}.")


def items_spec(found: Collection) -> Spec:
    """The parameters of ``/collections/{id}/items``."""
    cql = (Param("filter", string(MAX_LENGTH), "CQL2-text filter, e.g. "
                 + _FILTER_EXAMPLES.get(found.id, _SPATIAL_EXAMPLE)), FILTER_LANG, FILTER_CRS) if found.cql else ()
    own = {p.name for p in found.options}
    times = () if "datetime" in own else (DATETIME if found.years else TIMELESS,)
    common = (BBOX, BBOX_CRS, *times, LIMIT, OFFSET, *cql, CRS, _properties(found), _sortby(found))
    served = (*common, *found.options, F_ITEMS, LANG)
    return Spec(*common, *found.filters, *found.options, F_ITEMS, LANG, unknown=_unknown(found, served, items=True))


def item_spec(found: Collection) -> Spec:
    """The parameters of ``/collections/{id}/items/{featureId}``."""
    fid = Param("featureId", feature_id(found.id_type), f"The id of a feature of {found.title}.", where="path")
    served = (CRS, _properties(found), *found.options, F_PAGE, LANG)
    return Spec(fid, *served, unknown=_unknown(found, served, items=False))


def _unknown(found: Collection, served: Sequence[Param], *, items: bool) -> Callable[[Sequence[str]], str]:
    """The 400 of a parameter the collection does not take: a property is no ?name= filter unless declared one."""
    listed = ", ".join(found.filter_names) or "none"

    def explain(names: Sequence[str]) -> str:
        name = names[0]
        if items and (found.field(name) is not None or name in GEOMETRY_NAMES):
            hint = f"; any property works in filter=, e.g. filter={cql_hint(found)}" if found.cql else ""
            return f"{name!r} cannot be used as ?{name}=; filters of {found.id}: {listed}{hint}"
        return (f"unknown parameter {name!r}; parameters: {', '.join(p.name for p in served)}; "
                f"filters of {found.id}: {listed}")
    return explain
