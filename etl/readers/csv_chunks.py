"""Parsed CSV records made into the chunks a table reader yields, whichever parser read them.

Every cell is stripped and an empty one becomes missing; every record gets the physical line it
starts on (a quoted value may hold line breaks); records are gathered into chunks of the size the
caller asked for, smaller at the start and the end of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Chunk = tuple[pd.DataFrame, np.ndarray]  # cells (columns = field positions), start line of each record


@dataclass
class StreamPosition:
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
class ChunkFramer:
    """Gathers parsed batches of records into chunks of ``chunk_rows`` records.

    The first chunk, and the chunks of the last two chunks' worth of records, hold a quarter
    of that: rows reach the database sooner, and it has little left to write when the last
    chunk is checked. ``quoted``: the file has quotes, so a value may hold line breaks;
    ``lone_cr``: a bare CR ends a line too.
    """

    chunk_rows: int
    position: StreamPosition
    quoted: bool
    lone_cr: bool
    yielded: int = 0
    _pending: list[pa.RecordBatch] = field(default_factory=list)
    _breaks: list[np.ndarray] = field(default_factory=list)
    _rows: int = 0

    def add(self, batch: pa.RecordBatch, rows_left: float) -> Iterator[Chunk]:
        """Take a batch of raw records; yield the chunks that are full (``rows_left``: an estimate of the
        records not parsed yet)."""
        cleaned, breaks = self._clean(batch)
        self._pending.append(cleaned)
        self._breaks.append(breaks)
        self._rows += batch.num_rows
        while self._rows >= (size := self._next_size(self._rows + rows_left)):
            yield self._take(size)

    def flush(self) -> Iterator[Chunk]:
        """Yield the records still held, as one chunk."""
        if self._rows:
            yield self._take(self._rows)

    def _next_size(self, rows_left: float) -> int:
        if self.yielded == 0 or rows_left < 2 * self.chunk_rows:
            return max(1, self.chunk_rows // 4)
        return self.chunk_rows

    def _take(self, size: int) -> Chunk:
        """The first ``size`` records held, as a frame with their start lines."""
        table = pa.Table.from_batches(self._pending)
        line_breaks = np.concatenate(self._breaks)
        part = table.slice(0, size)
        frame = part.to_pandas()
        frame.columns = list(range(part.num_columns))
        rows = self.position.advance(line_breaks[:size])
        self._pending = table.slice(size).to_batches()
        self._breaks = [line_breaks[size:]]
        self._rows -= size
        self.yielded += 1
        return frame, rows

    def _clean(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, np.ndarray]:
        """Return the batch with cells stripped (empty -> null) and the line breaks inside each record.

        The columns are processed as one concatenated array: a few kernel calls per batch
        instead of a few per column.
        """
        rows, width = batch.num_rows, batch.num_columns
        flat = pa.concat_arrays([_large_text(column) for column in batch.columns])
        breaks = self._line_breaks(flat, rows, width)
        stripped = pc.utf8_trim_whitespace(flat)
        cleaned = pc.if_else(pc.equal(stripped, ""), pa.scalar(None, stripped.type), stripped)
        columns = [cleaned.slice(p * rows, rows) for p in range(width)]
        return pa.record_batch(columns, names=batch.schema.names), breaks

    def _line_breaks(self, flat: pa.Array, rows: int, width: int) -> np.ndarray:
        """Line breaks inside each record (of ``width`` columns laid end to end in ``flat``)."""
        breaks = np.zeros(rows, dtype=np.int64)
        if not self.quoted or not rows:  # only a quoted value can hold a line break
            return breaks
        if not self.lone_cr:
            if pc.any(pc.match_substring(flat, "\n")).as_py():
                counts = pc.fill_null(pc.count_substring(flat, "\n"), 0)
                breaks = counts.to_numpy(zero_copy_only=False).reshape(width, rows).sum(axis=0)
        elif pc.any(pc.match_substring_regex(flat, "[\r\n]")).as_py():  # CRLF, CR and LF each end a line
            counts = [pc.fill_null(pc.count_substring(flat, s), 0).to_numpy(zero_copy_only=False)
                      for s in ("\n", "\r", "\r\n")]
            breaks = (counts[0] + counts[1] - counts[2]).reshape(width, rows).sum(axis=0)
        return breaks.astype(np.int64)


def _large_text(column: pa.Array) -> pa.Array:
    return column if column.type == pa.large_string() else column.cast(pa.large_string())
