"""How each result was computed, in words and symbols (Bahasa Indonesia and English, from ``gis.i18n``)."""

from __future__ import annotations

from typing import Any

from gis.analysis.model import Inputs
from gis.i18n import t


def _reference_text(inputs: Inputs, lang: str) -> str:
    scope, n, level = inputs.plan.query.reference, len(inputs.areas), inputs.plan.query.level
    if scope == "kabupaten":
        return t("analysis.method.reference_areas", lang, n=n, level=level)
    return t("analysis.method.reference_totals", lang, scope=t(f"analysis.scope.{scope}", lang),
             code=inputs.reference_code)


def _considered_text(inputs: Inputs, lang: str) -> str:
    totals = "" if inputs.plan.query.reference == "kabupaten" else t("analysis.method.considered_totals", lang)
    return t("analysis.method.considered", lang, names=", ".join(inputs.plan.commodities), totals=totals)


def lq_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the LQ was computed, in words and symbols."""
    parts = [t("analysis.method.lq", lang), _reference_text(inputs, lang), _considered_text(inputs, lang),
             t("analysis.method.lq_rule", lang)]
    return {"name": "location_quotient", "formula": "LQ_ij = (e_ij / e_j) / (E_i / E)", "text": " ".join(parts)}


def dlq_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the dynamic LQ was computed."""
    parts = [t("analysis.method.dlq", lang), _reference_text(inputs, lang), _considered_text(inputs, lang)]
    return {"name": "dynamic_location_quotient", "formula": "DLQ_ij = [(1 + g_ij) / (1 + g_j)] / [(1 + G_i) / (1 + G)]",
            "text": " ".join(parts)}


def shift_share_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the shift-share components were computed."""
    parts = [t("analysis.method.shift_share", lang), _reference_text(inputs, lang), _considered_text(inputs, lang)]
    return {"name": "shift_share", "formula": "D_ij = e_ij(t0)·G + e_ij(t0)·(G_i − G) + e_ij(t0)·(g_ij − G_i)",
            "text": " ".join(parts)}


def klassen_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the Klassen quadrants were drawn, with the two thresholds."""
    contribution = inputs.plan.query.share == "contribution"
    share = (t("analysis.method.klassen_contribution", lang) if contribution
             else t("analysis.method.klassen_specialisation", lang))
    parts = [t("analysis.method.klassen_growth", lang), share, t("analysis.method.klassen_quadrants", lang),
             _reference_text(inputs, lang)]
    if not contribution:
        parts.append(_considered_text(inputs, lang))
    return {"name": "klassen_typology", "formula": "quadrant = f(g_ij > G_i, share_ij > threshold)",
            "text": " ".join(parts)}


def leading_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the leading commodities were chosen."""
    return {"name": "leading_commodities", "formula": "leading = LQ_ij > 1 and g_ij > G_i",
            "text": " ".join([t("analysis.method.leading", lang), lq_method(inputs, lang)["text"]])}
