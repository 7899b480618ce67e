"""The installable app (webmap/pwa.py): the manifest in both languages, its icons, the service worker, the layout."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest

from webmap import assets, pwa
from webmap.i18n import t

STATIC = Path(assets.STATIC_DIR)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def worker_list(source: str, name: str) -> list[str]:
    """A JSON array the worker declares as ``const NAME = [...];``."""
    match = re.search(rf"^const {name} = (\[.*\]);$", source, re.MULTILINE)
    assert match, name
    return json.loads(match.group(1))


@pytest.mark.parametrize(("query", "lang"), [("", "id"), ("?lang=en", "en"), ("?lang=xx", "id")])
def test_manifest_fields_in_each_language(client, query, lang):
    response = client.get(f"/manifest.webmanifest{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    data = json.loads(response.data)
    assert data["name"] == t("site.title", lang)
    assert data["short_name"] == t("pwa.short_name", lang) and len(data["short_name"]) <= 12
    assert data["description"] == t("pwa.description", lang)
    assert data["start_url"] == f"/?lang={lang}"
    assert data["scope"] == "/" and data["id"] == "/" and data["display"] == "standalone"
    css = (STATIC / "css" / "peta.css").read_text(encoding="utf-8")
    assert f"--accent: {data['theme_color']}" in css and f"--bg: {data['background_color']}" in css
    shortcuts = {s["url"]: s["name"] for s in data["shortcuts"]}
    assert shortcuts == {f"/?lang={lang}": t("nav.map", lang), f"/produk?lang={lang}": t("nav.products", lang),
                         f"/investor?lang={lang}": t("nav.investor", lang)}


def test_names_differ_between_languages(client):
    indonesian = json.loads(client.get("/manifest.webmanifest").data)
    english = json.loads(client.get("/manifest.webmanifest?lang=en").data)
    assert indonesian["name"] == "Peta Ekonomi Indramayu" and english["name"] == "Indramayu Economic Map"
    assert indonesian["id"] == english["id"]  # one app, whichever language installed it


def test_icons_exist_with_their_declared_sizes(client):
    icons = json.loads(client.get("/manifest.webmanifest").data)["icons"]
    purposes = {(icon["sizes"], icon["purpose"]) for icon in icons}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= purposes
    for icon in icons:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == icon["type"] == "image/png", icon
        width, height = png_size(response.data)
        response.close()
        assert f"{width}x{height}" == icon["sizes"], icon["src"]
    assert png_size((STATIC / "icons" / "apple-touch-icon.png").read_bytes()) == (180, 180)


def test_service_worker_is_served_uncached_and_names_its_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    version = pwa.shell_version()
    assert re.fullmatch(r"[0-9a-f]{12}", version)
    assert f"const VERSION = \"{version}\";" in source
    assert "SKIP_WAITING" in source and "caches.delete" in source
    assert "Content-Security-Policy" in response.headers  # the worker runs under the page policy


def test_every_precached_url_answers(client):
    source = client.get("/sw.js").get_data(as_text=True)
    shell = worker_list(source, "SHELL")
    assert set(shell) >= {"/offline", assets.PETA_CSS, pwa.REGISTER_JS, assets.LEAFLET_JS, assets.LEAFLET_CSS,
                          "/static/icons/icon-192.png", "/static/icons/maskable-512.png"}
    assert all(not url.startswith(("http:", "https:", "//")) for url in shell)  # nothing from another host
    for url in shell + worker_list(source, "START_PAGES"):
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_downloads_and_uploads_never_enter_the_caches(client, app):
    never = worker_list(client.get("/sw.js").get_data(as_text=True), "NEVER")
    passes = [rule.rule for rule in app.url_map.iter_rules()
              if rule.endpoint in {"api_v1.export", "packages.download", "uploads.upload", "offline.plan"}]
    assert len(passes) == 4, passes
    for path in passes:
        assert any(path.startswith(prefix) for prefix in never), path  # files of MBs: never kept by the worker
    assert not any("/api/v1/packages".startswith(prefix) for prefix in never)  # the list is a cached read


def test_saved_areas_and_their_script_are_part_of_the_app(client):
    source = client.get("/sw.js").get_data(as_text=True)
    assert "const SAVED_PREFIX = `${PREFIX}saved-`;" in source
    assert "!n.startsWith(SAVED_PREFIX)" in source  # activate keeps the saved areas of older versions
    assert f"{assets.STATIC_URL}/js/offline-save.js" in worker_list(source, "SHELL")
    offline_page = client.get("/offline").get_data(as_text=True)
    assert 'class="offline-saved" data-lang="id"' in offline_page and "/static/js/offline-save.js" in offline_page
    assert t("offline.panel.saved", "en") in offline_page


def test_the_version_follows_the_shell_files(tmp_path, monkeypatch):
    before = pwa.shell_version()
    fake_static = tmp_path / "static"
    (fake_static / "css").mkdir(parents=True)
    (fake_static / "css" / "peta.css").write_text("body {}", encoding="utf-8")
    monkeypatch.setattr(assets, "STATIC_DIR", fake_static)
    monkeypatch.setattr(assets, "VENDOR_DIR", fake_static / "vendor")
    changed = pwa.shell_version()
    (fake_static / "css" / "peta.css").write_text("body { color: red }", encoding="utf-8")
    assert len({before, changed, pwa.shell_version()}) == 3


@pytest.mark.parametrize(("query", "manifest", "update"), [("", "/manifest.webmanifest", "Versi baru tersedia"),
                                                          ("?lang=en", "/manifest.webmanifest?lang=en",
                                                           "A new version is available")])
def test_layout_links_the_manifest_and_registers_the_worker(client, query, manifest, update):
    html = client.get(f"/investor{query}").get_data(as_text=True)
    assert f'<link rel="manifest" href="{manifest}">' in html
    assert '<meta name="theme-color" content="#00695c">' in html
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in html
    assert f'<script src="{pwa.REGISTER_JS}"' in html and f'data-update="{update}"' in html
    assert f'data-reload="{t("pwa.reload", "en" if query else "id")}"' in html


def test_offline_page_in_both_languages(client):
    response = client.get("/offline")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for lang in ("id", "en"):
        assert t("pwa.offline_title", lang) in html and t("pwa.offline_text", lang) in html
    assert assets.external_asset_urls(html) == []


def test_pwa_routes_are_not_rate_limited(app):
    from webmap.limits import FREE_BLUEPRINTS

    assert "pwa" in FREE_BLUEPRINTS
    assert {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("pwa.")} == {
        "pwa.manifest_file", "pwa.service_worker", "pwa.offline"}
