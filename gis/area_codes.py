"""Kemendagri area codes (32.12, 32.12.16, 32.12.16.2004): their shape, and SQL keeping what lies inside.

Codes are fixed-width, so an area holds exactly the codes that start with its own and a dot.
"""

from __future__ import annotations

import re

AREA_CODE = re.compile(r"\d{2}\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?")


def is_inside(code: str, area: str) -> bool:
    """True when ``code`` is ``area`` or lies inside it (32.12.16.2004 is inside 32.12.16): as ``inside_areas``."""
    return code == area or code.startswith(area + ".")


def inside_areas(column_sql: str, codes: list[str], key: str) -> tuple[str, dict[str, object]]:
    """A WHERE fragment keeping rows whose code ``column_sql`` is one of ``codes`` or lies inside one,
    and its bound parameters (``codes`` must match AREA_CODE: digits and dots, no LIKE wildcard)."""
    if not all(AREA_CODE.fullmatch(code) for code in codes):
        raise ValueError(f"not Kemendagri area codes: {codes!r}")
    sql = f"({column_sql} = ANY(CAST(:{key} AS text[])) OR {column_sql} LIKE ANY(CAST(:{key}_in AS text[])))"
    return sql, {key: list(codes), f"{key}_in": [f"{code}.%" for code in codes]}
