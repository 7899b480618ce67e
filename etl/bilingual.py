"""Bilingual table headers as BPS publishes them ("Dalam Angka").

A BPS table names each column twice: in Indonesian, with the English translation on the
row below ("Kecamatan" over "Subdistrict", "Luas Panen (ha)" over "Harvested Area (ha)"),
or in one cell ("Kecamatan/Subdistrict", "Kecamatan" and "Subdistrict" on two lines).
The reader names a column after its Indonesian text and keeps the other spellings as
alternatives, which the header mapping tries when the first name is not one it knows.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from etl.numbers import MISSING_TOKENS

_UNIT = re.compile(r"[(\[][^)\]]*[)\]]")
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")
HEADER_KINDS = frozenset({"text"})  # cell kinds a translation row is made of
NUMBER_KINDS = frozenset({"number", "year"})  # cell kinds of figures in the rows below


def is_translation_row(top: Collection[int], below: Sequence[Any], below_kinds: Sequence[str],
                       merged_down: Collection[int], spanned: Collection[int],
                       numeric_columns: Collection[int]) -> bool:
    """True when the row below a header translates it, cell by cell.

    ``top``: positions filled in the header row; ``below`` and ``below_kinds``: the cells of the
    row below and their kinds; ``merged_down``: header positions merged down over that row;
    ``spanned``: header positions under a cell merged across (a group header over sub-headers, not
    a translation); ``numeric_columns``: positions whose data rows hold figures. The row below is a
    translation when it holds text only, under header cells, and over every column of figures: a
    data row has figures there (or "n/a"). A label column may be left blank (a CSV saved from a
    workbook whose "Kecamatan" was merged over both rows).
    """
    filled = {p for p, kind in enumerate(below_kinds) if kind != "empty"}
    expected = set(top) - set(merged_down)
    figures = set(numeric_columns) & expected
    if not filled or not figures or not filled <= expected or set(spanned) & filled:
        return False
    if any(below_kinds[p] not in HEADER_KINDS or _is_missing_token(below[p]) for p in filled):
        return False
    return figures <= filled


def _is_missing_token(cell: Any) -> bool:
    return isinstance(cell, str) and cell.strip().casefold() in MISSING_TOKENS


def translated_name(top: str, bottom: str) -> tuple[str, list[str]]:
    """The name of a column headed ``top`` over its translation ``bottom``, and its alternatives.

    The unit one language gives is lent to the other ("Produksi" over "Production (kuintal)" is
    "Produksi (kuintal)"); the alternatives are the translation and both rows read as one text
    (a long header wrapped over two rows: "Luas" over "Panen (ha)").
    """
    if not bottom or bottom == top:
        return top, language_parts(top)
    if not top:
        return bottom, language_parts(bottom)
    primary, other = _with_unit(top, bottom), _with_unit(bottom, top)
    alternatives = [other, f"{top} {bottom}", *language_parts(top), *language_parts(bottom)]
    return primary, [a for a in dict.fromkeys(alternatives) if a != primary]


def language_parts(cell: str) -> list[str]:
    """The languages of one header cell: "Luas Panen/Harvested Area (ha)" -> ["Luas Panen (ha)",
    "Harvested Area (ha)"]; split at '/' or a line break outside brackets, each part with the
    cell's unit when it has none. A cell in one language gives no part."""
    parts = [p.strip() for p in _split_outside_brackets(_LINE_BREAK.sub("\n", cell.strip()))]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return []
    units = " ".join(_UNIT.findall(cell))
    return [p if _UNIT.search(p) or not units else f"{p} {units}" for p in parts]


def _with_unit(text: str, other: str) -> str:
    """``text`` with the unit of ``other`` when it has none of its own."""
    if _UNIT.search(text):
        return text
    units = _UNIT.findall(other)
    return f"{text} {' '.join(units)}" if units else text


def _split_outside_brackets(text: str) -> list[str]:
    parts, current, depth = [], [], 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if char in "/\n" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts
