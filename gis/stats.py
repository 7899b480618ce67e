"""Choropleth statistics: production per area for one subject (commodity, fisheries kind...) and year, with class
breaks. The datasets are the registry's statistical layers (``gis.layers.Stats``)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text

from gis.errors import InvalidRequest, NotFoundError
from gis.layers import Layer, LiveMapping, stat_layers, subject_labels

METHODS: tuple[str, ...] = ("quantiles", "natural_breaks", "equal_interval")
LEVELS: tuple[str, ...] = ("kecamatan", "desa")
MIN_CLASSES, MAX_CLASSES, DEFAULT_CLASSES = 3, 9, 5
JENKS_MAX_VALUES = 1000


@dataclass(frozen=True)
class Dataset:
    """A production table that can be mapped: its subject column and measures (column -> unit).

    Made from a statistical layer of the registry (``gis.layers.Stats``), never declared here.
    """

    id: str
    table: str
    subject_column: str
    subject_param: str
    measures: Mapping[str, str]
    default_measure: str = "production_ton"


def dataset_of(layer: Layer) -> Dataset:
    """The statistical dataset a registry layer declares (ValueError for a layer without ``stats``)."""
    if layer.stats is None:
        raise ValueError(f"layer {layer.id!r} declares no statistics")
    stats = layer.stats
    return Dataset(layer.id, layer.table, stats.subject, stats.subject_param, dict(stats.measures),
                   stats.default_measure)


# Read at call time from the registry: a layer registered later is here too.
DATASETS: Mapping[str, Dataset] = LiveMapping(lambda: {layer.id: dataset_of(layer) for layer in stat_layers()})
SUBJECT_LABELS: Mapping[str, tuple[str, str]] = LiveMapping(subject_labels)


class NoData(NotFoundError):
    """Nothing recorded for the asked commodity, year or level; the message says what exists."""


class InvalidStats(InvalidRequest):
    """A statistics parameter the client must fix."""


@dataclass(frozen=True)
class StatsQuery:
    """One choropleth: which dataset, subject, year, level, measure and classification."""

    dataset: str
    subject: str | None
    year: int | None = None
    level: str = "kecamatan"
    measure: str | None = None
    method: str = "quantiles"
    classes: int = DEFAULT_CLASSES
    geometry: bool = False


def subject_label(subject: str, lang: str = "id") -> str:
    """Display name of a commodity or fisheries kind ("bawang_merah" -> "Bawang merah" / "Shallot")."""
    labels = SUBJECT_LABELS.get(subject)
    if labels:
        return labels[1] if lang == "en" else labels[0]
    return subject.replace("_", " ").capitalize()


def choropleth(engine: Engine, query: StatsQuery, lang: str = "id") -> dict[str, Any]:
    """Values per area, their class breaks and (optionally) the area geometries."""
    dataset = _check(query)
    measure = query.measure or dataset.default_measure
    with engine.connect() as conn:
        year, years = _resolve_year(conn, dataset, query)
        rows = _values(conn, dataset, query, measure, year)
    values = [float(r["value"]) for r in rows]
    if not values:
        raise NoData(f"no {measure} recorded for {dataset.subject_param} {query.subject!r} "
                     f"at {query.level} level in {year}")
    breaks = class_breaks(values, query.method, query.classes)
    items = []
    for row, value in zip(rows, values, strict=True):
        item: dict[str, Any] = {"code": row["code"], "name": row["name"], "value": value,
                                "unit": dataset.measures[measure], "class": class_of(value, breaks)}
        if query.geometry:
            item["geometry"] = row["geometry"]
        items.append(item)
    return {
        "dataset": dataset.id, dataset.subject_param: query.subject, "label": subject_label(query.subject, lang),
        "year": year, "available_years": years, "level": query.level, "measure": measure,
        "unit": dataset.measures[measure], "method": query.method, "classes": len(breaks),
        "classes_requested": query.classes, "min": min(values), "max": max(values), "breaks": breaks,
        "values": items,
    }


def _check(query: StatsQuery) -> Dataset:
    dataset = DATASETS.get(query.dataset)
    if dataset is None:
        raise InvalidStats(f"dataset must be one of {', '.join(DATASETS)}")
    if not query.subject:
        raise InvalidStats(f"{dataset.subject_param} is required for {dataset.id} statistics")
    if query.level not in LEVELS:
        raise InvalidStats(f"level must be one of {', '.join(LEVELS)}")
    if query.measure is not None and query.measure not in dataset.measures:
        raise InvalidStats(f"measure must be one of {', '.join(dataset.measures)} for {dataset.id}")
    if query.method not in METHODS:
        raise InvalidStats(f"method must be one of {', '.join(METHODS)}")
    if not MIN_CLASSES <= query.classes <= MAX_CLASSES:
        raise InvalidStats(f"classes must be between {MIN_CLASSES} and {MAX_CLASSES}")
    return dataset


def _resolve_year(conn: Connection, dataset: Dataset, query: StatsQuery) -> tuple[int, list[int]]:
    """The asked year (or the latest at that level) and the years available, or NoData saying what exists."""
    coverage = conn.execute(
        text(f"SELECT a.level, t.year FROM {dataset.table} t JOIN areas a ON a.code = t.area_code "
             f"WHERE t.{dataset.subject_column} = :subject GROUP BY a.level, t.year ORDER BY t.year"),
        {"subject": query.subject},
    ).all()
    if not coverage:
        subjects = available_subjects(conn, dataset)
        raise NoData(f"no {dataset.id} data for {dataset.subject_param} {query.subject!r}; "
                     f"available: {', '.join(subjects) or 'none loaded'}")
    by_level: dict[str, list[int]] = {}
    for level, year in coverage:
        by_level.setdefault(level, []).append(int(year))
    years = by_level.get(query.level, [])
    if not years:
        other = "; ".join(f"{lv}: {_years_text(ys)}" for lv, ys in sorted(by_level.items()))
        raise NoData(f"no {query.subject} data at {query.level} level; levels with data: {other}")
    if query.year is None:
        return years[-1], years
    if query.year not in years:
        raise NoData(f"no {query.subject} data for {query.year} at {query.level} level; "
                     f"years with data: {_years_text(years)}")
    return query.year, years


def _years_text(years: list[int]) -> str:
    return ", ".join(str(y) for y in years)


def available_subjects(conn: Connection, dataset: Dataset) -> list[str]:
    """Commodities (or kinds) that have any data in ``dataset``."""
    sql = f"SELECT DISTINCT {dataset.subject_column} FROM {dataset.table} ORDER BY 1"
    return [r[0] for r in conn.execute(text(sql))]


def _values(conn: Connection, dataset: Dataset, query: StatsQuery, measure: str, year: int) -> list[Any]:
    """One summed value per area (fisheries sum species); names are from our declarations only."""
    geometry = ", ST_AsGeoJSON(a.geom, 6)::json AS geometry" if query.geometry else ""
    sql = (f"SELECT a.code, a.name, sum(t.{measure}) AS value{geometry} "
           f"FROM {dataset.table} t JOIN areas a ON a.code = t.area_code "
           f"WHERE t.{dataset.subject_column} = :subject AND t.year = :year AND a.level = :level "
           f"AND t.{measure} IS NOT NULL GROUP BY a.code ORDER BY a.code")
    params = {"subject": query.subject, "year": year, "level": query.level}
    return list(conn.execute(text(sql), params).mappings())


def class_breaks(values: list[float], method: str, classes: int) -> list[float]:
    """Upper bounds of the classes, strictly increasing, the last one the maximum.

    Fewer classes than asked when the values have fewer distinct numbers.
    """
    distinct = sorted(set(values))
    k = min(classes, len(distinct))
    if k <= 1:
        return [float(distinct[-1])]
    if method == "natural_breaks":
        bins = fisher_jenks_breaks(values, k)
    else:
        bins = _mapclassify_bins(values, method, k)
    return sorted({float(b) for b in bins if distinct[0] <= b < distinct[-1]} | {float(distinct[-1])})


def _mapclassify_bins(values: list[float], method: str, k: int) -> list[float]:
    import mapclassify  # heavy import (scipy, sklearn): only when a map is asked for
    import numpy as np

    classifier = {"quantiles": mapclassify.Quantiles, "equal_interval": mapclassify.EqualInterval}[method]
    with warnings.catch_warnings():
        # Tied values can leave fewer classes than asked; mapclassify warns, we report `classes`.
        warnings.filterwarnings("ignore", message="Not enough unique values", category=UserWarning)
        return [float(b) for b in classifier(np.asarray(values, dtype=float), k=k).bins]


def fisher_jenks_breaks(values: list[float], k: int) -> list[float]:
    """Fisher-Jenks optimal breaks (least within-class squared deviation), in numpy.

    Same optimum as ``mapclassify.FisherJenks``, which without numba takes seconds for a
    few hundred values (and with numba adds seconds of compilation to every start).
    Above JENKS_MAX_VALUES values, evenly spaced order statistics stand in for the data.
    """
    import numpy as np

    x = np.sort(np.asarray(values, dtype=float))
    if x.size > JENKS_MAX_VALUES:
        x = x[np.linspace(0, x.size - 1, JENKS_MAX_VALUES).round().astype(int)]
    n = x.size
    spread = x.std() or 1.0
    z = (x - x.mean()) / spread  # centred and scaled: prefix sums stay exact enough for any unit
    s1 = np.concatenate(([0.0], np.cumsum(z)))
    s2 = np.concatenate(([0.0], np.cumsum(z * z)))
    start, end = np.arange(n)[:, None], np.arange(n)[None, :]
    count = end - start + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = (s2[end + 1] - s2[start]) - (s1[end + 1] - s1[start]) ** 2 / count
    cost[count <= 0] = np.inf
    best = cost[0].copy()  # best[j]: least cost of values 0..j in the classes so far
    starts = []
    for _ in range(1, k):
        total = best[:-1, None] + cost[1:, :]  # row i-1: last class starts at i
        arg = np.argmin(total, axis=0)
        best = total[arg, np.arange(n)]
        starts.append(arg + 1)
    ends, j = [n - 1], n - 1
    for first in reversed(starts):
        j = int(first[j]) - 1
        ends.append(j)
    return sorted(float(x[e]) for e in ends)


def class_of(value: float, breaks: list[float]) -> int:
    """Index of the class holding ``value``: the first whose upper bound is at least ``value``."""
    for i, bound in enumerate(breaks):
        if value <= bound:
            return i
    return len(breaks) - 1
