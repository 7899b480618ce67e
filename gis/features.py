"""Feature queries over registry layers, with GeoJSON built in PostgreSQL and returned as text.

Every statement is made of registry SQL (``Layer.source``, ``Prop.sql`` ...) and bound parameters;
user text reaches SQL only as parameter values. Pages are ordered by the layer's id (stable paging).

``numberMatched`` stays cheap on big tables: when a page shows there is nothing after it, the total is
known exactly (offset + returned); otherwise the planner is asked (``EXPLAIN (FORMAT JSON)``) what
counting would cost, and the rows are counted exactly when that cost is at most ``COUNT_COST_LIMIT``
(about a scan of 100,000 rows) or when at most ``COUNT_INDEXED_ROWS`` rows are expected through indexes
alone; otherwise the planner's row estimate (``Plan Rows``) is returned, flagged ``matched_exact=False``.
A caller may pass ``memo`` to keep that total until the data change: every page of a query shares it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, CursorResult, text
from sqlalchemy.exc import DataError, DBAPIError

from gis.area_codes import inside_areas
from gis.cql2 import CqlError, SqlFilter, compile_cql2
from gis.filters import QueryError, property_filters
from gis.layers import Layer, Prop

COUNT_COST_LIMIT = 5_000.0
COUNT_INDEXED_ROWS = 20_000
ESTIMATED_EXTENT_ROWS = 200_000
PRECISION = 6  # decimals of coordinates in GeoJSON: ~0.1 m
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INTEGER = re.compile(r"[+-]?\d{1,18}")
# memo(key, make): the value kept under key for the current data, or make() kept for next time.
Memo = Callable[[tuple[object, ...], Callable[[], Any]], Any]


@dataclass(frozen=True)
class FeaturePage:
    """One page of features: a GeoJSON array as text, and how many matched."""

    features_json: str
    number_returned: int
    number_matched: int
    matched_exact: bool
    has_more: bool

    def feature_collection(self, members: Mapping[str, object]) -> str:
        """A GeoJSON FeatureCollection (text) with ``members`` (links, numberMatched ...) before the features."""
        head = json.dumps({"type": "FeatureCollection", **members}, ensure_ascii=False)
        return head[:-1] + ', "features": ' + self.features_json + "}"


@dataclass(frozen=True)
class Count:
    """A number of features, exact or the planner's estimate."""

    value: int
    exact: bool


@dataclass(frozen=True)
class Extent:
    """Spatial extent (west, south, east, north) and, for yearly layers, the first and last year."""

    bbox: tuple[float, float, float, float] | None
    years: tuple[int, int] | None = None
    estimated: bool = False


@dataclass(frozen=True)
class Selection:
    """What to select from a layer: bbox, ``?name=value`` filters, year interval, a CQL2 filter, an area (a
    checked Kemendagri code) whose rows, by the layer's ``area_code``, are kept with those inside it; and
    which properties to return, in which order."""

    bbox: tuple[float, float, float, float] | None = None
    filters: Mapping[str, str] = field(default_factory=dict)
    years: tuple[int | None, int | None] | None = None
    cql: str | None = None
    area: str | None = None
    properties: tuple[str, ...] | None = None  # the properties to return (None: all; OGC ``properties``)
    sortby: tuple[tuple[str, bool], ...] = ()  # (property, descending) before the id (OGC ``sortby``)


def build_where(layer: Layer, selection: Selection) -> SqlFilter:
    """The WHERE fragment (with bound parameters) selecting ``selection`` from ``layer``."""
    parts = [f"({layer.where})"]
    params: dict[str, object] = {}
    if selection.bbox is not None:
        parts.append(_bbox_sql(layer, selection.bbox, params))
    if selection.filters:
        sql, bound = property_filters(layer, selection.filters, "pf_")
        parts.append(sql)
        params.update(bound)
    if selection.years is not None and layer.year_sql:
        start, end = selection.years
        if start is not None:
            parts.append(f"{layer.year_sql} >= :year_start")
            params["year_start"] = start
        if end is not None:
            parts.append(f"{layer.year_sql} <= :year_end")
            params["year_end"] = end
    if selection.area is not None and (prop := layer.prop("area_code")) is not None:
        sql, bound = inside_areas(prop.sql, [selection.area], "area")
        parts.append(sql)
        params.update(bound)
    if selection.cql:
        compiled = compile_cql2(selection.cql, layer)
        parts.append(compiled.sql)
        params.update(compiled.params)
    return SqlFilter(" AND ".join(parts), params)


def _bbox_sql(layer: Layer, bbox: tuple[float, float, float, float], params: dict[str, object]) -> str:
    west, south, east, north = bbox
    params.update(bbox_w=west, bbox_s=south, bbox_e=east, bbox_n=north)
    if west <= east:
        return f"ST_Intersects({layer.geom_sql}, ST_MakeEnvelope(:bbox_w, :bbox_s, :bbox_e, :bbox_n, 4326))"
    # A bbox crossing the antimeridian: two envelopes.
    return (f"(ST_Intersects({layer.geom_sql}, ST_MakeEnvelope(:bbox_w, :bbox_s, 180, :bbox_n, 4326)) OR "
            f"ST_Intersects({layer.geom_sql}, ST_MakeEnvelope(-180, :bbox_s, :bbox_e, :bbox_n, 4326)))")


def shown_properties(layer: Layer, selection: Selection) -> tuple[Prop, ...]:
    """The properties the selection returns: all, or those it names (a QueryError for an unknown one)."""
    if selection.properties is None:
        return layer.properties
    return tuple(_known_property(layer, name, "properties") for name in selection.properties)


def order_sql(layer: Layer, selection: Selection) -> str:
    """ORDER BY items: the selection's ``sortby`` properties, then the id (stable pages)."""
    keys = []
    for name, descending in selection.sortby:
        prop = _known_property(layer, name, "sortby")
        if prop.type == "array":
            raise QueryError(f"sortby cannot use {name}: it holds a list")
        keys.append(f"{prop.sql} {'DESC NULLS LAST' if descending else 'ASC NULLS LAST'}")
    return ", ".join([*keys, layer.id_sql])


def _known_property(layer: Layer, name: str, parameter: str) -> Prop:
    prop = layer.prop(name)
    if prop is None:
        names = ", ".join(p.name for p in layer.properties)
        raise QueryError(f"{parameter}: {layer.id} has no property {name!r}; properties: {names}")
    return prop


def _feature_sql(layer: Layer, props: tuple[Prop, ...]) -> str:
    """SQL of one feature as GeoJSON text over a row ``p`` holding ``id``, ``geom`` and ``c0..cN``."""
    pairs = []
    for i, prop in enumerate(props):
        if not _NAME.fullmatch(prop.name):  # registry names are identifiers; keep them out of quoting trouble
            raise ValueError(f"property name {prop.name!r} of {layer.id} is not an identifier")
        pairs.append(f"'{prop.name}', p.c{i}")
    properties = f"json_build_object({', '.join(pairs)})::text" if pairs else "'{}'"
    return (
        """'{"type": "Feature", "id": ' || to_json(p.id)::text"""
        f""" || ', "geometry": ' || coalesce(ST_AsGeoJSON(p.geom, {PRECISION}), 'null')"""
        f""" || ', "properties": ' || {properties} || '}}'"""
    )


def _columns_sql(layer: Layer, props: tuple[Prop, ...]) -> str:
    cols = [f"{layer.id_sql} AS id", f"{layer.geom_sql} AS geom"]
    cols += [f"{prop.sql} AS c{i}" for i, prop in enumerate(props)]
    return ", ".join(cols)


def items(conn: Connection, layer: Layer, selection: Selection | None = None, *,
          limit: int = 100, offset: int = 0, memo: Memo | None = None) -> FeaturePage:
    """A page of ``limit`` features after ``offset``, ordered by id, as a GeoJSON array built in PostgreSQL.

    ``memo`` keeps ``numberMatched`` between requests (an exact count of 100,000 rows costs ~10 ms per page).
    """
    selection = selection or Selection()
    where = build_where(layer, selection)
    props, order = shown_properties(layer, selection), order_sql(layer, selection)
    _plan_per_request(conn)
    # The page's ids first (an index-only walk for deep offsets), then the features of those ids only;
    # one row more than asked tells whether a next page exists without counting.
    sql = (
        f"SELECT string_agg({_feature_sql(layer, props)}, ',' ORDER BY p.n) FILTER (WHERE p.n <= :last), "
        f"count(*) FROM (WITH page AS (SELECT {layer.id_sql} AS id, row_number() OVER (ORDER BY {order}) AS n "
        f"FROM {layer.source} WHERE {where.sql} ORDER BY {order} LIMIT :fetch OFFSET :offset) "
        f"SELECT page.n, {_columns_sql(layer, props)} FROM {layer.source}, page WHERE {layer.id_sql} = page.id) p"
    )
    params = {**where.params, "fetch": limit + 1, "offset": offset, "last": offset + limit}
    body, fetched = _execute(conn, sql, params).one()
    returned = min(fetched, limit)
    has_more = fetched > limit
    if not has_more and (returned > 0 or offset == 0):
        total = Count(offset + returned, True)
    else:
        if memo is None:
            total = _count_where(conn, layer, where)
        else:  # every page of this query shares one count, kept until the data change
            query = json.dumps([where.sql, where.params], sort_keys=True, default=str)
            total = memo(("numberMatched", layer.id, hashlib.sha256(query.encode()).hexdigest()),
                         lambda: _count_where(conn, layer, where))
        if has_more and total.value <= offset + returned:  # an estimate below what we have already seen
            total = Count(offset + returned + 1, False)
    return FeaturePage(f"[{body or ''}]", returned, total.value, total.exact, has_more)


def _plan_per_request(conn: Connection) -> None:
    """Plan with the actual values (a generic plan guesses 100 rows for any bbox) and without parallel workers.

    psycopg prepares repeated statements; their generic plan once sorted 570,000 rows for a wide bbox
    (2.7 s instead of 3 ms). Parallel workers cost ~20 ms to start, far more than a page takes.
    Both settings are ``SET LOCAL``: they end with the request's transaction.
    """
    conn.execute(text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                      "set_config('max_parallel_workers_per_gather', '0', true)"))


def count(conn: Connection, layer: Layer, selection: Selection | None = None) -> Count:
    """How many features match: exact when counting is cheap, else the planner's estimate."""
    where = build_where(layer, selection or Selection())
    _plan_per_request(conn)
    return _count_where(conn, layer, where)


def _count_where(conn: Connection, layer: Layer, where: SqlFilter) -> Count:
    select = f"SELECT 1 FROM {layer.source} WHERE {where.sql}"
    plan = _execute(conn, f"EXPLAIN (FORMAT JSON) {select}", where.params).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    if _cheap_to_count(top):
        exact = _execute(conn, f"SELECT count(*) FROM ({select}) s", where.params).scalar_one()
        return Count(int(exact), True)
    return Count(int(top["Plan Rows"]), False)


def _cheap_to_count(plan: Mapping[str, Any]) -> bool:
    """Cheap: a low total cost, or few rows found through indexes (PostGIS functions inflate the cost)."""
    if float(plan["Total Cost"]) <= COUNT_COST_LIMIT:
        return True
    return float(plan["Plan Rows"]) <= COUNT_INDEXED_ROWS and not _has_seq_scan(plan)


def _has_seq_scan(plan: Mapping[str, Any]) -> bool:
    if plan.get("Node Type") == "Seq Scan" and float(plan.get("Plan Rows", 0)) > 0:
        return float(plan.get("Total Cost", 0)) > COUNT_COST_LIMIT
    return any(_has_seq_scan(child) for child in plan.get("Plans", ()))


def item(conn: Connection, layer: Layer, fid: str, selection: Selection | None = None) -> str | None:
    """One feature as GeoJSON text (the selection's properties), or None when ``fid`` names none."""
    props = shown_properties(layer, selection or Selection())
    key: object = fid
    if layer.id_type == "integer":
        if not _INTEGER.fullmatch(fid):
            return None
        key = int(fid)
    sql = (f"SELECT {_feature_sql(layer, props)} FROM (SELECT {_columns_sql(layer, props)} FROM {layer.source} "
           f"WHERE ({layer.where}) AND {layer.id_sql} = :fid) p")
    return _execute(conn, sql, {"fid": key}).scalar_one_or_none()


def extent(conn: Connection, layer: Layer) -> Extent:
    """The layer's bounding box (estimated from statistics on big point tables) and year range."""
    bbox, estimated = _estimated_bbox(conn, layer), True
    if bbox is None:
        bbox, estimated = _exact_bbox(conn, layer), False
    years = None
    if layer.year_sql:
        first, last = conn.execute(text(
            f"SELECT min({layer.year_sql}), max({layer.year_sql}) FROM {layer.source} WHERE {layer.where}"
        )).one()
        years = (int(first), int(last)) if first is not None else None
    return Extent(bbox, years, estimated)


def _exact_bbox(conn: Connection, layer: Layer) -> tuple[float, float, float, float] | None:
    row = conn.execute(text(
        f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
        f"(SELECT ST_Extent({layer.geom_sql}) AS e FROM {layer.source} WHERE {layer.where}) x"
    )).one()
    return None if row[0] is None else (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


def _estimated_bbox(conn: Connection, layer: Layer) -> tuple[float, float, float, float] | None:
    """ST_EstimatedExtent for a big single table whose geometry is a plain column; None otherwise."""
    column = layer.geom_sql.removeprefix("t.")
    if layer.where != "TRUE" or layer.source != f"{layer.table} t" or not _NAME.fullmatch(column):
        return None
    rows = conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"),
                        {"t": layer.table}).scalar()
    if rows is None or rows < ESTIMATED_EXTENT_ROWS:
        return None
    try:
        with conn.begin_nested():
            box = conn.execute(text(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                "(SELECT ST_EstimatedExtent(:t, :c)::box2d AS e) x"), {"t": layer.table, "c": column}).one()
    except DBAPIError:
        return None
    return None if box[0] is None else (float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def _execute(conn: Connection, sql: str, params: Mapping[str, object]) -> CursorResult[Any]:
    try:
        return conn.execute(text(sql), dict(params))
    except DBAPIError as exc:
        # Only a value PostgreSQL refuses (e.g. a CQL2 geometry it cannot use) is the client's to fix;
        # anything else (connection lost, timeout) propagates.
        state = str(getattr(exc.orig, "sqlstate", "") or "")
        if isinstance(exc, DataError) or state.startswith(("22", "XX")):  # DataError: e.g. a NUL byte in text
            conn.rollback()
            raise QueryError(f"the database refused a value of this query: {str(exc.orig).splitlines()[0]}") from None
        raise


__all__ = ["COUNT_COST_LIMIT", "Count", "CqlError", "Extent", "FeaturePage", "Selection",
           "build_where", "count", "extent", "item", "items", "order_sql", "shown_properties"]
