"""Declared columns: names, aliases, types, units and ranges, with vectorised converters."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from etl.numbers import parse_numbers
from gis.text import text_series

ColumnType = Literal["text", "number", "integer", "year", "code", "tags", "kbli", "url"]
_CODE_PARTS = (2, 2, 2, 4)  # Kemendagri: province . regency . district . village
TEXT = "str"  # pandas' string dtype: pyarrow-backed, NA for missing
_URL = r"(?i)^https?://[^\s/$.?#][^\s]*$"
# Whitespace spelled out: pandas runs a pattern with \s (or \d on non-ASCII text) through Python's re,
# cell by cell, instead of pyarrow's vectorised RE2 - five times slower on a large file.
SPACE = "[ \t\n\r\f\v\u00a0\u2007\u202f]"


@dataclass(frozen=True)
class Column:
    """One column a job understands: canonical name, accepted headers, type and range."""

    name: str
    type: ColumnType = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    scaled: Mapping[str, float] = field(default_factory=dict)
    choices: tuple[str, ...] | None = None
    max_length: int | None = 500
    description: str = ""

    @property
    def accepted(self) -> tuple[str, ...]:
        """All normalised headers that fill this column, in order of preference."""
        return (self.name, *self.aliases, *self.scaled)


@dataclass(frozen=True)
class Converted:
    """The result of converting one column: values, a mask of bad cells and why."""

    values: pd.Series
    bad: pd.Series
    reason: str = ""


def each(values: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """Apply ``fn`` once per distinct non-missing cell (fast on low-cardinality columns). Text results
    come back as pandas text (arrow), any other results as objects."""
    positions, uniques = pd.factorize(values)  # missing cells get position -1
    results = np.array([fn(v) for v in uniques] + [None], dtype=object)
    results[pd.isna(results)] = None
    given = [r for r in results if r is not None]
    if given and all(isinstance(r, str) for r in given):
        picks = np.where(positions < 0, len(results) - 1, positions)  # missing cells: the last, None
        return text_series(pa.array(results, type=pa.large_string()).take(pa.array(picks)), values.index)
    return pd.Series(results[positions], index=values.index, dtype=object)


def on_distinct(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply the vectorised ``fn`` to the distinct cells only and spread the results back (tags, codes)."""
    positions, uniques = pd.factorize(values)
    if len(uniques) * 4 > len(values):  # mostly distinct: not worth it
        return fn(values)
    results = fn(pd.Series(uniques, dtype=values.dtype)).reset_index(drop=True)
    results = pd.concat([results, pd.Series([None], dtype=results.dtype)], ignore_index=True)
    return results.take(positions).set_axis(values.index)  # position -1 (missing) takes the last: None


def to_text(values: pd.Series, *, clean: bool = False) -> pd.Series:
    """Cells as stripped text (pandas string dtype); blank and missing cells become NA. ``clean``:
    text cells are stripped and blank ones missing already (table readers make them so)."""
    if clean and values.dtype == TEXT:
        return values
    if values.dtype == object:  # XLSX and vector attributes mix numbers and text
        values = each(values, lambda v: v if isinstance(v, str) else _plain(v))
    text = values.astype(TEXT).str.strip()
    return text.mask(text == "")


def convert(column: Column, values: pd.Series, *, decimal: str | None = None, clean: bool = False) -> Converted:
    """Convert raw cells to the column's type, flagging cells that do not fit (``clean``: see to_text)."""
    if column.type in ("number", "integer", "year"):
        return _convert_number(column, values, decimal)
    text = to_text(values, clean=clean)
    present = text.notna()
    if column.type == "code":
        codes = each(text, normalize_code)
        return Converted(codes, present & codes.isna(), "not a Kemendagri area code such as 32.12.01 or 32.12.01.2001")
    if column.type == "kbli":
        digits = on_distinct(text, lambda t: t.str.replace(r"[^0-9]", "", regex=True))
        bad = present & ~digits.str.fullmatch(r"[0-9]{2,5}").fillna(False).astype(bool)
        return Converted(digits.mask(bad), bad, "not a KBLI 2020 code (2 to 5 digits)")
    if column.type == "tags":
        return Converted(on_distinct(text, normalize_tags), pd.Series(False, index=values.index))
    if column.type == "url":
        urls = text.where(text.str.lower().str.startswith("http").fillna(True), "https://" + text)
        bad = present & ~urls.str.match(_URL).fillna(False).astype(bool)
        return Converted(urls, bad, "not a web address")
    bad = pd.Series(False, index=values.index)
    reason = ""
    if column.choices is not None:
        text = text.str.lower()
        bad = present & ~text.isin(column.choices)
        reason = "must be one of: " + ", ".join(column.choices)
    if column.max_length is not None:
        too_long = (text.str.len() > column.max_length).fillna(False).astype(bool)
        if too_long.any():
            bad = bad | too_long
            reason = reason or f"longer than {column.max_length} characters"
    return Converted(text, bad, reason)


def _convert_number(column: Column, values: pd.Series, decimal: str | None) -> Converted:
    numbers, bad = parse_numbers(values, decimal=decimal)
    reason = "not a number"
    if column.type in ("integer", "year"):
        fractional = numbers.notna() & (numbers != np.floor(numbers))
        bad = bad | fractional
        reason = "not a whole number"
    out_of_range = pd.Series(False, index=values.index)
    if column.minimum is not None:
        out_of_range |= numbers < column.minimum
    if column.maximum is not None:
        out_of_range |= numbers > column.maximum
    if out_of_range.any():
        bad = bad | out_of_range
        reason = f"outside the allowed range {_range_text(column)}"
    return Converted(numbers.where(~bad), bad, reason)


def _range_text(column: Column) -> str:
    low = "-inf" if column.minimum is None else f"{column.minimum:g}"
    high = "inf" if column.maximum is None else f"{column.maximum:g}"
    return f"[{low}, {high}]"


def _plain(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalize_code(value: str | None) -> str | None:
    """Return a Kemendagri code with dots (``3212012001`` -> ``32.12.01.2001``), or None."""
    if value is None:
        return None
    text = value.strip().replace(" ", "")
    if re.fullmatch(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?", text):
        return text
    if text.isdigit() and len(text) in (2, 4, 6, 10):
        parts, pos = [], 0
        for width in _CODE_PARTS:
            if pos >= len(text):
                break
            parts.append(text[pos : pos + width])
            pos += width
        return ".".join(parts)
    return None


def code_level(code: str) -> str:
    """Return the administrative level of a Kemendagri code."""
    return {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}[code.count(".") + 1]


def parent_of(code: str) -> str | None:
    """Return the code one level up (``32.12.01`` -> ``32.12``)."""
    return code.rsplit(".", 1)[0] if "." in code else None


def normalize_tags(text: pd.Series) -> pd.Series:
    """Tags as ``a;b;c``: lowercase, split on ';', ',' or '|', inner spaces as '-' (vectorised)."""
    tags = text.str.lower().str.replace(f"{SPACE}*[;,|]+{SPACE}*", ";", regex=True)
    tags = tags.str.strip("; ").str.replace(f"{SPACE}+", "-", regex=True).str.replace('"', "", regex=False)
    return tags.mask(tags == "")
