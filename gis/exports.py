"""Exports of any registry layer (or of a statistic) as CSV, GeoJSON, GeoPackage or XLSX, streamed.

CSV and GeoJSON are generators over a server-side cursor, so a million rows never sit
in memory; a GeoPackage (SQLite) and an XLSX (zip) cannot be streamed while written, so
they are written chunk by chunk to a temporary file that is then streamed and removed.
Text cells that a spreadsheet would run as a formula get a leading apostrophe.

Usage from a route::

    chunks, mimetype, filename = export_layer(engine, "producers", "csv", Selection(bbox, {"sector": "C"}))
    return Response(stream_with_context(chunks), mimetype=mimetype,
                    headers={"Content-Disposition": content_disposition(filename)})
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Engine, text

from gis import stats
from gis.cql2 import CqlError
from gis.errors import InvalidRequest
from gis.features import Selection, build_where, order_sql, shown_properties
from gis.filters import QueryError
from gis.i18n import normalize_lang, t
from gis.layers import LAYERS, Layer, Prop

FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
CHUNK_ROWS = 5000
FILE_CHUNK_BYTES = 1 << 20
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit less the header row
XLSX_MAX_CELL = 32_767
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")
_GPKG_TYPES = {"Point": "Point", "MultiPolygon": "MultiPolygon", "Geometry": "Unknown"}


class Export(NamedTuple):
    """A ready-to-send export: the body's chunks, its media type and a file name."""

    chunks: Iterator[bytes]
    mimetype: str
    filename: str


class ExportError(InvalidRequest):
    """An export request the client must fix (format, filter or layer)."""


class Column(NamedTuple):
    """An exported column: name, type (as in the registry) and titles."""

    name: str
    type: str = "string"
    title_id: str = ""
    title_en: str = ""


# --------------------------------------------------------------------------- cell values


def safe_text(value: str) -> str:
    """Neutralise spreadsheet formula injection: risky leading characters get an apostrophe; plain numbers pass."""
    if value and value.startswith(_RISKY_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, int):
        return value
    if isinstance(value, list | tuple):
        return safe_text(";".join("" if v is None else str(v) for v in value))
    return safe_text(str(value))


def _number_text(value: float) -> str:
    if not math.isfinite(value):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        value = ";".join("" if v is None else str(v) for v in value)
    cleaned = _ILLEGAL_XML.sub("", str(value))[:XLSX_MAX_CELL]
    return safe_text(cleaned)


# --------------------------------------------------------------------------- writers


def csv_chunks(header: Sequence[str], batches: Iterable[Iterable[Sequence[Any]]]) -> Iterator[bytes]:
    """CSV (UTF-8 with BOM, so that Excel reads the accents) one batch of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    yield ("\ufeff" + buffer.getvalue()).encode()
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_cell(v) for v in row] for row in batch)
        yield buffer.getvalue().encode()


def geojson_chunks(feature_texts: Iterable[Iterable[str]], name: str) -> Iterator[bytes]:
    """A GeoJSON FeatureCollection from batches of serialised features."""
    yield ('{"type":"FeatureCollection","name":' + json.dumps(name) + ',"features":[\n').encode()
    first = True
    for batch in feature_texts:
        batch = list(batch)
        if not batch:
            continue
        prefix = "" if first else ",\n"
        first = False
        yield (prefix + ",\n".join(batch)).encode()
    yield b"\n]}\n"


def xlsx_chunks(header: Sequence[str], batches: Iterable[Iterable[Sequence[Any]]],
                about: Sequence[Sequence[Any]] = (), sheet: str = "data") -> Iterator[bytes]:
    """An XLSX workbook written in openpyxl's write-only mode (rows go to disk), then streamed."""
    from openpyxl import Workbook

    def write(path: Path) -> None:
        book = Workbook(write_only=True)
        page, rows_on_page = 1, 0
        current = book.create_sheet(sheet)
        current.append([safe_text(h) for h in header])
        for batch in batches:
            for row in batch:
                if rows_on_page >= XLSX_MAX_ROWS:
                    page, rows_on_page = page + 1, 0
                    current = book.create_sheet(f"{sheet}_{page}")
                    current.append([safe_text(h) for h in header])
                current.append([_xlsx_cell(v) for v in row])
                rows_on_page += 1
        if about:
            notes = book.create_sheet("about")
            for row in about:
                notes.append([_xlsx_cell(v) for v in row])
        book.save(path)

    return _via_temp_file("export.xlsx", write)


def gpkg_chunks(columns: Sequence[Column], batches: Iterable[Iterable[tuple[Sequence[Any], Any]]],
                layer_name: str, geometry_type: str) -> Iterator[bytes]:
    """A GeoPackage written chunk by chunk with pyogrio (rows: values and a shapely geometry), then streamed."""
    return _via_temp_file("export.gpkg", lambda path: write_gpkg(path, columns, batches, layer_name, geometry_type))


def write_gpkg(path: Path, columns: Sequence[Column], batches: Iterable[Iterable[tuple[Sequence[Any], Any]]],
               layer_name: str, geometry_type: str) -> None:
    """Write rows (values and a shapely geometry) chunk by chunk as the table ``layer_name`` of the GeoPackage
    at ``path``, beside the tables already in it."""
    import pyogrio

    written = False
    for batch in batches:
        frame = _geo_frame(columns, list(batch))
        if frame is None:
            continue
        pyogrio.write_dataframe(frame, path, layer=layer_name, driver="GPKG", append=written,
                                geometry_type=geometry_type, promote_to_multi=geometry_type == "MultiPolygon")
        written = True
    if not written:
        pyogrio.write_dataframe(_geo_frame(columns, [], empty_ok=True), path, layer=layer_name,
                                driver="GPKG", geometry_type=geometry_type)


def _geo_frame(columns: Sequence[Column], rows: list[tuple[Sequence[Any], Any]], empty_ok: bool = False) -> Any:
    import geopandas as gpd
    import pandas as pd

    if not rows and not empty_ok:
        return None
    data = {}
    for i, col in enumerate(columns):
        values = [_gpkg_value(row[0][i]) for row in rows]
        data[col.name] = pd.array(values, dtype=_pandas_dtype(col.type))
    geometry = gpd.GeoSeries([row[1] for row in rows], crs="EPSG:4326")
    return gpd.GeoDataFrame(data, geometry=geometry, crs="EPSG:4326")


def _pandas_dtype(kind: str) -> str:
    return {"integer": "Int64", "number": "Float64", "boolean": "boolean"}.get(kind, "object")


def _gpkg_value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ";".join("" if v is None else str(v) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _via_temp_file(name: str, write: Callable[[Path], None]) -> Iterator[bytes]:
    """Write with ``write`` into a private temporary folder, stream the file, always remove it."""
    folder = tempfile.mkdtemp(prefix="peta-export-")
    try:
        path = Path(folder) / name
        write(path)
        with open(path, "rb") as handle:
            while chunk := handle.read(FILE_CHUNK_BYTES):
                yield chunk
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- layers


def export_layer(engine: Engine, layer: Layer | str, fmt: str, selection: Selection | None = None, *,
                 lang: str = "id", chunk_rows: int = CHUNK_ROWS) -> Export:
    """Stream the items of a registry layer in ``fmt`` (csv, geojson, gpkg, xlsx).

    ``selection`` (bbox, property filters, years, CQL2) means what it means for OGC API
    items: both compile it with :func:`gis.features.build_where`. Validation happens now,
    so errors raise ExportError before any byte is sent; the query runs as chunks are consumed,
    after a route has answered 200, so the database is reached now too: one that is away raises
    OperationalError here (a 503), not in the middle of a file.
    """
    if isinstance(layer, str):
        if layer not in LAYERS:
            raise ExportError(f"unknown layer {layer!r}; layers: {', '.join(LAYERS)}")
        layer = LAYERS[layer]
    mimetype, extension = _format(fmt)
    props, base, params, columns = _layer_query(layer, selection or Selection())
    chunks = _layer_chunks(engine, layer, props, fmt, base, params, columns, lang, chunk_rows)
    _reach(engine)
    return Export(chunks, mimetype, f"{layer.id}.{extension}")


def write_layer_gpkg(engine: Engine, layer: Layer, path: Path, selection: Selection | None = None, *,
                     chunk_rows: int = CHUNK_ROWS) -> None:
    """Write the items of ``layer`` (as ``export_layer`` selects them) as the table ``layer.id`` of the
    GeoPackage at ``path``, beside the tables already in it (the offline packages, gis/packages.py)."""
    props, base, params, columns = _layer_query(layer, selection or Selection())
    write_gpkg(path, columns, _gpkg_batches(engine, layer, props, base, params, chunk_rows), layer.id,
               _GPKG_TYPES[layer.geometry_type])


def _layer_query(layer: Layer, selection: Selection) -> tuple[tuple[Prop, ...], str, dict[str, Any], list[Column]]:
    """The exported properties, the FROM ... ORDER BY of the selection, its parameters and the columns."""
    if selection.years is not None and layer.year_sql is None:
        raise ExportError(f"layer {layer.id} has no years: drop datetime")
    try:
        where = build_where(layer, selection)
        props, order = shown_properties(layer, selection), order_sql(layer, selection)
    except (QueryError, CqlError) as exc:
        raise ExportError(str(exc)) from exc
    base = f"FROM {layer.source} WHERE {where.sql} ORDER BY {order}"
    columns = [Column("id", layer.id_type, "ID", "ID")] + [_column(p) for p in props]
    return props, base, dict(where.params), columns


def _gpkg_batches(engine: Engine, layer: Layer, props: tuple[Prop, ...], base: str, params: dict[str, Any],
                  chunk_rows: int) -> Iterator[list[tuple[Sequence[Any], Any]]]:
    values = ", ".join([f"{layer.id_sql}"] + [p.sql for p in props])
    sql = f"SELECT {values}, ST_AsBinary({layer.geom_sql}) {base}"
    return _with_shapes(_db_batches(engine, sql, params, chunk_rows))


def _reach(engine: Engine) -> None:
    """Raise OperationalError now when the database is away (the rows are read later, as the file streams)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")


def _format(fmt: str) -> tuple[str, str]:
    if fmt not in FORMATS:
        raise ExportError(f"f must be one of {', '.join(FORMATS)}; got {fmt!r}")
    return FORMATS[fmt]


def _column(prop: Prop) -> Column:
    return Column(prop.name, prop.type, prop.title_id, prop.title_en)


def _layer_chunks(engine: Engine, layer: Layer, props: tuple[Prop, ...], fmt: str, base: str,
                  params: dict[str, Any], columns: list[Column], lang: str, chunk_rows: int) -> Iterator[bytes]:
    values = ", ".join([f"{layer.id_sql}"] + [p.sql for p in props])
    if fmt == "geojson":
        sql = f"SELECT {_feature_json(layer, props)} {base}"
        return geojson_chunks(_single_column(_db_batches(engine, sql, params, chunk_rows)), layer.id)
    if fmt == "gpkg":
        return gpkg_chunks(columns, _gpkg_batches(engine, layer, props, base, params, chunk_rows), layer.id,
                           _GPKG_TYPES[layer.geometry_type])
    point = layer.geom_sql if layer.is_points else f"ST_PointOnSurface({layer.geom_sql})"
    where_xy = f"ST_X({point}), ST_Y({point})"
    header = [c.name for c in columns] + ["lon", "lat"]
    if fmt == "xlsx":
        sql = f"SELECT {values}, {where_xy} {base}"
        return xlsx_chunks(header, _db_batches(engine, sql, params, chunk_rows), _about(layer, columns, lang),
                           sheet=layer.id[:31])
    wkt = "" if layer.is_points else f", ST_AsText({layer.geom_sql})"
    sql = f"SELECT {values}, {where_xy}{wkt} {base}"
    return csv_chunks(header + ([] if layer.is_points else ["wkt"]), _db_batches(engine, sql, params, chunk_rows))


def _feature_json(layer: Layer, props: tuple[Prop, ...]) -> str:
    """SQL building each GeoJSON Feature as text in PostgreSQL (faster than Python for big exports)."""
    pairs = [f"'{p.name}', {p.sql}" for p in props]
    # json_build_object takes at most 100 arguments: merge groups of 40 properties.
    groups = [f"json_build_object({', '.join(pairs[i:i + 40])})::jsonb" for i in range(0, len(pairs), 40)]
    props = " || ".join(groups) if groups else "'{}'::jsonb"
    return (f"json_build_object('type', 'Feature', 'id', {layer.id_sql}, "
            f"'geometry', ST_AsGeoJSON({layer.geom_sql}, 7)::json, 'properties', ({props})::json)::text")


def _db_batches(engine: Engine, sql: str, params: Mapping[str, Any], chunk_rows: int) -> Iterator[list[Any]]:
    """Rows in batches through a server-side cursor; the connection closes when the consumer stops."""
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(text(sql), params)
        yield from result.partitions(chunk_rows)


def _single_column(batches: Iterable[list[Any]]) -> Iterator[list[str]]:
    for batch in batches:
        yield [row[0] for row in batch]


def _with_shapes(batches: Iterable[list[Any]]) -> Iterator[list[tuple[Sequence[Any], Any]]]:
    import shapely

    for batch in batches:
        shapes = shapely.from_wkb([None if row[-1] is None else bytes(row[-1]) for row in batch])
        yield [(tuple(row[:-1]), shape) for row, shape in zip(batch, shapes, strict=True)]


def _about(layer: Layer, columns: Sequence[Column], lang: str) -> list[list[Any]]:
    """The XLSX "about" sheet: what the layer is and what each column means."""
    english = normalize_lang(lang) == "en"
    rows: list[list[Any]] = [[layer.title(lang)], [layer.description(lang)], [],
                             [t("export.column", lang), t("export.title", lang), t("export.type", lang)]]
    rows += [[c.name, c.title_en if english else c.title_id, c.type] for c in columns]  # the registry's titles
    rows += [["lon", t("export.lon", lang), "number"], ["lat", t("export.lat", lang), "number"]]
    return rows


# --------------------------------------------------------------------------- statistics and plain records


def export_records(records: Sequence[Mapping[str, Any]], columns: Sequence[Column], fmt: str, name: str,
                   geometry_type: str = "MultiPolygon") -> Export:
    """Export in-memory records (e.g. a choropleth's values); ``geometry`` keys hold GeoJSON geometries."""
    mimetype, extension = _format(fmt)
    names = [c.name for c in columns]
    rows = [[record.get(n) for n in names] for record in records]
    if fmt == "csv":
        chunks = csv_chunks(names, [rows])
    elif fmt == "xlsx":
        chunks = xlsx_chunks(names, [rows], sheet=name[:31])
    elif fmt == "geojson":
        features = [json.dumps({"type": "Feature", "id": r.get("code"), "geometry": r.get("geometry"),
                                "properties": dict(zip(names, row, strict=True))}, ensure_ascii=False)
                    for r, row in zip(records, rows, strict=True)]
        chunks = geojson_chunks([features], name)
    else:
        chunks = gpkg_chunks(columns, [list(zip(rows, _shapes(records), strict=True))], name,
                             _GPKG_TYPES.get(geometry_type, "Unknown"))
    return Export(chunks, mimetype, f"{name}.{extension}")


def _shapes(records: Sequence[Mapping[str, Any]]) -> list[Any]:
    from shapely.geometry import shape

    return [shape(r["geometry"]) if r.get("geometry") else None for r in records]


def stats_export(result: Mapping[str, Any], fmt: str) -> Export:
    """Export a choropleth result of gis.stats (values with class, unit, year and subject)."""
    subject_key = stats.DATASETS[result["dataset"]].subject_param
    base = {"year": result["year"], subject_key: result[subject_key], "measure": result["measure"]}
    records = [{**base, **item} for item in result["values"]]
    columns = [Column("code"), Column("name"), Column(subject_key), Column("year", "integer"),
               Column("measure"), Column("value", "number"), Column("unit"), Column("class", "integer")]
    name = f"{result['dataset']}_{result[subject_key]}_{result['year']}_{result['level']}"
    return export_records(records, columns, fmt, re.sub(r"[^\w.-]", "_", name))


def content_disposition(filename: str) -> str:
    """``attachment`` header value for an ASCII file name made by this module."""
    safe = re.sub(r"[^\w.-]", "_", os.path.basename(filename))
    return f'attachment; filename="{safe}"'
