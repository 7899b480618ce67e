"""Regional economic analysis of production data: location quotient, dynamic LQ, shift-share, Klassen typology.

Pure computation on plain data and pandas (no Flask, no SQL: ``gis.analysis_data`` reads the inputs).
The modules: ``model`` (names, choices, labels, errors, the plain data), ``methods`` (the formulas),
``planning`` (a query checked against the data that exist), ``reports`` (per-area rows and summaries),
``texts`` (how each result was computed, in words) and ``published`` (the results as feature collections).
``from gis import analysis`` then ``analysis.X`` reaches every public name of them.

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

from gis.analysis.methods import (
    ShiftShare,
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
    ANALYSES,
    DLQ_CLASSES,
    LEADING_CLASSES,
    LEVELS,
    LQ_CLASSES,
    NATION_CODE,
    NO_PRODUCTION,
    NO_START,
    QUADRANTS,
    SCOPES,
    SHARES,
    SHIFT_CLASSES,
    TOLERANCE,
    UNIT,
    AnalysisQuery,
    Area,
    Coverage,
    Inputs,
    InvalidAnalysis,
    Labels,
    MissingData,
    Plan,
    lang_index,
)
from gis.analysis.planning import considered, plan, subjects_text, years_text
from gis.analysis.published import (
    ANALYSIS_TITLES,
    CLASSES,
    FIELD_TITLES,
    ROW_FIELDS,
    SUMMARIES,
    ResultCollection,
    result_collections,
    row_fields,
    row_schema,
    sector_title,
    sectors,
)
from gis.analysis.reports import (
    available,
    dlq_report,
    klassen_report,
    leading_report,
    lq_report,
    production_table,
    reference_series,
    report,
    shift_share_report,
    warnings_for,
)
from gis.analysis.texts import dlq_method, klassen_method, leading_method, lq_method, shift_share_method

__all__ = [
    "ANALYSES", "ANALYSIS_TITLES", "CLASSES", "DLQ_CLASSES", "FIELD_TITLES", "LEADING_CLASSES", "LEVELS",
    "LQ_CLASSES", "NATION_CODE", "NO_PRODUCTION", "NO_START", "QUADRANTS", "ROW_FIELDS", "SCOPES",
    "SHARES", "SHIFT_CLASSES", "SUMMARIES", "TOLERANCE", "UNIT",
    "AnalysisQuery", "Area", "Coverage", "Inputs", "InvalidAnalysis", "Labels", "MissingData", "Plan",
    "ResultCollection", "ShiftShare",
    "annual_growth_rate", "available", "considered", "dlq_class", "dlq_method", "dlq_report",
    "dynamic_location_quotients", "growth_rate", "is_above", "klassen_method", "klassen_quadrant",
    "klassen_report", "lang_index", "leading_class", "leading_method", "leading_report", "location_quotients",
    "lq_class", "lq_method", "lq_report", "plan", "production_table", "ranks", "reference_series", "report",
    "result_collections", "row_fields", "row_schema", "sector_title", "sectors", "shift_share", "shift_share_method",
    "shift_share_report",
    "subjects_text", "warnings_for", "years_text",
]
