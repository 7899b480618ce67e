"""Vector tiles (MVT) made in PostGIS: ST_TileEnvelope -> ST_AsMVTGeom -> ST_AsMVT over a CTE.

Every tile layer is a ``Layer`` of the registry (``gis/layers.py``); SQL fragments come from it,
user input reaches SQL only as bound parameters. Points are aggregated to a grid of cells below a
per-layer zoom, and wherever a tile would hold too many raw points, so that a tile stays small at any
data size without silently dropping a feature: each cell carries ``point_count``. Points and cells reach
tile coordinates by arithmetic on their Mercator metres, which is all ST_AsMVTGeom would do to a point.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Dialect, Engine, text

from gis.errors import NotFoundError
from gis.filters import property_filters
from gis.layers import Layer, Prop, TilePolicy, registry_version

MAX_ZOOM = 22
EXTENT = 4096
BUFFER = 64
WORLD_M = 20037508.342789244  # half the width of the Web Mercator world, metres
EARTH_RADIUS_M = 6378137.0
MAX_TILE_BYTES = 500_000
MAX_COMPOSITE_LAYERS = 12  # layers of one composite tile (``composite_tile``)
TILEJSON_MAX_ZOOM = 16  # clients overzoom beyond: raw points from z13, sub-metre cells where dense
ATTRIBUTION = ("Peta Ekonomi Kabupaten Indramayu; batas wilayah Kepmendagri 2025 (cahyadsn/wilayah_boundaries, MIT; "
               "idn-area-data, ODbL); data contoh ditandai di datasets/")
COUNT_FIELD = "point_count"
ID_FIELD = "id"
MVT_FIELD_TYPES = {"string": "String", "number": "Number", "integer": "Number", "boolean": "Boolean",
                   "array": "String"}
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
T = TypeVar("T")


class TileNotFound(NotFoundError):
    """z/x/y outside the tile matrix (HTTP 404)."""


def policy_for(layer: Layer) -> TilePolicy:
    """The tile policy the registry declares for ``layer`` (``Layer.tiles``: no aggregation unless declared)."""
    return layer.tiles


def aggregates(layer: Layer) -> bool:
    """True when tiles of ``layer`` may hold grid cells with ``point_count``."""
    return layer.is_points


def check_tile(z: int, x: int, y: int) -> None:
    """Raise ``TileNotFound`` unless z/x/y address a tile of the Web Mercator matrix."""
    if not 0 <= z <= MAX_ZOOM:
        raise TileNotFound(f"zoom must be between 0 and {MAX_ZOOM}, got {z}")
    side = 1 << z
    if not (0 <= x < side and 0 <= y < side):
        raise TileNotFound(f"tile {z}/{x}/{y} does not exist: x and y must be between 0 and {side - 1} at zoom {z}")


def _string_id_field(layer: Layer) -> bool:
    return layer.id_type == "string" and all(p.sql != layer.id_sql for p in layer.properties)


def tile_fields(layer: Layer) -> dict[str, str]:
    """Field names and MVT types of the features of ``layer`` (for TileJSON ``vector_layers``)."""
    fields = {ID_FIELD: "String"} if _string_id_field(layer) else {}
    fields.update({p.name: MVT_FIELD_TYPES[p.type] for p in layer.properties})
    if aggregates(layer):
        fields[COUNT_FIELD] = "Number"
    return fields


def tilejson_minzoom(layer: Layer) -> int:
    """The first zoom whose tiles carry ``layer`` (TileJSON ``minzoom``; composites leave it out below)."""
    return min(layer.min_zoom, layer.max_zoom, TILEJSON_MAX_ZOOM)


def vector_layer(layer: Layer, lang: str) -> dict[str, Any]:
    """The TileJSON ``vector_layers`` entry of ``layer`` (also in the MBTiles metadata, gis/packages_mbtiles.py)."""
    maxzoom = min(layer.max_zoom, TILEJSON_MAX_ZOOM)
    return {"id": layer.id, "description": layer.title(lang), "minzoom": tilejson_minzoom(layer),
            "maxzoom": maxzoom, "fields": tile_fields(layer)}


# --- filters -----------------------------------------------------------------------------------------


def _ident(name: str) -> str:
    if not _IDENTIFIER.match(name):  # registry names only; guards the quoting below
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


# --- the tile query ------------------------------------------------------------------------------------

_ENVELOPE = "ST_TileEnvelope(:z, :x, :y)"
# Integer SRIDs: a text SRID such as 'EPSG:3857' costs milliseconds a row (DESIGN section 7).
_BBOX = f"ST_Transform({_ENVELOPE}, 4326)"


def _where(layer: Layer, filters_sql: str) -> str:
    return f"({layer.where}) AND {layer.geom_sql} && {_BBOX} AND {filters_sql}"


def _prop_sql(prop: Prop) -> str:
    # MVT has no arrays: tags travel comma-joined.
    value = f"array_to_string({prop.sql}, ',')" if prop.type == "array" else prop.sql
    return f"{value} AS {_ident(prop.name)}"


def _tile_xy_sql(layer: Layer) -> tuple[str, str]:
    """x and y of a point in tile units (0 to ``EXTENT``, y down), by arithmetic on its Mercator metres."""
    x, y = _mercator_sql(layer.geom_sql)
    return f"(({x}) - :tile_x0) * :tile_scale", f"(:tile_y0 - ({y})) * :tile_scale"


def _tile_point_sql(layer: Layer) -> str:
    """A point straight to integer tile coordinates: what ST_AsMVTGeom does to a point, at a fraction of the cost.

    ST_AsMVTGeom transforms, scales, snaps to the integer grid, clips and validates each row; a point that the
    bounding-box filter let in lies inside the tile (within float4 rounding of an edge, well inside the
    buffer), so scaling and rounding are all there is to do.
    """
    x, y = _tile_xy_sql(layer)
    return f"ST_MakePoint(round({x}), round({y}))"


def _raw_sql(layer: Layer, where: str) -> str:
    if layer.is_points:
        geom, keep = _tile_point_sql(layer), ""
    else:  # one extent unit of tolerance: invisible, and fewer vertices to encode
        simplified = f"ST_Simplify(ST_Transform({layer.geom_sql}, 3857), :tolerance, true)"
        geom = f"ST_AsMVTGeom({simplified}, {_ENVELOPE}, {EXTENT}, {BUFFER}, true)"
        keep = " WHERE geom IS NOT NULL"  # clipped away: only touched the tile's buffer
    columns = ", ".join(_prop_sql(p) for p in layer.properties)
    if layer.id_type == "integer":  # the MVT feature id
        fid_arg, order = ", 'fid'", "fid"
        columns = f"{layer.id_sql} AS fid, {columns}"
    else:  # MVT ids are integers: a text id travels as a property, unless one already holds it
        fid_arg = ""
        if _string_id_field(layer):
            columns, order = f"{layer.id_sql} AS {_ident(ID_FIELD)}, {columns}", _ident(ID_FIELD)
        else:
            order = _ident(next(p.name for p in layer.properties if p.sql == layer.id_sql))
    # Features in id order: the same bytes every time (a stable ETag), and an ordered aggregate is not split
    # over parallel workers, whose start-up costs more than the whole tile on a busy server.
    return f"""
    WITH mvt AS (
        SELECT {geom} AS geom, {columns} FROM {layer.source} WHERE {where}
    )
    SELECT ST_AsMVT(mvt.*, :layer, {EXTENT}, 'geom'{fid_arg} ORDER BY {order}) FROM mvt{keep}"""


def _mercator_sql(geom: str) -> tuple[str, str]:
    # Web Mercator metres by formula: the same numbers as ST_Transform(geom, 3857), a fraction of the cost.
    x = f"ST_X({geom}) * {WORLD_M / 180.0!r}"
    y = f"ln(tan(radians(45.0 + ST_Y({geom}) / 2.0))) * {EARTH_RADIUS_M!r}"
    return x, y


def _cells_sql(layer: Layer, where: str, cell_param: str, group: Prop | None, *, few_per_cell: bool) -> str:
    """One feature per occupied grid cell: its points' centroid, ``point_count``, most common group value.

    Cells are counted in tile units, so the centroid needs no transform or clipping (it lies among its points).
    """
    x, y = _tile_xy_sql(layer)
    group_sql = group.sql if group else "NULL::text"
    group_col = f", grp AS {_ident(group.name)}" if group else ""
    cx, cy = f"floor(px / :{cell_param})", f"floor(py / :{cell_param})"
    if few_per_cell:  # dense tiles at high zoom: mode() sorts a handful of values in each cell
        cells = f"""cells AS (
        SELECT count(*) AS n, sum(px) AS sx, sum(py) AS sy, mode() WITHIN GROUP (ORDER BY grp) AS grp
        FROM pts GROUP BY {cx}, {cy}
    )"""
    else:  # many points a cell: keeping the largest (cell, group) of each cell beats mode(), which sorts every row
        cells = f"""groups AS (
        SELECT {cx} AS cx, {cy} AS cy, grp, count(*) AS gn, sum(px) AS gx, sum(py) AS gy FROM pts GROUP BY 1, 2, 3
    ), cells AS (
        SELECT DISTINCT ON (cx, cy) grp, CAST(sum(gn) OVER w AS bigint) AS n,
               sum(gx) OVER w AS sx, sum(gy) OVER w AS sy
        FROM groups WINDOW w AS (PARTITION BY cx, cy) ORDER BY cx, cy, grp IS NULL, gn DESC, grp
    )"""
    # OFFSET 0 keeps x and y computed once a row. Both mode() and DISTINCT ON pick the most common non-null
    # value of a cell, the first in sort order among equals.
    return f"""
    WITH pts AS (
        SELECT {x} AS px, {y} AS py, {group_sql} AS grp FROM {layer.source} WHERE {where} OFFSET 0
    ), {cells}
    SELECT ST_AsMVT(mvt.*, :layer, {EXTENT}, 'geom') FROM (
        SELECT ST_MakePoint(round(sx / n), round(sy / n)) AS geom, n AS {COUNT_FIELD}{group_col} FROM cells
    ) mvt"""


def tile_sql(layer: Layer, z: int, x: int, y: int, filters: Mapping[str, str] | None = None,
             *, dense: bool = False) -> tuple[str, dict[str, object]]:
    """The SQL of one tile and its bound parameters (the query ``tile`` runs; the benchmark times it raw).

    ``dense`` asks for the dense grid of a point layer whatever the zoom.
    """
    check_tile(z, x, y)
    filters_sql, params = property_filters(layer, filters)
    where = _where(layer, filters_sql)
    tile_m = 2 * WORLD_M / (1 << z)
    params.update(z=z, x=x, y=y, layer=layer.id)
    policy = policy_for(layer)
    if not layer.is_points:
        params["tolerance"] = tile_m / EXTENT
        return _raw_sql(layer, where), params
    params.update(tile_x0=x * tile_m - WORLD_M, tile_y0=WORLD_M - y * tile_m, tile_scale=EXTENT / tile_m)
    group = layer.prop(policy.group_by) if policy.group_by else None
    if z < policy.aggregate_below:
        params["cell"] = EXTENT / policy.grid
        return _cells_sql(layer, where, "cell", group, few_per_cell=False), params
    params["dense_cell"] = EXTENT / policy.dense_grid
    dense_sql = _cells_sql(layer, where, "dense_cell", group, few_per_cell=True)
    if dense:
        return dense_sql, params
    # Raw points unless the tile is dense; the CASE runs only the branch it needs (lazy InitPlans).
    params["max_points"] = policy.max_points
    sql = f"""
    SELECT CASE
        WHEN (SELECT count(*) FROM (SELECT 1 FROM {layer.source} WHERE {where} LIMIT :max_points + 1) s)
             <= :max_points
        THEN ({_raw_sql(layer, where)})
        ELSE ({dense_sql})
    END"""
    return sql, params


def tile(engine: Engine, layer: Layer, z: int, x: int, y: int,
         filters: Mapping[str, str] | None = None) -> bytes | None:
    """The MVT tile z/x/y of ``layer`` (one MVT layer named after it), or None when it has no feature."""
    sql, params = tile_sql(layer, z, x, y, filters)
    # Autocommit: one read needs no BEGIN/ROLLBACK round trips around it.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        data = _scalar(conn, sql, params)
        if data and len(data) > MAX_TILE_BYTES and layer.is_points:  # long texts: the count limit was not enough
            sql, params = tile_sql(layer, z, x, y, filters, dense=True)
            data = _scalar(conn, sql, params)
    return bytes(data) if data else None


@lru_cache(maxsize=256)
def _driver_sql(sql: str, dialect: Dialect) -> str:
    return str(text(sql).compile(dialect=dialect))


def _row(conn: Connection, sql: str, params: dict[str, object]) -> tuple[object, ...] | None:
    """Run ``sql``, planned for its own parameters; with psycopg 3, the result travels in binary.

    Each tile gets its own plan: a generic plan (a prepared statement after a few runs) knows nothing of the
    tile's envelope and was 1.5x slower at z14 and 2-3x at low zoom, while planning takes about 0.5 ms.
    Binary results spare the server the hex encoding of the tile and the driver its decoding.
    """
    driver = conn.connection.driver_connection
    if not hasattr(driver, "prepare_threshold"):  # another driver: plain SQLAlchemy
        found = conn.execute(text(sql), params).first()
        return tuple(found) if found is not None else None
    row = driver.execute(_driver_sql(sql, conn.dialect), params, prepare=False,  # type: ignore[union-attr]
                         binary=True).fetchone()
    return tuple(row) if row is not None else None


def _scalar(conn: Connection, sql: str, params: dict[str, object]) -> object:
    row = _row(conn, sql, params)
    return row[0] if row else None


# --- composite tiles: several layers in one MVT ------------------------------------------------------

TilePart = tuple[Layer, Mapping[str, str] | None]  # a layer of a composite tile and its filters


def _prefixed(sql: str, params: dict[str, object], prefix: str) -> tuple[str, dict[str, object]]:
    """``sql`` with each bound parameter renamed ``prefix + name`` (``::type`` casts are left alone)."""
    names = "|".join(re.escape(name) for name in sorted(params, key=len, reverse=True))
    renamed = re.sub(rf"(?<![:\w]):({names})\b", lambda m: f":{prefix}{m.group(1)}", sql)
    return renamed, {prefix + name: value for name, value in params.items()}


def composite_tile_sql(parts: Sequence[TilePart], z: int, x: int, y: int) -> tuple[str, dict[str, object]]:
    """One SELECT whose columns are the single-layer tiles of ``parts`` (``tile_sql`` each), in their order.

    Each layer keeps its own query, policy and filters; only its parameter names get a per-layer prefix.
    """
    columns: list[str] = []
    params: dict[str, object] = {}
    for i, (layer, filters) in enumerate(parts):
        sql, own = _prefixed(*tile_sql(layer, z, x, y, filters), f"l{i}_")
        columns.append(f"({sql}) AS t{i}")
        params.update(own)
    return "SELECT " + ", ".join(columns), params


def composite_tile(engine: Engine, parts: Sequence[TilePart], z: int, x: int, y: int) -> bytes | None:
    """One MVT holding the layers of ``parts`` in their order, each exactly as ``tile`` makes it; None if empty.

    MVT layers are independent messages of one repeated field, so tiles concatenate byte-wise into one: the
    layers are rendered in one database round trip (a column each) and joined here. A point layer over
    ``MAX_TILE_BYTES`` is made again as a dense grid, as ``tile`` does.
    """
    if not parts:
        return None
    if len(parts) > MAX_COMPOSITE_LAYERS:
        raise ValueError(f"at most {MAX_COMPOSITE_LAYERS} layers in a composite tile")
    sql, params = composite_tile_sql(parts, z, x, y)
    chunks: list[bytes] = []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        row = _row(conn, sql, params) or (None,) * len(parts)
        for (layer, filters), data in zip(parts, row, strict=True):
            if data and len(data) > MAX_TILE_BYTES and layer.is_points:  # type: ignore[arg-type]
                data = _scalar(conn, *tile_sql(layer, z, x, y, filters, dense=True))
            chunks.append(bytes(data) if data else b"")  # type: ignore[arg-type]
    return b"".join(chunks) or None


# --- metadata for TileJSON and the style ------------------------------------------------------------


def layer_bounds(engine: Engine, layer: Layer, filters: Mapping[str, str] | None = None
                 ) -> tuple[float, float, float, float] | None:
    """West, south, east, north of the layer's (filtered) features, or None when it has none."""
    filters_sql, params = property_filters(layer, filters)
    sql = (f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent({layer.geom_sql}) AS e "
           f"FROM {layer.source} WHERE ({layer.where}) AND {filters_sql}) b")
    with engine.connect() as conn:
        row = conn.execute(text(sql), params).one()
    if row[0] is None:
        return None
    return float(row[0]), float(row[1]), float(row[2]), float(row[3])


@dataclass(frozen=True)
class Choropleth:
    """The default view of a choropleth layer: which rows to show and the class breaks of the measure."""

    filters: dict[str, str]
    measure: str
    breaks: list[float]


CHOROPLETH_LEVEL = "kecamatan"
CHOROPLETH_CLASSES = 5


def choropleth_default(engine: Engine, layer: Layer) -> Choropleth | None:
    """Most complete subject and year at kecamatan level of a statistical layer (its default measure), with
    quantile breaks; None if the layer is not one."""
    if layer.stats is None or layer.year_sql is None:
        return None
    subject, measure = layer.prop(layer.stats.subject), layer.prop(layer.stats.default_measure)
    year, level = layer.prop("year"), layer.prop("level")
    if None in (subject, year, level, measure):
        return None
    assert subject and year and level and measure  # narrowed above
    pick = (f"SELECT {subject.sql}, {year.sql}, count(*) FROM {layer.source} WHERE ({layer.where}) "
            f"AND {level.sql} = :level AND {measure.sql} IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 2 DESC, 1 LIMIT 1")
    quantiles = [i / CHOROPLETH_CLASSES for i in range(1, CHOROPLETH_CLASSES)]
    cuts = (f"SELECT percentile_disc(CAST(:q AS float8[])) WITHIN GROUP (ORDER BY {measure.sql}) "
            f"FROM {layer.source} WHERE ({layer.where}) AND {level.sql} = :level "
            f"AND {subject.sql} = :subject AND {year.sql} = :year")
    with engine.connect() as conn:
        row = conn.execute(text(pick), {"level": CHOROPLETH_LEVEL}).first()
        if row is None:
            return None
        breaks = conn.execute(text(cuts), {"q": quantiles, "level": CHOROPLETH_LEVEL, "subject": row[0],
                                           "year": row[1]}).scalar() or []
    unique = sorted({float(b) for b in breaks if b is not None})
    filters = {subject.name: str(row[0]), year.name: str(row[1]), level.name: CHOROPLETH_LEVEL}
    return Choropleth(filters=filters, measure=measure.name, breaks=unique)


# --- a small cache of rendered tiles ------------------------------------------------------------------

_VERSION_SQL = text(
    "SELECT (SELECT coalesce(max(id), 0) FROM load_runs)::text || '/' || coalesce(("
    "SELECT sum(n_tup_ins + n_tup_upd + n_tup_del)::text || '/' || "
    "string_agg(pg_relation_filenode(relid)::text, ',' ORDER BY relid) "
    "FROM pg_stat_user_tables WHERE schemaname = current_schema()), '')"
)


def data_version(engine: Engine) -> str:
    """A token that changes whenever a load runs or rows change (statistics lag by about a second)."""
    with engine.connect() as conn:
        return str(conn.execute(_VERSION_SQL).scalar())


class TileCache:
    """A bounded in-process LRU of rendered tiles and tile metadata, keyed by the data and registry versions.

    Low zooms aggregate the most rows and are asked for the most; ``max_bytes`` 0 turns the cache off.
    """

    ENTRY_OVERHEAD = 200  # rough bytes of a key and its entry

    def __init__(self, max_bytes: int, version_ttl_s: float = 2.0) -> None:
        self.max_bytes = max_bytes
        self.version_ttl_s = version_ttl_s
        self._entries: OrderedDict[tuple[object, ...], tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._version = ""
        self._version_at = -math.inf
        self._lock = threading.Lock()

    def _current_version(self, engine: Engine) -> str:
        now = time.monotonic()
        if now - self._version_at > self.version_ttl_s:
            version = data_version(engine)
            with self._lock:
                if version != self._version:
                    self._entries.clear()
                    self._bytes = 0
                self._version, self._version_at = version, now
        return self._version

    def get_or_make(self, engine: Engine, key: tuple[object, ...], make: Callable[[], T]) -> T:
        """The value cached under ``key`` for the current data and registry, or ``make()`` kept for next time."""
        if self.max_bytes <= 0:
            return make()
        full_key = (self._current_version(engine), registry_version(), *key)
        with self._lock:
            if full_key in self._entries:
                self._entries.move_to_end(full_key)
                return self._entries[full_key][0]  # type: ignore[return-value]
        value = make()
        self._keep(full_key, value)
        return value

    def get_tile(self, engine: Engine, layer: Layer, z: int, x: int, y: int,
                 filters: Mapping[str, str] | None = None) -> bytes | None:
        """The tile from the cache, or rendered by ``tile`` and kept."""
        key = ("tile", layer.id, z, x, y, tuple(sorted((filters or {}).items())))
        return self.get_or_make(engine, key, lambda: tile(engine, layer, z, x, y, filters))

    def get_composite(self, engine: Engine, parts: Sequence[TilePart], z: int, x: int, y: int) -> bytes | None:
        """The composite tile from the cache, or rendered by ``composite_tile`` and kept."""
        key = ("composite", tuple((layer.id, tuple(sorted((filters or {}).items()))) for layer, filters in parts),
               z, x, y)
        return self.get_or_make(engine, key, lambda: composite_tile(engine, parts, z, x, y))

    def _keep(self, key: tuple[object, ...], value: object) -> None:
        size = (len(value) if isinstance(value, bytes) else 0) + self.ENTRY_OVERHEAD
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, old) = self._entries.popitem(last=False)
                self._bytes -= old
