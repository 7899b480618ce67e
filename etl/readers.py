"""Read agency files: tables (CSV, XLSX) and map layers (GeoJSON, Shapefile, GeoPackage, KML).

Tables are streamed in chunks. :func:`open_table` looks at the first rows to find the
encoding, the delimiter, the title rows and the (one- or two-row) header, then reads the
data in chunks, dropping blank rows, total rows ("Jumlah") and everything from the
first footnote ("Sumber: BPS ..."). Every kept row carries its row number in the source
file, so later error messages can point at it.

Map layers are read whole with pyogrio and returned in EPSG:4326.

Every problem that the person who supplied the file can fix is raised as
:class:`etl.errors.ReadError` with a message saying what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import re
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from etl.bilingual import NUMBER_KINDS, is_translation_row, language_parts, translated_name
from etl.errors import ReadError

if TYPE_CHECKING:
    import geopandas as gpd

# geopandas and pyogrio (GDAL) are imported when a map layer is read: reading a table
# does not need them, and they cost about 50 MB of memory.

Kind = Literal["table", "vector"]

TABLE_EXTENSIONS = frozenset({".csv", ".txt", ".tsv", ".xlsx", ".xlsm"})
VECTOR_EXTENSIONS = frozenset({".geojson", ".json", ".shp", ".zip", ".gpkg", ".kml"})
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})

#: Rows examined to find the title, the header and the first data rows.
HEAD_ROWS = 60
#: Bytes of a CSV read to sniff its delimiter and header.
HEAD_BYTES = 1 << 20
_SCAN_BLOCK = 1 << 22
#: Block size of the pyarrow CSV reader: small blocks keep the memory peak low.
_ARROW_BLOCK = 1 << 19

ZIP_MAX_ENTRIES = 1000
ZIP_MAX_TOTAL_BYTES = 500 * 1024 * 1024
ZIP_MAX_RATIO = 100
#: Entries smaller than this are not checked for their compression ratio: they cannot
#: do harm, and small padded files (.dbf, .prj) compress very well.
ZIP_RATIO_MIN_BYTES = 1 << 20
#: Widest table or layer read (empty cells included): agency tables have tens of columns;
#: thousands are an export gone wrong, or an attempt to exhaust the server's memory.
MAX_COLUMNS = 1000
#: Longest cell read: Excel's own limit. No column of a job is longer, and a bigger cell is
#: not data (often a quote that is never closed, swallowing the lines after it).
MAX_CELL_CHARS = 32_767

_CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

# ---------------------------------------------------------------------------------------
# Public data classes
# ---------------------------------------------------------------------------------------


@dataclass
class TableChunk:
    """A chunk of table rows.

    ``frame`` has the source's columns under normalised header names and a fresh
    RangeIndex. CSV chunks hold pandas ``str`` (pyarrow-backed) columns: every cell is
    a string stripped of surrounding spaces, and an empty cell is missing (``pd.isna``
    is True; the str dtype shows it as NaN). XLSX chunks hold ``object`` columns: a
    stripped ``str``, ``None`` for an empty cell, numeric cells kept as ``int`` /
    ``float``, dates and times as ISO strings, booleans as "TRUE" / "FALSE".

    ``rows`` holds, for each frame row, its 1-based row number in the source: for a
    CSV the physical line number where the record starts (header and title lines
    counted), for an XLSX the spreadsheet row number.
    """

    frame: pd.DataFrame
    rows: np.ndarray


@dataclass
class TableInfo:
    """What was learnt about a table while opening and reading it.

    ``dropped`` lists (row number, reason) of the rows that were not returned; it holds
    the drops of the first chunk as soon as :func:`open_table` returns (for most agency
    files, that is the whole file) and is complete once the chunk iterator is exhausted.
    ``alternatives`` gives, for a header in two languages (a BPS table), the keys of its
    other spellings ("kecamatan" -> "subdistrict"), for a header mapping to try.
    """

    path: str
    headers: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    dropped: list[tuple[int, str]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)  # header key -> other keys


# ---------------------------------------------------------------------------------------
# File kind and content checks
# ---------------------------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"%PDF", "pdf"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x00\x00\x27\x0a", "shp"),
)
_CONTENT_NAMES = {
    "zip": "a ZIP archive",
    "xlsx": "an Excel workbook (.xlsx)",
    "ole": "an old-format Excel/Office file (.xls)",
    "pdf": "a PDF document",
    "sqlite": "a SQLite database / GeoPackage",
    "gzip": "a gzip archive",
    "rar": "a RAR archive",
    "7z": "a 7-Zip archive",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "shp": "a shapefile geometry file (.shp)",
    "text": "a text file",
}
_EXPECTED_CONTENT = {
    ".csv": "text",
    ".txt": "text",
    ".tsv": "text",
    ".geojson": "text",
    ".json": "text",
    ".kml": "text",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".zip": "zip",
    ".gpkg": "sqlite",
    ".shp": "shp",
}


def sniff_kind(path: str | Path) -> Kind:
    """Return "table" or "vector" from the file extension, after checking the content.

    Raises ReadError for a missing or empty file, an unsupported extension, or content
    that does not match the extension (a ".csv" that is really an XLSX, an ".xlsx" that
    is not a ZIP-based workbook, ...).
    """
    path = Path(path)
    kind = _kind_by_extension(path)
    _check_content(path)
    return kind


def _kind_by_extension(path: Path) -> Kind:
    ext = path.suffix.lower()
    if ext in TABLE_EXTENSIONS:
        return "table"
    if ext in VECTOR_EXTENSIONS:
        return "vector"
    supported = ", ".join(sorted(TABLE_EXTENSIONS | VECTOR_EXTENSIONS))
    if ext == ".xls":
        hint = "open it in Excel or LibreOffice and save it as .xlsx"
    else:
        hint = f"supported are {supported}"
    raise ReadError(f"unsupported file type '{ext or '(none)'}': {hint}", path)


def _check_content(path: Path) -> None:
    if not path.is_file():
        raise ReadError("file not found: check the path and the file name", path)
    if path.stat().st_size == 0:
        raise ReadError("file is empty (0 bytes): no data rows; upload the file again", path)
    expected = _EXPECTED_CONTENT[path.suffix.lower()]
    actual = _content_type(path)
    if actual == expected:
        return
    what = _CONTENT_NAMES[actual]
    if actual == "xlsx":
        hint = "rename it to .xlsx, or save it from Excel in the format its name says"
    elif expected == "xlsx" and actual == "ole":
        hint = "open it in Excel or LibreOffice and save it as .xlsx"
    else:
        hint = "export it again in the format its name says, or give it the right extension"
    raise ReadError(
        f"file content does not match its extension: it is {what}, not a "
        f"{path.suffix.lower()} file; {hint}",
        path,
    )


def _content_type(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(16)
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if name == "zip" and _is_xlsx_archive(path):
                return "xlsx"
            return name
    return "text"


def _is_xlsx_archive(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


# ---------------------------------------------------------------------------------------
# Header names
# ---------------------------------------------------------------------------------------

_BRACKETED = re.compile(r"[(\[]([^)\]]*)[)\]]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_header(text: str) -> str:
    """Return a column key: "Produksi (Ton)" -> "produksi_ton", "No." -> "no".

    Casefolds, strips accents, moves units in parentheses or brackets to the end
    ("Produksi (Ton) 2023" -> "produksi_2023_ton"), spells '%' as "persen", turns every
    run of other characters into '_' and strips '_' at both ends.
    """
    folded = _fold(text).replace("%", " persen ")
    units = _BRACKETED.findall(folded)
    main = _BRACKETED.sub(" ", folded)
    return _NON_ALNUM.sub("_", " ".join([main, *units])).strip("_")


def _fold(text: object) -> str:
    """Casefold and strip accents (NFKD, so "km²" becomes "km2")."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _unique_names(names: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """Make names unique with a numeric suffix: a, a -> a, a_2."""
    taken = set(reserved)
    unique: list[str] = []
    for name in names:
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name}_{n}"
        taken.add(candidate)
        unique.append(candidate)
    return unique


# ---------------------------------------------------------------------------------------
# Tables: public entry point
# ---------------------------------------------------------------------------------------

Row = tuple[int, list[Any]]  # (row number in the source, cells)
Merge = tuple[int, int, int, int]  # (min_row, min_col, max_row, max_col), 1-based


class _TableSource(Protocol):
    path: Path
    head: list[Row]
    merges: list[Merge]
    encoding: str | None
    delimiter: str | None

    def chunks(
        self, layout: _Layout, chunk_rows: int
    ) -> Iterator[tuple[pd.DataFrame, np.ndarray]]: ...

    def column_label(self, position: int) -> str: ...

    def close(self) -> None: ...


def open_table(
    path: str | Path, *, chunk_rows: int = 100_000, sheet: str | None = None
) -> tuple[TableInfo, Iterator[TableChunk]]:
    """Open a CSV/TXT/TSV or XLSX/XLSM table; return its info and an iterator of chunks.

    The first chunk is read before returning, so a file without data rows raises
    ReadError here and ``info.dropped`` already lists the drops of the first chunk.
    ``sheet`` selects an XLSX sheet (default: the first sheet with content); it is
    ignored for text files.
    """
    path = Path(path)
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    if sniff_kind(path) != "table":
        raise ReadError("this is a map layer, not a table: read it with read_vector", path)
    source = _open_source(path, sheet)
    try:
        _check_head(source)
        layout = _find_layout(source.head, source.merges, path)
        columns = _choose_columns(source, layout)
        info = TableInfo(
            path=str(path),
            headers=dict(zip(columns.names, columns.originals, strict=True)),
            title=layout.title,
            dropped=list(layout.skipped),
            encoding=source.encoding,
            delimiter=source.delimiter,
            alternatives=columns.alternatives,
        )
        stream = _table_chunks(source, layout, columns, info, chunk_rows)
        first = next(stream)
    except BaseException:
        source.close()
        raise
    return info, itertools.chain([first], stream)


def _open_source(path: Path, sheet: str | None) -> _TableSource:
    if path.suffix.lower() in XLSX_EXTENSIONS:
        return _XlsxSource(path, sheet)
    return _CsvSource(path)


def _table_chunks(
    source: _TableSource,
    layout: _Layout,
    columns: _Columns,
    info: TableInfo,
    chunk_rows: int,
) -> Iterator[TableChunk]:
    """Yield the data chunks with normalised names, dropping blank/total/footnote rows.

    Columns that were dropped (no header) travel along, after the named ones, until the
    rows are filtered: a value there is an error only in a row that is kept.
    """
    row_filter = _RowFilter(info.dropped, len(columns.names))
    returned = 0
    try:
        for raw, rows in source.chunks(layout, chunk_rows):
            stray = [p for p in columns.dropped if p in raw.columns]
            frame = raw[columns.positions + stray]
            frame.columns = columns.names + [f"\0{p}" for p in stray]
            kept = row_filter.feed(frame, rows)
            if kept is not None:
                returned += len(kept[0])
                yield _data_chunk(kept, columns, source)
        kept = row_filter.finish()
        if kept is not None:
            returned += len(kept[0])
            yield _data_chunk(kept, columns, source)
    finally:
        source.close()
    if returned == 0:
        raise ReadError(
            "no data rows: the file has a header but no rows with data below it "
            "(blank, total and footnote rows do not count)",
            source.path,
        )


def _data_chunk(
    kept: tuple[pd.DataFrame, np.ndarray], columns: _Columns, source: _TableSource
) -> TableChunk:
    frame, rows = kept
    _check_cell_sizes(frame.iloc[:, : len(columns.names)], rows, columns, source)
    _check_stray_values(frame.iloc[:, len(columns.names) :], rows, columns, source)
    frame = frame.iloc[:, : len(columns.names)].reset_index(drop=True)
    return TableChunk(frame, rows)


# ---------------------------------------------------------------------------------------
# Tables: cell kinds, header detection and layout
# ---------------------------------------------------------------------------------------

_NUMBER_TEXT = re.compile(r"^[-+(−]?\s*[0-9][0-9.,\s  ]*%?\)?$")
_YEAR_TEXT = re.compile(r"^(19|20)[0-9]{2}$")
_UNIT_TEXT = re.compile(r"^[(\[].*[)\]]$")
_COLUMN_NUMBER = re.compile(r"^\(([0-9]{1,3})\)$")
_DATA_TOKENS = frozenset({"-", "–", "—", "...", "…"})


def _cell_kind(value: Any) -> str:
    """Classify a cell: empty, text, year, unit ("(Ton)") or number (data-like)."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "number"
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return "year"
        return "number"
    if not isinstance(value, str):
        return "number"  # dates and times are data
    if _YEAR_TEXT.match(value):
        return "year"
    if _UNIT_TEXT.match(value):
        return "unit"
    if _NUMBER_TEXT.match(value) or value in _DATA_TOKENS:
        return "number"
    return "text"


def _kinds(cells: Sequence[Any], width: int) -> list[str]:
    return [_cell_kind(cells[p]) if p < len(cells) else "empty" for p in range(width)]


def _filled_width(cells: Sequence[Any]) -> int:
    """Return 1 + the position of the last non-empty cell (0 for a blank row)."""
    for p in range(len(cells) - 1, -1, -1):
        if cells[p] is not None:
            return p + 1
    return 0


def _filled_positions(cells: Sequence[Any]) -> set[int]:
    return {p for p, v in enumerate(cells) if v is not None}


@dataclass
class _Layout:
    """Where the header and the data are in the head rows of a table."""

    title: str | None
    header_rows: list[int]  # indexes into head
    data_start: int  # index into head of the first data row
    names: list[str]  # original header text per column position ('' = none)
    header_width: int
    skipped: list[tuple[int, str]]
    alternatives: list[list[str]] = field(default_factory=list)  # other header texts per position


def _find_layout(head: list[Row], merges: list[Merge], path: Path) -> _Layout:
    width = max((_filled_width(cells) for _, cells in head), default=0)
    if width == 0:
        raise ReadError("no data rows: the file has no cell with content", path)
    h = _header_index(head, width, path)
    header_rows = [h]
    translated = h + 1 < len(head) and _is_translation(head, h, merges, width)
    if translated or (h + 1 < len(head) and _is_continuation(head[h], head[h + 1], merges, width)):
        header_rows.append(h + 1)
    start = header_rows[-1] + 1
    skipped: list[tuple[int, str]] = []
    if translated:  # said in the report: a data row taken for a translation would not go unseen
        english = " ".join(str(v) for v in head[h + 1][1] if v is not None)
        skipped.append((head[h + 1][0], f"header translation row '{_excerpt(english)}'"))
    numbers_at = start  # the column numbers may sit below the empty half of a header merged over two rows
    while numbers_at < len(head) and _filled_width(head[numbers_at][1]) == 0:
        numbers_at += 1
    if numbers_at < len(head) and _is_column_numbers_row(head[numbers_at][1]):
        numbers = " ".join(str(v) for v in head[numbers_at][1] if v is not None)
        skipped.extend((head[i][0], "empty row") for i in range(start, numbers_at))
        skipped.append((head[numbers_at][0], f"column numbers row '{_excerpt(numbers)}'"))
        start = numbers_at + 1
    rows = [_fill_merged_across(head[i], merges) for i in header_rows]
    if translated:
        named = [translated_name(_header_text(rows[0][1], p, lines=True), _header_text(rows[1][1], p, lines=True))
                 for p in range(width)]
        names, alternatives = [n for n, _ in named], [a for _, a in named]
    else:
        names = _header_names(rows, width)
        alternatives = [language_parts(n) for n in _header_names(rows, width, lines=True)]
    return _Layout(
        title=_title_text(head[:h]),
        header_rows=header_rows,
        data_start=start,
        names=[" ".join(n.split()) for n in names],
        header_width=max(_filled_width(cells) for _, cells in rows),
        skipped=skipped,
        alternatives=alternatives,
    )


def _header_index(head: list[Row], width: int, path: Path) -> int:
    """Return the index of the header: the first well-filled row of text, not a title."""
    need = 1 if width == 1 else max(2, math.ceil(width / 2))
    for i, (number, cells) in enumerate(head):
        kinds = _kinds(cells, width)
        filled = sum(k != "empty" for k in kinds)
        if filled < need:
            continue  # blank, or a title / note line
        if all(k in ("text", "year", "unit", "empty") for k in kinds):
            if not _next_row_is_fuller_header(head, i, width):
                return i
            continue
        raise ReadError(
            "no header row found: this row looks like data, but a table must start with a "
            "row naming its columns (title rows above it are fine): add a header row",
            path,
            row=number,
        )
    raise ReadError(
        f"no header row found in the first {len(head)} rows: a table needs a row naming "
        "its columns, with most cells filled",
        path,
    )


def _next_row_is_fuller_header(head: list[Row], i: int, width: int) -> bool:
    """True when row i is a title: the next row is all text, fuller, and covers it."""
    for _, cells in head[i + 1 :]:
        kinds = _kinds(cells, width)
        if all(k == "empty" for k in kinds):
            continue
        if any(k == "number" for k in kinds):
            return False
        mine = _filled_positions(head[i][1])
        theirs = _filled_positions(cells)
        return len(theirs) > len(mine) and mine <= theirs
    return False


def _is_translation(head: list[Row], h: int, merges: list[Merge], width: int) -> bool:
    """True when the row below the header translates it (BPS: "Kecamatan" over "Subdistrict")."""
    number = head[h][0]
    below_number, below = head[h + 1]
    mine = [m for m in merges if m[0] == number]
    merged_down = {c - 1 for m in mine if m[2] >= below_number for c in range(m[1], m[3] + 1)}
    spanned = {c - 1 for m in mine if m[3] > m[1] for c in range(m[1], m[3] + 1)}
    top = _filled_positions(_fill_merged_across(head[h], merges)[1])
    return is_translation_row(top, below, _kinds(below, width), merged_down, spanned,
                              _numeric_columns(head[h + 2 :], width))


def _numeric_columns(rows: list[Row], width: int, sample: int = 20) -> set[int]:
    """Positions holding figures in most of the first data rows (column numbers rows skipped)."""
    filled, numbers = [0] * width, [0] * width
    seen = 0
    for _, cells in rows:
        if _filled_width(cells) == 0 or _is_column_numbers_row(cells):
            continue
        for p, kind in enumerate(_kinds(cells, width)):
            filled[p] += kind != "empty"
            numbers[p] += kind in NUMBER_KINDS
        seen += 1
        if seen == sample:
            break
    return {p for p in range(width) if filled[p] and numbers[p] * 2 > filled[p]}


def _is_continuation(header: Row, below: Row, merges: list[Merge], width: int) -> bool:
    """True when the row below the header is a second header row ("(Ton)", years, ...)."""
    kinds = _kinds(below[1], width)
    filled = [k for k in kinds if k != "empty"]
    if not filled or _is_column_numbers_row(below[1]):
        return False
    if any(k == "number" for k in filled):
        return False
    if any(m[0] == header[0] and m[2] >= below[0] for m in merges):
        return True  # a header cell merged down into this row
    if all(k == "unit" for k in filled):
        return True
    top = _filled_positions(header[1])
    bottom = _filled_positions(below[1])
    return bool(bottom - top) and bool(top - bottom)


def _is_column_numbers_row(cells: Sequence[Any]) -> bool:
    """True for the BPS row numbering the columns: (1) (2) (3) ..."""
    values = [v for v in cells if v is not None]
    if len(values) < 2:
        return False
    numbers = []
    for value in values:
        match = _COLUMN_NUMBER.match(str(value))
        if not match:
            return False
        numbers.append(int(match.group(1)))
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _fill_merged_across(row: Row, merges: list[Merge]) -> Row:
    """Copy the value of cells merged across columns into every column they span."""
    number, cells = row
    cells = list(cells)
    for min_row, min_col, _, max_col in merges:
        if min_row != number or max_col <= min_col or min_col > len(cells):
            continue
        value = cells[min_col - 1]
        cells.extend([None] * (max_col - len(cells)))
        for col in range(min_col, max_col):
            if cells[col] is None:
                cells[col] = value
    return number, cells


def _header_names(rows: list[Row], width: int, *, lines: bool = False) -> list[str]:
    """Merge one or two header rows into one original header text per column (``lines``: a cell's
    line breaks kept)."""
    top = [_header_text(rows[0][1], p, lines=lines) for p in range(width)]
    if len(rows) == 1:
        return top
    bottom = [_header_text(rows[1][1], p, lines=lines) for p in range(width)]
    for p in range(1, width):
        if not top[p] and bottom[p]:
            top[p] = top[p - 1]  # a group header spanning the sub-headers below it
    return [" ".join(part for part in (t, b) if part) for t, b in zip(top, bottom, strict=True)]


def _header_text(cells: Sequence[Any], position: int, *, lines: bool = False) -> str:
    if position >= len(cells) or cells[position] is None:
        return ""
    value = cells[position]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if lines:  # "Kecamatan" and "Subdistrict" on two lines of one cell: two languages
        return "\n".join(" ".join(line.split()) for line in str(value).splitlines() if line.strip())
    return " ".join(str(value).split())


def _title_text(rows: list[Row]) -> str | None:
    lines = [" ".join(_header_text(cells, p) for p in range(len(cells))) for _, cells in rows]
    lines = [" ".join(line.split()) for line in lines]
    return "\n".join(line for line in lines if line) or None


@dataclass
class _Columns:
    """Which raw column positions are returned, under which names."""

    positions: list[int]
    names: list[str]
    originals: list[str]
    dropped: list[int]
    header_width: int
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _choose_columns(source: _TableSource, layout: _Layout) -> _Columns:
    """Keep columns with a header, or without one but with data in the first rows."""
    data_rows = [cells for _, cells in source.head[layout.data_start :]]
    width = max([len(layout.names), *(len(cells) for cells in data_rows)])
    positions, originals, keys, dropped = [], [], [], []
    for p in range(width):
        original = layout.names[p] if p < len(layout.names) else ""
        has_data = any(p < len(cells) and cells[p] is not None for cells in data_rows)
        if not original and (p >= layout.header_width or not has_data):
            dropped.append(p)
            continue
        label = f"column_{p + 1}"
        positions.append(p)
        originals.append(original or label)
        keys.append(normalize_header(original) or label)
    names = _unique_names(keys)
    others = layout.alternatives
    alternatives = {
        name: keys
        for name, p in zip(names, positions, strict=True)
        if p < len(others)
        and (keys := tuple(dict.fromkeys(k for t in others[p] if (k := normalize_header(t)) and k != name)))
    }
    return _Columns(positions, names, originals, dropped, layout.header_width, alternatives)


def _check_stray_values(
    stray: pd.DataFrame, rows: np.ndarray, columns: _Columns, source: _TableSource
) -> None:
    """Raise ReadError for a value in a dropped column (no header, right of the table)."""
    for name in stray.columns:
        present = stray[name].notna().to_numpy()
        if not present.any():
            continue
        i = int(np.argmax(present))
        p = int(name[1:])
        value = _excerpt(str(stray[name].iloc[i]))
        if p >= columns.header_width:
            message = (
                f"this row has a value ('{value}') right of the table's last header column: "
                "delete it, or give its column a header (in a CSV, a value containing the "
                "delimiter must be quoted)"
            )
        else:
            message = (
                f"this row has a value ('{value}') in a column without a header: give the "
                "column a header or delete the value"
            )
        raise ReadError(message, source.path, row=int(rows[i]), column=source.column_label(p))


def _check_head(source: _TableSource) -> None:
    """Raise ReadError for a head row wider than MAX_COLUMNS or a cell longer than MAX_CELL_CHARS.

    Checked before the layout is looked for: the reader would otherwise make frames that
    wide for every chunk.
    """
    for number, cells in source.head:
        if len(cells) > MAX_COLUMNS:
            raise ReadError(
                f"this row has {len(cells):,} columns (at most {MAX_COLUMNS:,} allowed, empty ones "
                "included): keep only the table's columns (delete those right of it), or split "
                "the file",
                source.path,
                row=number,
                column=source.column_label(MAX_COLUMNS),
            )
        for p, value in enumerate(cells):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise ReadError(
                    _long_cell(len(value)), source.path, row=number, column=source.column_label(p)
                )


def _check_cell_sizes(
    frame: pd.DataFrame, rows: np.ndarray, columns: _Columns, source: _TableSource
) -> None:
    """Raise ReadError for the first cell longer than MAX_CELL_CHARS, naming its row and column."""
    for j in range(frame.shape[1]):
        text = _arrow_text(frame.iloc[:, j])
        if (pc.max(pc.binary_length(text)).as_py() or 0) <= MAX_CELL_CHARS:
            continue  # bytes >= characters: the usual case costs no character count
        lengths = pc.utf8_length(text)
        too_long = pc.fill_null(pc.greater(lengths, MAX_CELL_CHARS), False)
        i = pc.index(too_long, True).as_py()
        if i >= 0:
            raise ReadError(
                _long_cell(lengths[i].as_py()),
                source.path,
                row=int(rows[i]),
                column=source.column_label(columns.positions[j]),
            )


def _long_cell(length: int) -> str:
    return (
        f"this cell has {length:,} characters (at most {MAX_CELL_CHARS:,} allowed): a table cell "
        'holds a name, a number or a short text; in a CSV, check that every quote (") is closed'
    )


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------
# Tables: dropping blank, total and footnote rows
# ---------------------------------------------------------------------------------------

_TOTAL_ROW = (
    r"^(jumlah|total|grand total|jumlah total|total jumlah|jumlah keseluruhan|"
    r"total keseluruhan)(\s*/\s*(total|jumlah))?(\s+(kabupaten|kab\.?|kota)\s.+|\s+[0-9]{4})?"
    r"\s*:?$"
)
_REGENCY_ROW = r"^(kabupaten\b|kab\.|kab\b)\s*\S"
_FOOTNOTE_ROW = (
    r"^((sumber( data)?|source|catatan|keterangan|ket|note|notes|nb)\s*(/\s*[a-z]+\s*)?:"
    r"|[*¹²³⁴⁵⁶⁷⁸⁹†‡])"
)

_ANY_SPECIAL_ROW = "|".join(f"(?:{p})" for p in (_TOTAL_ROW, _REGENCY_ROW, _FOOTNOTE_ROW))


@dataclass
class _RowClasses:
    blank: np.ndarray
    total: np.ndarray
    regency: np.ndarray  # "Kabupaten X": a total line only at the end of the table
    footnote: np.ndarray
    first_text: pa.Array


def _classify_rows(frame: pd.DataFrame) -> _RowClasses:
    """Classify each row (blank, total, regency, footnote) from its cells."""
    present = frame.notna().to_numpy()
    blank = ~present.any(axis=1)
    filled = present.sum(axis=1)
    texts = [_arrow_text(frame.iloc[:, j]) for j in range(frame.shape[1])]
    first = pc.coalesce(*texts) if texts else pa.nulls(len(frame), pa.large_string())

    any_match = pc.any(pc.match_substring_regex(first, _ANY_SPECIAL_ROW, ignore_case=True)).as_py()

    def matches(pattern: str) -> np.ndarray:
        if not any_match:  # the usual chunk: one look at each row instead of three
            return np.zeros(len(frame), dtype=bool)
        found = pc.match_substring_regex(first, pattern, ignore_case=True)
        return pc.fill_null(found, False).to_numpy(zero_copy_only=False)

    sparse = (filled <= 2) | (filled * 2 < frame.shape[1])
    return _RowClasses(
        blank=blank,
        total=matches(_TOTAL_ROW),
        regency=matches(_REGENCY_ROW),
        footnote=matches(_FOOTNOTE_ROW) & sparse,
        first_text=first,
    )


def _arrow_text(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    if column.dtype == object:
        column = column.astype("str")
    return pa.array(column, from_pandas=True).cast(pa.large_string())


class _RowFilter:
    """Drop blank rows, total rows and everything from the first footnote on.

    A "Kabupaten <name>" row is a total line only at the end of a table whose other rows
    are not regencies (a list of regencies is data). Trailing ones are held back until
    the next chunk shows whether data follows them; :meth:`finish` settles those still
    held at the end of the file.
    """

    def __init__(self, dropped: list[tuple[int, str]], columns: int) -> None:
        self.dropped = dropped
        self.columns = columns  # the named columns; further ones are not looked at
        self.footnote: str | None = None
        self.pending: tuple[pd.DataFrame, np.ndarray] | None = None
        self.seen_plain_data = False  # a data row that is not a "Kabupaten X" row

    def feed(self, frame: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray] | None:
        """Return the rows to keep from this chunk (with held-back rows that proved data)."""
        if self.pending is not None:
            frame = pd.concat([self.pending[0], frame], ignore_index=True)
            rows = np.concatenate([self.pending[1], rows])
            self.pending = None
        classes = _classify_rows(frame.iloc[:, : self.columns])
        if self.footnote is not None:
            self._drop_below_footnote(classes, rows, 0)
            return None
        cut = _first_true(classes.footnote, default=len(frame))
        plain = ~classes.blank & ~classes.total & ~classes.regency
        self.seen_plain_data |= bool(plain[:cut].any())
        last_plain = _last_true(plain[:cut], default=-1)
        end = cut
        trailing_regency = np.flatnonzero(classes.regency[last_plain + 1 : cut])
        if cut == len(frame) and trailing_regency.size:
            end = last_plain + 1 + int(trailing_regency[0])  # wait for the next chunk
            self.pending = (frame.iloc[end:], rows[end:])
        kept = self._settle(frame, rows, classes, last_plain, end)
        if cut < len(frame):
            self.footnote = _excerpt(classes.first_text[cut].as_py())
            self._drop_below_footnote(classes, rows, cut)
        return kept

    def finish(self) -> tuple[pd.DataFrame, np.ndarray] | None:
        """Settle the rows still held back at the end of the file; return those kept."""
        if self.pending is None:
            return None
        frame, rows = self.pending
        self.pending = None
        classes = _classify_rows(frame.iloc[:, : self.columns])
        return self._settle(frame, rows, classes, -1, len(frame))

    def _settle(
        self,
        frame: pd.DataFrame,
        rows: np.ndarray,
        classes: _RowClasses,
        last_plain: int,
        end: int,
    ) -> tuple[pd.DataFrame, np.ndarray] | None:
        """Keep or drop (and record) rows [0, end): blank and total rows are dropped."""
        keep = np.zeros(len(frame), dtype=bool)
        regency_total = classes.regency.copy()
        regency_total[: last_plain + 1] = False
        if not self.seen_plain_data:
            regency_total[:] = False
        keep[:end] = (~classes.blank & ~classes.total & ~regency_total)[:end]
        for i in np.flatnonzero(~keep[:end]):
            if classes.blank[i]:
                reason = "empty row"
            else:
                reason = f"total row '{_excerpt(classes.first_text[i].as_py())}'"
            self.dropped.append((int(rows[i]), reason))
        if not keep.any():
            return None
        if keep.all():
            return frame, rows
        return frame[keep], rows[keep]

    def _drop_below_footnote(self, classes: _RowClasses, rows: np.ndarray, start: int) -> None:
        for i in range(start, len(rows)):
            text = classes.first_text[i].as_py()
            if classes.blank[i]:
                reason = "empty row"
            elif classes.footnote[i]:
                reason = f"footnote '{_excerpt(text)}'"
            else:
                reason = f"below footnote '{self.footnote}': '{_excerpt(text)}'"
            self.dropped.append((int(rows[i]), reason))


def _first_true(mask: np.ndarray, *, default: int) -> int:
    found = np.flatnonzero(mask)
    return int(found[0]) if found.size else default


def _last_true(mask: np.ndarray, *, default: int) -> int:
    found = np.flatnonzero(mask)
    return int(found[-1]) if found.size else default


# ---------------------------------------------------------------------------------------
# CSV / TXT / TSV
# ---------------------------------------------------------------------------------------

# Control bytes that never occur in a text table (tab, LF, CR, FF and DOS EOF allowed).
_ALLOWED_CONTROLS = {0x09, 0x0A, 0x0C, 0x0D, 0x1A}
_ALLOWED_BELOW_SPACE = np.isin(np.arange(0x20), list(_ALLOWED_CONTROLS))  # by byte value
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_PANDAS_EOF_IN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
_PANDAS_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


class _CsvSource:
    """A delimited text file: encoding, delimiter and head rows, then chunks of data.

    Data is read with pyarrow's streaming CSV reader when the file is regular (fast);
    at the first irregular row (a row with a different number of fields), or when the
    quotes do not pair up, reading continues with pandas' tolerant C parser, which pads
    short rows and names the line of a malformed one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.merges: list[Merge] = []
        self.scan = _scan_text_file(path)
        self.encoding: str | None = self.scan.encoding
        text, complete = _read_head_text(path, self.scan.encoding)
        self.delimiter: str | None = _sniff_delimiter(text, path.suffix.lower())
        self.head, self.next_line, self.field_counts = _parse_head(
            text, self.delimiter, complete
        )

    def column_label(self, position: int) -> str:
        """Return how a user finds the column: its field number."""
        return f"field {position + 1}"

    def close(self) -> None:
        """Nothing to release: the readers close their files when they end."""

    def chunks(self, layout: _Layout, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        """Yield raw chunks (columns = field positions) with their physical line numbers."""
        below_title = self.field_counts[layout.header_rows[0] :]
        width = max(len(layout.names), max(below_title, default=0))
        start = layout.data_start
        position = _StreamPosition(self.head[start][0] if start < len(self.head) else self.next_line)
        if self.scan.quotes % 2 == 0 and not self.scan.lone_cr:
            yield from self._arrow_chunks(width, chunk_rows, position)
            if position.finished:
                return
        yield from self._pandas_chunks(width, chunk_rows, position)

    def _data_encoding(self) -> str:
        # Data starts after the header, so a UTF-8 byte order mark is already behind us.
        return "utf-8" if self.scan.encoding == "utf-8-sig" else self.scan.encoding

    def _arrow_chunks(
        self, width: int, chunk_rows: int, position: _StreamPosition
    ) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        """Fast path; stops (position.finished stays False) at the first irregular row."""
        names = [str(p) for p in range(width)]
        pending: list[pa.RecordBatch] = []
        breaks: list[np.ndarray] = []
        pending_rows = yielded = 0
        irregular = False
        with self.path.open("rb") as f:
            f.seek(start := _offset_of_line(self.path, position.line, self.scan.lone_cr))
            batches_left = (self.path.stat().st_size - start) / _ARROW_BLOCK  # a batch per block read
            try:
                for batch in pa_csv.open_csv(f, **self._arrow_options(names)):
                    # only a quoted value can hold a line break
                    cleaned, line_breaks = _clean_batch(batch, count_breaks=self.scan.quotes > 0)
                    pending.append(cleaned)
                    breaks.append(line_breaks)
                    pending_rows += batch.num_rows
                    batches_left -= 1
                    unparsed = max(0.0, batches_left) * batch.num_rows  # rows, estimated
                    while pending_rows >= (size := _chunk_size(chunk_rows, yielded, pending_rows + unparsed)):
                        yield from self._arrow_frames(pending, breaks, size, position, most=1)
                        pending_rows -= size
                        yielded += 1
            except pa.ArrowException:
                irregular = True  # e.g. a row with another number of fields: pandas takes over
        if pending_rows:
            yield from self._arrow_frames(pending, breaks, None, position)
        position.finished = not irregular

    def _arrow_options(self, names: list[str]) -> dict[str, Any]:
        return {
            "read_options": pa_csv.ReadOptions(
                column_names=names, block_size=_ARROW_BLOCK, encoding=self._data_encoding()
            ),
            "parse_options": pa_csv.ParseOptions(
                delimiter=self.delimiter or ",",
                quote_char='"',
                double_quote=True,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            "convert_options": pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        }

    @staticmethod
    def _arrow_frames(
        pending: list[pa.RecordBatch],
        breaks: list[np.ndarray],
        chunk_rows: int | None,
        position: _StreamPosition,
        most: int | None = None,
    ) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        """Yield frames of chunk_rows rows (all rows if None), ``most`` of them at most; leave the
        rest in pending."""
        table = pa.Table.from_batches(pending)
        line_breaks = np.concatenate(breaks)
        size = chunk_rows or table.num_rows
        start = 0
        while table.num_rows - start >= size and (most is None or start < most * size):
            part = table.slice(start, size)
            rows = position.advance(line_breaks[start : start + size])
            frame = part.to_pandas()
            frame.columns = list(range(part.num_columns))
            yield frame, rows
            start += size
        rest = table.slice(start)
        pending[:] = rest.to_batches()
        breaks[:] = [line_breaks[start:]]

    def _pandas_chunks(
        self, width: int, chunk_rows: int, position: _StreamPosition
    ) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        """Tolerant path from position.line to the end of the file."""
        offset = _offset_of_line(self.path, position.line, self.scan.lone_cr)
        stream_start = position.line
        with self.path.open("rb") as f:
            f.seek(offset)
            reader = self._pandas_reader(f, width, chunk_rows)
            while True:
                raw = self._next_pandas_chunk(reader, width, offset, stream_start)
                if raw is None:
                    break
                rows = position.advance(_pandas_line_breaks(raw))
                yield _clean_text_cells(raw), rows
        position.finished = True

    def _pandas_reader(self, f: Any, width: int, chunk_rows: int) -> Iterator[pd.DataFrame]:
        try:
            return pd.read_csv(
                f,
                sep=self.delimiter,
                header=None,
                names=list(range(width)),
                index_col=False,
                dtype=str,
                na_filter=False,
                skip_blank_lines=False,
                quotechar='"',
                doublequote=True,
                encoding=self._data_encoding(),
                encoding_errors="strict",
                engine="c",
                chunksize=chunk_rows,
            )
        except pd.errors.EmptyDataError:
            return iter(())

    def _next_pandas_chunk(
        self, reader: Iterator[pd.DataFrame], width: int, offset: int, stream_start: int
    ) -> pd.DataFrame | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return next(reader, None)
        except pd.errors.EmptyDataError:
            return None
        except pd.errors.ParserWarning:
            # pandas only warns when the first row it reads has too many fields
            raise self._too_many_fields(stream_start, None, width) from None
        except pd.errors.ParserError as exc:
            raise self._malformed(str(exc), width, offset, stream_start) from None

    def _malformed(self, message: str, width: int, offset: int, stream_start: int) -> ReadError:
        """Turn a pandas parser error into a ReadError naming the physical line."""
        eof = _PANDAS_EOF_IN_QUOTE.search(message)
        count = _PANDAS_FIELD_COUNT.search(message)
        if eof:
            line = self._line_of_record(int(eof.group(1)), offset, stream_start)
            return ReadError(
                'malformed CSV: a quoted value starting on this line is never closed (a " '
                "without its closing quote): close the quote or remove the stray \"",
                self.path,
                row=line,
            )
        if count:
            line = self._line_of_record(int(count.group(2)) - 1, offset, stream_start)
            return self._too_many_fields(line, int(count.group(3)), width)
        return ReadError(f"malformed CSV: {message}", self.path)

    def _too_many_fields(self, line: int, fields: int | None, width: int) -> ReadError:
        delimiter = _DELIMITER_NAMES.get(self.delimiter or ",", self.delimiter)
        found = f"{fields} fields" if fields else "more fields"
        return ReadError(
            f"malformed CSV: this line has {found} but the table has {width} columns: a value "
            f'containing the delimiter ({delimiter}) must be quoted ("..."), or the line has '
            "extra values",
            self.path,
            row=line,
        )

    def _line_of_record(self, index: int, offset: int, stream_start: int) -> int:
        """Return the physical line where record ``index`` (0-based from offset) starts."""
        _raise_csv_field_limit()
        with self.path.open("rb") as raw:
            raw.seek(offset)
            text = io.TextIOWrapper(raw, encoding=self._data_encoding(), newline="")
            reader = csv.reader(text, delimiter=self.delimiter or ",", strict=False)
            line = stream_start
            for i, _ in enumerate(reader):
                if i == index:
                    return line
                line = stream_start + reader.line_num
        return line


@dataclass
class _StreamPosition:
    """Physical line number of the next record while streaming a CSV."""

    line: int
    finished: bool = False

    def advance(self, breaks: np.ndarray) -> np.ndarray:
        """Return the start lines of records with ``breaks`` embedded line breaks each."""
        if len(breaks) == 0:
            return np.zeros(0, dtype=np.int64)
        before = np.concatenate([[0], np.cumsum(breaks)[:-1]])
        rows = self.line + np.arange(len(breaks), dtype=np.int64) + before
        self.line = int(rows[-1]) + 1 + int(breaks[-1])
        return rows.astype(np.int64)


@dataclass
class _TextScan:
    encoding: str
    quotes: int  # number of '"' in the whole file: odd means a quote is not closed
    lone_cr: bool  # line breaks written as a bare CR (old Mac files)


def _scan_text_file(path: Path) -> _TextScan:
    """Check a whole text file in one pass; return its encoding and quoting facts.

    The encoding is 'utf-8-sig', 'utf-8' or 'cp1252'. Raises ReadError for binary content
    (NUL and other control bytes), UTF-16 text, or bytes that are neither UTF-8 nor
    Windows-1252.
    """
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_error: int | None = None  # byte offset of the first invalid UTF-8 sequence
    cp1252_error: int | None = None
    offset = newlines = quotes = lone_cr = 0
    with path.open("rb") as f:
        first = f.read(4)
        if first.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ReadError(
                "file is UTF-16 text (Excel's 'Unicode Text'): save it as 'CSV UTF-8 "
                "(Comma delimited)' instead",
                path,
            )
        bom = first.startswith(b"\xef\xbb\xbf")
        f.seek(0)
        previous_ends_cr = False
        while block := f.read(_SCAN_BLOCK):
            block_newlines, carriage_returns = _line_breaks_checked(block, path, newlines)
            plain = block.isascii()  # valid in both encodings: nothing more to check
            if utf8_error is None and not (plain and not utf8.getstate()[0]):
                try:
                    utf8.decode(block)
                except UnicodeDecodeError as exc:
                    utf8_error = offset + exc.start
            if cp1252_error is None and not plain:
                positions = [p for p in (block.find(b) for b in _CP1252_UNDEFINED) if p >= 0]
                if positions:
                    cp1252_error = offset + min(positions)
            if b'"' in block:
                quotes += block.count(b'"')
            if carriage_returns:
                lone_cr += carriage_returns - block.count(b"\r\n")
            lone_cr -= int(previous_ends_cr and block.startswith(b"\n"))
            previous_ends_cr = block.endswith(b"\r")
            offset += len(block)
            newlines += block_newlines
    if utf8_error is None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_error = offset
    if utf8_error is None:
        encoding = "utf-8-sig" if bom else "utf-8"
    elif cp1252_error is None:
        encoding = "cp1252"
    else:
        raise ReadError(
            "file is neither UTF-8 nor Windows-1252 text (invalid bytes on this line): save "
            "it as 'CSV UTF-8 (Comma delimited)'",
            path,
            row=_line_at_offset(path, min(utf8_error, cp1252_error)),
        )
    return _TextScan(encoding, quotes=quotes, lone_cr=lone_cr > 0)


def _line_breaks_checked(block: bytes, path: Path, lines_before: int) -> tuple[int, int]:
    """The LF and CR bytes of a block; raises ReadError at a control byte that no text table holds.

    numpy looks at every byte once, without the GIL (the file is scanned beside the set-up of a load).
    """
    octets = np.frombuffer(block, dtype=np.uint8)
    where = np.flatnonzero(octets < 0x20)
    controls = octets[where]
    bad = np.flatnonzero(~_ALLOWED_BELOW_SPACE[controls])
    if bad.size:
        line = lines_before + int(np.count_nonzero(controls[: bad[0]] == 0x0A)) + 1
        raise ReadError(
            f"file contains binary data (byte 0x{controls[bad[0]]:02x}): it is not a text table; "
            "export the data again as CSV (or XLSX)",
            path,
            row=line,
        )
    return int(np.count_nonzero(controls == 0x0A)), int(np.count_nonzero(controls == 0x0D))


def _line_at_offset(path: Path, offset: int) -> int:
    with path.open("rb") as f:
        before = 0
        remaining = offset
        while remaining > 0:
            block = f.read(min(_SCAN_BLOCK, remaining))
            if not block:
                break
            before += block.count(b"\n")
            remaining -= len(block)
    return before + 1


def _read_head_text(path: Path, encoding: str) -> tuple[str, bool]:
    """Return (decoded text of the first whole lines, whether that is the whole file)."""
    with path.open("rb") as f:
        data = f.read(HEAD_BYTES + 1)
    complete = len(data) <= HEAD_BYTES
    if not complete:
        data = data[: data.rfind(b"\n", 0, HEAD_BYTES) + 1]
        if not data:
            raise ReadError(
                f"the first line is longer than {HEAD_BYTES // 1024} KB: this is not a table "
                "with one record per line",
                path,
            )
    return data.decode(encoding), complete


def _sniff_delimiter(text: str, suffix: str) -> str:
    """Pick the delimiter giving the most consistent field count over the head records.

    Title lines have one field with any delimiter, so the winner is the delimiter for
    which most records share one field count, and that count is above 1. Excel in an
    Indonesian locale writes ';' (its decimal mark is ','), which this tells apart from
    ',' because the header has no decimal commas.
    """
    preferred = "\t" if suffix == ".tsv" else ","
    _raise_csv_field_limit()
    best, best_score = preferred, (0.0, 0, 0)
    for delimiter in _CANDIDATE_DELIMITERS:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        counts = [len(r) for r in itertools.islice(records, HEAD_ROWS) if any(f.strip() for f in r)]
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode, int(delimiter == preferred))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _parse_head(text: str, delimiter: str, complete: bool) -> tuple[list[Row], int, list[int]]:
    """Parse the head text into (rows with their start line, next line, field counts)."""
    _raise_csv_field_limit()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[Row] = []
    counts: list[int] = []
    line = 1
    for record in reader:
        rows.append((line, [_clean_text(v) for v in record]))
        counts.append(len(record))
        line = reader.line_num + 1
        if len(rows) > HEAD_ROWS:
            break
    if len(rows) > HEAD_ROWS or (not complete and rows):
        # keep HEAD_ROWS records, and never the last one of a cut-off head
        keep = min(HEAD_ROWS, len(rows) - 1)
        line = rows[keep][0]
        rows, counts = rows[:keep], counts[:keep]
    return rows, line, counts


def _raise_csv_field_limit() -> None:
    """Allow long fields (e.g. WKT geometries) in the head parser."""
    if csv.field_size_limit() < 1 << 26:
        csv.field_size_limit(1 << 26)


def _clean_text(value: str) -> str | None:
    value = value.strip()
    return value or None


def _pandas_line_breaks(raw: pd.DataFrame) -> np.ndarray:
    """Return, per row, the number of line breaks inside its quoted values."""
    counts = np.zeros(len(raw), dtype=np.int64)
    for column in raw.columns:
        values = raw[column]
        if values.str.contains("[\r\n]", regex=True).any():
            lf = values.str.count("\n").fillna(0).to_numpy(dtype=np.int64)
            cr = values.str.count("\r").fillna(0).to_numpy(dtype=np.int64)
            crlf = values.str.count("\r\n").fillna(0).to_numpy(dtype=np.int64)
            counts += lf + cr - crlf
    return counts


def _clean_batch(batch: pa.RecordBatch, *, count_breaks: bool) -> tuple[pa.RecordBatch, np.ndarray]:
    """Return the batch with cells stripped (empty -> null) and the line breaks per row.

    The columns are processed as one concatenated array: a few kernel calls per batch
    instead of a few per column.
    """
    rows, width = batch.num_rows, batch.num_columns
    flat = pa.concat_arrays(batch.columns)
    breaks = np.zeros(rows, dtype=np.int64)
    if count_breaks and rows and pc.any(pc.match_substring(flat, "\n")).as_py():
        counts = pc.count_substring(flat, "\n").to_numpy(zero_copy_only=False)
        breaks = counts.reshape(width, rows).sum(axis=0).astype(np.int64)
    cleaned = _arrow_clean(flat)
    columns = [cleaned.slice(p * rows, rows) for p in range(width)]
    return pa.record_batch(columns, names=batch.schema.names), breaks


def _chunk_size(chunk_rows: int, yielded: int, rows_left: float) -> int:
    """Rows of the next chunk: ``chunk_rows``, but a quarter of it for the first chunk and for the
    last two chunks' worth of rows, so that rows reach the database sooner and it has little left
    to write when the last chunk is checked."""
    if yielded == 0 or rows_left < 2 * chunk_rows:
        return max(1, chunk_rows // 4)
    return chunk_rows


def _arrow_clean(values: pa.Array) -> pa.Array:
    """Strip every cell; an empty cell becomes null."""
    stripped = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(stripped, ""), pa.scalar(None, stripped.type), stripped)


def _offset_of_line(path: Path, line: int, lone_cr: bool) -> int:
    """Return the byte offset where physical line ``line`` (1-based) starts."""
    wanted = line - 1  # line breaks to pass
    if wanted <= 0:
        return 0
    with path.open("rb") as f:
        if lone_cr:
            return _offset_after_line_breaks(f, wanted)
        seen = offset = 0
        while block := f.read(_SCAN_BLOCK):
            count = block.count(b"\n")
            if seen + count >= wanted:
                position = -1
                for _ in range(wanted - seen):
                    position = block.index(b"\n", position + 1)
                return offset + position + 1
            seen += count
            offset += len(block)
    return offset


def _offset_after_line_breaks(f: Any, wanted: int) -> int:
    """Slow path for files with bare-CR line breaks: CRLF, CR and LF each end a line."""
    seen = offset = 0
    carry = b""
    while True:
        block = f.read(_SCAN_BLOCK)
        data = carry + block
        carry = data[-1:] if block and data.endswith(b"\r") else b""
        usable = data[: len(data) - len(carry)]
        for match in re.finditer(rb"\r\n|\r|\n", usable):
            seen += 1
            if seen == wanted:
                return offset + match.end()
        offset += len(usable)
        if not block:
            return offset


def _clean_text_cells(raw: pd.DataFrame) -> pd.DataFrame:
    """Strip every cell; an empty cell becomes missing (column by column, in place)."""
    for column in raw.columns:
        values = raw[column].str.strip()
        raw[column] = values.mask(values == "")
    return raw.reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# XLSX / XLSM
# ---------------------------------------------------------------------------------------

_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


class _XlsxSource:
    """One worksheet of a workbook, read with openpyxl in read-only mode."""

    encoding = None
    delimiter = None

    def __init__(self, path: Path, sheet: str | None) -> None:
        self.path = path
        self.workbook = _load_workbook(path)
        try:
            self.sheet = _pick_sheet(self.workbook, sheet, path)
            self.sheet.reset_dimensions()  # do not trust the stored size
            self._sheet_rows = self.sheet.iter_rows(values_only=True)
            self._rows = enumerate(self._sheet_rows, start=1)
            self.head: list[Row] = [
                (number, [_xlsx_cell(v) for v in values])
                for number, values in itertools.islice(self._rows, HEAD_ROWS)
            ]
            self.merges = _merged_ranges(self.sheet)
        except BaseException:
            self.close()
            raise

    def column_label(self, position: int) -> str:
        """Return the spreadsheet column letter."""
        from openpyxl.utils.cell import get_column_letter  # openpyxl is loaded for workbooks only

        return get_column_letter(position + 1)

    def close(self) -> None:
        """Close the sheet reader and the workbook file."""
        rows = getattr(self, "_sheet_rows", None)
        if rows is not None:
            rows.close()
        self.workbook.close()

    def chunks(self, layout: _Layout, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        """Yield raw chunks (columns = positions) with their spreadsheet row numbers."""
        width = max(len(layout.names), *(len(c) for _, c in self.head[layout.data_start :]), 1)
        data_row = self.head[layout.data_start][0] if layout.data_start < len(self.head) else 0
        fill = _MergeFill(self.merges, data_row)
        rest = ((n, [_xlsx_cell(v) for v in values]) for n, values in self._rows)
        buffer: list[list[Any]] = []
        numbers: list[int] = []
        for number, cells in itertools.chain(self.head[layout.data_start :], rest):
            cells = fill.apply(number, cells)
            if len(cells) > width:
                self._check_beyond(number, cells, width)
                cells = cells[:width]
            buffer.append(cells + [None] * (width - len(cells)))
            numbers.append(number)
            if len(buffer) == chunk_rows:
                yield _object_frame(buffer, width), np.array(numbers, dtype=np.int64)
                buffer, numbers = [], []
        if buffer:
            yield _object_frame(buffer, width), np.array(numbers, dtype=np.int64)

    def _check_beyond(self, number: int, cells: list[Any], width: int) -> None:
        for p in range(width, len(cells)):
            if cells[p] is not None:
                raise ReadError(
                    f"this row has a value ('{_excerpt(str(cells[p]))}') right of the table's "
                    "last header column: delete it, or give its column a header",
                    self.path,
                    row=number,
                    column=self.column_label(p),
                )


def _load_workbook(path: Path) -> Any:
    from openpyxl import load_workbook  # openpyxl is loaded for workbooks only

    _check_workbook_parts(path)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it ignores (styles, validation, ...)
            warnings.simplefilter("ignore", UserWarning)
            return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ReadError(
            f"cannot open the workbook ({exc}): open it in Excel or LibreOffice and save it "
            "again as .xlsx",
            path,
        ) from None


def _check_workbook_parts(path: Path) -> None:
    """Refuse a workbook that unpacks to too much: an XLSX is a zip, so it can be a zip bomb."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # load_workbook reports the damaged workbook
    total = sum(p.file_size for p in parts)
    if total > ZIP_MAX_TOTAL_BYTES:
        raise ReadError(
            f"the workbook unpacks to {total / 2**20:.0f} MB (at most "
            f"{ZIP_MAX_TOTAL_BYTES // 2**20} MB allowed): split it, or save the table as CSV",
            path,
        )
    for part in parts:
        ratio_checked = part.file_size >= ZIP_RATIO_MIN_BYTES
        if ratio_checked and part.file_size > ZIP_MAX_RATIO * max(part.compress_size, 1):
            raise ReadError(
                f"the workbook's part '{part.filename}' is compressed more than {ZIP_MAX_RATIO}:1 "
                "(a zip bomb?): refused; save the workbook again from Excel or LibreOffice",
                path,
            )


def _pick_sheet(workbook: Any, sheet: str | None, path: Path) -> Any:
    names = ", ".join(f"'{n}'" for n in workbook.sheetnames)
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            raise ReadError(f"sheet '{sheet}' not found; the workbook has {names}", path)
        return workbook[sheet]
    for worksheet in workbook.worksheets:
        worksheet.reset_dimensions()
        if _sheet_has_content(worksheet):
            return worksheet
    raise ReadError(f"no data rows: every sheet of the workbook is empty ({names})", path)


def _sheet_has_content(worksheet: Any) -> bool:
    rows = worksheet.iter_rows(values_only=True)
    try:
        return any(_xlsx_cell(v) is not None for row in rows for v in row)
    finally:
        rows.close()  # releases the sheet's XML stream


def _xlsx_cell(value: Any) -> Any:
    """Return a cell as stripped str / int / float / None (dates as ISO text)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    return str(value).strip() or None


def _object_frame(rows: list[list[Any]], width: int) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(range(width)), dtype=object)


def _merged_ranges(worksheet: Any) -> list[Merge]:
    """Return the merged cell ranges of a read-only worksheet (read-only mode hides them).

    The <mergeCell> elements follow the cell data in the sheet XML, so the XML is
    scanned as a byte stream rather than parsed.
    """
    open_xml = getattr(worksheet, "_get_source", None)
    if open_xml is None:
        return []
    refs: set[bytes] = set()
    tail = b""
    with open_xml() as xml:
        while block := xml.read(1 << 20):
            data = tail + block
            refs.update(_MERGE_CELL.findall(data))
            tail = data[-512:]
    from openpyxl.utils.cell import range_boundaries  # openpyxl is loaded for workbooks only

    merges = []
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
        merges.append((min_row, min_col, max_row, max_col))
    return sorted(merges)


class _MergeFill:
    """Copy the value of a range merged over data rows into every cell it covers."""

    def __init__(self, merges: list[Merge], first_data_row: int) -> None:
        self.targets: dict[int, list[tuple[int, tuple[int, int]]]] = {}
        self.anchor_columns: dict[int, list[int]] = {}  # row -> columns of anchors
        self.values: dict[tuple[int, int], Any] = {}
        for min_row, min_col, max_row, max_col in merges:
            if first_data_row == 0 or min_row < first_data_row or max_row == min_row:
                continue  # only cells merged down over several data rows are filled
            anchor = (min_row, min_col)
            self.anchor_columns.setdefault(min_row, []).append(min_col)
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    if (r, c) != anchor:
                        self.targets.setdefault(r, []).append((c, anchor))

    def apply(self, number: int, cells: list[Any]) -> list[Any]:
        """Return the row's cells with merged ranges filled in."""
        for col in self.anchor_columns.get(number, ()):
            self.values[(number, col)] = cells[col - 1] if col <= len(cells) else None
        targets = self.targets.get(number)
        if targets:
            cells = list(cells)
            cells.extend([None] * (max(c for c, _ in targets) - len(cells)))
            for col, anchor in targets:
                if cells[col - 1] is None:
                    cells[col - 1] = self.values.get(anchor)
        return cells


# ---------------------------------------------------------------------------------------
# Vector layers
# ---------------------------------------------------------------------------------------

_VECTOR_DATASET_EXTENSIONS = (".shp", ".gpkg", ".geojson", ".json", ".kml")


def read_vector(
    path: str | Path, *, layer: str | None = None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read a map layer; return it in EPSG:4326 with normalised columns, and warnings.

    Reads GeoJSON/JSON, Shapefile (with its sidecar files), GeoPackage (the first layer
    with geometries unless ``layer``), KML, and a ZIP holding one of those (possibly in
    a sub-folder; entries are checked before a size-limited extraction). Any CRS is
    reprojected to EPSG:4326; a layer without CRS is assumed EPSG:4326 (with a
    warning) only if its coordinates are longitude/latitude degrees. The frame gets a
    1-based ``__row__`` column (feature number). Invalid geometries are kept as they are.
    """
    path = Path(path)
    if sniff_kind(path) != "vector":
        raise ReadError("this is a table, not a map layer: read it with open_table", path)
    notes: list[str] = []
    if path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="peta-ekonomi-") as folder:
            dataset, dataset_layer = _extract_zip_dataset(path, Path(folder), layer)
            frame = _read_dataset(dataset, dataset_layer, notes, shown=path)
    else:
        frame = _read_dataset(path, layer, notes, shown=path)
    if frame.shape[1] - 1 > MAX_COLUMNS:  # the geometry column aside
        raise ReadError(
            f"the layer has {frame.shape[1] - 1:,} attribute columns (at most {MAX_COLUMNS:,} "
            "allowed): keep only the attributes the data needs",
            path,
        )
    frame = _to_wgs84(frame, path, notes)
    frame = _normalise_vector_columns(frame)
    frame["__row__"] = np.arange(1, len(frame) + 1, dtype=np.int64)
    return frame, notes


def _read_dataset(
    path: Path, layer: str | None, notes: list[str], *, shown: Path
) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pyogrio
    import pyogrio.errors

    ext = path.suffix.lower()
    if ext == ".shp":
        _check_shapefile_parts(path, notes, shown)
    if ext in (".gpkg", ".kml"):
        layer = _pick_layer(path, layer, shown)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pyogrio.read_dataframe(path, layer=layer)
    except pyogrio.errors.DataLayerError as exc:
        raise ReadError(f"cannot read layer '{layer}': {exc}", shown) from None
    except (
        pyogrio.errors.DataSourceError,
        pyogrio.errors.FieldError,
        pyogrio.errors.GeometryError,
    ) as exc:
        raise ReadError(
            f"cannot read this map file ({_gdal_message(exc)}): check that it is a complete, "
            "valid file; export it again from the GIS",
            shown,
        ) from None
    notes.extend(f"{shown.name}: {w.message}" for w in caught)
    if len(frame) == 0:
        raise ReadError("the layer has no features (no data rows)", shown)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise ReadError("the layer has no geometries: a map layer needs shapes or points", shown)
    return frame


def _gdal_message(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    text = re.sub(r";? ?It might help to specify the correct driver.*$", "", text)
    return text[:300]


def _check_shapefile_parts(path: Path, notes: list[str], shown: Path) -> None:
    siblings = {p.suffix.lower(): p for p in path.parent.glob(f"{_glob_escape(path.stem)}.*")}
    if ".shx" not in siblings:
        raise ReadError(
            f"the shapefile's index file {path.stem}.shx is missing: a shapefile is several "
            "files (.shp, .shx, .dbf, .prj) - add them all, or zip them together",
            shown,
        )
    if ".dbf" not in siblings:
        notes.append(f"{path.stem}.dbf is missing: the features have no attributes")


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _pick_layer(path: Path, layer: str | None, shown: Path) -> str:
    import pyogrio
    import pyogrio.errors

    try:
        layers = pyogrio.list_layers(path)
    except pyogrio.errors.DataSourceError as exc:
        raise ReadError(f"cannot open this map file ({_gdal_message(exc)})", shown) from None
    names = [str(name) for name, _ in layers]
    if layer is not None:
        if layer not in names:
            raise ReadError(f"layer '{layer}' not found; the file has {', '.join(names)}", shown)
        return layer
    for name, geometry_type in layers:
        if geometry_type is not None and _layer_has_features(path, str(name)):
            return str(name)
    raise ReadError("the file has no layer with geometries (no data rows)", shown)


def _layer_has_features(path: Path, layer: str) -> bool:
    import pyogrio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        info = pyogrio.read_info(path, layer=layer)
    return info.get("features", 0) != 0


def _to_wgs84(frame: gpd.GeoDataFrame, path: Path, notes: list[str]) -> gpd.GeoDataFrame:
    """Return the frame in EPSG:4326 (reprojected, or assumed when degrees and no CRS)."""
    if frame.crs is None:
        if not _bounds_are_degrees(frame):
            raise ReadError(
                "file has no CRS (.prj missing) and its coordinates are not longitude/latitude "
                "degrees: add the .prj file that came with the data, or export the layer again "
                "with its coordinate system (e.g. EPSG:32749, WGS 84 / UTM zone 49S)",
                path,
            )
        notes.append(
            f"{path.name}: no CRS (.prj missing); the coordinates look like longitude/latitude "
            "degrees, so EPSG:4326 (WGS 84) was assumed"
        )
        return frame.set_crs(4326)
    if frame.crs.to_epsg() != 4326:
        try:
            frame = frame.to_crs(4326)
        except Exception as exc:  # pyproj raises several error types
            raise ReadError(
                f"cannot convert the coordinates from {frame.crs.name} to EPSG:4326 ({exc})",
                path,
            ) from None
    if not _bounds_are_degrees(frame):
        raise ReadError(
            "coordinates are outside longitude -180..180 / latitude -90..90 after conversion to "
            "EPSG:4326: the file's CRS is wrong (GeoJSON must be in longitude/latitude); "
            "export it again with the right coordinate system",
            path,
        )
    return frame


def _bounds_are_degrees(frame: gpd.GeoDataFrame) -> bool:
    minx, miny, maxx, maxy = frame.total_bounds
    if np.isnan([minx, miny, maxx, maxy]).any():
        return True
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def _normalise_vector_columns(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geometry = frame.geometry.name
    others = [c for c in frame.columns if c != geometry]
    keys = [normalize_header(c) or f"column_{i + 1}" for i, c in enumerate(others)]
    names = _unique_names(keys, reserved=("geometry", "__row__"))
    frame = frame.rename(columns=dict(zip(others, names, strict=True)))
    if geometry != "geometry":
        frame = frame.rename_geometry("geometry")
    return frame


def _extract_zip_dataset(
    path: Path, folder: Path, layer: str | None
) -> tuple[Path, str | None]:
    """Check and extract a zip; return (dataset file inside it, layer to read)."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ReadError("the zip file is damaged: create it again", path) from None
    with archive:
        entries = archive.infolist()
        _check_zip_entries(entries, path)
        for entry in entries:
            _extract_entry(archive, entry, folder, path)
    datasets = _find_datasets(folder)
    if len(datasets) > 1 and any(d.suffix.lower() != ".json" for d in datasets):
        datasets = [d for d in datasets if d.suffix.lower() != ".json"]  # .json: metadata
    if not datasets:
        raise ReadError(
            "the zip holds no map layer (.shp with its .shx/.dbf/.prj, .gpkg, .geojson or "
            ".kml)",
            path,
        )
    if len(datasets) == 1:
        only = datasets[0]
        keeps_layer = only.suffix.lower() in (".gpkg", ".kml")
        return only, layer if keeps_layer else None
    chosen = [d for d in datasets if layer is not None and d.stem.casefold() == layer.casefold()]
    if len(chosen) == 1:
        return chosen[0], None
    listed = ", ".join(str(d.relative_to(folder)) for d in datasets)
    raise ReadError(
        f"the zip holds several map layers ({listed}): zip one layer per file, or name the "
        "one to read (layer = its file name without extension)",
        path,
    )


def _check_zip_entries(entries: Sequence[zipfile.ZipInfo], path: Path) -> None:
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ReadError(
            f"the zip has {len(entries)} entries (at most {ZIP_MAX_ENTRIES} allowed): zip only "
            "the map layer's files",
            path,
        )
    total = sum(e.file_size for e in entries)
    if total > ZIP_MAX_TOTAL_BYTES:
        raise ReadError(
            f"the zip unpacks to {total / 2**20:.0f} MB (at most {ZIP_MAX_TOTAL_BYTES // 2**20} MB "
            "allowed): split or simplify the layer",
            path,
        )
    for entry in entries:
        _check_zip_entry(entry, path)


def _check_zip_entry(entry: zipfile.ZipInfo, path: Path) -> None:
    name = entry.filename
    parts = re.split(r"[\\/]", name)
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise ReadError(
            f"unsafe zip entry '{name}' (absolute path or '..'): create the zip again from the "
            "layer's files only",
            path,
        )
    if (entry.external_attr >> 16) & 0o170000 == 0o120000:
        raise ReadError(f"unsafe zip entry '{name}' is a symbolic link: zip the real files", path)
    if entry.flag_bits & 0x1:
        raise ReadError(f"zip entry '{name}' is encrypted: zip it without a password", path)
    if entry.file_size >= ZIP_RATIO_MIN_BYTES and entry.file_size > ZIP_MAX_RATIO * max(
        entry.compress_size, 1
    ):
        raise ReadError(
            f"zip entry '{name}' is compressed more than {ZIP_MAX_RATIO}:1 (a zip bomb?): "
            "refused; zip the layer's files again",
            path,
        )


def _extract_entry(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, folder: Path, path: Path
) -> None:
    """Extract one entry inside ``folder``, never writing more than its declared size."""
    if entry.is_dir():
        return
    relative = PurePosixPath(entry.filename.replace("\\", "/"))
    target = folder.joinpath(*relative.parts)
    if not target.resolve().is_relative_to(folder.resolve()):
        raise ReadError(f"unsafe zip entry '{entry.filename}': outside the archive", path)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(entry) as source, target.open("wb") as out:
        while block := source.read(1 << 20):
            written += len(block)
            if written > entry.file_size:
                raise ReadError(
                    f"zip entry '{entry.filename}' is larger than it declares: refused",
                    path,
                )
            out.write(block)


def _find_datasets(folder: Path) -> list[Path]:
    found = []
    for candidate in sorted(folder.rglob("*")):
        relative = candidate.relative_to(folder)
        if any(part.startswith(".") or part == "__MACOSX" for part in relative.parts):
            continue
        if candidate.is_file() and candidate.suffix.lower() in _VECTOR_DATASET_EXTENSIONS:
            found.append(candidate)
    return found

