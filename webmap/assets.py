"""Browser assets served by the app: the ONE place that points Folium and the pages at ``/static``.

Nothing loads from a CDN. npm packages (``package.json``) are installed by ``scripts/setup.sh``,
which then runs ``python -m webmap.assets`` to copy the files listed in ``VENDOR_FILES`` into
``webmap/static/vendor/`` (git-ignored). Folium elements name their resources (``leaflet``,
``jquery``, ...); ``localize`` swaps every name for a local URL, or drops resources the pages
never use (jQuery, Bootstrap, Font Awesome, awesome-markers), and refuses a name it does not know.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, Response, request

if TYPE_CHECKING:  # Folium's element tree is loaded by the map views only
    from branca.element import Element

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
STATIC_URL = "/static"
VENDOR_URL = f"{STATIC_URL}/vendor"

# destination under static/vendor -> source under node_modules
VENDOR_FILES: dict[str, str] = {
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet/images/layers.png": "leaflet/dist/images/layers.png",
    "leaflet/images/layers-2x.png": "leaflet/dist/images/layers-2x.png",
    "leaflet/images/marker-icon.png": "leaflet/dist/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png": "leaflet/dist/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png": "leaflet/dist/images/marker-shadow.png",
    "vectorgrid/Leaflet.VectorGrid.bundled.min.js": "leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js",
    "markercluster/leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markercluster/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "markercluster/MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "chartjs/chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "jquery/jquery.min.js": "jquery/dist/jquery.min.js",
}

LEAFLET_JS = f"{VENDOR_URL}/leaflet/leaflet.js"
LEAFLET_CSS = f"{VENDOR_URL}/leaflet/leaflet.css"
VECTORGRID_JS = f"{VENDOR_URL}/vectorgrid/Leaflet.VectorGrid.bundled.min.js"
CHART_JS = f"{VENDOR_URL}/chartjs/chart.umd.min.js"
JQUERY_JS = f"{VENDOR_URL}/jquery/jquery.min.js"  # only for Folium's own popups (not used by the pages)
PETA_JS = f"{STATIC_URL}/js/peta-layers.js"
PETA_CSS = f"{STATIC_URL}/css/peta.css"

# Folium's resource names -> local URL, or None for resources the pages do not use.
FOLIUM_JS: dict[str, str | None] = {
    "leaflet": LEAFLET_JS,
    "jquery": None,
    "bootstrap": None,
    "awesome_markers": None,
    "markerclusterjs": f"{VENDOR_URL}/markercluster/leaflet.markercluster.js",
    "vectorGridProtobuf": VECTORGRID_JS,
    "vectorgrid": VECTORGRID_JS,
    "peta_layers": PETA_JS,
}
FOLIUM_CSS: dict[str, str | None] = {
    "leaflet_css": LEAFLET_CSS,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers_font_css": None,
    "awesome_markers_css": None,
    "awesome_rotate_css": None,
    "markerclustercss": f"{VENDOR_URL}/markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": f"{VENDOR_URL}/markercluster/MarkerCluster.Default.css",
}

# A URL that the browser would fetch by itself: script/img/iframe src, stylesheet/icon href, CSS url().
_ASSET_URL = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*["']?(https?:)?//[^"'\s>]+"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?(https?:)?//[^"'\s>]+"""
    r"""|url\(\s*["']?(https?:)?//[^)"']+|@import\s+["'](https?:)?//[^"']+""",
    re.IGNORECASE,
)


# A whole <script> element of Folium's head (its libraries and the globals Leaflet reads when it loads).
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.IGNORECASE | re.DOTALL)
# The opening of a <script> element with a file and neither defer nor async.
_UNDEFERRED = re.compile(r"<script\s+(?=[^>]*\bsrc=)(?![^>]*\b(?:defer|async)\b)", re.IGNORECASE)
# Files that change only with package.json (npm versions): browsers keep them a day without asking again.
VENDOR_MAX_AGE_S = 86_400


class UnknownAsset(LookupError):
    """A Folium element asks for a resource that has no local copy."""


def _local(resources: list[tuple[str, str]], table: dict[str, str | None]) -> list[tuple[str, str]]:
    local: list[tuple[str, str]] = []
    for name, url in resources:
        if url.startswith(STATIC_URL + "/"):
            local.append((name, url))
            continue
        if name not in table:
            raise UnknownAsset(f"no local copy of Folium resource {name!r} ({url}); add it to webmap/assets.py")
        if table[name] is not None:
            local.append((name, str(table[name])))
    return local


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def localize(element: Element, jquery: bool = False) -> Element:
    """Point the JS/CSS of ``element`` and its children at local files (before rendering).

    ``jquery``: keep jQuery (local), which Folium's own ``Popup`` needs; the pages draw their popups themselves.
    """
    table = {**FOLIUM_JS, "jquery": JQUERY_JS} if jquery else FOLIUM_JS
    for item in _walk(element):
        if hasattr(item, "default_js"):
            item.default_js = _local(list(item.default_js), table)
        if hasattr(item, "default_css"):
            item.default_css = _local(list(item.default_css), FOLIUM_CSS)
    return element


def external_asset_urls(html: str) -> list[str]:
    """Asset references in ``html`` (or CSS) that would load from another host; empty when all is local."""
    return [m.group(0) for m in _ASSET_URL.finditer(html)]


def head_styles(header: str) -> str:
    """Folium's head without its scripts: what the page needs before its first paint (styles, stylesheets)."""
    return _SCRIPT.sub("", header)


def head_scripts(header: str) -> str:
    """Folium's head scripts in their order for the end of the body, the files deferred: the page is drawn and
    parsed before they run (the map's own script then waits for ``DOMContentLoaded``, see ``base.html``)."""
    return deferred("".join(match.group(0) for match in _SCRIPT.finditer(header)))


def deferred(scripts: str) -> str:
    """A page's script elements (rendered HTML) with their files deferred: they run in order once it is parsed."""
    return _UNDEFERRED.sub("<script defer ", str(scripts))


def init_static(app: Flask) -> None:
    """Static files leave as whole bodies (so that they are compressed) with their caching headers.

    Flask sends a static file as a stream, which the compression of ``webmap.http`` skips; registered after
    ``init_http``, this runs before it. Own files stay ``no-cache`` (revalidated by ETag: a deploy shows at
    once); vendor files, fixed by their npm versions, are kept for a day.
    """

    @app.after_request
    def _whole_static_file(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200 or request.method != "GET":
            return response
        stream = response.response
        response.direct_passthrough = False
        response.make_sequence()  # the whole file in memory
        if hasattr(stream, "close"):
            stream.close()
        if request.path.startswith(VENDOR_URL + "/"):
            response.headers["Cache-Control"] = f"public, max-age={VENDOR_MAX_AGE_S}"
        return response


def missing_vendor_files(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Vendor files not yet copied into ``static/vendor`` (run ``bash scripts/setup.sh``)."""
    return [dest for dest in VENDOR_FILES if not (vendor_dir / dest).is_file()]


def copy_vendor_files(node_modules: Path = NODE_MODULES, vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Copy the npm files the pages use into ``static/vendor``; returns those that changed (idempotent)."""
    changed: list[str] = []
    for dest, source in VENDOR_FILES.items():
        src, target = node_modules / source, vendor_dir / dest
        if not src.is_file():
            raise FileNotFoundError(f"{src} is missing: run npm ci at the repository root")
        if target.is_file() and target.read_bytes() == src.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        changed.append(dest)
    return changed


if __name__ == "__main__":
    copied = copy_vendor_files()
    print(f"[assets] {len(copied)} vendor file(s) updated in {VENDOR_DIR}", file=sys.stderr)
