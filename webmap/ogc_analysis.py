"""The analysis results as collections of the OGC API at ``/ogc`` (a provider, see ``webmap.ogc_providers``).

One collection per analysis and commodity the loaded data allow (``lq-agriculture-padi``,
``klassen-fisheries-tambak``, ``leading-agriculture``); its items are the areas of a level with the
report's row as properties, the same rows as ``/api/v1/analysis/...``. Options choose what is computed:
``datetime`` the year (LQ, leading) or the period (``2020/2024``), ``level``, ``reference`` and, for
Klassen, ``share``. The rows are computed per request and selected in Python with the meaning the
layers' selections have in SQL: ``area_code`` keeps the areas inside the given areas at any level
(``gis.area_codes.is_inside``), ``bbox`` the areas whose polygon intersects it, ``properties`` and
``sortby`` as on the layers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from shapely.geometry import box, shape
from sqlalchemy import Engine

from gis import analysis, analysis_data, exports
from gis.analysis import ResultCollection
from gis.area_codes import is_inside
from gis.exports import Column, Export
from gis.features import Extent, FeaturePage, Selection
from gis.filters import filter_values
from gis.layers import Prop
from webmap.analysis_api import LEVEL, REFERENCE, SHARE
from webmap.ogc_params import instants
from webmap.ogc_providers import Collection, Field, ItemsPage, pick_properties, shown_fields, sort_features
from webmap.params import BadParameter, Param, parse_choice, property_filter

REST_PREFIX = "/api/v1/analysis"
# The items' area filter: a registry-style property, so that its values are checked as the layers' area filters are.
AREA_FILTER = Prop("area_code", "code", "string", "Kode wilayah", "Area code", filterable=True, area=True)
_UNSET: Any = object()
_TIME = {
    "lq": "The year (default: the latest with data), e.g. 2024.",
    "leading": "The year, or start/year for the growth since start (default: the latest, growth since the first).",
}


class AnalysisProvider:
    """The result collections of ``gis.analysis`` for the served regency, computed when asked."""

    def __init__(self, engine: Engine, region_code: str) -> None:
        self._engine, self._region = engine, region_code
        self._found: dict[str, ResultCollection] | None = None
        self._bbox: tuple[float, float, float, float] | None = _UNSET

    def _results(self) -> dict[str, ResultCollection]:
        if self._found is None:
            found = analysis.result_collections(analysis_data.read_coverages(self._engine, self._region))
            self._found = {c.id: c for c in found}
        return self._found

    def _result(self, cid: str) -> ResultCollection:
        found = self._results().get(cid)
        if found is None:
            raise analysis.MissingData(f"no analysis collection {cid[:80]!r}")
        return found

    def collections(self, lang: str) -> list[Collection]:
        """Every analysis the loaded data allow."""
        return [describe_result(c, lang) for c in self._results().values()]

    def collection(self, cid: str, lang: str) -> Collection | None:
        """The result collection ``cid``, if the data allow it."""
        found = self._results().get(cid)
        return None if found is None else describe_result(found, lang)

    def extent(self, cid: str) -> Extent:
        """The regency's kecamatan (the default level) and the years with data."""
        result = self._result(cid)
        if self._bbox is _UNSET:
            self._bbox = analysis_data.read_bbox(self._engine, "kecamatan", self._region)
        return Extent(self._bbox, (result.years[0], result.years[-1]))

    def items(self, cid: str, selection: Selection, limit: int, offset: int, lang: str) -> ItemsPage:
        """A page of the selected areas; the report's head (method, thresholds, warnings ...) as members."""
        report, feats = self._selected(cid, selection, lang)
        page = feats[offset:offset + limit]
        text = json.dumps(page, ensure_ascii=False)
        members = {k: v for k, v in report.items() if k not in ("rows", "type", "features", "links")}
        return ItemsPage(FeaturePage(text, len(page), len(feats), True, offset + limit < len(feats)), members)

    def item(self, cid: str, fid: str, selection: Selection, lang: str) -> str | None:
        """The area ``fid`` (its Kemendagri code) with its row."""
        fields = shown_fields(describe_result(self._result(cid), lang), selection)
        report, areas = self._report(cid, selection, lang)
        found = next((f for f in _features(report, areas) if f["id"] == fid), None)
        return None if found is None else json.dumps(pick_properties(found, fields), ensure_ascii=False)

    def download(self, cid: str, selection: Selection, fmt: str, lang: str) -> Export:
        """The selected areas' rows as csv, gpkg or xlsx (nested values as JSON text)."""
        fields = shown_fields(describe_result(self._result(cid), lang), selection)
        _, feats = self._selected(cid, selection, lang)
        records = [{**{name: _flat(value) for name, value in f["properties"].items()}, "geometry": f["geometry"]}
                   for f in feats]
        columns = [Column(f.name, f.type if f.type in ("number", "integer") else "string",
                          *analysis.FIELD_TITLES.get(f.name, (f.name, f.name))) for f in fields]
        return exports.export_records(records, columns, fmt, cid, "MultiPolygon")

    def _report(self, cid: str, selection: Selection, lang: str) -> tuple[dict[str, Any], Sequence[analysis.Area]]:
        result, options = self._result(cid), selection.filters
        query = analysis.AnalysisQuery(
            analysis=result.analysis, sector=result.sector, commodity=result.commodity,
            level=_choice(options, "level", analysis.LEVELS), reference=_choice(options, "reference", analysis.SCOPES),
            share=_choice(options, "share", analysis.SHARES), **_years(result.analysis, selection.years))
        inputs = analysis_data.read_inputs(self._engine, query, self._region, geometry=True)
        return analysis.report(inputs, lang), inputs.areas

    def _selected(self, cid: str, selection: Selection, lang: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The report and its features kept by ``area_code`` and ``bbox``, ordered and with the chosen properties."""
        collection = describe_result(self._result(cid), lang)
        fields = shown_fields(collection, selection)
        given = selection.filters.get(AREA_FILTER.name)
        inside = None if given is None else [str(code) for code in filter_values(AREA_FILTER, given)]
        report, shapes = self._report(cid, selection, lang)
        feats = [f for f in _features(report, shapes)
                 if (inside is None or any(is_inside(f["id"], code) for code in inside))
                 and (selection.bbox is None or _meets(f["geometry"], selection.bbox))]
        ordered = sort_features(collection, feats, selection.sortby)
        return report, [pick_properties(f, fields) for f in ordered]


def describe_result(result: ResultCollection, lang: str) -> Collection:
    """A result collection as an OGC collection: its row's fields, options, and a link to the REST answer."""
    name = result.analysis
    params = {"sector": result.sector, **({"commodity": result.commodity} if result.commodity else {})}
    rest = f"{REST_PREFIX}/{name}?" + "&".join(f"{k}={v}" for k, v in params.items())
    when = "a year" if name in ("lq", "leading") else "a period such as 2020/2024"
    description = (f"{analysis.SUMMARIES[name]}; years with data {analysis.years_text(result.years)}. "
                   f"datetime = {when}; level = kecamatan|desa; reference = kabupaten|provinsi|nasional"
                   f"{'; share = contribution|specialisation' if name == 'klassen' else ''}; "
                   f"area_code = the areas inside a Kemendagri area.")
    return Collection(
        result.id, result.title(lang), description, _fields(name, lang), (property_filter(AREA_FILTER),),
        geometry_type="MultiPolygon", options=analysis_options(name),
        members={"analysis": name, "sector": result.sector, "commodity": result.commodity},
        related=(("alternate", rest, "application/json", "REST: " + name),))


def template(name: str) -> Collection:
    """What every collection of analysis ``name`` takes, for the OpenAPI document (whose paths name the sector and
    the commodity: ``path_segment``)."""
    return Collection(path_segment(name), analysis.SUMMARIES[name], "", _fields(name, "en"),
                      (property_filter(AREA_FILTER),), geometry_type="MultiPolygon", options=analysis_options(name))


def path_segment(name: str) -> str:
    """The collection ids of analysis ``name`` as an OpenAPI path segment: ``lq-{sector}-{commodity}``."""
    return f"{name}-{{sector}}" + ("" if name == "leading" else "-{commodity}")


def analysis_options(name: str) -> tuple[Param, ...]:
    """The parameters of the items of analysis ``name`` that choose what is computed: years, level, reference ..."""
    when = _TIME.get(name, "The period start/end, e.g. 2020/2024 (default: the first and latest years with data; "
                           "'..' for an open end).")
    return (Param("datetime", instants(), when), LEVEL, REFERENCE, *((SHARE,) if name == "klassen" else ()))


def _fields(name: str, lang: str) -> tuple[Field, ...]:
    return tuple(Field(field, kind, analysis.FIELD_TITLES.get(field, (field, field))[analysis.lang_index(lang)])
                 for field, kind in analysis.row_fields(name))


def _choice(options: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    return parse_choice(options.get(name), name, choices, default=choices[0]) or choices[0]


def _years(name: str, interval: tuple[int | None, int | None] | None) -> dict[str, int | None]:
    """OGC ``datetime`` as the query's years: one year for LQ, a period otherwise (open ends: the data's)."""
    if interval is None:
        return {}
    first, last = interval
    if name == "lq":
        if first != last:
            raise BadParameter("datetime of an LQ is one year, e.g. datetime=2024")
        return {"year": first}
    if name == "leading":
        return {"year": last, "start": first if first != last else None}
    if first is not None and first == last:
        raise BadParameter(f"datetime of {name} is a period start/end, e.g. datetime=2020/2024")
    return {"start": first, "end": last}


def _features(report: Mapping[str, Any], areas: Sequence[analysis.Area]) -> list[dict[str, Any]]:
    shapes = {area.code: area.geometry for area in areas}
    return [{"type": "Feature", "id": row["code"], "geometry": shapes.get(row["code"]), "properties": row}
            for row in report["rows"]]


def _meets(geometry: Mapping[str, Any] | None, bbox: tuple[float, float, float, float]) -> bool:
    """True when the polygon intersects ``bbox`` (west, south, east, north; across the antimeridian if west > east)."""
    if not geometry:
        return False
    west, south, east, north = bbox
    boxes = [box(west, south, east, north)] if west <= east else [box(west, south, 180, north),
                                                                   box(-180, south, east, north)]
    polygon = shape(geometry)
    return any(polygon.intersects(b) for b in boxes)


def _flat(value: Any) -> Any:
    """A cell of a download: lists of plain values stay (joined by the writers), nested objects become JSON."""
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict | list) for v in value)):
        return json.dumps(value, ensure_ascii=False)
    return value
