"""How a CSV is written (delimiter, quoting, encoding), found from its head rows.

Three parsers read a CSV: Python's csv module reads the head (and finds the line of a record an
error names), pyarrow streams regular data fast, and pandas' C parser takes over at the first
irregular row. :class:`CsvDialect` is the one place all three take the file's format from.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.csv as pa_csv

from etl.errors import ReadError
from etl.readers.cells import Row
from etl.readers.limits import HEAD_BYTES, HEAD_ROWS

QUOTE = '"'
CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


class Records(Protocol):
    """Python's csv reader: records as lists of fields, and the physical lines read so far."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


@dataclass(frozen=True)
class CsvDialect:
    """A CSV's delimiter and encoding; quotes are '"', doubled inside a quoted value."""

    delimiter: str
    encoding: str  # of the file: 'utf-8-sig' when it starts with a byte order mark

    @property
    def delimiter_name(self) -> str:
        """The delimiter as a word, for messages."""
        return _DELIMITER_NAMES.get(self.delimiter, self.delimiter)

    @property
    def data_encoding(self) -> str:
        """The encoding of the data: it starts after the header, so a byte order mark is behind it."""
        return "utf-8" if self.encoding == "utf-8-sig" else self.encoding

    def records(self, text: Iterable[str]) -> Records:
        """Python's csv reader over ``text`` (the reader's ``line_num`` counts physical lines)."""
        if csv.field_size_limit() < 1 << 26:
            csv.field_size_limit(1 << 26)  # long fields, e.g. WKT geometries
        return csv.reader(text, delimiter=self.delimiter, quotechar=QUOTE, doublequote=True, strict=False)

    def arrow_options(self, names: list[str], block_size: int) -> dict[str, Any]:
        """Options of pyarrow's CSV reader: every field as text, none missing, rows kept as they are."""
        return {
            "read_options": pa_csv.ReadOptions(
                column_names=names, block_size=block_size, encoding=self.data_encoding
            ),
            "parse_options": pa_csv.ParseOptions(
                delimiter=self.delimiter,
                quote_char=QUOTE,
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

    def pandas_options(self) -> dict[str, Any]:
        """Options of pandas' C parser: every field as text, none missing, blank lines kept."""
        return {
            "sep": self.delimiter,
            "quotechar": QUOTE,
            "doublequote": True,
            "dtype": str,
            "na_filter": False,
            "skip_blank_lines": False,
            "encoding": self.data_encoding,
            "encoding_errors": "strict",
            "engine": "c",
        }


def read_head_text(path: Path, encoding: str) -> tuple[str, bool]:
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


def sniff_dialect(text: str, encoding: str, suffix: str) -> CsvDialect:
    """Pick the delimiter giving the most consistent field count over the head records.

    Title lines have one field with any delimiter, so the winner is the delimiter for
    which most records share one field count, and that count is above 1. Excel in an
    Indonesian locale writes ';' (its decimal mark is ','), which this tells apart from
    ',' because the header has no decimal commas.
    """
    preferred = "\t" if suffix == ".tsv" else ","
    best, best_score = preferred, (0.0, 0, 0)
    for delimiter in CANDIDATE_DELIMITERS:
        records = CsvDialect(delimiter, encoding).records(io.StringIO(text, newline=""))
        counts = [len(r) for r in itertools.islice(records, HEAD_ROWS) if any(f.strip() for f in r)]
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode, int(delimiter == preferred))
        if score > best_score:
            best, best_score = delimiter, score
    return CsvDialect(best, encoding)


def parse_head(text: str, dialect: CsvDialect, complete: bool) -> tuple[list[Row], int, list[int]]:
    """Parse the head text into (rows with their start line, next line, field counts)."""
    reader = dialect.records(io.StringIO(text, newline=""))
    rows: list[Row] = []
    counts: list[int] = []
    line = 1
    for record in reader:
        rows.append((line, [value.strip() or None for value in record]))
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


def line_of_record(path: Path, dialect: CsvDialect, offset: int, first_line: int, index: int) -> int:
    """Return the physical line where record ``index`` (0-based, counted from byte ``offset``, which is
    the start of line ``first_line``) starts."""
    with path.open("rb") as raw:
        raw.seek(offset)
        reader = dialect.records(io.TextIOWrapper(raw, encoding=dialect.data_encoding, newline=""))
        line = first_line
        for i, _ in enumerate(reader):
            if i == index:
                return line
            line = first_line + reader.line_num
    return line
