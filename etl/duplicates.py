"""Rows of one file that share a natural key: exact repeats are loaded once, conflicts are errors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gis.text import arrow_text, string_bytes


@dataclass(frozen=True)
class Duplicate:
    """A row whose key was seen before: at which position, first row number, same content or not."""

    position: int
    first_row: int
    identical: bool


@dataclass(frozen=True)
class RowHashes:
    """64-bit hashes of the natural key and of the content of a chunk's candidate rows."""

    positions: np.ndarray  # of the candidate rows in the chunk
    keys: np.ndarray
    contents: np.ndarray

    @classmethod
    def of(cls, keys: pd.DataFrame, contents: pd.DataFrame, candidates: np.ndarray) -> RowHashes:
        """Hash the candidate rows (a chunk's own work: it runs beside the other chunks)."""
        idx = np.flatnonzero(candidates)
        if idx.size == 0:
            return cls(idx, np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint64))
        return cls(idx, row_hashes(keys.iloc[idx]), row_hashes(contents.iloc[idx]))


class DuplicateTracker:
    """Remembers the keys of a whole file as 64-bit hashes (a few bytes a row, any file size)."""

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.uint64)
        self._contents = np.empty(0, dtype=np.uint64)
        self._rows = np.empty(0, dtype=np.int64)

    def check(self, hashes: RowHashes, rows: np.ndarray) -> list[Duplicate]:
        """Find repeated keys among the hashed rows of a chunk and remember the new ones; in file order."""
        if hashes.positions.size == 0:
            return []
        order = np.argsort(hashes.keys, kind="stable")  # equal keys stay in file order
        keys, contents = hashes.keys[order], hashes.contents[order]
        at, row = hashes.positions[order], rows[hashes.positions][order]
        found: list[Duplicate] = []
        seen = np.zeros(keys.size, dtype=bool)
        if self._keys.size:  # sorted needles: each search starts where the last one ended
            pos = np.minimum(np.searchsorted(self._keys, keys), self._keys.size - 1)
            seen = self._keys[pos] == keys
            found += [Duplicate(int(at[j]), int(self._rows[pos[j]]), bool(self._contents[pos[j]] == contents[j]))
                      for j in np.flatnonzero(seen)]
        keys, contents, at, row = keys[~seen], contents[~seen], at[~seen], row[~seen]
        repeated = np.zeros(keys.size, dtype=bool)
        repeated[1:] = keys[1:] == keys[:-1]
        first = np.maximum.accumulate(np.where(repeated, 0, np.arange(keys.size)))  # first of each run
        found += [Duplicate(int(at[j]), int(row[first[j]]), bool(contents[first[j]] == contents[j]))
                  for j in np.flatnonzero(repeated)]
        self._remember(keys[~repeated], contents[~repeated], row[~repeated])
        return sorted(found, key=lambda d: d.position)

    def _remember(self, keys: np.ndarray, contents: np.ndarray, rows: np.ndarray) -> None:
        """Merge new keys (sorted, none seen before) into the sorted ones."""
        where = np.searchsorted(self._keys, keys)
        self._keys = np.insert(self._keys, where, keys)
        self._contents = np.insert(self._contents, where, contents)
        self._rows = np.insert(self._rows, where, rows)


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row, mixed from hashes of its cells: numbers by their bits, text by
    numpy (no GIL, so the check threads run side by side). Equal rows hash equal in any chunk."""
    hashes = np.full(len(frame), _SEED, dtype=np.uint64)
    for name in frame.columns:  # cell hashes are mixed already: a polynomial of them keeps the order
        hashes = hashes * _ODD + _cell_hashes(frame[name])
    return _mix(hashes)


def _cell_hashes(cells: pd.Series) -> np.ndarray:
    """A hash of each cell; the same value gives the same hash whichever way it is made."""
    if cells.dtype.kind in "fiub":
        values = cells.to_numpy(dtype=np.float64, na_value=np.nan) + 0.0  # -0.0 + 0.0 is 0.0
        return np.where(np.isnan(values), _MISSING, _mix(values.view(np.uint64)))
    text = arrow_text(cells)
    sample = text.slice(0, _SAMPLE_CELLS)
    if len(text) > _SAMPLE_CELLS and pc.count_distinct(sample).as_py() * 4 <= len(sample):
        encoded = pc.dictionary_encode(text)  # few distinct values (codes, products): hash each once
        codes = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy(zero_copy_only=False)
        return np.append(_text_hashes(encoded.dictionary), _MISSING)[codes]
    return _text_hashes(text)


def _text_hashes(text: pa.LargeStringArray) -> np.ndarray:
    """Polynomial hash of each string's bytes (blocks of rows bound the table of powers)."""
    data, offsets = string_bytes(text)
    out = np.empty(len(text), dtype=np.uint64)
    first = 0
    while first < len(text):  # rows whose bytes fit the table of powers (at least one row)
        last = max(first + 1, int(np.searchsorted(offsets, offsets[first] + _BLOCK_BYTES, side="right")) - 1)
        base, starts, ends = offsets[first], offsets[first:last] - offsets[first], offsets[first + 1:last + 1]
        size = int(ends[-1] - base)
        powers, inverses = _powers(size + 1)
        prefix = np.zeros(size + 1, dtype=np.uint64)
        np.cumsum(data[base:base + size] * powers[:size], out=prefix[1:])
        sums = (prefix[ends - base] - prefix[starts]) * inverses[starts]  # as if each string began at 0
        out[first:last] = _mix(sums ^ ((ends - base - starts).astype(np.uint64) * _ODD))
        first = last
    if text.null_count:
        out[np.asarray(text.is_null())] = _MISSING
    return out


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """_ODD ** i and its inverse modulo 2**64 for i < n (grown on demand, shared by the threads)."""
    global _POWERS
    if len(_POWERS[0]) < n:
        size = max(n, _BLOCK_BYTES + 1)
        _POWERS = (np.cumprod(np.r_[np.uint64(1), np.full(size - 1, _ODD, dtype=np.uint64)]),
                   np.cumprod(np.r_[np.uint64(1), np.full(size - 1, _ODD_INVERSE, dtype=np.uint64)]))
    return _POWERS


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every input bit moves about half of the output bits."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


_ODD = np.uint64(0x9E3779B97F4A7C15)  # odd, so it has an inverse modulo 2**64
_ODD_INVERSE = np.uint64(pow(0x9E3779B97F4A7C15, -1, 2**64))
_SEED, _MISSING = np.uint64(0x243F6A8885A308D3), np.uint64(0x13198A2E03707344)
_SAMPLE_CELLS = 2_000  # tells a column of few distinct values
_BLOCK_BYTES = 1 << 20
_POWERS: tuple[np.ndarray, np.ndarray] = (np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint64))
