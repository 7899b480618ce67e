"""The vocabulary of the analyses: their names and choices, class labels, errors and the plain data they use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gis.errors import InvalidRequest, NotFoundError
from gis.i18n import CATALOG, LANGS, labels, normalize_lang

ANALYSES: tuple[str, ...] = ("lq", "dlq", "shift-share", "klassen", "leading")
LEVELS: tuple[str, ...] = ("kecamatan", "desa")
SCOPES: tuple[str, ...] = ("kabupaten", "provinsi", "nasional")
SHARES: tuple[str, ...] = ("contribution", "specialisation")
NATION_CODE = "00"
UNIT = "ton"
TOLERANCE = 1e-9

Labels = Mapping[str, tuple[str, str]]  # id -> (Indonesian, English)

# The class labels are the catalogue's (gis.i18n, ``analysis.class.*``); the ids and their order are the model's.
LQ_CLASSES: Labels = labels("analysis.class.lq", ("basis", "non_basis"))
DLQ_CLASSES: Labels = labels("analysis.class.dlq", ("leading", "weakening", "emerging", "lagging"))
SHIFT_CLASSES: Labels = labels("analysis.class.shift", ("competitive", "not_competitive"))
QUADRANTS: Labels = labels("analysis.class.klassen", ("prime", "developed_depressed", "potential", "lagging"))
LEADING_CLASSES: Labels = labels("analysis.class.leading",
                                 ("leading", "basis_slower", "emerging", "other", "basis", "non_basis"))
NO_PRODUCTION: tuple[str, str] = CATALOG["analysis.class.no_production"]
NO_START: tuple[str, str] = CATALOG["analysis.class.no_start"]


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
    return LANGS.index(normalize_lang(lang))
