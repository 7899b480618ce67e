"""Tests of etl.numbers: decimal-mark detection and tolerant number parsing."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from etl.numbers import detect_decimal, parse_numbers


def text(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def parsed(values: pd.Series, **kwargs) -> list[float | None]:
    numbers, _ = parse_numbers(values, **kwargs)
    return [None if np.isnan(v) else v for v in numbers]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1.234,56", "92.577", "1.118.941"], ","),  # Indonesian
        (["1.118.941"], ","),  # several '.' groups: thousands
        (["-6,3275", "-6,41", "108,35"], ","),  # Excel id-ID coordinates
        (["1,234.56", "2,000"], "."),  # English
        (["1,234,567"], "."),
        (["108.35", "107.9"], "."),  # single '.', not three digits after it
        (["0.577", "1"], "."),  # a leading 0 is never a thousands group
        (["0,577"], ","),
        (["1234.567"], "."),  # a group longer than three digits
        (["92.577", "1.234"], "."),  # ambiguous: the default preference
        (["92577", "12"], "."),  # nothing to decide on
        ([], "."),
    ],
)
def test_detect_decimal(values: list[str], expected: str) -> None:
    assert detect_decimal(text(*values)) == expected


def test_detect_decimal_prefers_comma_only_when_asked_for_ambiguous_columns() -> None:
    ambiguous = text("92.577", "1.234", None, "")
    assert detect_decimal(ambiguous, prefer=",") == ","
    assert detect_decimal(ambiguous, prefer=".") == "."
    decisive = text("92.577", "108.35")
    assert detect_decimal(decisive, prefer=",") == "."


def test_detect_decimal_majority_of_decisive_cells_wins() -> None:
    assert detect_decimal(text("1.118.941", "2.000.000", "108.35")) == ","
    assert detect_decimal(text("1,5", "108.35", "7.25")) == "."


def test_detect_decimal_ignores_numeric_cells() -> None:
    mixed = pd.Series([108.35, 7.25, "1.234,5"], dtype=object)
    assert detect_decimal(mixed) == ","
    assert detect_decimal(pd.Series([1.5, 2.5])) == "."
    assert detect_decimal(pd.Series([1.5, 2.5]), prefer=",") == ","


def test_parse_indonesian_column() -> None:
    values = text("92.577", "1.118.941", "1.234,56", " -6,3275 ", "")
    numbers, bad = parse_numbers(values)
    assert numbers.tolist()[:4] == [92577.0, 1118941.0, 1234.56, -6.3275]
    assert np.isnan(numbers.iloc[4])
    assert not bad.any()


def test_parse_english_column() -> None:
    assert parsed(text("1,234.56", "2,000", "108.35", "(1,000)")) == [1234.56, 2000.0, 108.35, -1000.0]


def test_parse_ambiguous_column_uses_given_decimal() -> None:
    values = text("92.577", "1.234")
    assert parsed(values) == [92.577, 1.234]
    assert parsed(values, decimal=",") == [92577.0, 1234.0]


def test_bps_tokens_missing_zero_and_bad() -> None:
    values = text("-", "–", "—", "...", "…", "n/a", "NA", "", None, "x", "12 ton", "1.2.3")
    numbers, bad = parse_numbers(values)
    assert numbers.tolist()[:3] == [0.0, 0.0, 0.0]
    assert numbers.iloc[3:].isna().all()
    assert bad.tolist() == [False] * 9 + [True, True, True]


def test_decorations_are_accepted() -> None:
    values = text("\u00a0+5\u00a0", "12,5%", "(1.234)", "1 234 567", "1\u202f234,5", "−7", "- 8")
    assert parsed(values, decimal=",") == [5.0, 12.5, -1234.0, 1234567.0, 1234.5, -7.0, -8.0]


def test_value_that_does_not_fit_the_convention_is_bad_not_misread() -> None:
    numbers, bad = parse_numbers(text("108.35", "1.118.941"), decimal=",")
    assert bad.tolist() == [True, False]
    assert np.isnan(numbers.iloc[0])
    assert numbers.iloc[1] == 1118941.0


def test_parentheses_and_spaces_need_valid_groups() -> None:
    _, bad = parse_numbers(text("1 23", "12.34.5", "(abc)", "+"), decimal=",")
    assert bad.all()


def test_numeric_cells_from_xlsx_pass_through() -> None:
    values = pd.Series([92577, 12.5, None, "1.118.941", True, float("nan")], dtype=object)
    numbers, bad = parse_numbers(values)
    assert numbers.iloc[:2].tolist() == [92577.0, 12.5]
    assert np.isnan(numbers.iloc[2]) and np.isnan(numbers.iloc[5])
    assert numbers.iloc[3] == 1118941.0
    assert bad.tolist() == [False, False, False, False, True, False]


def test_numeric_dtype_passes_through_with_index_and_name() -> None:
    values = pd.Series([1, 2, 3], index=[10, 20, 30], name="produksi")
    numbers, bad = parse_numbers(values)
    assert numbers.dtype == "float64"
    assert numbers.index.tolist() == [10, 20, 30]
    assert numbers.name == "produksi"
    assert not bad.any()


def test_text_index_is_kept() -> None:
    values = pd.Series(["1,5", "x"], index=[7, 3], dtype="str")
    numbers, bad = parse_numbers(values)
    assert numbers.loc[7] == 1.5
    assert bad.loc[3]


def test_invalid_decimal_argument() -> None:
    with pytest.raises(ValueError):
        parse_numbers(text("1"), decimal=";")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        detect_decimal(text("1"), prefer="x")  # type: ignore[arg-type]


def test_million_plain_numbers_take_well_under_a_second() -> None:
    rng = np.random.default_rng(1)
    values = pd.Series(rng.uniform(-1e6, 1e6, 1_000_000).round(4).astype(str), dtype="str")
    values.iloc[10] = ""
    started = time.perf_counter()
    numbers, bad = parse_numbers(values)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.8
    assert not bad.any()
    assert np.isnan(numbers.iloc[10])
    assert numbers.iloc[0] == float(values.iloc[0])


def test_million_indonesian_numbers_are_vectorised() -> None:
    values = pd.Series([f"{i % 1000}.{i % 997:03d},{i % 7}" for i in range(1_000_000)], dtype="str")
    started = time.perf_counter()
    numbers, bad = parse_numbers(values)
    elapsed = time.perf_counter() - started
    assert elapsed < 4.0  # typically ~1 s
    assert not bad.any()
    assert numbers.iloc[1234] == 234_237.2


def test_decide_decimals_one_locale_per_file():
    from etl.numbers import decide_decimals

    ambiguous = pd.Series(["92.577", "150.795"])
    decided = decide_decimals({"produksi": ambiguous, "luas": pd.Series(["7.123,5", "12,25"])})
    assert decided == {"produksi": ",", "luas": ","}
    assert decide_decimals({"produksi": ambiguous}) == {"produksi": "."}
    assert decide_decimals({"produksi": ambiguous}, prefer=",") == {"produksi": ","}
    assert decide_decimals({"lat": pd.Series(["-6.3275"]), "n": ambiguous}, prefer=",") == {"lat": ".", "n": "."}
