"""Folium map builders of the pages: each takes an optional map ``m`` and adds its layer to it.

The layers carry no data: each is a small JavaScript call (``static/js/peta-layers.js``) that reads
vector tiles (``/tiles/{layer}/{z}/{x}/{y}.pbf``) or an API (``/api/v1/...``, ``/ogc/...``) in the
browser, so a page weighs the same at 1,000 or 1,000,000 producers. Assets: ``webmap.assets``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from jinja2 import Template

from gis.layers import LAYERS, RAMPS, map_labels, stat_layers
from webmap import assets
from webmap.i18n import t

DEFAULT_CENTER = (-6.43, 108.2)
DEFAULT_ZOOM = 10
SALT = ("fisheries", "garam", "Oranges")  # the salt-producing desa: a view of one fisheries kind, in its own ramp


_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*/>\s*')


@dataclass(frozen=True)
class MapParts:
    """A rendered map, in the three pieces a page template places: head, body and script."""

    header: str
    html: str
    script: str


class PetaSetup(JSCSSMixin, MacroElement):
    """Loads the page library and registers the map under ``key`` with its language and texts."""

    default_js = [("leaflet", assets.LEAFLET_JS), ("vectorgrid", assets.VECTORGRID_JS),
                  ("peta_layers", assets.PETA_JS)]
    default_css = [("leaflet_css", assets.LEAFLET_CSS)]
    _template = Template("""
        {% macro script(this, kwargs) %}
            PetaLayers.register({{ this.key|tojson }}, {{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
    """)

    def __init__(self, key: str, config: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "PetaSetup"
        self.key = key
        self.config = dict(config)


class PetaLayer(Layer):
    """A layer drawn by ``PetaLayers.create(kind, options)`` in the browser; listed in the layer control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = PetaLayers.create(
                {{ this._parent.get_name() }}, {{ this.kind|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
    """)

    def __init__(self, kind: str, name: str, options: Mapping[str, Any], show: bool = True,
                 control: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "PetaLayer"
        self.kind = kind
        self.options = {"id": kind, "title": name, **options}


class PetaControl(MacroElement):
    """A control of the page library: legend, search box, choropleth pickers."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            PetaLayers.control({{ this._parent.get_name() }}, {{ this.kind|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
    """)

    def __init__(self, kind: str, options: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self._name = "PetaControl"
        self.kind = kind
        self.options = dict(options or {})


def new_map(key: str, lang: str, config: Mapping[str, Any] | None = None, m: folium.Map | None = None,
            bounds: Sequence[float] | None = None, zoom: int = DEFAULT_ZOOM) -> folium.Map:
    """A Leaflet map without base tiles (nothing loads from another host), registered as ``key``."""
    if m is None:
        m = folium.Map(location=list(DEFAULT_CENTER), zoom_start=zoom, tiles=None, prefer_canvas=True,
                       control_scale=True, minZoom=7, maxZoom=18, height="100%", width="100%")
    m.add_child(PetaSetup(key, {"lang": lang, **(config or {})}))
    add_basemap(m, (config or {}).get("basemap"))
    if bounds:
        west, south, east, north = bounds
        m.fit_bounds([[south, west], [north, east]])
    return m


def add_basemap(m: folium.Map, basemap: Mapping[str, Any] | None) -> folium.Map:
    """The operator's raster basemap (``PETA_BASEMAP``) under every layer; none by default."""
    if basemap and basemap.get("kind") == "raster":
        folium.TileLayer(tiles=basemap["url"], attr=basemap.get("attribution") or " ", name="basemap",
                         overlay=False, control=False, max_native_zoom=basemap.get("maxNativeZoom", 19),
                         max_zoom=18).add_to(m)
    return m


def add_boundaries(m: folium.Map, lang: str, level: str, filters: Mapping[str, str] | None = None,
                   show: bool = True, highlight: str | None = None) -> folium.Map:
    """Kecamatan or desa outlines from vector tiles; a click opens a popup with a link to the area profile."""
    options = {"layer": level, "filters": dict(filters or {}), "highlight": highlight}
    PetaLayer("boundaries", LAYERS[level].title(lang), {**options, "id": f"boundaries-{level}"},
              show=show).add_to(m)
    return m


def add_choropleth(m: folium.Map, lang: str, dataset: str, subjects: Sequence[Mapping[str, Any]],
                   show: bool = True, control: bool = True, subject: str | None = None, year: int | None = None,
                   area: str | None = None) -> folium.Map:
    """Production per area coloured by class (``/api/v1/stats/{dataset}`` breaks) over area vector tiles, in the
    ramp the registry names for the dataset."""
    layer = LAYERS[dataset]
    options = {"dataset": dataset, "subjects": list(subjects), "colors": list(layer.style.ramp_colors),
               "subject": subject, "year": year, "area": area, "picker": control}
    PetaLayer("choropleth", layer.title(lang), {**options, "id": f"choropleth-{dataset}"}, show=show).add_to(m)
    return m


def add_salt(m: folium.Map, lang: str, show: bool = False) -> folium.Map:
    """Salt-producing desa (fisheries kind ``garam`` at desa level) over desa vector tiles."""
    dataset, subject, ramp = SALT
    options = {"dataset": dataset, "subjects": [{"id": subject, "level": "desa"}], "subject": subject,
               "colors": list(RAMPS[ramp]), "picker": False, "id": "salt", "only_data": True}
    PetaLayer("choropleth", t("layer.salt", lang), options, show=show).add_to(m)
    return m


def add_landing_sites(m: folium.Map, lang: str, show: bool = True) -> folium.Map:
    """Fish landing sites (TPI) from OGC API Features (a short curated list)."""
    PetaLayer("landing_sites", LAYERS["landing-sites"].title(lang), {"id": "landing-sites"}, show=show).add_to(m)
    return m


def add_producers(m: folium.Map, lang: str, filters: Mapping[str, str] | None = None,
                  show: bool = True) -> folium.Map:
    """Producers from vector tiles: grid cells with counts at low zoom (made by the tile server), points above."""
    PetaLayer("producers", LAYERS["producers"].title(lang), {"id": "producers", "filters": dict(filters or {})},
              show=show).add_to(m)
    return m


def add_opportunities(m: folium.Map, lang: str, query: Mapping[str, str] | None = None,
                      show: bool = True) -> folium.Map:
    """Investment opportunities from ``/api/v1/opportunities`` (points and sites)."""
    PetaLayer("opportunities", LAYERS["opportunities"].title(lang),
              {"id": "opportunities", "query": dict(query or {})}, show=show).add_to(m)
    return m


def add_outline(m: folium.Map, lang: str, bounds: Sequence[float] | None = None) -> folium.Map:
    """The regency's outline (its coast and islands) from vector tiles, over every fill at every zoom; only the
    tiles within ``bounds`` (west, south, east, north: the regency's) are asked for."""
    options = {"id": "outline", "layer": "kabupaten", "bounds": list(bounds) if bounds else None}
    PetaLayer("outline", t("layer.outline", lang), options, control=False).add_to(m)
    return m


LABEL_ITEMS_LIMIT = 2000  # label points fetched at once: every area of a regency (Indramayu has 349)


def label_options(lang: str) -> dict[str, Any]:
    """The registry's label rules as the page library reads them, and the one request of each source of its own.

    Names beside a symbol come from the page's layer that draws the symbols (TPI, opportunities); the others
    (areas) from their layer's label points, fetched once per page from the OGC API: the same URL on every page
    and in both languages (place names are not translated), so that the browser's cache serves the next page.
    """
    rules, sources = [], {}
    for layer, label in map_labels():
        rules.append({"id": label.id, "source": layer.id, "text": label.text(lang), "fallback": label.text_id,
                      "only": list(label.only) if label.only else None, "sort": label.sort,
                      "minZoom": label.min_zoom, "maxZoom": label.max_zoom, "priority": label.priority,
                      "size": label.size, "bold": label.bold, "caps": label.caps, "color": label.color,
                      "beside": label.beside})
        if not label.beside:
            sources[layer.id] = f"/ogc/collections/{layer.id}/items?limit={LABEL_ITEMS_LIMIT}"
    return {"rules": rules, "sources": sources}


def add_labels(m: folium.Map, lang: str, show: bool = True) -> folium.Map:
    """Names of kecamatan, desa, TPI and opportunities, placed in the browser so that none overlaps another."""
    PetaLayer("labels", t("layer.labels", lang), {"id": "labels", **label_options(lang)}, show=show).add_to(m)
    return m


def add_places(m: folium.Map, lang: str, bounds: Sequence[float] | None = None) -> folium.Map:
    """What makes every page's map recognisable: the regency's outline and the place names (after the layers
    whose symbols get names); ``bounds``: the regency's."""
    return add_labels(add_outline(m, lang, bounds), lang)


def add_controls(m: folium.Map, search: bool = True, legend: bool = True, layers: bool = True) -> folium.Map:
    """Layer control, legend of the visible thematic layers and the place/product search box."""
    if layers:
        folium.LayerControl(position="topright", collapsed=True).add_to(m)
    if legend:
        PetaControl("legend", {"position": "bottomright"}).add_to(m)
    if search:
        PetaControl("search", {"position": "topleft"}).add_to(m)
    return m


def economy_map(lang: str, config: Mapping[str, Any], subjects: Mapping[str, Sequence[Mapping[str, Any]]],
                m: folium.Map | None = None, bounds: Sequence[float] | None = None,
                region: Sequence[float] | None = None) -> folium.Map:
    """The economic map of ``/``: one choropleth per statistical layer of the registry (the first shown; its
    ``subjects`` by layer id), salt, boundaries, producers, TPI, opportunities, the outline, place names and
    controls; it opens on ``bounds``, and ``region`` holds the whole regency."""
    m = new_map("economy", lang, config, m=m, bounds=bounds)
    for index, layer in enumerate(stat_layers()):
        add_choropleth(m, lang, layer.id, subjects.get(layer.id, ()), show=index == 0)
    if SALT[0] in LAYERS:
        add_salt(m, lang)
    add_boundaries(m, lang, "kecamatan")
    add_boundaries(m, lang, "desa", show=False)
    add_producers(m, lang)
    add_landing_sites(m, lang)
    add_opportunities(m, lang)
    add_places(m, lang, region or bounds)  # the outline's tiles: the whole regency, islands included
    return add_controls(m)


def render_map(m: folium.Map) -> MapParts:
    """Header, body and script of ``m`` with every asset made local (``webmap.assets.localize``)."""
    assets.localize(m)
    root = m.get_root()
    root.render()
    # The page layout has its own viewport; Folium's forbids zooming the page on phones.
    header = _FOLIUM_VIEWPORT.sub("", root.header.render())
    return MapParts(header=header, html=root.html.render(), script=root.script.render())
