"""The HTML side of the OGC API at ``/ogc``: the page template, cells and an SVG preview.

Plain server-rendered pages without external assets, for people who open an ``/ogc`` link in a browser;
their texts are the catalogue's ``ogc.*`` (``gis.i18n``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gis.i18n import t


def cell(value: Any, lang: str) -> str:
    """A property value as the text of a table cell (lists joined, objects by their label, numbers grouped)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("ogc.yes", lang) if value else t("ogc.no", lang)
    if isinstance(value, list):
        return ", ".join(_part(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return _part(value)


def _part(value: Any) -> str:
    if isinstance(value, dict):  # e.g. a commodity of an area's leading-commodities row
        named = value.get("label") or value.get("name")
        return str(named) if named is not None else json.dumps(value, ensure_ascii=False)
    return str(value)


def positions(geometry: Mapping[str, Any] | None) -> list[list[tuple[float, float]]]:
    """The geometry's coordinate sequences (each a list of lon/lat); a point is a sequence of one."""
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "GeometryCollection":
        return [seq for g in geometry.get("geometries", []) for seq in positions(g)]
    if kind == "MultiPoint" and isinstance(coords, list):
        return [[(float(p[0]), float(p[1]))] for p in coords]
    depth = {"Point": 0, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
    level = depth.get(str(kind))
    if level is None or coords is None:
        return []
    seqs: list[Any] = [[coords]] if level == 0 else [coords] if level == 1 else coords
    for _ in range(max(0, level - 2)):
        seqs = [ring for part in seqs for ring in part]
    return [[(float(x[0]), float(x[1])) for x in seq] for seq in seqs]


def svg_preview(geometries: list[Mapping[str, Any] | None], width: int = 640) -> str:
    """A small inline SVG drawing of the features (no map tiles, no external assets)."""
    seqs = [seq for g in geometries for seq in positions(g)]
    points = [p for seq in seqs for p in seq]
    if not points:
        return ""
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    if east - west < 1e-4 and north - south < 1e-4:  # a single point: centre it in a small frame
        west, east, south, north = west - 0.02, east + 0.02, south - 0.01, north + 0.01
    dx, dy = max(east - west, 1e-6), max(north - south, 1e-6)
    height = int(min(max(dy / dx * (width - 20) + 20, 160), width))  # the data's shape, within bounds
    scale = min((width - 20) / dx, (height - 20) / dy)

    def xy(p: tuple[float, float]) -> str:
        return f"{10 + (p[0] - west) * scale:.1f},{10 + (north - p[1]) * scale:.1f}"

    shapes = []
    for seq in seqs:
        if len(seq) == 1:
            x, y = xy(seq[0]).split(",")
            shapes.append(f'<circle cx="{x}" cy="{y}" r="3"/>')
        else:
            shapes.append(f'<polyline points="{" ".join(xy(p) for p in seq)}"/>')
    return (f'<svg class="preview" viewBox="0 0 {width} {height}" role="img" aria-label="preview">'
            + "".join(shapes) + "</svg>")


PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#263238}
header{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap;border-bottom:1px solid #cfd8dc}
header span a{margin-left:.6rem}a{color:#01579b}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #eceff1;padding:.3rem .5rem;text-align:left;vertical-align:top}
.scroll{overflow-x:auto}.preview{width:100%;max-width:640px;background:#f5f7f8;border:1px solid #cfd8dc}
.preview circle{fill:#e65100}.preview polyline{fill:none;stroke:#37474f;stroke-width:1}
code{background:#eceff1;padding:0 .2rem}.op{margin:1rem 0;border-top:1px solid #cfd8dc}
</style></head><body>
<header><nav>{% for name, href in crumbs %}{% if not loop.first %} › {% endif %}<a href="{{ href }}">{{ name }}</a>
{%- endfor %}</nav>
<span><a href="{{ other_lang }}">{{ t('lang.switch') }}</a> <a href="{{ json_url }}">JSON</a></span></header>
<main><h1>{{ title }}</h1>
{% if intro %}<p>{{ intro }}</p>{% endif %}
{% if svg %}{{ svg|safe }}{% endif %}
{% if links %}<ul>{% for name, href in links %}<li><a href="{{ href }}">{{ name }}</a></li>{% endfor %}</ul>{% endif %}
{% if table %}<div class="scroll"><table>
{% if table.head %}<thead><tr>{% for h in table.head %}<th>{{ h }}</th>{% endfor %}</tr></thead>{% endif %}
<tbody>{% for row in table.rows %}<tr>{% for cell in row %}<td>
{%- if cell is not string %}<a href="{{ cell[1] }}">{{ cell[0] }}</a>{% else %}{{ cell }}{% endif -%}
</td>{% endfor %}</tr>{% endfor %}</tbody></table></div>{% endif %}
{% if pager %}<p>{% for name, href in pager %}<a href="{{ href }}">{{ name }}</a> {% endfor %}</p>{% endif %}
{% for op in operations or [] %}<section class="op"><h2><code>{{ op.method }} {{ prefix }}{{ op.path }}</code></h2>
<p><strong>{{ op.summary }}</strong> {{ op.description }}</p>
{% if op.parameters %}<table><thead><tr><th>{{ t('ogc.parameters') }}</th><th>in</th><th>schema</th>{#
#}<th></th></tr></thead>
<tbody>{% for p in op.parameters %}<tr><td><code>{{ p.name }}</code></td><td>{{ p['in'] }}</td>
<td>{{ p.schema.type }}{% if p.schema.enum %}: {{ p.schema.enum|join(', ') }}{% endif %}</td>
<td>{{ p.description }}</td></tr>{% endfor %}</tbody></table>{% endif %}
<p>→ {{ op.responses|join(', ') }}</p></section>{% endfor %}
</main></body></html>
"""
