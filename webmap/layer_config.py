"""The registry as the pages' scripts read it: ``config.layers`` and ``config.statistics`` of every map page.

Each layer brings its title and how it is drawn (outline, fill, point colour and radius, colours by a property,
choropleth ramp); each statistical layer (``gis.layers.Stats``) its subject parameter, measures with titles and
units, default measure, sector name and subject labels. ``static/js/peta-layers.js`` and the page scripts take
colours, ramps, parameter names and the list of statistical datasets from here, never from their own code.
"""

from __future__ import annotations

from typing import Any

from gis.layers import LAYERS, Layer, stat_layers


def layer_config(layer: Layer, lang: str) -> dict[str, Any]:
    """Title and drawing of one layer, as the page library reads them."""
    style = layer.style
    found: dict[str, Any] = {"title": layer.title(lang)}
    if style.line:
        found.update(line=style.line, width=style.width)
    if style.fill:
        found["fill"] = style.fill
    if style.color:
        found.update(color=style.color, radius=style.radius)
    if style.color_by:
        found.update(colorBy=style.color_by, palette=dict(style.palette))
    if style.ramp:
        found["ramp"] = list(style.ramp_colors)
    return found


def stats_config(layer: Layer, lang: str) -> dict[str, Any]:
    """What the pages need to ask ``/api/v1/stats/{id}`` for a layer's statistics and to label the answer."""
    stats = layer.stats
    if stats is None:
        raise ValueError(f"layer {layer.id!r} declares no statistics")
    subject = layer.prop(stats.subject)
    measures = [{"id": name, "unit": unit, "title": _title(layer, name, lang)} for name, unit in stats.measures.items()]
    return {"id": layer.id, "title": layer.title(lang), "sector": stats.sector(lang) or layer.title(lang),
            "subject": stats.subject_param, "field": stats.subject,
            "subjectTitle": subject.title(lang) if subject else stats.subject, "measures": measures,
            "measure": stats.default_measure, "ramp": list(layer.style.ramp_colors),
            "labels": {s: (en if lang == "en" else ind) for s, (ind, en) in stats.subjects.items()}}


def _title(layer: Layer, name: str, lang: str) -> str:
    prop = layer.prop(name)
    return prop.title(lang) if prop else name


def pages_config(lang: str) -> dict[str, Any]:
    """Every layer by id, and the statistical layers in registry order (the first is the pages' default)."""
    return {"layers": {layer.id: layer_config(layer, lang) for layer in LAYERS.values()},
            "statistics": [stats_config(layer, lang) for layer in stat_layers()]}


def registry_messages(lang: str) -> dict[str, str]:
    """Texts the registry gives the catalogue: ``sector.<id>`` of each statistical layer (its sector's name)."""
    return {f"sector.{layer.id}": layer.stats.sector(lang) for layer in stat_layers()
            if layer.stats and layer.stats.sector(lang)}

