"""The results published as feature collections: one per analysis and commodity the data allow, and their rows.

A collection's items are the areas of a level with the report's row as properties; ``row_schema`` is the
JSON Schema (OpenAPI 3.0 flavour) of such a row and ``FIELD_TITLES`` names its fields for readers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gis.analysis.model import (
    DLQ_CLASSES,
    LEADING_CLASSES,
    LEVELS,
    LQ_CLASSES,
    QUADRANTS,
    SHIFT_CLASSES,
    Coverage,
    Labels,
)
from gis.i18n import labels, t
from gis.layers import sector_ids, stat_layer
from gis.stats import subject_label


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
        name = t(f"analysis.name.{self.analysis}", lang)
        subject = subject_label(self.commodity, lang) if self.commodity else sector_title(self.sector, lang)
        return f"{name}: {subject}"


ANALYSIS_TITLES: Labels = labels("analysis.name", ("lq", "dlq", "shift-share", "klassen", "leading"))


def sectors() -> tuple[str, ...]:
    """The sectors that can be analysed: the registry's statistical layers (gis/layers.py)."""
    return sector_ids()


def sector_title(sector: str, lang: str = "id") -> str:
    """``pertanian`` / ``agriculture``: the sector's name in running text."""
    stats = stat_layer(sector).stats
    return stats.sector(lang).lower() if stats else sector


def result_collections(coverages: Mapping[str, Coverage]) -> list[ResultCollection]:
    """Every analysis the loaded data allow, at some level (periods need two years), with their years."""
    found = []
    for sector in sectors():
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



SUMMARIES: Mapping[str, str] = {
    "lq": "Location quotient of a commodity per area in a year, basic / non-basic",
    "dlq": "Dynamic location quotient of a commodity per area between two years",
    "shift-share": "Shift-share of a commodity's production change per area between two years",
    "klassen": "Klassen typology of the areas for a commodity (growth against share)",
    "leading": "Leading commodities per area: production rank, LQ and growth against the reference",
}

# --------------------------------------------------------------------------- the rows

ROW_FIELDS: Mapping[str, Sequence[str]] = {
    "lq": ("production", "area_total", "share_in_area", "share_of_reference", "lq"),
    "dlq": ("start", "end", "growth", "area_growth", "lq_start", "lq_end", "dlq"),
    "shift-share": ("start", "end", "change", "growth", "annual_growth", "national_share", "proportional_shift",
                    "differential_shift", "net_shift"),
    "klassen": ("start", "end", "growth", "annual_growth", "share"),
}
CLASSES: Mapping[str, Labels] = {"lq": LQ_CLASSES, "dlq": DLQ_CLASSES, "shift-share": SHIFT_CLASSES,
                                 "klassen": QUADRANTS, "leading": LEADING_CLASSES}
FIELD_TITLES: Labels = labels("analysis.field", (
    "code", "name", "parent_code", "production", "area_total", "share_in_area", "share_of_reference", "lq", "start",
    "end", "change", "growth", "annual_growth", "area_growth", "lq_start", "lq_end", "dlq", "national_share",
    "proportional_shift", "differential_shift", "net_shift", "share", "rank", "class", "class_label", "quadrant",
    "leading", "leading_count", "top_commodity", "commodities"))
_TEXT, _NUM, _INT = {"type": "string"}, {"type": "number"}, {"type": "integer"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def row_schema(analysis: str, *, required: bool = True) -> dict[str, Any]:
    """JSON Schema (OpenAPI 3.0) of one row of ``analysis``; ``required=False`` when a client picks the fields."""
    klass = {"type": "string", "enum": [*CLASSES[analysis], None], "nullable": True}
    props: dict[str, Any] = {"code": _TEXT, "name": _TEXT, "parent_code": _nullable(_TEXT)}
    if analysis == "leading":
        item = {"type": "object", "required": ["commodity", "label", "production", "lq", "class", "class_label"],
                "properties": {"commodity": _TEXT, "label": _TEXT, "production": _NUM,
                               "share_in_area": _nullable(_NUM), "rank_production": _nullable(_INT),
                               "lq": _nullable(_NUM), "growth": _nullable(_NUM),
                               "reference_growth": _nullable(_NUM), "class": klass, "class_label": _TEXT}}
        props.update({"leading": {"type": "array", "items": _TEXT}, "leading_count": _INT,
                      "top_commodity": _nullable(_TEXT), "commodities": {"type": "array", "items": item}})
        names = ["code", "name", "leading", "commodities"]
    else:
        props.update({name: _nullable(_NUM) for name in ROW_FIELDS[analysis]})
        props["rank"] = _nullable(_INT)
        if analysis == "klassen":
            props["quadrant"] = klass
        props.update({"class": klass, "class_label": _TEXT})
        names = ["code", "name", *ROW_FIELDS[analysis], "class", "class_label"]
    schema: dict[str, Any] = {"type": "object", "properties": props}
    return {**schema, "required": names} if required else schema


def row_fields(analysis: str) -> list[tuple[str, str]]:
    """The fields of a row of ``analysis`` in order, with their JSON type (string, number, integer, array)."""
    return [(name, str(schema.get("type", "string"))) for name, schema in row_schema(analysis)["properties"].items()]
