"""Rows and cells as the table readers pass them around, and how a cell is quoted in a message."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

Row = tuple[int, list[Any]]  # (row number in the source, cells)
Merge = tuple[int, int, int, int]  # (min_row, min_col, max_row, max_col), 1-based


def excerpt(text: str, limit: int = 60) -> str:
    """The text on one line, cut to ``limit`` characters (for messages)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def arrow_text(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A column's cells as Arrow text (missing cells null)."""
    if column.dtype == object:
        column = column.astype("str")
    return pa.array(column, from_pandas=True).cast(pa.large_string())
