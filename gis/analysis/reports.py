"""The reports: per-area rows with values, classes and labels, the method, thresholds, summary and warnings."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from gis.analysis.methods import (
    annual_growth_rate,
    dlq_class,
    dynamic_location_quotients,
    growth_rate,
    is_above,
    klassen_quadrant,
    leading_class,
    location_quotients,
    lq_class,
    ranks,
    shift_share,
)
from gis.analysis.model import (
    DLQ_CLASSES,
    LEADING_CLASSES,
    LQ_CLASSES,
    NO_PRODUCTION,
    NO_START,
    QUADRANTS,
    SHIFT_CLASSES,
    UNIT,
    Area,
    Coverage,
    Inputs,
    Labels,
    lang_index,
)
from gis.analysis.texts import dlq_method, klassen_method, leading_method, lq_method, shift_share_method
from gis.i18n import t
from gis.stats import subject_label

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
            row["class_label"] = NO_START[lang_index(lang)] if e1 > 0 else NO_PRODUCTION[lang_index(lang)]
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
    years = (str(plan_.end) if query.analysis in ("lq", "leading")
             else t("analysis.note.period", lang, start=plan_.years[0], end=plan_.years[-1]))
    return [t("analysis.note.single_commodity", lang, commodity=plan_.commodities[0], level=query.level, years=years)]


def _area_cells(area: Area) -> dict[str, Any]:
    return {"code": area.code, "name": area.name, "parent_code": area.parent_code}


def _classed(klass: str | None, labels: Labels, lang: str) -> dict[str, Any]:
    label = labels[klass][lang_index(lang)] if klass else NO_PRODUCTION[lang_index(lang)]
    return {"class": klass, "class_label": label}


def _legend(labels: Labels, lang: str) -> dict[str, str]:
    return {key: pair[lang_index(lang)] for key, pair in labels.items()}


def _counts(rows: Sequence[Mapping[str, Any]], labels: Labels) -> dict[str, int]:
    counts = {key: sum(1 for r in rows if r["class"] == key) for key in labels}
    return {"areas": len(rows), **counts, "unclassified": sum(1 for r in rows if r["class"] is None)}


def _num(value: Any) -> float | None:
    """A finite float, or None (JSON null) for NaN and infinities."""
    number = float(value)
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    number = float(value)
    return int(number) if math.isfinite(number) else None
