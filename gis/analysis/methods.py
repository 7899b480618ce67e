"""The methods: growth, location quotient, dynamic LQ, shift-share and the classes drawn from them.

Pure functions over numbers, pandas Series and DataFrames (areas as rows, commodities as columns).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gis.analysis.model import TOLERANCE


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

