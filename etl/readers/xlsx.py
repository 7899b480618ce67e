"""Excel workbooks (XLSX, XLSM): one worksheet read with openpyxl in read-only mode.

openpyxl is imported when a workbook is read. Read-only mode hides merged cells, so they are
found in the sheet's XML; a range merged down over data rows gives its value to every row.
"""

from __future__ import annotations

import itertools
import re
import warnings
import zipfile
from collections.abc import Generator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from etl.errors import ReadError
from etl.readers.archive import check_unpacked_sizes
from etl.readers.cells import Merge, Row, excerpt
from etl.readers.limits import HEAD_ROWS

if TYPE_CHECKING:
    from etl.readers.layout import Layout

_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


class XlsxSource:
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

    def chunks(self, layout: Layout, chunk_rows: int) -> Generator[tuple[pd.DataFrame, np.ndarray], None, None]:
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
                    f"this row has a value ('{excerpt(str(cells[p]))}') right of the table's "
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
    check_unpacked_sizes(parts, path, archive="the workbook", entry="the workbook's part",
                         smaller="split it, or save the table as CSV",
                         again="save the workbook again from Excel or LibreOffice")


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
