"""Read agency files: tables (CSV, XLSX) and map layers (GeoJSON, Shapefile, GeoPackage, KML).

Tables are streamed in chunks (:func:`open_table`); every kept row carries its row number in
the source file, so later error messages can point at it. Map layers are read whole
(:func:`read_vector`) and returned in EPSG:4326. Every problem that the person who supplied
the file can fix is raised as :class:`etl.errors.ReadError` with a message saying what to do.

The modules, by what they do: ``sniff`` (what a file is), ``table`` (the chunk stream),
``layout`` (title and header), ``columns`` (which columns, cell size checks), ``row_filter``
(blank, total and footnote rows), ``csv_source`` / ``csv_dialect`` / ``csv_chunks`` /
``text_scan`` (delimited text), ``xlsx`` (workbooks), ``vector`` and ``archive`` (map layers,
zips), ``limits`` (the sizes refused).
"""

from etl.readers.headers import normalize_header
from etl.readers.limits import (
    HEAD_BYTES,
    HEAD_ROWS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    ZIP_MAX_ENTRIES,
    ZIP_MAX_RATIO,
    ZIP_MAX_TOTAL_BYTES,
    ZIP_RATIO_MIN_BYTES,
)
from etl.readers.sniff import TABLE_EXTENSIONS, VECTOR_EXTENSIONS, XLSX_EXTENSIONS, Kind, sniff_kind
from etl.readers.table import TableChunk, TableInfo, open_table
from etl.readers.vector import read_vector

__all__ = [
    "HEAD_BYTES",
    "HEAD_ROWS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "TABLE_EXTENSIONS",
    "VECTOR_EXTENSIONS",
    "XLSX_EXTENSIONS",
    "ZIP_MAX_ENTRIES",
    "ZIP_MAX_RATIO",
    "ZIP_MAX_TOTAL_BYTES",
    "ZIP_RATIO_MIN_BYTES",
    "Kind",
    "TableChunk",
    "TableInfo",
    "normalize_header",
    "open_table",
    "read_vector",
    "sniff_kind",
]
