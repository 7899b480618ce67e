"""Delimited text tables (CSV, TXT, TSV): the head rows, then the data streamed in chunks.

Data is read with pyarrow's streaming CSV reader when the file is regular (fast); at the
first irregular row (a row with a different number of fields), or when the quotes do not
pair up, reading continues with pandas' tolerant C parser, which pads short rows and names
the line of a malformed one. Both hand their records to the same :class:`ChunkFramer`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from etl.errors import ReadError
from etl.readers.cells import Merge
from etl.readers.csv_chunks import Chunk, ChunkFramer, StreamPosition
from etl.readers.csv_dialect import line_of_record, parse_head, read_head_text, sniff_dialect
from etl.readers.text_scan import offset_of_line, scan_text_file

if TYPE_CHECKING:
    from etl.readers.layout import Layout

#: Block size of the pyarrow CSV reader: small blocks keep the memory peak low.
ARROW_BLOCK = 1 << 19
_PANDAS_EOF_IN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
_PANDAS_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


class CsvSource:
    """A delimited text file: encoding, delimiter and head rows, then chunks of data."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.merges: list[Merge] = []
        self.scan = scan_text_file(path)
        text, complete = read_head_text(path, self.scan.encoding)
        self.dialect = sniff_dialect(text, self.scan.encoding, path.suffix.lower())
        self.encoding: str | None = self.scan.encoding
        self.delimiter: str | None = self.dialect.delimiter
        self.head, self.next_line, self.field_counts = parse_head(text, self.dialect, complete)

    def column_label(self, position: int) -> str:
        """Return how a user finds the column: its field number."""
        return f"field {position + 1}"

    def close(self) -> None:
        """Nothing to release: the streams close their files when they end or are closed."""

    def chunks(self, layout: Layout, chunk_rows: int) -> Generator[Chunk, None, None]:
        """Yield raw chunks (columns = field positions) with their physical line numbers."""
        below_title = self.field_counts[layout.header_rows[0] :]
        width = max(len(layout.names), max(below_title, default=0))
        start = layout.data_start
        position = StreamPosition(self.head[start][0] if start < len(self.head) else self.next_line)
        framer = ChunkFramer(chunk_rows, position, quoted=self.scan.quotes > 0, lone_cr=self.scan.lone_cr)
        if self.scan.quotes % 2 == 0 and not self.scan.lone_cr:
            yield from self._arrow_chunks(width, framer)
            if position.finished:
                return
        yield from self._pandas_chunks(width, chunk_rows, framer)

    def _arrow_chunks(self, width: int, framer: ChunkFramer) -> Iterator[Chunk]:
        """Fast path; stops (position.finished stays False) at the first irregular row."""
        names = [str(p) for p in range(width)]
        irregular = False
        with self.path.open("rb") as f:
            f.seek(start := offset_of_line(self.path, framer.position.line, lone_cr=False))
            batches_left = (self.path.stat().st_size - start) / ARROW_BLOCK  # a batch per block read
            try:
                for batch in pa_csv.open_csv(f, **self.dialect.arrow_options(names, ARROW_BLOCK)):
                    batches_left -= 1
                    yield from framer.add(batch, rows_left=max(0.0, batches_left) * batch.num_rows)
            except pa.ArrowException:
                irregular = True  # e.g. a row with another number of fields: pandas takes over
        yield from framer.flush()
        framer.position.finished = not irregular

    def _pandas_chunks(self, width: int, chunk_rows: int, framer: ChunkFramer) -> Iterator[Chunk]:
        """Tolerant path from position.line to the end of the file."""
        stream_start = framer.position.line
        offset = offset_of_line(self.path, stream_start, self.scan.lone_cr)
        size = self.path.stat().st_size
        with self.path.open("rb") as f:
            f.seek(offset)
            reader = self._pandas_reader(f, width, chunk_rows)
            parsed = 0
            while (raw := self._next_pandas_chunk(reader, width, offset, stream_start)) is not None:
                parsed += len(raw)
                read = max(1, f.tell() - offset)  # pandas reads ahead: an estimate
                rows_left = max(0, size - offset - read) * parsed / read
                for batch in pa.Table.from_pandas(raw, preserve_index=False).combine_chunks().to_batches():
                    yield from framer.add(batch, rows_left=rows_left)
        yield from framer.flush()
        framer.position.finished = True

    def _pandas_reader(self, f: BinaryIO, width: int, chunk_rows: int) -> Iterator[pd.DataFrame]:
        try:
            return pd.read_csv(f, header=None, names=list(range(width)), index_col=False,
                               chunksize=chunk_rows, **self.dialect.pandas_options())
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
            line = line_of_record(self.path, self.dialect, offset, stream_start, int(eof.group(1)))
            return ReadError(
                'malformed CSV: a quoted value starting on this line is never closed (a " '
                "without its closing quote): close the quote or remove the stray \"",
                self.path,
                row=line,
            )
        if count:
            line = line_of_record(self.path, self.dialect, offset, stream_start, int(count.group(2)) - 1)
            return self._too_many_fields(line, int(count.group(3)), width)
        return ReadError(f"malformed CSV: {message}", self.path)

    def _too_many_fields(self, line: int, fields: int | None, width: int) -> ReadError:
        found = f"{fields} fields" if fields else "more fields"
        return ReadError(
            f"malformed CSV: this line has {found} but the table has {width} columns: a value "
            f'containing the delimiter ({self.dialect.delimiter_name}) must be quoted ("..."), or the '
            "line has extra values",
            self.path,
            row=line,
        )
