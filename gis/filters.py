"""The one compiler of ``?name=value`` property filters: OGC items, counts, exports and tiles all use it.

A filter is a property the registry marks ``filterable``; the same name means the same thing on every
interface:

- several values separated by commas mean any of them (``sector=C,G``); booleans take one value;
- an array property (tags) keeps the rows that have every given value (``tags=krupuk,migrant-owned``);
- a property of Kemendagri codes marked ``area`` (``area_code``, ``parent_code``) keeps what lies inside
  the given areas, at any level: ``area_code=32.12.16`` is every row of Kec. Sindang's desa.

Values reach SQL only as bound parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from gis.area_codes import AREA_CODE, inside_areas
from gis.errors import InvalidRequest
from gis.layers import Layer, Prop

_ARRAY_CAST = {"string": "text[]", "integer": "bigint[]", "number": "double precision[]"}


class QueryError(InvalidRequest):
    """A query parameter the client must fix (unknown filter property, value of the wrong type ...)."""


def property_filters(layer: Layer, filters: Mapping[str, str] | None, prefix: str = "f") -> tuple[str, dict]:
    """A WHERE fragment (``TRUE`` when there is no filter) and its bound parameters."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    for i, (name, raw) in enumerate(sorted((filters or {}).items())):
        prop = filter_property(layer, name)
        key = f"{prefix}{i}"
        values = filter_values(prop, raw)
        if prop.area:
            sql, bound = inside_areas(prop.sql, [str(v) for v in values], key)
            clauses.append(sql)
            params.update(bound)
        elif prop.type == "boolean":
            clauses.append(f"{prop.sql} = :{key}")
            params[key] = values[0]
        elif prop.type == "array":  # every given value (a GIN index answers it)
            clauses.append(f"{prop.sql} @> CAST(:{key} AS text[])")
            params[key] = values
        else:  # any of the given values
            clauses.append(f"{prop.sql} = ANY(CAST(:{key} AS {_ARRAY_CAST[prop.type]}))")
            params[key] = values
    return (" AND ".join(clauses) or "TRUE"), params


def filter_property(layer: Layer, name: str) -> Prop:
    """The filterable property ``name`` of ``layer``, or a QueryError naming the filters there are."""
    prop = layer.prop(name)
    if prop is None or not prop.filterable:
        raise QueryError(f"{name!r} is not a filter of {layer.id}; filters: {', '.join(layer.filters) or 'none'}")
    return prop


def filter_values(prop: Prop, raw: str) -> list[object]:
    """The typed values of one filter (several separated by commas)."""
    parts = [p.strip() for p in raw.split(",")]
    if not raw.strip() or any(p == "" for p in parts):
        raise QueryError(f"{prop.name} needs a value (several are separated by commas)")
    if prop.area:
        bad = [p for p in parts if not AREA_CODE.fullmatch(p)]
        if bad:
            raise QueryError(f"{prop.name} takes Kemendagri codes such as 32.12, 32.12.16 or 32.12.16.2004 "
                             f"(several separated by commas), got {bad[0]!r}")
        return list(parts)
    if prop.type in ("integer", "number"):
        return _numbers(prop, parts, raw)
    if prop.type == "boolean":
        if len(parts) != 1 or parts[0].lower() not in ("true", "false"):
            raise QueryError(f"{prop.name} must be true or false, got {raw!r}")
        return [parts[0].lower() == "true"]
    return list(parts)


def _numbers(prop: Prop, parts: list[str], raw: str) -> list[object]:
    kind = "a whole number" if prop.type == "integer" else "a number"
    problem = f"{prop.name} must be {kind} (several separated by commas), got {raw!r}"
    try:
        values: list[object] = [int(p) if prop.type == "integer" else float(p) for p in parts]
    except ValueError:
        raise QueryError(problem) from None
    if not all(math.isfinite(v) and abs(v) < 2**63 for v in values):  # type: ignore[arg-type]
        raise QueryError(problem)
    return values
