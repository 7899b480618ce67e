"""Declared columns: names, aliases, types, units and ranges, with vectorised converters."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from etl.numbers import parse_numbers

ColumnType = Literal["text", "number", "integer", "year", "code", "tags", "kbli", "url"]
_CODE_PARTS = (2, 2, 2, 4)  # Kemendagri: province . regency . district . village
_URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)


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
    """Apply ``fn`` to every non-missing cell; missing cells and None results stay None (object dtype)."""
    cells = values.to_numpy(dtype=object, na_value=None)
    return pd.Series([None if v is None else fn(v) for v in cells], index=values.index, dtype=object)


def blank_to_none(values: pd.Series) -> pd.Series:
    """Strip text cells and turn empty or missing ones into None (object dtype)."""
    if values.dtype != object:
        values = values.astype("str") if pd.api.types.is_string_dtype(values) else values.astype(object)
    if pd.api.types.is_string_dtype(values) and values.dtype != object:
        stripped = values.str.strip()
        stripped = stripped.mask(stripped == "")
    else:
        stripped = each(values, lambda v: v.strip() or None if isinstance(v, str) else v)
    return pd.Series(stripped.to_numpy(dtype=object, na_value=None), index=values.index, dtype=object)


def convert(column: Column, values: pd.Series, *, decimal: str | None = None) -> Converted:
    """Convert raw cells to the column's type, flagging cells that do not fit."""
    if column.type in ("number", "integer", "year"):
        return _convert_number(column, values, decimal)
    text = blank_to_none(values)
    text = each(text, lambda v: v if isinstance(v, str) else _plain(v))
    if column.type == "code":
        codes = each(text, normalize_code)
        bad = text.notna() & codes.isna()
        return Converted(codes, bad, "not a Kemendagri area code such as 32.12.01 or 32.12.01.2001")
    if column.type == "kbli":
        codes = each(text, lambda v: re.sub(r"\D", "", v) or "?")
        bad = codes.notna() & ~codes.fillna("").str.fullmatch(r"\d{2,5}").astype(bool)
        return Converted(codes.where(~bad, None), bad, "not a KBLI 2020 code (2 to 5 digits)")
    if column.type == "tags":
        tags = pd.Series([split_tags(v) for v in text], index=text.index, dtype=object)
        return Converted(tags, pd.Series(False, index=values.index))
    if column.type == "url":
        urls = each(text, lambda v: v if v.lower().startswith("http") else "https://" + v)
        bad = urls.notna() & ~urls.fillna("").str.match(_URL).astype(bool)
        return Converted(urls, bad, "not a web address")
    bad = pd.Series(False, index=values.index)
    reason = ""
    if column.choices is not None:
        lowered = each(text, str.casefold)
        bad = lowered.notna() & ~lowered.isin(column.choices)
        reason = "must be one of: " + ", ".join(column.choices)
        text = lowered
    if column.max_length is not None:
        too_long = text.fillna("").str.len() > column.max_length
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


def split_tags(value: str | None) -> list[str]:
    """Split a tag cell on ';', ',' or '|' into lowercase tags."""
    if not value:
        return []
    tags = (t.strip().casefold().replace(" ", "-") for t in re.split(r"[;,|]", value))
    return sorted({t for t in tags if t})
