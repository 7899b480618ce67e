"""Tables (CSV, TXT, TSV, XLSX, XLSM) streamed in chunks of data rows, each row with its number in the file.

:func:`open_table` looks at the first rows for the encoding, the delimiter, the title rows and
the (one- or two-row) header, then streams the data, dropping blank rows, total rows ("Jumlah")
and everything from the first footnote ("Sumber: BPS ...").
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import ReadError
from etl.readers.columns import Columns, check_cell_sizes, check_head, check_stray_values, choose_columns
from etl.readers.csv_source import CsvSource
from etl.readers.layout import Layout, find_layout
from etl.readers.row_filter import RowFilter
from etl.readers.sniff import XLSX_EXTENSIONS, sniff_kind
from etl.readers.source import TableSource
from etl.readers.xlsx import XlsxSource


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


def open_table(
    path: str | Path, *, chunk_rows: int = 100_000, sheet: str | None = None
) -> tuple[TableInfo, Generator[TableChunk, None, None]]:
    """Open a CSV/TXT/TSV or XLSX/XLSM table; return its info and a generator of chunks.

    The first chunk is read before returning, so a file without data rows raises
    ReadError here and ``info.dropped`` already lists the drops of the first chunk.
    ``sheet`` selects an XLSX sheet (default: the first sheet with content); it is
    ignored for text files. The file stays open until the generator is exhausted or
    closed (``close()``: a reader that stops early must close it).
    """
    path = Path(path)
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    if sniff_kind(path) != "table":
        raise ReadError("this is a map layer, not a table: read it with read_vector", path)
    source = XlsxSource(path, sheet) if path.suffix.lower() in XLSX_EXTENSIONS else CsvSource(path)
    try:
        check_head(source)
        layout = find_layout(source.head, source.merges, path)
        columns = choose_columns(source, layout)
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
    return info, _after(first, stream)


def _after(first: TableChunk, stream: Generator[TableChunk, None, None]) -> Generator[TableChunk, None, None]:
    """The first chunk, then the rest of the stream; closing this closes the stream (and its file)."""
    try:
        yield first
        yield from stream
    finally:
        stream.close()


def _table_chunks(
    source: TableSource,
    layout: Layout,
    columns: Columns,
    info: TableInfo,
    chunk_rows: int,
) -> Generator[TableChunk, None, None]:
    """Yield the data chunks with normalised names, dropping blank/total/footnote rows.

    Columns that were dropped (no header) travel along, after the named ones, until the
    rows are filtered: a value there is an error only in a row that is kept.
    """
    row_filter = RowFilter(info.dropped, len(columns.names))
    raw_chunks = source.chunks(layout, chunk_rows)
    returned = 0
    try:
        for raw, rows in raw_chunks:
            kept = row_filter.feed(_named(raw, columns), rows)
            if kept is not None:
                returned += len(kept[0])
                yield _data_chunk(kept, columns, source)
        kept = row_filter.finish()
        if kept is not None:
            returned += len(kept[0])
            yield _data_chunk(kept, columns, source)
    finally:
        raw_chunks.close()
        source.close()
    if returned == 0:
        raise ReadError(
            "no data rows: the file has a header but no rows with data below it "
            "(blank, total and footnote rows do not count)",
            source.path,
        )


def _named(raw: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """The returned columns under their keys, then the dropped ones that hold cells ("\\0<position>")."""
    stray = [p for p in columns.dropped if p in raw.columns]
    frame = raw[columns.positions + stray]
    frame.columns = columns.names + [f"\0{p}" for p in stray]
    return frame


def _data_chunk(
    kept: tuple[pd.DataFrame, np.ndarray], columns: Columns, source: TableSource
) -> TableChunk:
    frame, rows = kept
    named = len(columns.names)
    check_cell_sizes(frame.iloc[:, :named], rows, columns, source)
    check_stray_values(frame.iloc[:, named:], rows, columns, source)
    return TableChunk(frame.iloc[:, :named].reset_index(drop=True), rows)

