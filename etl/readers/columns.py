"""Which columns of a table are returned, under which keys, and the size checks on their cells."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from etl.errors import ReadError
from etl.readers.cells import arrow_text, excerpt
from etl.readers.headers import normalize_header, unique_names
from etl.readers.layout import Layout
from etl.readers.limits import MAX_CELL_CHARS, MAX_COLUMNS
from etl.readers.source import TableSource


@dataclass
class Columns:
    """Which raw column positions are returned, under which names."""

    positions: list[int]
    names: list[str]
    originals: list[str]
    dropped: list[int]
    header_width: int
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)


def choose_columns(source: TableSource, layout: Layout) -> Columns:
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
    names = unique_names(keys)
    others = layout.alternatives
    alternatives = {
        name: keys
        for name, p in zip(names, positions, strict=True)
        if p < len(others)
        and (keys := tuple(dict.fromkeys(k for t in others[p] if (k := normalize_header(t)) and k != name)))
    }
    return Columns(positions, names, originals, dropped, layout.header_width, alternatives)


def check_stray_values(
    stray: pd.DataFrame, rows: np.ndarray, columns: Columns, source: TableSource
) -> None:
    """Raise ReadError for a value in a dropped column (no header, right of the table)."""
    for name in stray.columns:
        present = stray[name].notna().to_numpy()
        if not present.any():
            continue
        i = int(np.argmax(present))
        p = int(name[1:])
        value = excerpt(str(stray[name].iloc[i]))
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


def check_head(source: TableSource) -> None:
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


def check_cell_sizes(
    frame: pd.DataFrame, rows: np.ndarray, columns: Columns, source: TableSource
) -> None:
    """Raise ReadError for the first cell longer than MAX_CELL_CHARS, naming its row and column."""
    for j in range(frame.shape[1]):
        text = arrow_text(frame.iloc[:, j])
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
