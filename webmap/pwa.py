"""The installable app (PWA): ``/manifest.webmanifest``, the service worker ``/sw.js`` and its ``/offline`` page.

The manifest is served per language (``?lang=en``; the layout links the one of its page). The worker
(template ``sw.js``) precaches an app shell: the pages' CSS and scripts, Leaflet and the other vendor files,
the icons and the offline page. Its version is a hash of those files and of the worker's own source, so a
deploy that changes any of them installs a new worker, whose ``activate`` deletes the old version's caches.
Pages are network-first (the cached copy, else ``/offline``, when the network is away); tiles, glyphs and
the basemap are stale-while-revalidate in a bounded cache; API reads (``/api/v1/``, ``/ogc/``) are
network-first with the cache as fallback. Only same-origin GETs are touched: POSTs, uploads, exports and
range requests go to the network as usual. ``static/js/sw-register.js`` registers the worker and shows the
"new version" banner. Areas saved with "Simpan untuk offline" (``webmap.offline``, ``static/js/offline-save.js``)
live in caches of their own (``peta-saved-<code>``, kept across versions); the worker answers from them when the
network is away and the other caches lack a page, a tile (the saved composite of every layer at that z/x/y) or
an API read that saved records can answer. The offline page links the saved areas.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request

from webmap import assets
from webmap.i18n import normalize_lang, t

bp = Blueprint("pwa", __name__)

THEME_COLOR = "#00695c"  # --accent of static/css/peta.css
BACKGROUND_COLOR = "#fafaf7"  # --bg
MANIFEST_TYPE = "application/manifest+json"
ICONS_URL = f"{assets.STATIC_URL}/icons"
ICONS = (  # file, size, purpose
    ("icon-192.png", 192, "any"), ("icon-512.png", 512, "any"),
    ("maskable-192.png", 192, "maskable"), ("maskable-512.png", 512, "maskable"),
)
APPLE_TOUCH_ICON = f"{ICONS_URL}/apple-touch-icon.png"
REGISTER_JS = f"{assets.STATIC_URL}/js/sw-register.js"
OFFLINE_URL = "/offline"
# Pages kept for offline starts when they answer at install time (a failure does not stop the install).
START_PAGES = ("/", "/?lang=id", "/?lang=en")
SHORTCUTS = (("/", "nav.map"), ("/produk", "nav.products"), ("/investor", "nav.investor"))
TEMPLATES = Path(__file__).resolve().parent / "templates"
VERSION_TEMPLATES = ("sw.js", "offline.html")
_versions: dict[tuple[tuple[str, int, int], ...], str] = {}


def lang_url(path: str, lang: str) -> str:
    """``path`` with its language: ``/?lang=en``, ``/produk?lang=id``."""
    return f"{path}?lang={normalize_lang(lang)}"


def manifest(lang: str) -> dict[str, object]:
    """The web app manifest in ``lang``."""
    lang = normalize_lang(lang)
    return {
        "id": "/",
        "name": t("site.title", lang),
        "short_name": t("pwa.short_name", lang),
        "description": t("pwa.description", lang),
        "lang": "id-ID" if lang == "id" else "en-GB",
        "dir": "ltr",
        "start_url": lang_url("/", lang),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["business", "navigation", "government"],
        "icons": [{"src": f"{ICONS_URL}/{name}", "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
                  for name, size, purpose in ICONS],
        "shortcuts": [{"name": t(key, lang), "short_name": t(key, lang), "url": lang_url(path, lang),
                       "icons": [{"src": f"{ICONS_URL}/icon-192.png", "sizes": "192x192", "type": "image/png"}]}
                      for path, key in SHORTCUTS],
    }


def shell_files() -> list[Path]:
    """The static files of the app shell that exist (vendor files are missing before ``scripts/setup.sh``)."""
    static = Path(assets.STATIC_DIR)
    files = [static / assets.PETA_CSS.removeprefix(assets.STATIC_URL + "/"), static / "favicon.svg"]
    files += sorted((static / "js").glob("*.js"))
    files += [assets.VENDOR_DIR / dest for dest in assets.VENDOR_FILES if dest != "jquery/jquery.min.js"]
    files += [static / "icons" / name for name, _, _ in ICONS] + [static / "icons" / "apple-touch-icon.png"]
    return [path for path in files if path.is_file()]


def shell_urls() -> list[str]:
    """Every URL the worker precaches (its install fails if one of them fails)."""
    static = Path(assets.STATIC_DIR)
    urls = [f"{assets.STATIC_URL}/{path.relative_to(static).as_posix()}" for path in shell_files()]
    return [OFFLINE_URL, *urls, "/manifest.webmanifest", "/manifest.webmanifest?lang=en"]


def shell_version() -> str:
    """A short hash of the shell's files, the worker's templates and the manifests (precached too): changes with
    every deploy that changes one of them."""
    files = [*shell_files(), *(TEMPLATES / name for name in VERSION_TEMPLATES)]
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if stamp not in _versions:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        digest.update(json.dumps([manifest(lang) for lang in ("id", "en")], sort_keys=True).encode())
        _versions.clear()
        _versions[stamp] = digest.hexdigest()[:12]
    return _versions[stamp]


@bp.get("/manifest.webmanifest")
def manifest_file() -> Response:
    """The manifest of the page's language."""
    body = json.dumps(manifest(request.args.get("lang") or ""), ensure_ascii=False, indent=1)
    response = current_app.response_class(body, mimetype=MANIFEST_TYPE)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker; ``no-cache`` so that browsers look for a new version on every visit."""
    body = render_template("sw.js", version=shell_version(), precache=shell_urls(), start_pages=list(START_PAGES),
                           offline=OFFLINE_URL)
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get(OFFLINE_URL)
def offline() -> Response:
    """What a page shows offline when it was never saved: both languages, no data, only the cached stylesheet."""
    texts = {lang: {**{key: t(f"pwa.{key}", lang) for key in ("offline_title", "offline_text", "retry")},
                    "saved": t("offline.panel.saved", lang)} for lang in ("id", "en")}
    return Response(render_template("offline.html", texts=texts, assets=assets, site=t("site.title")),
                    mimetype="text/html")
