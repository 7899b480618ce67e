"""Where the collections of the OGC API at ``/ogc`` come from: providers behind one small interface.

``webmap.ogc`` serves the landing page, collections, items and items/{id} of every provider alike; a
provider only says which collections it has and answers their items. Two providers exist: the layer
registry (``LayerProvider``: ``gis.layers.LAYERS`` queried by ``gis.features`` in PostgreSQL) and the
analysis results (``webmap.ogc_analysis.AnalysisProvider``: computed rows of ``gis.analysis``).

An items request reaches a provider as a ``gis.features.Selection``: ``bbox``, ``years`` (OGC
``datetime``), ``filters`` (the values of the collection's ``?name=value`` filters and options), ``cql``,
``properties`` and ``sortby``, parsed by the route through the collection's parameters (``webmap.ogc_params``);
what depends on the data is the provider's to check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine

from gis import exports, features
from gis.exports import Export
from gis.features import Extent, FeaturePage, Memo, Selection
from gis.filters import QueryError
from gis.layers import LAYERS, Layer
from webmap.params import Param, property_filter


@dataclass(frozen=True)
class Field:
    """A property of a collection's features: name, JSON type, title in the reader's language."""

    name: str
    type: str = "string"  # string, number, integer, boolean or array
    title: str = ""


@dataclass(frozen=True)
class Collection:
    """What the routes need to know of a collection; its extent is asked separately (it may cost a query)."""

    id: str
    title: str
    description: str
    fields: tuple[Field, ...]
    filters: tuple[Param, ...] = ()  # ?name=value filters of the items (each keeps the features it names)
    geometry_type: str = "Geometry"  # Point, MultiPolygon or Geometry
    id_type: str = "string"  # integer or string
    options: tuple[Param, ...] = ()  # parameters of items and item choosing what is computed (datetime, level ...)
    years: bool = False  # the features have years that datetime selects (an analysis declares it among its options)
    cql: bool = False  # filter= (CQL2-text) and /queryables are served
    members: Mapping[str, Any] = field(default_factory=dict)  # more members of the collection document
    related: tuple[tuple[str, str, str, str], ...] = ()  # more links: (rel, path on this host, type, title)

    def field(self, name: str) -> Field | None:
        """The field ``name``, or None."""
        return next((f for f in self.fields if f.name == name), None)

    @property
    def filter_names(self) -> tuple[str, ...]:
        """The names of the ``?name=value`` filters."""
        return tuple(p.name for p in self.filters)


@dataclass(frozen=True)
class ItemsPage:
    """A page of features and the members a provider adds to the FeatureCollection (an analysis' method ...)."""

    page: FeaturePage
    members: Mapping[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    """A source of collections. ``cid`` names one of its collections; None / NotFoundError when it has not."""

    def collections(self, lang: str) -> list[Collection]:
        """Every collection, in the order to list them."""

    def collection(self, cid: str, lang: str) -> Collection | None:
        """One collection, or None when this provider has no such collection."""

    def extent(self, cid: str) -> Extent:
        """The collection's bounding box (CRS84) and first and last year."""

    def items(self, cid: str, selection: Selection, limit: int, offset: int, lang: str) -> ItemsPage:
        """The page of ``limit`` selected features after ``offset``."""

    def item(self, cid: str, fid: str, selection: Selection, lang: str) -> str | None:
        """One feature as GeoJSON text (the selection's properties and options), None when there is none."""

    def download(self, cid: str, selection: Selection, fmt: str, lang: str) -> Export:
        """Every selected feature as a file (``fmt``: csv, gpkg or xlsx); paging does not apply."""


# --------------------------------------------------------------------------- the layer registry


class LayerProvider:
    """The registry's layers: features selected, paged and built as GeoJSON in PostgreSQL."""

    def __init__(self, engine: Engine, memo: Memo | None = None) -> None:
        self._engine, self._memo = engine, memo

    def collections(self, lang: str) -> list[Collection]:
        """Every layer of the registry, in its order."""
        return [describe_layer(layer, lang) for layer in LAYERS.values()]

    def collection(self, cid: str, lang: str) -> Collection | None:
        """The layer ``cid``."""
        layer = LAYERS.get(cid)
        return None if layer is None else describe_layer(layer, lang)

    def extent(self, cid: str) -> Extent:
        """Bounding box (estimated on big point tables) and year range of the layer."""
        with self._engine.connect() as conn:
            return features.extent(conn, LAYERS[cid])

    def items(self, cid: str, selection: Selection, limit: int, offset: int, lang: str) -> ItemsPage:
        """A page of the layer's features (numberMatched kept in ``memo`` until the data change)."""
        with self._engine.connect() as conn:
            return ItemsPage(features.items(conn, LAYERS[cid], selection, limit=limit, offset=offset,
                                            memo=self._memo))

    def item(self, cid: str, fid: str, selection: Selection, lang: str) -> str | None:
        """The feature ``fid`` of the layer."""
        with self._engine.connect() as conn:
            return features.item(conn, LAYERS[cid], fid, selection)

    def download(self, cid: str, selection: Selection, fmt: str, lang: str) -> Export:
        """Every selected feature, streamed from the database."""
        return exports.export_layer(self._engine, LAYERS[cid], fmt, selection, lang=lang)


def describe_layer(layer: Layer, lang: str) -> Collection:
    """A registry layer as a collection."""
    fields = tuple(Field(p.name, p.type, (p.title_en if lang == "en" else p.title_id) or p.name)
                   for p in layer.properties)
    filters = tuple(property_filter(prop) for prop in layer.properties if prop.filterable)
    return Collection(layer.id, layer.title(lang), layer.description(lang), fields, filters,
                      geometry_type=layer.geometry_type, id_type=layer.id_type, years=bool(layer.year_sql), cql=True)


# --------------------------------------------------------------------------- features held in Python


def shown_fields(collection: Collection, selection: Selection) -> tuple[Field, ...]:
    """The fields the selection returns: all, or those ``properties`` names (a QueryError for an unknown one)."""
    if selection.properties is None:
        return collection.fields
    return tuple(_known_field(collection, name, "properties") for name in selection.properties)


def _known_field(collection: Collection, name: str, parameter: str) -> Field:
    found = collection.field(name)
    if found is None:
        names = ", ".join(f.name for f in collection.fields)
        raise QueryError(f"{parameter}: {collection.id} has no property {name!r}; properties: {names}")
    return found


def sort_features(collection: Collection, feats: Sequence[dict[str, Any]],
                  sortby: Sequence[tuple[str, bool]]) -> list[dict[str, Any]]:
    """Features ordered by the ``sortby`` properties (descending when flagged, nulls last), then by id."""
    ordered = sorted(feats, key=lambda f: str(f["id"]))
    for name, descending in reversed(sortby):
        if _known_field(collection, name, "sortby").type == "array":
            raise QueryError(f"sortby cannot use {name}: it holds a list")
        present = [f for f in ordered if _sortable(f["properties"].get(name))]
        absent = [f for f in ordered if not _sortable(f["properties"].get(name))]
        ordered = sorted(present, key=lambda f, n=name: f["properties"][n], reverse=descending) + absent
    return ordered


def _sortable(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def pick_properties(feature: Mapping[str, Any], fields: Sequence[Field]) -> dict[str, Any]:
    """The feature with only ``fields`` among its properties, in their order."""
    props = feature["properties"]
    return {**feature, "properties": {f.name: props.get(f.name) for f in fields}}
