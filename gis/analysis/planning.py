"""Resolving a query against the data that exist: years, commodities considered, references (or why not)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from gis.analysis.model import (
    ANALYSES,
    LEVELS,
    SCOPES,
    SHARES,
    AnalysisQuery,
    Coverage,
    InvalidAnalysis,
    MissingData,
    Plan,
)
from gis.layers import sector_ids


def plan(query: AnalysisQuery, coverage: Coverage) -> Plan:
    """Check ``query`` against the data that exist and fix its years and commodities (MissingData if absent)."""
    _check_choices(query)
    if query.analysis == "leading":
        return _plan_leading(query, coverage)
    commodity = _require_commodity(query, coverage)
    years_there = coverage.at(query.level)[commodity]
    if query.analysis == "lq":
        years: tuple[int, ...] = (_pick_year(query.year, years_there, query),)
    else:
        years = _pick_period(query, years_there)
    _require_reference(query, commodity, years, coverage)
    return Plan(query, years, considered(coverage, query.level, query.reference, years))


def considered(coverage: Coverage, level: str, scope: str, years: Iterable[int]) -> tuple[str, ...]:
    """Commodities with data at ``level`` in every year and, unless the scope is kabupaten, reference totals."""
    years = tuple(years)
    refs = coverage.references.get(scope, {})
    return tuple(sorted(
        c for c, there in coverage.at(level).items()
        if set(years) <= set(there) and (scope == "kabupaten" or set(years) <= set(refs.get(c, ())))
    ))


def _check_choices(query: AnalysisQuery) -> None:
    for name, value, choices in (("analysis", query.analysis, ANALYSES), ("sector", query.sector, sector_ids()),
                                 ("level", query.level, LEVELS), ("reference", query.reference, SCOPES),
                                 ("share", query.share, SHARES)):
        if value not in choices:
            raise InvalidAnalysis(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def _require_commodity(query: AnalysisQuery, coverage: Coverage) -> str:
    there = coverage.at(query.level)
    noun = _noun(query.sector)
    if not query.commodity:
        raise InvalidAnalysis(f"{noun} is required; {_available(there, query)}")
    if query.commodity not in there:
        elsewhere = {lv: ys[query.commodity] for lv, ys in coverage.production.items() if query.commodity in ys}
        hint = ("; levels with data for it: " + ", ".join(f"{lv} ({years_text(y)})" for lv, y in elsewhere.items())
                if elsewhere else "")
        raise MissingData(f"no {query.sector} data for {noun} {query.commodity!r} at {query.level} level{hint}; "
                          f"{_available(there, query)}")
    return query.commodity


def _pick_year(year: int | None, there: Sequence[int], query: AnalysisQuery) -> int:
    if year is None:
        return max(there)
    if year not in there:
        raise MissingData(f"no {query.commodity or query.sector} data at {query.level} level for {year}; "
                          f"years with data: {years_text(there)}")
    return year


def _pick_period(query: AnalysisQuery, there: Sequence[int]) -> tuple[int, int]:
    if len(there) < 2:
        raise MissingData(f"{query.analysis} needs two years, but {query.commodity} at {query.level} level has "
                          f"data for {years_text(there)} only")
    start = _pick_year(query.start, there, query) if query.start is not None else min(there)
    end = _pick_year(query.end, there, query) if query.end is not None else max(there)
    if start >= end:
        raise InvalidAnalysis(f"from ({start}) must be before to ({end}); years with data: {years_text(there)}")
    return start, end


def _require_reference(query: AnalysisQuery, commodity: str, years: Sequence[int], coverage: Coverage) -> None:
    if query.reference == "kabupaten":
        return
    refs = coverage.references.get(query.reference, {})
    if not refs:
        raise MissingData(f"no {query.reference} totals of any {query.sector} {_noun(query.sector)} are loaded "
                          f"(comparison_totals); load them with 'flask --app app etl load totals FILE' or use "
                          f"reference=kabupaten")
    missing = [y for y in years if y not in refs.get(commodity, ())]
    if missing:
        raise MissingData(f"no {query.reference} total for {commodity} in {years_text(missing)}; "
                          f"{query.reference} totals exist for: {subjects_text(refs)}")


def _plan_leading(query: AnalysisQuery, coverage: Coverage) -> Plan:
    there = coverage.at(query.level)
    if not there:
        raise MissingData(f"no {query.sector} data at {query.level} level; levels with data: "
                          + (", ".join(sorted(coverage.production)) or "none loaded"))
    all_years = sorted({y for ys in there.values() for y in ys})
    year = _pick_year(query.year, all_years, query)
    commodities = considered(coverage, query.level, query.reference, (year,))
    if not commodities:
        refs = coverage.references.get(query.reference, {})
        raise MissingData(f"no {query.reference} totals for the {query.sector} {_noun(query.sector)}s with data in "
                          f"{year} at {query.level} level; "
                          f"{query.reference} totals exist for: {subjects_text(refs) or 'none loaded'}")
    earlier = [y for y in all_years if y < year]
    if query.start is not None and query.start not in earlier:
        raise MissingData(f"from must be a year before {year} with data at {query.level} level; "
                          f"years with data: {years_text(all_years)}")
    start = query.start if query.start is not None else (min(earlier) if earlier else None)
    if start is None:
        return Plan(query, (year,), commodities)
    growing = tuple(c for c in considered(coverage, query.level, query.reference, (start, year)) if c in commodities)
    return Plan(query, (start, year), commodities, growing)


def _noun(sector: str) -> str:
    return "kind" if sector == "fisheries" else "commodity"


def _available(there: Mapping[str, Sequence[int]], query: AnalysisQuery) -> str:
    noun = "kinds" if query.sector == "fisheries" else "commodities"
    return f"{noun} with data at {query.level} level: {subjects_text(there) or 'none loaded'}"


def years_text(years: Iterable[int]) -> str:
    """Years as runs: ``2020–2024, 2026``."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def subjects_text(subjects: Mapping[str, Sequence[int]]) -> str:
    """``padi (2020–2024), mangga (2023)``."""
    return ", ".join(f"{s} ({years_text(ys)})" for s, ys in sorted(subjects.items()))

