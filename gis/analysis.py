"""Regional economic analysis of production data: location quotient, dynamic LQ, shift-share, Klassen typology.

Pure computation on plain data and pandas (no Flask, no SQL: ``gis.analysis_data`` reads the inputs).

Notation, as in Indonesian regional-economics texts: ``i`` is a commodity (for fisheries: a kind such
as tambak or laut), ``j`` an area (kecamatan or desa) of the regency; ``e_ij`` the production (ton) of
commodity i in area j and ``e_j = Σ_i e_ij`` the area's production of all *commodities considered*;
``E_i`` the reference's production of commodity i and ``E = Σ_i E_i``. The reference is the regency
(scope ``kabupaten``: ``E_i = Σ_j e_ij`` over the areas of the level) or the province or nation (scope
``provinsi``/``nasional``: their totals in ``comparison_totals``). Growth over t0 -> t1 is
``g = x(t1) / x(t0) - 1`` (over the whole period, not per year).

*Commodities considered* are the commodities of the sector with figures at the level in every year
of the analysis and, for a provincial or national reference, a reference total in each of those
years. An area without a row for such a commodity is taken to produce none of it (the "-" of a BPS
table). Comparisons against thresholds ignore differences below ``TOLERANCE`` (floating noise).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gis.errors import InvalidRequest, NotFoundError
from gis.stats import subject_label

ANALYSES: tuple[str, ...] = ("lq", "dlq", "shift-share", "klassen", "leading")
LEVELS: tuple[str, ...] = ("kecamatan", "desa")
SECTORS: tuple[str, ...] = ("agriculture", "fisheries")
SCOPES: tuple[str, ...] = ("kabupaten", "provinsi", "nasional")
SHARES: tuple[str, ...] = ("contribution", "specialisation")
NATION_CODE = "00"
UNIT = "ton"
TOLERANCE = 1e-9

Labels = Mapping[str, tuple[str, str]]  # id -> (Indonesian, English)

LQ_CLASSES: Labels = {
    "basis": ("Basis (LQ > 1)", "Basic (LQ > 1)"),
    "non_basis": ("Non-basis (LQ ≤ 1)", "Non-basic (LQ ≤ 1)"),
}
DLQ_CLASSES: Labels = {
    "leading": ("Unggulan: basis dan spesialisasi menguat (tetap basis)", "Leading: basic, specialisation rising"),
    "weakening": ("Basis melemah: spesialisasi menurun (dapat menjadi non-basis)",
                  "Weakening: basic, specialisation falling"),
    "emerging": ("Prospektif: non-basis, spesialisasi menguat (dapat menjadi basis)",
                 "Emerging: non-basic, specialisation rising"),
    "lagging": ("Tertinggal: non-basis dan spesialisasi menurun", "Lagging: non-basic, specialisation falling"),
}
SHIFT_CLASSES: Labels = {
    "competitive": ("Berdaya saing: tumbuh lebih cepat dari referensi", "Competitive: grew faster than the reference"),
    "not_competitive": ("Kurang berdaya saing: tidak tumbuh lebih cepat dari referensi",
                        "Less competitive: did not grow faster than the reference"),
}
QUADRANTS: Labels = {
    "prime": ("Kuadran I: maju dan tumbuh cepat", "Quadrant I: prime (developed and fast-growing)"),
    "developed_depressed": ("Kuadran II: maju tapi tertekan", "Quadrant II: developed but depressed"),
    "potential": ("Kuadran III: berkembang cepat", "Quadrant III: potential (fast-developing)"),
    "lagging": ("Kuadran IV: relatif tertinggal", "Quadrant IV: relatively lagging"),
}
LEADING_CLASSES: Labels = {
    "leading": ("Unggulan: basis dan tumbuh lebih cepat dari referensi", "Leading: basic and outgrowing the reference"),
    "basis_slower": ("Basis, tumbuh tidak lebih cepat dari referensi", "Basic, not outgrowing the reference"),
    "emerging": ("Potensial: non-basis, tumbuh lebih cepat dari referensi",
                 "Emerging: non-basic, outgrowing the reference"),
    "other": ("Bukan unggulan: non-basis, tumbuh tidak lebih cepat", "Not leading: non-basic, not outgrowing"),
    "basis": ("Basis (pertumbuhan tidak tersedia)", "Basic (growth not available)"),
    "non_basis": ("Non-basis (pertumbuhan tidak tersedia)", "Non-basic (growth not available)"),
}
NO_PRODUCTION = ("Tidak ada produksi", "No production")
NO_START = ("Tidak ada produksi di tahun awal: pertumbuhan tidak terdefinisi",
            "No production in the start year: growth undefined")


class InvalidAnalysis(InvalidRequest):
    """An analysis request the client must fix (a parameter out of its choices, years in the wrong order)."""


class MissingData(NotFoundError):
    """The data asked for are not loaded; the message says which commodities, years and references exist."""


@dataclass(frozen=True)
class AnalysisQuery:
    """What to compute: analysis, sector, level, commodity, year or period, reference and Klassen share axis."""

    analysis: str
    sector: str = "agriculture"
    level: str = "kecamatan"
    commodity: str | None = None
    year: int | None = None
    start: int | None = None
    end: int | None = None
    reference: str = "kabupaten"
    share: str = "contribution"


@dataclass(frozen=True)
class Coverage:
    """The data that exist: years per level and commodity, and reference totals' years per scope and subject."""

    production: Mapping[str, Mapping[str, tuple[int, ...]]]
    references: Mapping[str, Mapping[str, tuple[int, ...]]] = field(default_factory=dict)

    def at(self, level: str) -> Mapping[str, tuple[int, ...]]:
        """Commodities with data at ``level`` and their years."""
        return self.production.get(level, {})


@dataclass(frozen=True)
class Plan:
    """A query resolved against the coverage: the years to read and the commodities considered."""

    query: AnalysisQuery
    years: tuple[int, ...]
    commodities: tuple[str, ...]
    growth_commodities: tuple[str, ...] = ()

    @property
    def end(self) -> int:
        """The (last) year of the analysis."""
        return self.years[-1]

    @property
    def start(self) -> int | None:
        """The start year of a period, None for a single year."""
        return self.years[0] if len(self.years) > 1 else None


@dataclass(frozen=True)
class Area:
    """An area of the level: Kemendagri code, name, parent code and (optionally) its GeoJSON geometry."""

    code: str
    name: str
    parent_code: str | None = None
    geometry: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Inputs:
    """Everything a report needs, as plain data (``production``: area_code, commodity, year, value in ton)."""

    plan: Plan
    coverage: Coverage
    areas: Sequence[Area]
    production: pd.DataFrame
    reference_totals: pd.DataFrame  # subject, year, value; empty for the kabupaten reference
    region: Mapping[str, str]  # code and name of the regency
    reference_code: str


# --------------------------------------------------------------------------- the methods


def is_above(value: float, threshold: float) -> bool:
    """``value > threshold`` by more than floating noise (relative ``TOLERANCE``)."""
    return value - threshold > TOLERANCE * max(1.0, abs(value), abs(threshold))


def growth_rate(start: Any, end: Any) -> Any:
    """g = end / start - 1 over the period (scalars, Series or DataFrames); NaN where start <= 0."""
    if isinstance(start, pd.Series | pd.DataFrame):
        return end / start.where(start > 0) - 1
    return end / start - 1 if start > 0 else math.nan


def annual_growth_rate(start: float, end: float, years: int) -> float:
    """Compound annual growth rate (end / start)^(1 / years) - 1; NaN where undefined."""
    if start <= 0 or end < 0 or years <= 0:
        return math.nan
    return (end / start) ** (1 / years) - 1


def location_quotients(table: pd.DataFrame, reference: pd.Series | None = None) -> pd.DataFrame:
    """LQ_ij = (e_ij / e_j) / (E_i / E) for areas j (rows) and commodities i (columns).

    ``reference`` holds E_i per commodity; None means the sum of the rows (the regency as the
    sum of its areas). NaN where the area produces none of the commodities (e_j = 0).
    """
    ref = table.sum(axis=0) if reference is None else reference.reindex(table.columns).astype(float)
    area_total = table.sum(axis=1)
    area_share = table.div(area_total.where(area_total > 0), axis=0)
    ref_total = float(ref.sum())
    ref_share = ref / ref_total if ref_total > 0 else ref * math.nan
    return area_share.div(ref_share.where(ref_share > 0), axis=1)


def dynamic_location_quotients(start: pd.DataFrame, end: pd.DataFrame, ref_start: pd.Series | None = None,
                               ref_end: pd.Series | None = None) -> pd.DataFrame:
    """DLQ_ij = [(1 + g_ij) / (1 + g_j)] / [(1 + G_i) / (1 + G)], growth over the whole period.

    g_ij, g_j: growth of the area's commodity i and of its total; G_i, G: the same for the reference
    (None: the sum of the rows). Equal to LQ_ij(t1) / LQ_ij(t0). NaN where a growth is undefined.
    """
    ref0 = start.sum(axis=0) if ref_start is None else ref_start.reindex(start.columns).astype(float)
    ref1 = end.sum(axis=0) if ref_end is None else ref_end.reindex(end.columns).astype(float)
    area_total = 1 + growth_rate(start.sum(axis=1), end.sum(axis=1))
    area = (1 + growth_rate(start, end)).div(area_total.where(area_total > 0), axis=0)
    total = 1 + growth_rate(float(ref0.sum()), float(ref1.sum()))
    reference = (1 + growth_rate(ref0, ref1)) / total if total > 0 else ref0 * math.nan
    return area.div(reference.where(reference > 0), axis=1)


@dataclass(frozen=True)
class ShiftShare:
    """Shift-share components per area (rows) and commodity (columns); change = sum of the three."""

    change: pd.DataFrame
    national_share: pd.DataFrame
    proportional_shift: pd.DataFrame
    differential_shift: pd.DataFrame
    reference_growth: float
    commodity_growth: pd.Series


def shift_share(start: pd.DataFrame, end: pd.DataFrame, ref_start: pd.Series | None = None,
                ref_end: pd.Series | None = None) -> ShiftShare:
    """Split D_ij = e_ij(t1) - e_ij(t0) into N_ij + M_ij + C_ij.

    N_ij = e_ij(t0)·G (national/regional share), M_ij = e_ij(t0)·(G_i - G) (proportional or
    industry-mix shift), C_ij = e_ij(t0)·(g_ij - G_i) (differential or competitive shift), with G the
    reference's growth over the commodities considered and G_i its growth of commodity i (None: the
    sum of the rows). C is computed as D - N - M, so the sum is exact and an area that started from
    zero gets its whole change as C.
    """
    ref0 = start.sum(axis=0) if ref_start is None else ref_start.reindex(start.columns).astype(float)
    ref1 = end.sum(axis=0) if ref_end is None else ref_end.reindex(end.columns).astype(float)
    big_g = growth_rate(float(ref0.sum()), float(ref1.sum()))
    g_i = growth_rate(ref0, ref1)
    change = end - start
    # 0 · (undefined growth) is 0: an area (or a whole reference) starting from nothing has no N or M.
    national = (start * big_g).where(start != 0, 0.0)
    proportional = start.mul(g_i - big_g, axis=1).where(start != 0, 0.0)
    differential = change - national - proportional
    return ShiftShare(change, national, proportional, differential, big_g, g_i)


def klassen_quadrant(growth: float, share: float, growth_threshold: float, share_threshold: float) -> str | None:
    """Klassen quadrant: fast = growth above its threshold, developed = share above its threshold; None if NaN."""
    if any(map(math.isnan, (growth, share, growth_threshold, share_threshold))):
        return None
    fast, developed = is_above(growth, growth_threshold), is_above(share, share_threshold)
    if developed:
        return "prime" if fast else "developed_depressed"
    return "potential" if fast else "lagging"


def lq_class(lq: float) -> str | None:
    """``basis`` when LQ > 1, ``non_basis`` otherwise; None when LQ is undefined."""
    if math.isnan(lq):
        return None
    return "basis" if is_above(lq, 1.0) else "non_basis"


def dlq_class(lq: float, dlq: float) -> str | None:
    """Combine LQ (end year) and DLQ: leading, weakening, emerging or lagging; None when undefined."""
    if math.isnan(lq) or math.isnan(dlq):
        return None
    basis, rising = is_above(lq, 1.0), is_above(dlq, 1.0)
    if basis:
        return "leading" if rising else "weakening"
    return "emerging" if rising else "lagging"


def leading_class(lq: float, growth: float, reference_growth: float) -> str | None:
    """Leading-commodity category from LQ and growth against the reference's growth of the commodity."""
    basis = lq_class(lq)
    if basis is None:
        return None
    if math.isnan(growth) or math.isnan(reference_growth):
        return basis
    outgrowing = is_above(growth, reference_growth)
    if basis == "basis":
        return "leading" if outgrowing else "basis_slower"
    return "emerging" if outgrowing else "other"


def ranks(values: pd.Series) -> pd.Series:
    """Rank 1 = largest; ties share the best rank; NaN stays NaN."""
    return values.rank(ascending=False, method="min")


# --------------------------------------------------------------------------- resolving a query


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
    for name, value, choices in (("analysis", query.analysis, ANALYSES), ("sector", query.sector, SECTORS),
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


# --------------------------------------------------------------------------- results as collections


@dataclass(frozen=True)
class ResultCollection:
    """An analysis result published as a feature collection: one analysis of one sector's commodity (or all)."""

    analysis: str
    sector: str
    commodity: str | None
    years: tuple[int, ...]

    @property
    def id(self) -> str:
        """``lq-agriculture-padi``, ``klassen-fisheries-tambak``, ``leading-agriculture``."""
        return "-".join(p for p in (self.analysis, self.sector, self.commodity) if p)

    def title(self, lang: str = "id") -> str:
        """``LQ Padi`` / ``Klassen typology Padi``: the analysis and the commodity in the reader's language."""
        name = ANALYSIS_TITLES[self.analysis][_i(lang)]
        subject = subject_label(self.commodity, lang) if self.commodity else SECTOR_TITLES[self.sector][_i(lang)]
        return f"{name}: {subject}"


ANALYSIS_TITLES: Labels = {
    "lq": ("Location quotient (LQ)", "Location quotient (LQ)"),
    "dlq": ("Dynamic LQ (DLQ)", "Dynamic LQ (DLQ)"),
    "shift-share": ("Shift-share", "Shift-share"),
    "klassen": ("Tipologi Klassen", "Klassen typology"),
    "leading": ("Komoditas unggulan", "Leading commodities"),
}
SECTOR_TITLES: Labels = {"agriculture": ("pertanian", "agriculture"), "fisheries": ("perikanan", "fisheries")}


def result_collections(coverages: Mapping[str, Coverage]) -> list[ResultCollection]:
    """Every analysis the loaded data allow, at some level (periods need two years), with their years."""
    found = []
    for sector in SECTORS:
        coverage = coverages.get(sector, Coverage({}))
        years: dict[str, set[int]] = {}
        periods: set[str] = set()
        for level in LEVELS:
            for commodity, there in coverage.at(level).items():
                years.setdefault(commodity, set()).update(there)
                if len(there) > 1:
                    periods.add(commodity)
        for commodity in sorted(years):
            found.append(ResultCollection("lq", sector, commodity, tuple(sorted(years[commodity]))))
            if commodity in periods:
                found += [ResultCollection(name, sector, commodity, tuple(sorted(years[commodity])))
                          for name in ("dlq", "shift-share", "klassen")]
        if years:
            found.append(ResultCollection("leading", sector, None, tuple(sorted(set().union(*years.values())))))
    return found


# --------------------------------------------------------------------------- inputs as tables


def production_table(inputs: Inputs, year: int, commodities: Sequence[str] | None = None) -> pd.DataFrame:
    """Production per area (rows, every area of the level) and commodity (columns) in ``year``; absent = 0."""
    columns = list(inputs.plan.commodities if commodities is None else commodities)
    codes = [a.code for a in inputs.areas]
    frame = inputs.production
    rows = frame[(frame["year"] == year) & frame["commodity"].isin(columns)]
    sums = rows.groupby(["area_code", "commodity"])["value"].sum()
    table = pd.DataFrame(0.0, index=pd.Index(codes, name="area_code"), columns=pd.Index(columns, name="commodity"))
    if not sums.empty:
        table = table.add(sums.unstack().astype(float), fill_value=0.0).reindex(index=codes, columns=columns)
    return table.fillna(0.0)


def reference_series(inputs: Inputs, year: int, commodities: Sequence[str] | None = None) -> pd.Series | None:
    """E_i per commodity from the loaded totals in ``year``; None for the kabupaten reference (sum of areas)."""
    if inputs.plan.query.reference == "kabupaten":
        return None
    columns = list(inputs.plan.commodities if commodities is None else commodities)
    frame = inputs.reference_totals
    rows = frame[(frame["year"] == year) & frame["subject"].isin(columns)]
    return rows.groupby("subject")["value"].sum().reindex(columns).astype(float)


def _period_tables(inputs: Inputs) -> tuple[int, int, pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """The plan's two years, the production table of each and the reference values of each."""
    t0, t1 = inputs.plan.years
    start, end = production_table(inputs, t0), production_table(inputs, t1)
    return t0, t1, start, end, _reference_values(inputs, start, t0), _reference_values(inputs, end, t1)


def _reference_values(inputs: Inputs, table: pd.DataFrame, year: int) -> pd.Series:
    ref = reference_series(inputs, year, list(table.columns))
    return table.sum(axis=0) if ref is None else ref


# --------------------------------------------------------------------------- reports


def report(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """The result of the planned analysis as plain data: head, method, thresholds, summary and per-area rows."""
    builders: dict[str, Callable[[Inputs, str], dict[str, Any]]] = {
        "lq": lq_report, "dlq": dlq_report, "shift-share": shift_share_report, "klassen": klassen_report,
        "leading": leading_report,
    }
    return builders[inputs.plan.query.analysis](inputs, lang)


def lq_report(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """Location quotient of one commodity per area in one year, with basic / non-basic classes."""
    plan_, commodity = inputs.plan, str(inputs.plan.query.commodity)
    table = production_table(inputs, plan_.end)
    ref = _reference_values(inputs, table, plan_.end)
    lq = location_quotients(table, ref)[commodity]
    area_total, rank = table.sum(axis=1), ranks(lq)
    rows = []
    for area in inputs.areas:
        value, total, q = float(table.at[area.code, commodity]), float(area_total[area.code]), float(lq[area.code])
        rows.append({**_area_cells(area), "production": value, "area_total": total,
                     "share_in_area": _num(value / total) if total > 0 else None,
                     "share_of_reference": _num(value / ref[commodity]) if ref[commodity] > 0 else None,
                     "lq": _num(q), "rank": _int(rank[area.code]),
                     **_classed(lq_class(q), LQ_CLASSES, lang)})
    ref_share = float(ref[commodity] / ref.sum()) if ref.sum() > 0 else math.nan
    return {**_head(inputs, lang), "year": plan_.end,
            "method": lq_method(inputs, lang), "thresholds": {"basis": "LQ > 1"},
            "summary": {"reference_production": _num(ref[commodity]), "reference_total": _num(ref.sum()),
                        "reference_share": _num(ref_share), **_counts(rows, LQ_CLASSES)},
            "classes": _legend(LQ_CLASSES, lang), "rows": rows}


def dlq_report(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """Dynamic location quotient of one commodity per area between two years, combined with the end-year LQ."""
    commodity = str(inputs.plan.query.commodity)
    t0, t1, start, end, ref0, ref1 = _period_tables(inputs)
    dlq = dynamic_location_quotients(start, end, ref0, ref1)[commodity]
    lq0, lq1 = location_quotients(start, ref0)[commodity], location_quotients(end, ref1)[commodity]
    total0, total1 = start.sum(axis=1), end.sum(axis=1)
    rank = ranks(dlq)
    rows = []
    for area in inputs.areas:
        code = area.code
        rows.append({**_area_cells(area), "start": float(start.at[code, commodity]),
                     "end": float(end.at[code, commodity]),
                     "growth": _num(growth_rate(float(start.at[code, commodity]), float(end.at[code, commodity]))),
                     "area_growth": _num(growth_rate(float(total0[code]), float(total1[code]))),
                     "lq_start": _num(lq0[code]), "lq_end": _num(lq1[code]), "dlq": _num(dlq[code]),
                     "rank": _int(rank[code]), **_classed(dlq_class(float(lq1[code]), float(dlq[code])),
                                                          DLQ_CLASSES, lang)})
    return {**_head(inputs, lang), "from": t0, "to": t1, "method": dlq_method(inputs, lang),
            "thresholds": {"basis": "LQ(to) > 1", "rising": "DLQ > 1"},
            "summary": {"reference_growth": _num(growth_rate(float(ref0.sum()), float(ref1.sum()))),
                        "reference_commodity_growth": _num(growth_rate(float(ref0[commodity]),
                                                                       float(ref1[commodity]))),
                        **_counts(rows, DLQ_CLASSES)},
            "classes": _legend(DLQ_CLASSES, lang), "rows": rows}


def shift_share_report(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """Shift-share of one commodity per area between two years: the change split into three components."""
    commodity = str(inputs.plan.query.commodity)
    t0, t1, start, end, ref0, ref1 = _period_tables(inputs)
    parts = shift_share(start, end, ref0, ref1)
    differential = parts.differential_shift[commodity]
    rank = ranks(differential)
    rows = []
    for area in inputs.areas:
        code = area.code
        e0, e1 = float(start.at[code, commodity]), float(end.at[code, commodity])
        n, m, c = (float(parts.national_share.at[code, commodity]), float(parts.proportional_shift.at[code, commodity]),
                   float(differential[code]))
        klass = None if math.isnan(c) else ("competitive" if is_above(c, 0.0) else "not_competitive")
        rows.append({**_area_cells(area), "start": e0, "end": e1, "change": e1 - e0,
                     "growth": _num(growth_rate(e0, e1)), "annual_growth": _num(annual_growth_rate(e0, e1, t1 - t0)),
                     "national_share": _num(n), "proportional_shift": _num(m), "differential_shift": _num(c),
                     "net_shift": _num(m + c), "rank": _int(rank[code]), **_classed(klass, SHIFT_CLASSES, lang)})
    totals = {key: _num(sum(r[key] for r in rows if r[key] is not None))
              for key in ("start", "end", "change", "national_share", "proportional_shift", "differential_shift")}
    return {**_head(inputs, lang), "from": t0, "to": t1, "method": shift_share_method(inputs, lang),
            "thresholds": {"competitive": "differential_shift > 0"},
            "summary": {"reference_growth": _num(parts.reference_growth),
                        "reference_commodity_growth": _num(parts.commodity_growth[commodity]),
                        "totals": totals, **_counts(rows, SHIFT_CLASSES)},
            "classes": _legend(SHIFT_CLASSES, lang), "rows": rows}


def klassen_report(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """Klassen typology of the areas for one commodity: growth against the reference, share against a threshold."""
    query, commodity = inputs.plan.query, str(inputs.plan.query.commodity)
    t0, t1, start, end, ref0, ref1 = _period_tables(inputs)
    growth_threshold = float(growth_rate(float(ref0[commodity]), float(ref1[commodity])))
    share, share_threshold = _klassen_share(query.share, end, ref1, commodity)
    growth = growth_rate(start[commodity], end[commodity])
    rank = ranks(growth)
    rows = []
    for area in inputs.areas:
        code = area.code
        e0, e1 = float(start.at[code, commodity]), float(end.at[code, commodity])
        quadrant = klassen_quadrant(float(growth[code]), float(share[code]), growth_threshold, share_threshold)
        row = {**_area_cells(area), "start": e0, "end": e1, "growth": _num(growth[code]),
               "annual_growth": _num(annual_growth_rate(e0, e1, t1 - t0)), "share": _num(share[code]),
               "rank": _int(rank[code]), "quadrant": quadrant, **_classed(quadrant, QUADRANTS, lang)}
        if quadrant is None and e0 <= 0:
            row["class_label"] = NO_START[_i(lang)] if e1 > 0 else NO_PRODUCTION[_i(lang)]
        rows.append(row)
    return {**_head(inputs, lang), "from": t0, "to": t1, "share_axis": query.share,
            "method": klassen_method(inputs, lang),
            "thresholds": {"growth": _num(growth_threshold), "share": _num(share_threshold),
                           "growth_rule": "growth > reference growth of the commodity",
                           "share_rule": ("share of the regency's production > 1 / n producing areas"
                                          if query.share == "contribution"
                                          else "share in the area's production > reference share (LQ > 1)")},
            "summary": _counts(rows, QUADRANTS), "classes": _legend(QUADRANTS, lang), "rows": rows}


def _klassen_share(axis: str, end: pd.DataFrame, ref1: pd.Series, commodity: str) -> tuple[pd.Series, float]:
    """The share axis and its threshold: contribution (vs 1/n producing areas) or specialisation (vs E_i/E)."""
    if axis == "specialisation":
        total = end.sum(axis=1)
        threshold = float(ref1[commodity] / ref1.sum()) if ref1.sum() > 0 else math.nan
        return end[commodity] / total.where(total > 0), threshold
    column = end[commodity]
    producing = int((column > 0).sum())
    regency = float(column.sum())
    if regency <= 0 or producing == 0:
        return column * math.nan, math.nan
    return column / regency, 1.0 / producing


def leading_report(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """Per area: every commodity's production, rank, LQ, growth against the reference, and the leading ones."""
    plan_ = inputs.plan
    table = production_table(inputs, plan_.end)
    ref = _reference_values(inputs, table, plan_.end)
    lq = location_quotients(table, ref)
    growth, ref_growth = _leading_growth(inputs)
    production_rank = table.apply(ranks)
    rows = []
    for area in inputs.areas:
        items = [_leading_item(inputs, area.code, c, table, lq, growth, ref_growth, production_rank, lang)
                 for c in plan_.commodities]
        items = [item for item in items if item["production"] > 0]
        items.sort(key=lambda item: -(item["lq"] or 0.0))
        leading = [item["commodity"] for item in items if item["class"] == "leading"]
        rows.append({**_area_cells(area), "leading": leading, "leading_count": len(leading),
                     "top_commodity": items[0]["commodity"] if items else None, "commodities": items})
    counts = {key: sum(1 for r in rows for item in r["commodities"] if item["class"] == key)
              for key in LEADING_CLASSES}
    return {**_head(inputs, lang), "year": plan_.end, "from": plan_.start,
            "growth_commodities": list(plan_.growth_commodities), "method": leading_method(inputs, lang),
            "thresholds": {"basis": "LQ > 1", "outgrowing": "growth > reference growth of the commodity"},
            "summary": {"reference_growth": {c: _num(v) for c, v in ref_growth.items()}, "counts": counts},
            "classes": _legend(LEADING_CLASSES, lang), "rows": rows}


def _leading_growth(inputs: Inputs) -> tuple[pd.DataFrame, pd.Series]:
    plan_ = inputs.plan
    if plan_.start is None or not plan_.growth_commodities:
        return pd.DataFrame(dtype=float), pd.Series(dtype=float)
    start = production_table(inputs, plan_.start, plan_.growth_commodities)
    end = production_table(inputs, plan_.end, plan_.growth_commodities)
    ref0, ref1 = _reference_values(inputs, start, plan_.start), _reference_values(inputs, end, plan_.end)
    return growth_rate(start, end), growth_rate(ref0, ref1)


def _leading_item(inputs: Inputs, code: str, commodity: str, table: pd.DataFrame, lq: pd.DataFrame,
                  growth: pd.DataFrame, ref_growth: pd.Series, production_rank: pd.DataFrame,
                  lang: str) -> dict[str, Any]:
    has_growth = commodity in growth.columns
    g = float(growth.at[code, commodity]) if has_growth else math.nan
    big_g = float(ref_growth[commodity]) if has_growth else math.nan
    q = float(lq.at[code, commodity])
    area_total = float(table.loc[code].sum())
    value = float(table.at[code, commodity])
    return {"commodity": commodity, "label": subject_label(commodity, lang), "production": value,
            "share_in_area": _num(value / area_total) if area_total > 0 else None,
            "rank_production": _int(production_rank.at[code, commodity]), "lq": _num(q),
            "growth": _num(g), "reference_growth": _num(big_g),
            **_classed(leading_class(q, g, big_g), LEADING_CLASSES, lang)}


# --------------------------------------------------------------------------- method texts (id / en)


def _reference_text(inputs: Inputs, lang: str) -> str:
    scope, n, level = inputs.plan.query.reference, len(inputs.areas), inputs.plan.query.level
    if scope == "kabupaten":
        return (f"E_i = Σ_j e_ij, jumlah produksi komoditas i di {n} {level} kabupaten ini; E = Σ_i E_i."
                if lang == "id" else
                f"E_i = Σ_j e_ij, the production of commodity i summed over the regency's {n} {level} areas; "
                f"E = Σ_i E_i.")
    place = {"provinsi": ("provinsi", "province"), "nasional": ("nasional", "nation")}[scope]
    return (f"E_i = produksi komoditas i tingkat {place[0]} (kode {inputs.reference_code}, tabel comparison_totals); "
            f"E = Σ_i E_i atas komoditas yang dipertimbangkan. Pangsa komoditas i dalam produksi wilayah "
            f"dibandingkan dengan pangsa komoditas i dalam produksi {place[0]} atas komoditas yang sama."
            if lang == "id" else
            f"E_i = the {place[1]}'s production of commodity i (code {inputs.reference_code}, comparison_totals); "
            f"E = Σ_i E_i over the commodities considered. The area's share of commodity i in its own production "
            f"is compared with the {place[1]}'s share of i in its production of the same commodities.")


def _considered_text(inputs: Inputs, lang: str) -> str:
    names = ", ".join(inputs.plan.commodities)
    return (f"Komoditas yang dipertimbangkan: {names} (yang berdata di tingkat ini pada semua tahun analisis"
            f"{'' if inputs.plan.query.reference == 'kabupaten' else ' dan memiliki total referensi'}); "
            f"wilayah tanpa baris untuk suatu komoditas dianggap tidak berproduksi (0)."
            if lang == "id" else
            f"Commodities considered: {names} (those with data at this level in every year of the analysis"
            f"{'' if inputs.plan.query.reference == 'kabupaten' else ' and with reference totals'}); "
            f"an area without a row for a commodity is taken to produce none of it (0).")


def lq_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the LQ was computed, in words and symbols."""
    text = (("LQ_ij = (e_ij / e_j) / (E_i / E): e_ij = produksi (ton) komoditas i di wilayah j pada tahun analisis, "
             "e_j = produksi wilayah j atas semua komoditas yang dipertimbangkan. ")
            if lang == "id" else
            ("LQ_ij = (e_ij / e_j) / (E_i / E): e_ij = production (ton) of commodity i in area j in the year, "
             "e_j = area j's production of all commodities considered. "))
    rule = ("LQ > 1: basis (pangsa komoditas di wilayah lebih besar dari di referensi, surplus dapat "
            "dipasarkan ke luar); LQ ≤ 1: non-basis." if lang == "id" else
            "LQ > 1: basic (the commodity's share in the area exceeds its share in the reference; a surplus "
            "to sell outside); LQ ≤ 1: non-basic.")
    return {"name": "location_quotient", "formula": "LQ_ij = (e_ij / e_j) / (E_i / E)",
            "text": " ".join([text + _reference_text(inputs, lang), _considered_text(inputs, lang), rule])}


def dlq_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the dynamic LQ was computed."""
    text = ("DLQ_ij = [(1 + g_ij) / (1 + g_j)] / [(1 + G_i) / (1 + G)], dengan laju pertumbuhan selama periode "
            "(g = x(akhir) / x(awal) − 1): g_ij komoditas i di wilayah j, g_j total wilayah j, G_i komoditas i di "
            "referensi, G total referensi. Nilainya sama dengan LQ(akhir) / LQ(awal); dengan laju rata-rata "
            "tahunan r selama t tahun: {[(1 + r_ij)/(1 + r_j)] / [(1 + R_i)/(1 + R)]}^t. DLQ > 1: spesialisasi "
            "menguat. Kelas menggabungkan LQ tahun akhir (> 1 basis) dan DLQ (> 1 menguat)."
            if lang == "id" else
            "DLQ_ij = [(1 + g_ij) / (1 + g_j)] / [(1 + G_i) / (1 + G)], with growth over the whole period "
            "(g = x(end) / x(start) − 1): g_ij of commodity i in area j, g_j of area j's total, G_i of commodity i "
            "in the reference, G of the reference's total. It equals LQ(end) / LQ(start); with average annual "
            "rates r over t years: {[(1 + r_ij)/(1 + r_j)] / [(1 + R_i)/(1 + R)]}^t. DLQ > 1: specialisation "
            "rising. Classes combine the end-year LQ (> 1 basic) with DLQ (> 1 rising).")
    return {"name": "dynamic_location_quotient", "formula": "DLQ_ij = [(1 + g_ij) / (1 + g_j)] / [(1 + G_i) / (1 + G)]",
            "text": " ".join([text, _reference_text(inputs, lang), _considered_text(inputs, lang)])}


def shift_share_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the shift-share components were computed."""
    text = ("D_ij = e_ij(akhir) − e_ij(awal) = N_ij + M_ij + C_ij. N_ij = e_ij(awal)·G: komponen pertumbuhan "
            "referensi (national/regional share), perubahan bila wilayah tumbuh seperti total referensi. "
            "M_ij = e_ij(awal)·(G_i − G): pergeseran proporsional (bauran komoditas), positif bila komoditas i "
            "tumbuh lebih cepat dari total referensi. C_ij = e_ij(awal)·(g_ij − G_i): pergeseran diferensial "
            "(daya saing), positif bila wilayah tumbuh lebih cepat dari referensi untuk komoditas i. "
            "C dihitung sebagai D − N − M sehingga jumlahnya tepat sama dengan D. Pergeseran bersih = M + C."
            if lang == "id" else
            "D_ij = e_ij(end) − e_ij(start) = N_ij + M_ij + C_ij. N_ij = e_ij(start)·G: national (regional) "
            "share, the change had the area grown like the reference's total. M_ij = e_ij(start)·(G_i − G): "
            "proportional (industry-mix) shift, positive when commodity i grew faster than the reference's total. "
            "C_ij = e_ij(start)·(g_ij − G_i): differential (competitive) shift, positive when the area outgrew "
            "the reference in commodity i. C is computed as D − N − M, so the three add up to D exactly. "
            "Net shift = M + C.")
    return {"name": "shift_share", "formula": "D_ij = e_ij(t0)·G + e_ij(t0)·(G_i − G) + e_ij(t0)·(g_ij − G_i)",
            "text": " ".join([text, _reference_text(inputs, lang), _considered_text(inputs, lang)])}


def klassen_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the Klassen quadrants were drawn, with the two thresholds."""
    contribution = inputs.plan.query.share == "contribution"
    growth = ("Sumbu pertumbuhan: g_ij = e_ij(akhir)/e_ij(awal) − 1, ambang = G_i, pertumbuhan komoditas i di "
              "referensi pada periode yang sama (tumbuh cepat bila g_ij > G_i)." if lang == "id" else
              "Growth axis: g_ij = e_ij(end)/e_ij(start) − 1, threshold G_i, the reference's growth of commodity i "
              "over the same period (fast when g_ij > G_i).")
    if contribution:
        share = ("Sumbu pangsa (kontribusi): e_ij(akhir) / Σ_j e_ij(akhir), pangsa wilayah dalam produksi "
                 "kabupaten; ambang = 1/n, n = jumlah wilayah yang berproduksi pada tahun akhir (maju bila "
                 "produksinya di atas rata-rata wilayah penghasil)." if lang == "id" else
                 "Share axis (contribution): e_ij(end) / Σ_j e_ij(end), the area's share of the regency's "
                 "production; threshold 1/n, n = number of areas producing in the end year (developed when the "
                 "area produces more than the average producing area).")
    else:
        share = ("Sumbu pangsa (spesialisasi): e_ij/e_j pada tahun akhir, ambang = E_i/E referensi (maju bila "
                 "LQ > 1)." if lang == "id" else
                 "Share axis (specialisation): e_ij/e_j in the end year, threshold E_i/E of the reference "
                 "(developed when LQ > 1).")
    quadrants = ("Kuadran I maju dan tumbuh cepat, II maju tapi tertekan, III berkembang cepat, IV relatif "
                 "tertinggal. Wilayah tanpa produksi di tahun awal tidak diklasifikasikan." if lang == "id" else
                 "Quadrant I prime, II developed but depressed, III potential (fast-developing), IV relatively "
                 "lagging. Areas without production in the start year are not classified.")
    parts = [growth, share, quadrants, _reference_text(inputs, lang)]
    if not contribution:
        parts.append(_considered_text(inputs, lang))
    return {"name": "klassen_typology", "formula": "quadrant = f(g_ij > G_i, share_ij > threshold)",
            "text": " ".join(parts)}


def leading_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the leading commodities were chosen."""
    text = ("Komoditas unggulan wilayah: LQ > 1 pada tahun analisis (basis) dan tumbuh lebih cepat dari "
            "referensi sejak tahun awal (g_ij > G_i, yaitu pergeseran diferensial shift-share > 0). Peringkat "
            "produksi: 1 = wilayah dengan produksi terbesar untuk komoditas itu. Bila komoditas tidak berdata di "
            "tahun awal, hanya kelas basis/non-basis yang diberikan." if lang == "id" else
            "Leading commodities of an area: LQ > 1 in the year (basic) and growing faster than the reference "
            "since the start year (g_ij > G_i, i.e. a positive shift-share differential shift). Production rank: "
            "1 = the area producing the most of that commodity. When a commodity has no data in the start year, "
            "only basic / non-basic is given.")
    return {"name": "leading_commodities", "formula": "leading = LQ_ij > 1 and g_ij > G_i",
            "text": " ".join([text, lq_method(inputs, lang)["text"]])}


# --------------------------------------------------------------------------- report helpers


def _head(inputs: Inputs, lang: str) -> dict[str, Any]:
    plan_, query = inputs.plan, inputs.plan.query
    head: dict[str, Any] = {
        "analysis": query.analysis, "sector": query.sector, "level": query.level,
        "unit": UNIT, "measure": "production_ton",
        "reference": {"scope": query.reference, "code": inputs.reference_code, "name": _reference_name(inputs)},
        "region": dict(inputs.region), "commodities_considered": list(plan_.commodities),
        "warnings": warnings_for(inputs, lang), "available": available(inputs.coverage, query.level),
    }
    if query.commodity and query.analysis != "leading":
        head = {**head, "commodity": query.commodity, "label": subject_label(query.commodity, lang)}
    return head


def _reference_name(inputs: Inputs) -> str:
    scope = inputs.plan.query.reference
    if scope == "kabupaten":
        return inputs.region.get("name") or inputs.region["code"]
    return "Indonesia" if scope == "nasional" else f"Provinsi {inputs.reference_code}"


def available(coverage: Coverage, level: str) -> dict[str, Any]:
    """Commodities and their years at ``level``, and reference totals per scope, for forms and error messages."""
    return {"commodities": {c: list(ys) for c, ys in sorted(coverage.at(level).items())},
            "references": {"kabupaten": "sum of the areas of the level",
                           **{scope: {s: list(ys) for s, ys in sorted(subjects.items())}
                              for scope, subjects in sorted(coverage.references.items())}}}


def warnings_for(inputs: Inputs, lang: str) -> list[str]:
    """Caveats a reader must see: a single commodity makes LQ and specialisation shares trivial."""
    plan_, query = inputs.plan, inputs.plan.query
    uses_mix = query.analysis in ("lq", "dlq", "leading") or (query.analysis == "klassen"
                                                               and query.share == "specialisation")
    if len(plan_.commodities) != 1 or not uses_mix:
        return []
    only, level = plan_.commodities[0], query.level
    both = " dan " if lang == "id" else " and "
    years = str(plan_.end) if query.analysis in ("lq", "leading") else both.join(map(str, plan_.years))
    if lang == "id":
        return [f"Hanya {only} yang berdata di tingkat {level} untuk {years}: pangsanya di setiap wilayah dan di "
                f"referensi sama dengan 1, sehingga LQ (dan DLQ) = 1 menurut definisinya. Muat komoditas lain "
                f"untuk tingkat ini agar LQ bermakna."]
    return [f"Only {only} has data at {level} level for {years}: its share is 1 in every area and in the reference, "
            f"so LQ (and DLQ) = 1 by construction. Load other commodities at this level for a meaningful LQ."]


def _area_cells(area: Area) -> dict[str, Any]:
    return {"code": area.code, "name": area.name, "parent_code": area.parent_code}


def _classed(klass: str | None, labels: Labels, lang: str) -> dict[str, Any]:
    label = labels[klass][_i(lang)] if klass else NO_PRODUCTION[_i(lang)]
    return {"class": klass, "class_label": label}


def _legend(labels: Labels, lang: str) -> dict[str, str]:
    return {key: pair[_i(lang)] for key, pair in labels.items()}


def _counts(rows: Sequence[Mapping[str, Any]], labels: Labels) -> dict[str, int]:
    counts = {key: sum(1 for r in rows if r["class"] == key) for key in labels}
    return {"areas": len(rows), **counts, "unclassified": sum(1 for r in rows if r["class"] is None)}


def _i(lang: str) -> int:
    return 1 if lang == "en" else 0


def _num(value: Any) -> float | None:
    """A finite float, or None (JSON null) for NaN and infinities."""
    number = float(value)
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    number = float(value)
    return int(number) if math.isfinite(number) else None
