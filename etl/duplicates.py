"""Rows of one file that share a natural key: exact repeats are loaded once, conflicts are errors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_MISSING, _SEPARATOR = "\x00", pa.scalar("\x1f", pa.large_string())


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
        """Find repeated keys among the hashed rows of a chunk (in file order) and remember the new ones."""
        idx, k, c = hashes.positions, hashes.keys, hashes.contents
        if idx.size == 0:
            return []
        r = rows[idx]
        found: list[Duplicate] = []
        seen = np.zeros(idx.size, dtype=bool)
        if self._keys.size:
            pos = np.minimum(np.searchsorted(self._keys, k), self._keys.size - 1)
            seen = self._keys[pos] == k
            for j in np.flatnonzero(seen):
                found.append(Duplicate(int(idx[j]), int(self._rows[pos[j]]), bool(self._contents[pos[j]] == c[j])))
        fresh = pd.DataFrame({"k": k[~seen], "c": c[~seen], "r": r[~seen], "i": idx[~seen]})
        repeated = fresh.duplicated("k", keep="first").to_numpy()
        if repeated.any():
            first = fresh[~repeated].set_index("k")
            for item in fresh[repeated].itertuples():
                found.append(Duplicate(int(item.i), int(first.at[item.k, "r"]), bool(first.at[item.k, "c"] == item.c)))
        self._remember(fresh[~repeated])
        return found

    def _remember(self, fresh: pd.DataFrame) -> None:
        keys = np.concatenate([self._keys, fresh["k"].to_numpy(dtype=np.uint64)])
        order = np.argsort(keys, kind="stable")
        self._keys = keys[order]
        self._contents = np.concatenate([self._contents, fresh["c"].to_numpy(dtype=np.uint64)])[order]
        self._rows = np.concatenate([self._rows, fresh["r"].to_numpy(dtype=np.int64)])[order]


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row: its cells as text, joined, through Python's own string hash (SipHash,
    seeded per process, which is all one load needs); a few times faster than hashing cell by cell."""
    cells = [pc.fill_null(pc.cast(pa.array(frame[c], from_pandas=True), pa.large_string()), _MISSING)
             for c in frame.columns]
    joined = pc.binary_join_element_wise(*cells, _SEPARATOR).to_pylist()
    return np.fromiter(map(hash, joined), dtype=np.int64, count=len(joined)).view(np.uint64)
