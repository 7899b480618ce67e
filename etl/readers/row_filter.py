"""Dropping a table's blank rows, total rows ("Jumlah") and everything from the first footnote on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.readers.cells import arrow_text, excerpt

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
    texts = [arrow_text(frame.iloc[:, j]) for j in range(frame.shape[1])]
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


class RowFilter:
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
            self.footnote = excerpt(classes.first_text[cut].as_py())
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
                reason = f"total row '{excerpt(classes.first_text[i].as_py())}'"
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
                reason = f"footnote '{excerpt(text)}'"
            else:
                reason = f"below footnote '{self.footnote}': '{excerpt(text)}'"
            self.dropped.append((int(rows[i]), reason))


def _first_true(mask: np.ndarray, *, default: int) -> int:
    found = np.flatnonzero(mask)
    return int(found[0]) if found.size else default


def _last_true(mask: np.ndarray, *, default: int) -> int:
    found = np.flatnonzero(mask)
    return int(found[-1]) if found.size else default
