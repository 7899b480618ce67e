"""Rows made ready for COPY (points as hex EWKB, tag arrays) and the writer that sends them in order."""

import threading
import time

import numpy as np
import pandas as pd
import pytest
import shapely

from etl.runner import LoadRunner
from etl.staging import _to_csv_ready, csv_rows, point_ewkb_hex


def test_points_are_the_hex_ewkb_shapely_writes_and_missing_ones_are_null():
    lon = np.array([108.3143, np.nan, -0.5, 179.999999])
    lat = np.array([-6.3594, 1.0, np.nan, -89.5])
    out = point_ewkb_hex(lon, lat)
    expected = [shapely.to_wkb(shapely.set_srid(shapely.Point(x, y), 4326), hex=True, include_srid=True)
                for x, y in zip(lon, lat, strict=True)]
    assert out[0] == expected[0] and out[3] == expected[3]
    assert pd.isna(out[1]) and pd.isna(out[2])


def test_tag_lists_become_array_literals_quoted_only_when_an_item_needs_it():
    few = pd.Series(pd.array(["a;b", 'x"y', None, "back\\slash", "a;b", "krupuk;null", "{x}"], dtype="str"))
    many = pd.Series(pd.array([f"t{i}" for i in range(8)] + [None], dtype="str"))  # each value once
    assert _to_csv_ready(few, "text[]", 7).tolist() == ["{a,b}", '{"x\\"y"}', "{}", '{"back\\\\slash"}', "{a,b}",
                                                      '{"krupuk","null"}', '{"{x}"}']
    assert _to_csv_ready(many, "text[]", 9).tolist() == [f"{{t{i}}}" for i in range(8)] + ["{}"]


def test_bare_csv_leaves_text_unquoted_unless_a_value_needs_quotes():
    types = {"name": "text", "n": "integer"}
    plain = pd.DataFrame({"name": pd.array(["Toko A", None, ""], dtype="str"), "n": [1, 2, None]})
    assert csv_rows(plain, types, bare=True) == b"Toko A\x1f1\n\x1f2\n\x1f\n"
    assert csv_rows(plain, types) == b'"Toko A"\x1f1\n\x1f2\n""\x1f\n'  # an empty text is not missing
    quote = pd.DataFrame({"name": pd.array(['Toko "A"', "B"], dtype="str"), "n": [1, 2]})
    assert csv_rows(quote, types, bare=True) == b'"Toko ""A"""\x1f1\n"B"\x1f2\n'


def test_bare_rows_grouped_by_a_column_keep_file_order_within_a_group():
    types = {"area": "text", "n": "integer"}
    rows = pd.DataFrame({"area": pd.array(["32.12.16", "32.12.01", "32.12.16", "32.12.01", "32.12.09"],
                                          dtype="str"), "n": [1, 2, 3, 4, 5]})
    grouped = csv_rows(rows, types, bare=True, grouped_by="area")
    assert grouped == b"32.12.01\x1f2\n32.12.01\x1f4\n32.12.09\x1f5\n32.12.16\x1f1\n32.12.16\x1f3\n"
    quoted = rows.assign(area=rows["area"].str.replace("09", '"09"'))  # quoted CSV: rows stay as they are
    assert csv_rows(quoted, types, bare=True, grouped_by="area").tobytes().count(b"\n") == 5


class _Sink:
    """Prepares chunks slowly and out of step, records what it is sent."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.sent: list[int] = []
        self.fail_on = fail_on
        self.threads: set[str] = set()

    def prepare(self, frame: pd.DataFrame, rows: np.ndarray) -> int:
        first = int(rows[0])
        time.sleep(0.02 if first % 2 == 0 else 0.0)  # even chunks finish after the odd ones
        if first == self.fail_on:
            raise ValueError(f"cannot encode chunk {first}")
        return first

    def write(self, prepared: int) -> int:
        self.threads.add(threading.current_thread().name)
        self.sent.append(prepared)
        return 10


def test_writer_sends_chunks_in_file_order_from_one_thread():
    sink = _Sink()
    with LoadRunner() as runner:
        writer = runner.writer(sink)
        for first in range(0, 80, 10):
            writer.submit(pd.DataFrame({"a": range(10)}), np.arange(first, first + 10))
        writer.submit(pd.DataFrame({"a": []}), np.array([], dtype=int))  # nothing to write
        assert writer.close() == 80
    assert sink.sent == list(range(0, 80, 10))
    assert len(sink.threads) == 1 and sink.threads.pop().startswith("etl-load")


def test_writer_reraises_a_failure_to_prepare_and_sends_nothing_after_it():
    sink = _Sink(fail_on=30)
    with LoadRunner() as runner:
        writer = runner.writer(sink)
        for first in range(0, 60, 10):
            writer.submit(pd.DataFrame({"a": range(10)}), np.arange(first, first + 10))
        with pytest.raises(ValueError, match="chunk 30"):
            writer.close()
    assert sink.sent == [0, 10, 20]


def test_a_stopped_writer_sends_nothing_more_and_its_loop_ends():
    sink = _Sink()
    with LoadRunner() as runner:
        writer = runner.writer(sink)
        writer.submit(pd.DataFrame({"a": range(10)}), np.arange(0, 10))
        writer.stop()
        writer.submit(pd.DataFrame({"a": range(10)}), np.arange(10, 20))  # after the stop: dropped
        assert writer.close() == 10 * len(sink.sent)
    assert sink.sent in ([], [0])
