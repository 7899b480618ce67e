"""The vocabulary of the analyses: their names and choices, class labels, errors and the plain data they use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gis.errors import InvalidRequest, NotFoundError

ANALYSES: tuple[str, ...] = ("lq", "dlq", "shift-share", "klassen", "leading")
LEVELS: tuple[str, ...] = ("kecamatan", "desa")
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



def lang_index(lang: str) -> int:
    """Index of ``lang`` in the (Indonesian, English) pairs of labels."""
    return 1 if lang == "en" else 0
