"""Tolerant, vectorised parsing of numbers as Indonesian and English sources write them.

Indonesian sources (BPS, dinas spreadsheets, Excel in the id-ID locale) write
``1.118.941`` for 1118941, ``1.234,56`` for 1234.56 and ``-6,3275`` for a latitude;
English sources write ``1,234.56``. The decimal mark is decided once per column
(:func:`detect_decimal`), then every cell is parsed with that convention
(:func:`parse_numbers`); a cell that does not fit the convention is reported as bad
instead of being silently misread (``108.35`` in a column read with ',' as decimal mark
is bad, not 10835).

The text work runs on pyarrow compute kernels (RE2 regexes, no Python loop per cell).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gis.text import arrow_text

Decimal = Literal[",", "."]

#: Cell texts meaning "no value" (compared case-insensitively). BPS writes "..." / "…".
MISSING_TOKENS: frozenset[str] = frozenset({"", "...", "…", "..", "n/a", "na", "nan", "null"})
#: Cell texts meaning zero: the BPS convention for "nil" is a lone dash.
ZERO_TOKENS: frozenset[str] = frozenset({"-", "–", "—", "−"})

# Explicit characters rather than \s: RE2's \s does not know NBSP and friends.
_SPACES = " \t\u00a0\u2007\u2009\u202f"
_SPACE_RUN = f"[{_SPACES}]+"

# Shapes of a number core (sign, parentheses, percent and spaces removed) that decide
# the decimal mark. A single separator followed by exactly three digits after a 1-3
# digit group ("92.577", "1,234") is ambiguous and matches none of them.
_DECISIVE_FOR_COMMA = (
    r"^[0-9]{1,3}(\.[0-9]{3}){2,}$"  # 1.118.941
    r"|^[0-9]{1,3}(\.[0-9]{3})+,[0-9]+$"  # 1.234,56
    r"|^[0-9]*,([0-9]{1,2}|[0-9]{4,})$"  # -6,3275 / 12,5
    r"|^(0[0-9]*|[0-9]{4,})?,[0-9]{3}$"  # 0,577 / ,577 / 1234,567
)
_DECISIVE_FOR_DOT = (
    r"^[0-9]{1,3}(,[0-9]{3}){2,}$"  # 1,118,941
    r"|^[0-9]{1,3}(,[0-9]{3})+\.[0-9]+$"  # 1,234.56
    r"|^[0-9]*\.([0-9]{1,2}|[0-9]{4,})$"  # 108.35 / 108.3512
    r"|^(0[0-9]*|[0-9]{4,})?\.[0-9]{3}$"  # 0.577 / .577 / 1234.567
)

# A whole unsigned number under each convention (thousands separators optional).
_VALID_CORE: dict[str, str] = {
    ".": r"^([0-9]{1,3}(,[0-9]{3})+|[0-9]+)?(\.[0-9]+)?([eE][+-]?[0-9]+)?$",
    ",": r"^([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)?(,[0-9]+)?$",
}
_THOUSANDS: dict[str, str] = {".": ",", ",": "."}


def detect_decimal(values: pd.Series, *, prefer: Decimal = ".") -> Decimal:
    """Return the decimal mark (',' or '.') of a column of numbers written as text.

    The rule, applied to all non-empty text cells of the column (numeric cells from
    XLSX are ignored):

    * decisive for ',' (Indonesian): two or more '.' groups (``1.118.941``), '.' groups
      then ',' (``1.234,56``), or a single ',' not followed by exactly three digits
      (``-6,3275``) or after a leading 0 / more than three digits (``0,577``);
    * decisive for '.' (English): the mirror images (``1,234,567``, ``1,234.56``,
      ``108.35``, ``0.577``, ``1234.567``);
    * ambiguous: a single separator followed by exactly three digits after a 1-3 digit
      group (``92.577``, ``1.234``, ``1,234``) - these give no vote.

    The mark with more decisive cells wins. With no decisive cell, or a tie, ``prefer``
    is returned: a column holding only values like ``92.577`` and ``1.234`` is read
    with '.' as the thousands separator only when ``prefer`` is ','.
    """
    if prefer not in (",", "."):
        raise ValueError(f"prefer must be ',' or '.', not {prefer!r}")
    if _is_plain_numeric(values):
        return prefer
    text = values[~_native_number_mask(values)]
    _, body = _split_sign(_text_array(text))
    return _decide_decimal(body, prefer)


def parse_numbers(
    values: pd.Series, *, decimal: Decimal | None = None
) -> tuple[pd.Series, pd.Series]:
    """Parse a column into (float64 values, bad) with NaN for empty cells.

    ``bad`` is True where a non-empty cell is not a number. Empty cells and the
    tokens ``...``, ``…``, ``n/a``, ``NA``, ``nan``, ``null`` are missing (NaN, not bad);
    a lone ``-`` / ``–`` / ``—`` is 0 (BPS "nil"). Surrounding spaces and NBSP, a
    leading '+', a trailing '%', "(1.234)" as a negative and thousands separators
    ('.', ',' or spaces, according to the convention) are accepted. Numbers that are
    already numeric (XLSX cells, numeric dtypes) pass through unchanged; bools and
    dates are bad.

    ``decimal`` is detected with :func:`detect_decimal` when not given. When a file is
    read in chunks, detect it once (on the first chunk) and pass it for every chunk,
    so that all chunks are read with the same convention.
    """
    if decimal not in (None, ",", "."):
        raise ValueError(f"decimal must be ',', '.' or None, not {decimal!r}")
    index, name = values.index, values.name
    if _is_plain_numeric(values):
        return values.astype("float64"), pd.Series(False, index=index, name=name)
    native = _native_number_mask(values)
    numbers = np.full(len(values), np.nan)
    bad = np.zeros(len(values), dtype=bool)
    if native.any():
        numbers[native] = values[native].astype("float64").to_numpy()
    text = _text_array(values[~native])
    numbers[~native], bad[~native] = _parse_text(text, decimal)
    return pd.Series(numbers, index=index, name=name), pd.Series(bad, index=index, name=name)


def _is_plain_numeric(values: pd.Series) -> bool:
    dtype = values.dtype
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _native_number_mask(values: pd.Series) -> np.ndarray:
    """Return True for cells holding a Python/NumPy number (from XLSX), not bool or text."""
    if values.dtype != object:
        return np.zeros(len(values), dtype=bool)
    return np.fromiter(
        (
            isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_))
            for v in values
        ),
        dtype=bool,
        count=len(values),
    )


def _text_array(values: pd.Series) -> pa.Array:
    """Return the cells as a stripped pyarrow string array (null for missing cells)."""
    return pc.utf8_trim_whitespace(arrow_text(values))


def _parse_text(text: pa.Array, decimal: Decimal | None) -> tuple[np.ndarray, np.ndarray]:
    """Parse stripped text cells; return (float64 values, bad) as NumPy arrays."""
    plain_decimal = decimal in (None, ".")
    if plain_decimal and (plain := _cast_plain(text)) is not None:  # nothing but numbers and empty cells
        return plain, np.zeros(len(text), dtype=bool)
    token = _true(pc.is_in(pc.utf8_lower(text), _set(MISSING_TOKENS)))
    candidates = pc.if_else(pa.array(token), pa.scalar(None, text.type), text)
    if plain_decimal and token.any() and (plain := _cast_plain(candidates)) is not None:  # and "n/a" cells
        return plain, np.zeros(len(text), dtype=bool)
    zero = _true(pc.is_in(text, _set(ZERO_TOKENS)))
    candidates = pc.if_else(pa.array(zero), pa.scalar(None, text.type), candidates)
    negative, body = _split_sign(candidates)
    if decimal is None:
        decimal = _decide_decimal(body, ".")
    valid, numbers = _parse_core(body, decimal)
    numbers = np.where(negative, -numbers, numbers)
    numbers[zero] = 0.0
    bad = _true(pc.is_valid(candidates)) & ~valid
    return numbers, bad


def _cast_plain(text: pa.Array) -> np.ndarray | None:
    """Fast path: return floats if every non-missing cell already is a plain, finite float literal
    (pyarrow's parser refuses anything else but infinity and NaN; a regex check costs five times more)."""
    try:
        numbers = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    finite_or_missing = np.isfinite(numbers) | pc.is_null(text).to_numpy(zero_copy_only=False)
    return numbers if finite_or_missing.all() else None


def _split_sign(text: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Return (is_negative, unsigned body) after removing '%', parentheses and the sign."""
    body = text
    if _any(pc.match_substring(body, "%")):
        body = pc.utf8_trim_whitespace(pc.replace_substring_regex(body, "%$", ""))
    in_parens = _true(pc.match_substring_regex(body, r"^\(.*\)$"))
    if in_parens.any():
        body = pc.replace_substring_regex(body, r"^\((.*)\)$", r"\1")
        body = pc.utf8_trim_whitespace(body)
    if _any(pc.match_substring_regex(body, "^[\u2212\u2013]")):
        body = pc.replace_substring_regex(body, "^[\u2212\u2013]", "-")
    minus = _true(pc.starts_with(body, "-"))
    signed = minus | _true(pc.starts_with(body, "+"))
    if signed.any():
        unsigned = pc.utf8_ltrim(pc.utf8_slice_codeunits(body, 1), characters=_SPACES)
        body = pc.if_else(pa.array(signed), unsigned, body)
    return in_parens ^ minus, body


def _decide_decimal(body: pa.Array, prefer: Decimal) -> Decimal:
    """Apply the voting rule of :func:`detect_decimal` to unsigned number texts."""
    cores = _replace_spaces(body, "")
    comma_votes = int(_true(pc.match_substring_regex(cores, _DECISIVE_FOR_COMMA)).sum())
    dot_votes = int(_true(pc.match_substring_regex(cores, _DECISIVE_FOR_DOT)).sum())
    if comma_votes > dot_votes:
        return ","
    if dot_votes > comma_votes:
        return "."
    return prefer


def _parse_core(body: pa.Array, decimal: Decimal) -> tuple[np.ndarray, np.ndarray]:
    """Return (valid, value) of unsigned number texts under one decimal convention."""
    thousands = _THOUSANDS[decimal]
    grouped = _replace_spaces(body, thousands)
    valid = _true(pc.match_substring_regex(grouped, _VALID_CORE[decimal]))
    valid &= _true(pc.match_substring_regex(grouped, "[0-9]"))
    literal = pc.if_else(pa.array(valid), grouped, pa.scalar(None, grouped.type))
    literal = pc.replace_substring(literal, thousands, "")
    if decimal == ",":
        literal = pc.replace_substring(literal, ",", ".")
    numbers = pc.cast(literal, pa.float64()).to_numpy(zero_copy_only=False)
    return valid, numbers


def _replace_spaces(text: pa.Array, replacement: str) -> pa.Array:
    """Replace each run of spaces (thousands grouping like '1 234 567') by one string."""
    if not _any(pc.match_substring_regex(text, _SPACE_RUN)):
        return text
    return pc.replace_substring_regex(text, _SPACE_RUN, replacement)


def _true(mask: pa.Array) -> np.ndarray:
    """Return a boolean pyarrow mask as NumPy, null counting as False."""
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)


def _any(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py())


def _set(tokens: frozenset[str]) -> pa.Array:
    return pa.array(sorted(tokens), type=pa.large_string())


def decide_decimals(columns: dict[str, pd.Series], *, prefer: Decimal = ".") -> dict[str, Decimal]:
    """Decimal mark of every number column of one file: a file is written in one locale.

    Columns whose cells decide the mark keep their own; the others take the mark most
    decisive columns use, or ``prefer`` when no column decides (e.g. a BPS table whose
    only figures look like ``92.577``: pass ``prefer=','`` for an Indonesian file).
    """
    decisive: dict[str, Decimal] = {}
    for name, cells in columns.items():
        dot, comma = detect_decimal(cells, prefer="."), detect_decimal(cells, prefer=",")
        if dot == comma:
            decisive[name] = dot
    votes = list(decisive.values())
    fallback: Decimal = max(set(votes), key=votes.count) if votes else prefer
    return {name: decisive.get(name, fallback) for name in columns}
