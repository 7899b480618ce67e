"""Read the inputs of ``gis.analysis`` from PostGIS: what exists, the areas, production and reference totals.

Table and column names come from ``SECTOR_TABLES``, made from the registry's statistical layers
(``gis.layers.Stats``) at call time; user input reaches SQL only as bound parameters. Only the areas of the
served regency (``region_code`` and the codes below it) are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, text

from gis import analysis
from gis.analysis import AnalysisQuery, Area, Coverage, Inputs
from gis.layers import LiveMapping, stat_layers

# sector (statistical layer id) -> (base table, subject column), read from the registry on every access
SECTOR_TABLES: Mapping[str, tuple[str, str]] = LiveMapping(
    lambda: {layer.id: (layer.table, layer.stats.subject) for layer in stat_layers() if layer.stats})


def reference_code(scope: str, region_code: str) -> str:
    """Code of the reference area: the regency itself, its province (first part of the code) or the nation."""
    if scope == "provinsi":
        return region_code.split(".")[0]
    if scope == "nasional":
        return analysis.NATION_CODE
    return region_code


def read_inputs(engine: Engine, query: AnalysisQuery, region_code: str, geometry: bool = False) -> Inputs:
    """Check ``query`` against the data (MissingData/InvalidAnalysis) and read what its analysis needs."""
    if query.sector not in SECTOR_TABLES:
        raise analysis.InvalidAnalysis(f"sector must be one of {', '.join(SECTOR_TABLES)}; got {query.sector!r}")
    with engine.connect() as conn:
        coverage = read_coverage(conn, query.sector, region_code)
        plan = analysis.plan(query, coverage)
        code = reference_code(query.reference, region_code)
        return Inputs(
            plan=plan, coverage=coverage,
            areas=read_areas(conn, query.level, region_code, geometry),
            production=read_production(conn, query.sector, query.level, region_code, plan.years),
            reference_totals=(read_reference_totals(conn, query.reference, code, plan.commodities, plan.years)
                              if query.reference != "kabupaten" else _empty_totals()),
            region=read_region(conn, region_code), reference_code=code,
        )


def read_coverage(conn: Connection, sector: str, region_code: str) -> Coverage:
    """Years with production figures per level and commodity, and provincial/national totals of those subjects."""
    table, column = SECTOR_TABLES[sector]
    rows = conn.execute(text(
        f"SELECT a.level, t.{column} AS subject, t.year FROM {table} t JOIN areas a ON a.code = t.area_code "
        "WHERE t.production_ton IS NOT NULL AND (a.code = :region OR starts_with(a.code, :prefix)) "
        "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"), {"region": region_code, "prefix": region_code + "."}).all()
    production = _nest((level, subject, int(year)) for level, subject, year in rows)
    subjects = sorted({subject for _, subject, _ in rows})
    references: dict[str, dict[str, tuple[int, ...]]] = {}
    if subjects:
        refs = conn.execute(text(
            "SELECT scope, subject, year FROM comparison_totals WHERE measure = 'production_ton' "
            "AND ((scope = 'provinsi' AND scope_code = :province) OR (scope = 'nasional' AND scope_code = :nation)) "
            "AND subject IN :subjects GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").bindparams(
                bindparam("subjects", expanding=True)),
            {"province": reference_code("provinsi", region_code), "nation": analysis.NATION_CODE,
             "subjects": subjects}).all()
        references = _nest((scope, subject, int(year)) for scope, subject, year in refs)
    return Coverage(production, references)


def read_coverages(engine: Engine, region_code: str) -> dict[str, Coverage]:
    """The coverage of every sector (for the catalogue of result collections)."""
    with engine.connect() as conn:
        return {sector: read_coverage(conn, sector, region_code) for sector in SECTOR_TABLES}


def read_bbox(engine: Engine, level: str, region_code: str) -> tuple[float, float, float, float] | None:
    """Bounding box (WGS84: west, south, east, north) of the regency's areas of ``level``; None without areas."""
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM areas "
            "WHERE level = :level AND starts_with(code, :prefix)) x"),
            {"level": level, "prefix": region_code + "."}).one()
    return None if row[0] is None else (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


def _nest(triples: Iterable[tuple[str, str, int]]) -> dict[str, dict[str, tuple[int, ...]]]:
    nested: dict[str, dict[str, list[int]]] = {}
    for outer, inner, year in triples:
        nested.setdefault(outer, {}).setdefault(inner, []).append(year)
    return {o: {i: tuple(sorted(ys)) for i, ys in inner.items()} for o, inner in nested.items()}


def read_areas(conn: Connection, level: str, region_code: str, geometry: bool = False) -> list[Area]:
    """Every area of ``level`` in the regency, by code; with GeoJSON geometries when asked."""
    geom = "ST_AsGeoJSON(geom, 6)::json" if geometry else "NULL::json"
    rows = conn.execute(text(
        f"SELECT code, name, parent_code, {geom} AS geometry FROM areas "
        "WHERE level = :level AND starts_with(code, :prefix) ORDER BY code"),
        {"level": level, "prefix": region_code + "."}).all()
    return [Area(code, name, parent, geometry) for code, name, parent, geometry in rows]


def read_production(conn: Connection, sector: str, level: str, region_code: str,
                    years: Sequence[int]) -> pd.DataFrame:
    """Production (ton) per area, commodity (or kind, species summed) and year of ``level`` in ``years``."""
    table, column = SECTOR_TABLES[sector]
    sql = text(
        f"SELECT t.area_code, t.{column} AS commodity, t.year, sum(t.production_ton) AS value "
        f"FROM {table} t JOIN areas a ON a.code = t.area_code "
        "WHERE a.level = :level AND starts_with(a.code, :prefix) AND t.year IN :years "
        "AND t.production_ton IS NOT NULL GROUP BY 1, 2, 3").bindparams(bindparam("years", expanding=True))
    rows = conn.execute(sql, {"level": level, "prefix": region_code + ".", "years": list(years)}).all()
    return _frame(rows, ("area_code", "commodity", "year", "value"))


def read_reference_totals(conn: Connection, scope: str, scope_code: str, subjects: Sequence[str],
                          years: Sequence[int]) -> pd.DataFrame:
    """Provincial or national production totals (ton) of ``subjects`` in ``years`` (comparison_totals)."""
    if not subjects:
        return _empty_totals()
    sql = text(
        "SELECT subject, year, value FROM comparison_totals WHERE measure = 'production_ton' "
        "AND scope = :scope AND scope_code = :code AND subject IN :subjects AND year IN :years").bindparams(
            bindparam("subjects", expanding=True), bindparam("years", expanding=True))
    rows = conn.execute(sql, {"scope": scope, "code": scope_code, "subjects": list(subjects),
                              "years": list(years)}).all()
    return _frame(rows, ("subject", "year", "value"))


def read_region(conn: Connection, region_code: str) -> dict[str, str]:
    """Code and name of the served regency (the code alone when its outline is not loaded)."""
    name = conn.execute(text("SELECT name FROM areas WHERE code = :code"), {"code": region_code}).scalar()
    return {"code": region_code, "name": name or region_code}


def _frame(rows: Sequence[Any], columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(columns))
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    return frame


def _empty_totals() -> pd.DataFrame:
    return _frame([], ("subject", "year", "value"))
