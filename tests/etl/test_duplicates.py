"""Row hashes and the duplicate tracker of a load (no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl import duplicates
from etl.duplicates import DuplicateTracker, RowHashes, row_hashes


def _frame(names: list[str | None], numbers: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"name": pd.array(names, dtype="str"), "n": numbers,
                         "code": pd.array(["32.12"] * len(names), dtype=object)})


def test_equal_rows_hash_equal_whatever_their_place_and_chunk() -> None:
    first = _frame(["Krupuk Kenanga", "Dodol", "Krupuk Kenanga"], [1.0, 2.0, 1.0])
    second = _frame(["x", "y", "Dodol"], [5.0, 6.0, 2.0]).iloc[1:]  # a slice: its data does not start at 0
    a, b = row_hashes(first), row_hashes(second)
    assert a[0] == a[2] and a[0] != a[1]
    assert b[1] == a[1]


@pytest.mark.parametrize(("left", "right"), [
    (("", 1.0), (None, 1.0)),  # empty text is not a missing cell
    (("ab", 1.0), ("ba", 1.0)),
    (("a", 1.0), ("a", 1.5)),
    (("a", 1.0), ("a", float("nan"))),
])
def test_different_rows_hash_differently(left: tuple, right: tuple) -> None:
    hashes = row_hashes(_frame([left[0], right[0]], [left[1], right[1]]))
    assert hashes[0] != hashes[1]


def test_cells_are_compared_as_values() -> None:
    hashes = row_hashes(_frame(["a", "a"], [0.0, -0.0]))
    assert hashes[0] == hashes[1]
    mixed = pd.DataFrame({"v": pd.array([7, "7", "x", None], dtype=object)})  # XLSX: numbers and text
    assert len(set(row_hashes(mixed).tolist())) == 3  # 7 and "7" are the same text


def test_strings_longer_than_a_block_of_powers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duplicates, "_BLOCK_BYTES", 16)
    monkeypatch.setattr(duplicates, "_POWERS", (np.empty(0, np.uint64), np.empty(0, np.uint64)))
    long_a, long_b = "a" * 40 + "x", "a" * 40 + "y"
    hashes = row_hashes(_frame([long_a, "b", long_b, long_a, "b"], [1.0] * 5))
    assert hashes[0] == hashes[3] and hashes[1] == hashes[4]
    assert len({hashes[0], hashes[1], hashes[2]}) == 3


def _hashes(keys: list[int], contents: list[int]) -> RowHashes:
    return RowHashes(np.arange(len(keys)), np.array(keys, dtype=np.uint64), np.array(contents, dtype=np.uint64))


def test_tracker_finds_repeats_in_file_order_within_and_across_chunks() -> None:
    tracker = DuplicateTracker()
    first = tracker.check(_hashes([9, 3, 9, 3, 5], [1, 1, 1, 2, 1]), np.array([2, 3, 4, 5, 6]))
    assert [(d.position, d.first_row, d.identical) for d in first] == [(2, 2, True), (3, 3, False)]
    second = tracker.check(_hashes([5, 1, 9, 1], [1, 1, 7, 1]), np.array([7, 8, 9, 10]))
    assert [(d.position, d.first_row, d.identical) for d in second] == [(0, 6, True), (2, 2, False), (3, 8, True)]
    assert tracker.check(_hashes([], []), np.array([], dtype=np.int64)) == []


def test_tracker_matches_a_set_of_seen_keys_on_random_chunks() -> None:
    rng = np.random.default_rng(3)
    tracker, seen, row = DuplicateTracker(), {}, 0
    for _ in range(5):
        keys = rng.integers(0, 400, 150).tolist()
        rows = np.arange(row, row + len(keys))
        found = {d.position: d.first_row for d in tracker.check(_hashes(keys, [0] * len(keys)), rows)}
        for position, key in enumerate(keys):
            if key in seen:
                assert found.pop(position) == seen[key]
            else:
                seen[key] = rows[position]
        assert not found
        row += len(keys)
