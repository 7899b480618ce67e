"""What the table readers (CSV, XLSX) offer to the code that finds the layout and streams the chunks."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

from etl.readers.cells import Merge, Row

if TYPE_CHECKING:
    from etl.readers.layout import Layout


class TableSource(Protocol):
    """An opened table: its head rows (with merged ranges), then its data in raw chunks."""

    path: Path
    head: list[Row]
    merges: list[Merge]
    encoding: str | None
    delimiter: str | None

    def chunks(self, layout: Layout, chunk_rows: int) -> Generator[tuple[pd.DataFrame, np.ndarray], None, None]:
        """Yield raw chunks (columns = positions) of the data rows, with their row numbers; closing the
        generator closes the file."""

    def column_label(self, position: int) -> str:
        """How the person who supplied the file finds a column: a field number, a column letter."""

    def close(self) -> None:
        """Release the file."""
