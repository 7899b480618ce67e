"""Where a table's title, header and data are, found in its first rows (the head).

A header is the first well-filled row of text; the row below it may continue it (units,
years, a group header's sub-headers) or translate it (BPS tables: "Kecamatan" over
"Subdistrict"); a row numbering the columns, "(1) (2) (3)", is skipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.bilingual import NUMBER_KINDS, is_translation_row, language_parts, translated_name
from etl.errors import ReadError
from etl.readers.cells import Merge, Row, excerpt

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
class Layout:
    """Where the header and the data are in the head rows of a table."""

    title: str | None
    header_rows: list[int]  # indexes into head
    data_start: int  # index into head of the first data row
    names: list[str]  # original header text per column position ('' = none)
    header_width: int
    skipped: list[tuple[int, str]]
    alternatives: list[list[str]] = field(default_factory=list)  # other header texts per position


def find_layout(head: list[Row], merges: list[Merge], path: Path) -> Layout:
    """Find the title, the (one- or two-row) header and the first data row in the head rows."""
    width = max((_filled_width(cells) for _, cells in head), default=0)
    if width == 0:
        raise ReadError("no data rows: the file has no cell with content", path)
    h = _header_index(head, width, path)
    header_rows = [h]
    translated = h + 1 < len(head) and _is_translation(head, h, merges, width)
    if translated or (h + 1 < len(head) and _is_continuation(head[h], head[h + 1], merges, width)):
        header_rows.append(h + 1)
    skipped: list[tuple[int, str]] = []
    if translated:  # said in the report: a data row taken for a translation would not go unseen
        english = " ".join(str(v) for v in head[h + 1][1] if v is not None)
        skipped.append((head[h + 1][0], f"header translation row '{excerpt(english)}'"))
    start = _skip_column_numbers(head, header_rows[-1] + 1, skipped)
    rows = [_fill_merged_across(head[i], merges) for i in header_rows]
    if translated:
        named = [translated_name(_header_text(rows[0][1], p, lines=True), _header_text(rows[1][1], p, lines=True))
                 for p in range(width)]
        names, alternatives = [n for n, _ in named], [a for _, a in named]
    else:
        names = _header_names(rows, width)
        alternatives = [language_parts(n) for n in _header_names(rows, width, lines=True)]
    return Layout(
        title=_title_text(head[:h]),
        header_rows=header_rows,
        data_start=start,
        names=[" ".join(n.split()) for n in names],
        header_width=max(_filled_width(cells) for _, cells in rows),
        skipped=skipped,
        alternatives=alternatives,
    )


def _skip_column_numbers(head: list[Row], start: int, skipped: list[tuple[int, str]]) -> int:
    """Return where the data starts: below a row numbering the columns, "(1) (2) (3)", if one follows
    the header (it may sit below the empty half of a header merged over two rows)."""
    numbers_at = start
    while numbers_at < len(head) and _filled_width(head[numbers_at][1]) == 0:
        numbers_at += 1
    if numbers_at < len(head) and _is_column_numbers_row(head[numbers_at][1]):
        numbers = " ".join(str(v) for v in head[numbers_at][1] if v is not None)
        skipped.extend((head[i][0], "empty row") for i in range(start, numbers_at))
        skipped.append((head[numbers_at][0], f"column numbers row '{excerpt(numbers)}'"))
        return numbers_at + 1
    return start


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
        if any(k == "number" for k in kinds) or _is_column_numbers_row(cells):
            return False  # data, or the "(1) (2) (3)" below a header (one cell of it merged across two)
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


