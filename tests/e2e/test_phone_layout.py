"""Every page on a small phone (Chromium, 360 x 740 CSS px, touch): no sideways scrolling, tap targets of 48 px,
and a map that keeps its place when the page is opened again.

The tap-target rule, after Lighthouse's former ``tap-targets`` audit and WCAG 2.2's target spacing, with 48 px:

* the targets are the visible ``a[href]``, ``button``, ``input`` (not hidden), ``select``, ``textarea``,
  ``summary``, the labels of inputs, and the links of Leaflet's controls (zoom, layers, attribution);
* a target passes when its box is at least 48 x 48 CSS px, or when the 48 x 48 px square centred on it
  touches no other target's box (a small target with room around it is as easy to hit);
* a target and what contains it, and a label and its input, count as one (a tap on either does the same);
  an input inside its label is judged by the label's box;
* exempt: links in running text (an inline link whose block holds more text than the link: a sentence, a
  list item with figures, a popup row), the usual exception of the audits.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import text

from gis.db import get_engine
from gis.settings import Settings
from tests.e2e.test_browser import SMALL_PHONE, TIMEOUT_MS
from webmap import assets

TARGET = 48  # CSS px
KECAMATAN = "32.12.16"  # Kandanghaur (bundled boundaries)
PAGES = ["/", "/produk", "/investor", "/perencana", "/perencana/unggah", f"/wilayah/{KECAMATAN}",
         "/produk/{producer}", "/investor/peluang/{opportunity}",
         "/?lang=en", "/perencana/unggah?lang=en"]  # longer English words in the menu and the forms
MAPS = {"/": "economy", "/produk": "produk", "/investor": "investor", "/perencana": "perencana",
        f"/wilayah/{KECAMATAN}": "wilayah"}

# Targets that fail the rule above, described for the message; [] when all pass.
SMALL_TARGETS = """(size) => {
  const SELECTOR = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label, ' +
    '.leaflet-control a';
  const visible = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const inText = el => {
    if (el.tagName !== 'A' || !['inline', 'inline-block'].includes(getComputedStyle(el).display)) return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    return block && block.textContent.trim().length > el.textContent.trim().length;
  };
  const control = el => el.tagName === 'LABEL' ? el.control : null;
  const wrapped = el => el.closest('label') && el.closest('label').control === el;  // judged by its label
  const targets = Array.from(document.querySelectorAll(SELECTOR)).filter(el =>
    visible(el) && !inText(el) && !wrapped(el) && (el.tagName !== 'LABEL' || control(el)));
  const sameTarget = (a, b) => a.contains(b) || b.contains(a) || control(a) === b || control(b) === a ||
    (control(a) && control(a) === control(b));
  const touches = (r, q) => r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom;
  const describe = (el, r) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ?
    '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' "' +
    (el.textContent || el.getAttribute('aria-label') || el.name || '').trim().replace(/\\s+/g, ' ').slice(0, 30) +
    '" ' + Math.round(r.width) + 'x' + Math.round(r.height) + ' at ' + Math.round(r.left) + ',' +
    Math.round(r.top + window.scrollY);
  return targets.flatMap(el => {
    const r = el.getBoundingClientRect();
    if (r.width >= size - 0.5 && r.height >= size - 0.5) return [];
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const square = { left: cx - size / 2, right: cx + size / 2, top: cy - size / 2, bottom: cy + size / 2 };
    const near = targets.filter(o => o !== el && !sameTarget(el, o) && touches(square, o.getBoundingClientRect()));
    return near.length ? [describe(el, r) + ' next to ' + describe(near[0], near[0].getBoundingClientRect())] : [];
  });
}"""


def new_phone_page(browser: Any) -> Any:
    """A fresh context (empty storage) with a small phone's screen."""
    context = browser.new_context(viewport=SMALL_PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                  locale="id-ID", service_workers="block")
    return context.new_page()


def record_path(path: str, settings: Settings) -> str:
    """``path`` with the key of a bundled producer or opportunity filled in."""
    with get_engine(settings).connect() as conn:
        producer = conn.execute(text("SELECT min(id) FROM producers")).scalar_one()
        opportunity = conn.execute(text("SELECT min(code) FROM opportunities")).scalar_one()
    return path.format(producer=producer, opportunity=opportunity)


def settle(page: Any, path: str) -> None:
    """Wait until the page's map (if any) is ready and its requests are done."""
    key = MAPS.get(path.split("?")[0])
    if key:
        page.wait_for_function("key => window.petaStatus && window.petaStatus.maps[key] && "
                               "window.petaStatus.maps[key].ready", arg=key, timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)


@pytest.mark.parametrize("path", PAGES)
def test_fits_a_small_phone_with_48px_tap_targets(browser, live_server, loaded_db, path):
    path = record_path(path, loaded_db)
    page = new_phone_page(browser)
    try:
        response = page.goto(live_server + path, wait_until="load", timeout=TIMEOUT_MS)
        assert response.status == 200, path
        settle(page, path)
        width = page.evaluate("() => [document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]")
        assert width[0] <= SMALL_PHONE["width"] and width[1] <= SMALL_PHONE["width"], (path, width)
        assert width[2] == SMALL_PHONE["width"]
        assert page.evaluate(SMALL_TARGETS, TARGET) == []
        # a control that unfolds (the map's layer list) holds its rule too
        if page.locator(".leaflet-control-layers-toggle").count():
            page.locator(".leaflet-control-layers-toggle").first.tap()
            page.locator(".leaflet-control-layers-list").first.wait_for(state="visible", timeout=TIMEOUT_MS)
            assert page.evaluate(SMALL_TARGETS, TARGET) == []
            assert page.evaluate("() => document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    finally:
        page.context.close()


MAP_STATE = """key => { const map = PetaLayers.map(key), c = map.getCenter();
  return { lat: c.lat, lng: c.lng, zoom: map.getZoom(),
           producers: !!PetaLayers.layer(key, 'producers') && map.hasLayer(PetaLayers.layer(key, 'producers')) }; }"""
# A tap on the layer control's checkbox of a layer: what a user does to switch it.
SWITCH_LAYER = """([key, id]) => { const layer = PetaLayers.layer(key, id);
  const input = Array.from(document.querySelectorAll('.leaflet-control-layers-selector'))
    .find(i => i.layerId === L.stamp(layer));
  input.click(); }"""


def test_the_map_keeps_its_place(browser, live_server):
    page = new_phone_page(browser)
    try:
        page.goto(live_server + "/", wait_until="load", timeout=TIMEOUT_MS)
        settle(page, "/")
        opening = page.evaluate(MAP_STATE, "economy")
        assert opening["producers"] is True
        page.evaluate("() => PetaLayers.map('economy').setView([-6.3512, 108.3247], 13, { animate: false })")
        page.evaluate(SWITCH_LAYER, ["economy", "producers"])
        assert page.evaluate(MAP_STATE, "economy")["producers"] is False

        page.reload(wait_until="load", timeout=TIMEOUT_MS)
        settle(page, "/")
        again = page.evaluate(MAP_STATE, "economy")
        assert again["zoom"] == 13
        assert abs(again["lat"] - -6.3512) < 1e-3 and abs(again["lng"] - 108.3247) < 1e-3
        assert again["producers"] is False  # the layer the user switched off stays off
        assert abs(again["lat"] - opening["lat"]) > 0.01  # not the opening view

        # each page keeps its own place; a URL that names one wins over the saved place
        page.goto("about:blank")  # a new document, not a jump within this one
        page.goto(live_server + "/#map=11/-6.45/108.15", wait_until="load", timeout=TIMEOUT_MS)
        settle(page, "/")
        asked = page.evaluate(MAP_STATE, "economy")
        assert asked["zoom"] == 11 and abs(asked["lat"] - -6.45) < 1e-3 and abs(asked["lng"] - 108.15) < 1e-3
        page.goto(live_server + "/investor", wait_until="load", timeout=TIMEOUT_MS)
        settle(page, "/investor")
        assert page.evaluate(MAP_STATE, "investor")["zoom"] != 13
    finally:
        page.context.close()


@pytest.mark.parametrize("path", ["/", "/produk", "/investor", "/perencana", "/perencana/unggah",
                                  f"/wilayah/{KECAMATAN}"])
def test_nothing_blocks_the_first_paint(client, path):
    """No script in the head and every script file deferred (or async): the page is drawn before they run."""
    html = client.get(path).get_data(as_text=True)
    head, body = html.split("</head>", 1)
    assert "<script" not in head
    files = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", body)
    assert files and all(re.search(r"\b(defer|async)\b", tag) for tag in files if "offline-save" not in tag), files


def test_static_files_leave_compressed_with_their_cache(client):
    vendor = client.get(assets.LEAFLET_JS, headers={"Accept-Encoding": "br, gzip"})
    assert vendor.status_code == 200 and vendor.headers["Content-Encoding"] == "br"
    assert len(vendor.data) < 0.5 * (assets.VENDOR_DIR / "leaflet/leaflet.js").stat().st_size
    assert vendor.headers["Cache-Control"] == f"public, max-age={assets.VENDOR_MAX_AGE_S}"
    own = client.get(assets.PETA_CSS, headers={"Accept-Encoding": "gzip"})
    assert own.headers["Content-Encoding"] == "gzip" and own.headers["Cache-Control"] == "no-cache"
    again = client.get(assets.PETA_CSS, headers={"Accept-Encoding": "gzip", "If-None-Match": own.headers["ETag"]})
    assert again.status_code == 304
