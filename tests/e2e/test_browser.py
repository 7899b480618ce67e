"""End to end in headless Chromium (Debian's /usr/bin/chromium) against a live server on the loaded database.

Every page in both languages: the Leaflet map is drawn with its layers, nothing fails (console errors,
failed or 4xx/5xx requests), and a screenshot lands in ``screenshots/`` (git-ignored). One phone run of
``/produk`` searches for "krupuk" and opens a producer card. Fails, never skips, without Chromium.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gis.layers import LAYERS
from gis.settings import PROJECT_ROOT

CHROMIUM = os.environ.get("PETA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = PROJECT_ROOT / "screenshots"
TIMEOUT_MS = 20_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}

PLACES = ("outline", "labels")  # on every map: the regency's outline and the place names
# page -> (map key, layers that must have drawn features once the page has settled)
PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "/": ("economy", ("choropleth-agriculture", "boundaries-kecamatan", "producers", "landing-sites",
                      "opportunities", *PLACES)),
    "/investor": ("investor", ("boundaries-kecamatan", "opportunities", *PLACES)),
    "/produk?q=mangga": ("produk", ("boundaries-kecamatan", "results", *PLACES)),
    "/perencana": ("perencana", ("choropleth-agriculture", "boundaries-kecamatan", *PLACES)),
    "/wilayah/32.12": ("wilayah", ("boundaries-kecamatan", "producers", "opportunities", *PLACES)),
    "/wilayah/32.12.16": ("wilayah", ("boundaries-desa", "boundaries-kecamatan", "producers", *PLACES)),
    "/wilayah/32.12.16.2004": ("wilayah", ("boundaries-desa", "producers", *PLACES)),
}
# A number with thousands and a decimal, written the page language's way (1.234,5 / 1,234.5).
GROUPED_DECIMAL = {"id": re.compile(r"\d\.\d{3},\d"), "en": re.compile(r"\d,\d{3}\.\d")}


@dataclass
class Problems:
    """What went wrong in a page: console errors, page errors, failed requests, HTTP errors."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        """Record the page's problems as they happen."""
        page.on("console", lambda m: self.items.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.items.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.items.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: self.items.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)


def open_page(browser: Any, url: str, viewport: dict[str, int], problems: Problems) -> Any:
    """A fresh page on ``url``, its problems recorded, external hosts blocked (nothing may load from them)."""
    context = browser.new_context(viewport=viewport, locale="id-ID")
    page = context.new_page()
    problems.watch(page)
    base = url.split("/", 3)[:3]
    origin = "/".join(base)

    def block_external(route: Any) -> None:
        if route.request.url.startswith(origin) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            problems.items.append(f"external request: {route.request.url}")
            route.abort()

    page.route("**/*", block_external)
    page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
    return page


def wait_for_layers(page: Any, key: str, layers: tuple[str, ...]) -> dict[str, Any]:
    """Wait until the map ``key`` is ready and every visible layer has loaded; returns the layer states."""
    page.wait_for_function(
        """([key, wanted]) => {
            const st = window.petaStatus && window.petaStatus.maps[key];
            if (!st || !st.ready) return false;
            const layers = Object.values(st.layers).filter(l => l.visible);
            return wanted.every(id => st.layers[id] && st.layers[id].loaded && st.layers[id].features > 0)
                && layers.every(l => l.loaded);
        }""",
        arg=[key, list(layers)], timeout=TIMEOUT_MS,
    )
    return page.evaluate("key => window.petaStatus.maps[key].layers", key)


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot into screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def _slug(path: str, lang: str) -> str:
    return (path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "peta") + f"_{lang}"


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_draws_its_map_without_errors(browser, live_server, path, lang):
    key, layers = PAGES[path]
    url = live_server + path + (("&" if "?" in path else "?") + "lang=en" if lang == "en" else "")
    problems = Problems()
    page = open_page(browser, url, DESKTOP, problems)
    try:
        states = wait_for_layers(page, key, layers)
        assert page.locator(".leaflet-container").count() == (2 if path in ("/perencana", "/investor") else 1)
        assert page.locator(".leaflet-tile-container canvas, .leaflet-overlay-pane canvas").count() > 0
        assert page.evaluate("document.documentElement.lang") == lang
        assert all(states[layer]["features"] > 0 for layer in layers), states
        if key == "economy":  # the choropleth legend's class limits
            legend = page.inner_text(".peta-legend")
            assert GROUPED_DECIMAL[lang].search(legend), legend
            assert not GROUPED_DECIMAL["en" if lang == "id" else "id"].search(legend), legend
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        screenshot(page, _slug(path, lang))
        assert problems.items == []
    finally:
        page.context.close()


def test_economic_map_popup_legend_and_layer_switch(browser, live_server):
    problems = Problems()
    page = open_page(browser, live_server + "/?lang=en", DESKTOP, problems)
    try:
        wait_for_layers(page, "economy", PAGES["/"][1])
        legend = page.locator(".peta-legend")
        assert "Agricultural production" in legend.inner_text()
        assert "Rice (paddy)" in legend.inner_text()
        # another year of the choropleth, from the legend's picker
        page.select_option(".peta-legend select[data-role=year]", "2020")
        page.wait_for_function("() => window.petaStatus.maps.economy.layers['choropleth-agriculture'].loaded "
                               "&& document.querySelector('.peta-legend').innerText.includes('2020')")
        # switch the fisheries choropleth on from the layer control
        page.hover(".leaflet-control-layers")
        page.get_by_label("Fisheries production").check()
        wait_for_layers(page, "economy", ("choropleth-fisheries",))
        assert "Marine capture" in legend.inner_text()
        # the salt villages and the village boundaries (titled by the layer registry), each with its legend
        villages = LAYERS["desa"].title("en")
        page.get_by_label("Salt-producing villages").check()
        page.get_by_label(villages, exact=True).check()
        wait_for_layers(page, "economy", ("salt", "boundaries-desa"))
        page.wait_for_function("() => document.querySelector('.peta-legend').innerText.includes('Salt-producing')")
        assert page.locator(".peta-legend section[data-layer='boundaries-desa'] h4").inner_text() == villages
        page.get_by_label("Salt-producing villages").uncheck()
        page.get_by_label(villages, exact=True).uncheck()
        page.mouse.move(5, 400)  # the layer control folds up again
        # a click on the map identifies the area under it, with a link to its profile
        box = page.locator(".leaflet-container").bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.55)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=TIMEOUT_MS)
        assert popup.locator("a[href^='/wilayah/']").count() >= 1
        # the search box finds places and products
        page.fill(".peta-search input", "Kenanga")
        page.locator(".peta-search-results button").first.wait_for(timeout=TIMEOUT_MS)
        assert "Kenanga" in page.locator(".peta-search-results").inner_text()
        page.locator(".peta-search-results button", has_text="Kenanga").first.click()  # the desa (places first)
        page.wait_for_function("() => { const p = document.querySelector('.leaflet-popup-content');"
                               " return p && p.innerText.includes('Kenanga')"
                               " && p.querySelector('a[href=\"/wilayah/32.12.16.2004?lang=en\"]'); }",
                               timeout=TIMEOUT_MS)
        page.fill(".peta-search input", "krupuk")  # no place is called so: the producers only
        page.wait_for_function("() => { const text = document.querySelector('.peta-search-results').textContent;"
                               " return text.includes('Products & producers') && !text.includes('Places'); }",
                               timeout=TIMEOUT_MS)
        page.locator(".peta-search-results button").first.click()  # the map goes to it and opens its popup
        page.wait_for_selector(".leaflet-popup-content a[href^='tel:']", timeout=TIMEOUT_MS)
        # the place's popup may still be fading out: read the producer's
        assert "Products" in page.locator(".leaflet-popup-content", has=page.locator("a[href^='tel:']")).inner_text()
        screenshot(page, "peta_interaction_en")
        assert problems.items == []
    finally:
        page.context.close()


def test_investor_page_charts_and_opportunity_filter(browser, live_server):
    problems = Problems()
    page = open_page(browser, live_server + "/investor", DESKTOP, problems)
    try:
        wait_for_layers(page, "investor", PAGES["/investor"][1])
        page.wait_for_selector("#trend-agriculture[data-series]", timeout=TIMEOUT_MS)
        page.wait_for_selector("#chart-sections[data-series]", timeout=TIMEOUT_MS)
        page.wait_for_selector("#leading-agriculture ol li a[href^='/wilayah/']", timeout=TIMEOUT_MS)
        everything = page.locator("#opp-list li").count()
        assert everything > 1
        page.select_option("#opp-filters select[name=sector]", "fisheries")
        page.click("#opp-filters button[type=submit]")
        page.wait_for_function(f"() => document.querySelectorAll('#opp-list li').length < {everything}")
        assert "Perikanan" in page.locator("#opp-list").inner_text()
        assert page.locator("#opp-list a[href^='https://']").count() >= 1  # licensing information
        screenshot(page, "investor_filtered_id")
        assert problems.items == []
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_opportunities_show_npv_bc_ratio_payback_and_land_status(browser, live_server, lang):
    """The investor list and the map's popup show the feasibility figures, written the page language's way."""
    from webmap.i18n import format_idr, format_number, t

    problems = Problems()
    page = open_page(browser, live_server + "/investor" + ("?lang=en" if lang == "en" else ""), DESKTOP, problems)
    try:
        wait_for_layers(page, "investor", PAGES["/investor"][1])
        page.wait_for_selector("#opp-list li", timeout=TIMEOUT_MS)
        body = page.evaluate(f"() => fetch('/api/v1/opportunities?lang={lang}').then(r => r.json())")
        figures = ("npv_idr", "bc_ratio", "payback_years", "land_status")
        feature = next(f for f in body["features"] if all(f["properties"][name] is not None for name in figures))
        p = feature["properties"]
        assert p["bc_ratio"] % 1 and p["payback_years"] % 1  # decimals: the separator shows the language
        expected = [t("popup.npv", lang), format_idr(p["npv_idr"], lang), t("popup.bc_ratio", lang),
                    format_number(p["bc_ratio"], lang), t("popup.payback", lang),
                    t("popup.years", lang, n=format_number(p["payback_years"], lang)), t("popup.land_status", lang),
                    p["land_status"]]
        item = page.inner_text(f"#opp-list li[data-id='{feature['id']}']")
        assert [text for text in expected if text not in item] == [], item
        # the same figures in the popup of its marker, with its readiness and IRR
        page.evaluate("""id => {
            let marker = null;
            PetaLayers.layer('investor', 'opportunities').eachLayer(g => g.eachLayer(l => {
                if (l.feature.id === id) { marker = l; } }));
            marker.openPopup();
        }""", feature["id"])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=TIMEOUT_MS)
        shown = popup.inner_text()
        expected += [t("popup.readiness", lang), t(f"readiness.{p['readiness']}", lang),
                     format_number(p["irr_pct"], lang) + "%"]
        assert [text for text in expected if text not in shown] == [], shown
        popup.scroll_into_view_if_needed()
        screenshot(page, f"investor_opportunity_popup_{lang}")
        assert problems.items == []
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_kecamatan_profile_shows_the_shift_share_table_and_chart(browser, live_server, lang):
    from webmap.i18n import t

    problems = Problems()
    page = open_page(browser, live_server + "/wilayah/32.12.02" + ("?lang=en" if lang == "en" else ""), DESKTOP,
                     problems)
    try:
        wait_for_layers(page, "wilayah", ("boundaries-desa", "boundaries-kecamatan"))
        page.wait_for_selector("#shift-table[data-state=ready]", timeout=TIMEOUT_MS)
        page.wait_for_selector("#chart-shift[data-series]", timeout=TIMEOUT_MS)
        table = page.inner_text("#shift-table")
        for key in ("area.shift_national", "area.shift_proportional", "area.shift_differential", "area.shift_total"):
            assert t(key, lang) in table, key
        assert page.locator("#shift-table tbody tr").count() == 3
        assert page.locator("#chart-shift").bounding_box()["height"] > 50
        cells = page.locator("#shift-table td.num").all_inner_texts()
        assert len(cells) == 4 and all(c.strip() not in ("", "–") for c in cells)
        result = page.evaluate("""() => fetch('/api/v1/analysis/shift-share?sector=agriculture&commodity=padi'
            + '&level=kecamatan&from=2020&to=2024&reference=kabupaten').then(r => r.json())""")
        row = next(r for r in result["rows"] if r["code"] == "32.12.02")
        expected = [row["national_share"], row["proportional_shift"], row["differential_shift"], row["change"]]
        # written the page language's way (1.234,5 / 1,234.5): read back with that convention, they are the API's
        swap = str.maketrans({".": "", ",": "."}) if lang == "id" else str.maketrans({",": ""})
        shown = [float(c.strip().replace("\u2212", "-").translate(swap)) for c in cells]
        assert shown == pytest.approx(expected, abs=0.051), (cells, expected)
        assert any(abs(v) >= 1000 for v in expected) and any(("." if lang == "id" else ",") in c for c in cells)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        page.locator("#shift-share").scroll_into_view_if_needed()
        screenshot(page, f"wilayah_shift_share_{lang}")
        assert problems.items == []
    finally:
        page.context.close()


def test_investor_draws_the_shared_analysis_map(browser, live_server):
    problems = Problems()
    page = open_page(browser, live_server + "/investor?lang=en", DESKTOP, problems)
    try:
        wait_for_layers(page, "investor", PAGES["/investor"][1])
        assert wait_for_analysis(page, "lq_tambak") >= 20
        assert page.locator("#analysis-map path.peta-analysis-area[fill='#1b7837']").count() > 0
        assert page.locator("#analysis-map .analysis-legend .peta-legend-row").count() >= 2
        page.select_option("#analysis-form select[name=analysis]", "klassen_padi")
        assert wait_for_analysis(page, "klassen_padi") >= 20
        assert "Klassen" in page.inner_text("#analysis-method")
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        page.locator("#analysis").scroll_into_view_if_needed()
        screenshot(page, "investor_analysis_klassen_en")
        assert problems.items == []
    finally:
        page.context.close()


def test_planner_table_aggregation_and_downloads(browser, live_server):
    problems = Problems()
    page = open_page(browser, live_server + "/perencana?lang=en", DESKTOP, problems)
    try:
        wait_for_layers(page, "perencana", PAGES["/perencana"][1])
        page.wait_for_selector("#planner-table tbody tr", timeout=TIMEOUT_MS)
        kecamatan_rows = page.locator("#planner-table tbody tr").count()
        assert kecamatan_rows > 10
        formats = page.locator("#downloads a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert any("f=gpkg" in href and "/api/v1/stats/agriculture" in href for href in formats)
        assert any("f=xlsx" in href and "/api/v1/export/agriculture" in href for href in formats)
        page.select_option("select[name=level]", "desa")
        page.wait_for_function(f"() => document.querySelectorAll('#planner-table tbody tr').length > {kecamatan_rows}")
        page.select_option("select[name=area]", "32.12.16")
        page.wait_for_function("() => [...document.querySelectorAll('#planner-table tbody tr td:first-child')]"
                               ".every(td => td.innerText.startsWith('32.12.16'))")
        hrefs = page.locator("#downloads a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(hrefs) == 8 and all("area=32.12.16" in href for href in hrefs), hrefs
        assert page.locator("select[name=sector]").is_hidden()
        page.select_option("select[name=dataset]", "producers")
        page.wait_for_function("() => document.querySelector('#table-caption').innerText.includes('Sindang')")
        # the producers' tiles keep those inside the chosen kecamatan
        wait_for_layers(page, "perencana", ("producers",))
        tile_url = page.evaluate("() => PetaLayers.layer('perencana', 'producers').grid._url")
        assert "area_code=32.12.16" in tile_url, tile_url
        # only the producers' fields are shown, and their downloads keep the district and the sector
        for name in ("subject", "year", "level", "measure", "method"):
            assert page.locator(f"select[name={name}]").is_hidden(), name
        page.select_option("select[name=sector]", "C")
        page.wait_for_function("() => [...document.querySelectorAll('#downloads a')]"
                               ".every(a => a.href.includes('sector=C') && a.href.includes('area=32.12.16'))")
        csv_href = page.locator("#downloads a", has_text="CSV").get_attribute("href")
        body = page.evaluate("url => fetch(url).then(r => r.text())", csv_href)
        rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
        assert rows and all(r["area_code"].startswith("32.12.16.") and r["sector"] == "C" for r in rows), rows[:2]
        screenshot(page, "perencana_producers_en")
        assert problems.items == []
    finally:
        page.context.close()


ANALYSIS_TEXTS = {
    "id": {"lq": "Location Quotient (LQ)", "basis": "Basis (LQ > 1)", "klassen": "Tipologi Klassen",
           "quadrant": "Kuadran I", "warning": "Catatan:", "class": "Kelas", "province": "(Provinsi)",
           "regency": "(Kabupaten)"},
    "en": {"lq": "The location quotient (LQ)", "basis": "Basic (LQ > 1)", "klassen": "The Klassen typology",
           "quadrant": "Quadrant I", "warning": "Note:", "class": "Class", "province": "(Province)",
           "regency": "(Regency)"},
}


def wait_for_analysis(page: Any, analysis: str) -> int:
    """Wait until the analysis map shows ``analysis`` with its polygons drawn; returns how many."""
    page.wait_for_function(
        """name => {
            const box = document.getElementById('analysis-map');
            return box.dataset.state === 'ready' && box.dataset.analysis === name
                && box.querySelectorAll('path.peta-analysis-area').length > 0;
        }""", arg=analysis, timeout=TIMEOUT_MS)
    return page.locator("#analysis-map path.peta-analysis-area").count()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_planner_analysis_maps_lq_then_klassen(browser, live_server, lang):
    texts = ANALYSIS_TEXTS[lang]
    problems = Problems()
    page = open_page(browser, live_server + "/perencana" + ("?lang=en" if lang == "en" else ""), DESKTOP, problems)
    try:
        wait_for_layers(page, "perencana", PAGES["/perencana"][1])
        # LQ padi by kecamatan (default): only padi has per-kecamatan data, so LQ = 1 everywhere and the
        # API's warning is shown on the page
        assert wait_for_analysis(page, "lq_padi") >= 20
        assert texts["lq"] in page.inner_text("#analysis-method")
        assert page.locator("#analysis-warning").is_visible()
        assert texts["warning"] in page.inner_text("#analysis-warning")
        legend = page.locator("#analysis-map .analysis-legend")
        assert texts["basis"] in legend.inner_text()
        page.locator("#analysis").scroll_into_view_if_needed()
        screenshot(page, f"perencana_analysis_lq_{lang}")
        # a click on a polygon opens a popup with the area name, the value and the class label
        page.locator("#analysis-map path.peta-analysis-area").nth(5).click(force=True)
        popup = page.locator("#analysis-map .leaflet-popup-content")
        popup.wait_for(timeout=TIMEOUT_MS)
        assert "LQ" in popup.inner_text() and texts["class"] in popup.inner_text()
        assert popup.locator("h3").inner_text().strip() != ""  # the kecamatan's name
        # Klassen typology of padi 2020 -> 2024: four quadrants, no warning
        page.select_option("#analysis-form select[name=analysis]", "klassen_padi")
        assert wait_for_analysis(page, "klassen_padi") >= 20
        assert texts["klassen"] in page.inner_text("#analysis-method")
        assert texts["quadrant"] in legend.inner_text()
        assert not page.locator("#analysis-warning").is_visible()
        fills = page.locator("#analysis-map path.peta-analysis-area").evaluate_all(
            "paths => [...new Set(paths.map(p => p.getAttribute('fill')))]")
        assert len(fills) >= 3, fills
        # fisheries LQ (tambak 2021) has basic districts; only the regency is a reference for it
        page.select_option("#analysis-form select[name=analysis]", "lq_tambak")
        wait_for_analysis(page, "lq_tambak")
        assert page.locator("#analysis-form select[name=reference]").is_disabled()
        assert page.locator("#analysis-map path.peta-analysis-area[fill='#1b7837']").count() > 0
        page.select_option("#analysis-form select[name=analysis]", "klassen_padi")
        wait_for_analysis(page, "klassen_padi")
        assert page.locator("#analysis-form select[name=reference]").is_enabled()
        # the province as the reference
        page.select_option("#analysis-form select[name=reference]", "provinsi")
        page.wait_for_function("text => document.getElementById('analysis-caption').innerText.includes(text)",
                               arg=texts["province"], timeout=TIMEOUT_MS)
        assert wait_for_analysis(page, "klassen_padi") >= 20
        page.select_option("#analysis-form select[name=reference]", "kabupaten")
        page.wait_for_function("text => document.getElementById('analysis-caption').innerText.includes(text)",
                               arg=texts["regency"], timeout=TIMEOUT_MS)
        wait_for_analysis(page, "klassen_padi")
        page.locator("#analysis").scroll_into_view_if_needed()
        screenshot(page, f"perencana_analysis_klassen_{lang}")
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        assert problems.items == []
    finally:
        page.context.close()


def test_phone_finder_searches_krupuk_and_opens_a_card(browser, live_server):
    problems = Problems()
    page = open_page(browser, live_server + "/produk", PHONE, problems)
    try:
        assert page.locator("#finder-more").is_hidden()  # nothing to page through yet
        page.fill("#finder-q", "krupuk")
        page.click("#finder-form button[type=submit]")
        page.wait_for_selector("#finder-results .card", timeout=TIMEOUT_MS)
        wait_for_layers(page, "produk", ("results",))
        first = page.locator("#finder-results .card").first
        assert "rupuk" in first.inner_text().lower()
        first.locator(".card-open").click()
        body = first.locator(".card-body")
        assert body.is_visible()
        assert first.locator(".card-open").get_attribute("aria-expanded") == "true"
        assert body.locator("a[href^='https://wa.me/62']").count() == 1
        assert body.locator("a[href^='tel:']").count() == 1
        assert body.locator("a[href^='geo:']").count() == 1
        assert body.locator("a[href^='https://www.openstreetmap.org/directions']").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the page scrolls sideways on a phone"
        first.scroll_into_view_if_needed()
        screenshot(page, "produk_phone_krupuk_id")
        assert problems.items == []
    finally:
        page.context.close()


def test_phone_finder_near_me_uses_the_browser_location(browser, live_server):
    problems = Problems()
    context = browser.new_context(viewport=PHONE, geolocation={"latitude": -6.3607, "longitude": 108.3173},
                                  permissions=["geolocation"])
    page = context.new_page()
    problems.watch(page)
    try:
        page.goto(live_server + "/produk?lang=en", wait_until="load")
        page.click("#near-me")
        page.wait_for_selector("#finder-results .card", timeout=TIMEOUT_MS)
        assert "from you" in page.locator("#finder-results .card").first.inner_text()
        assert problems.items == []
        page.wait_for_load_state("networkidle")  # no file cut off mid-send when the context closes
    finally:
        context.close()


def test_unknown_area_shows_the_translated_404_page(browser, live_server):
    problems = Problems()
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        response = page.goto(live_server + "/wilayah/32.12.99?lang=en")
        assert response is not None and response.status == 404
        assert "Page not found" in page.content()
        assert "There is no area with code 32.12.99." in page.inner_text("main")
        assert problems.items == []
    finally:
        context.close()


GOOD_AGRICULTURE_CSV = "kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n"
BAD_AGRICULTURE_CSV = "kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,-10\n"


def _agriculture_rows(engine: Any, loaded_by: str | None = None) -> int:
    from sqlalchemy import text

    sql = "SELECT count(*) FROM agriculture_production p"
    if loaded_by is None:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar_one()
    sql += " JOIN load_runs r ON r.id = p.load_run_id WHERE r.loaded_by = :who"
    with engine.connect() as conn:
        return conn.execute(text(sql), {"who": loaded_by}).scalar_one()


def _send(page: Any, path: Path, kind: str = "agriculture", dry_run: bool = True) -> str:
    """Choose ``kind`` and ``path`` on the upload page, send it, wait for the answer; returns its status."""
    page.select_option("#upload-kind", kind)
    page.set_input_files("#upload-file", str(path))
    page.set_checked("#upload-dry-run", dry_run)
    page.evaluate("document.getElementById('upload-result').replaceChildren()")  # no earlier answer to mistake
    page.click("#upload-submit")
    page.wait_for_function("() => { const s = document.getElementById('upload-status');"
                           " return s && s.dataset.status !== 'sending'; }", timeout=TIMEOUT_MS)
    return page.get_attribute("#upload-status", "data-status")


def _counts(page: Any) -> dict[str, str]:
    return {name: page.inner_text(f"#upload-counts [data-count={name}] dd").strip()
            for name in ("rows_read", "rows_loaded", "rows_rejected", "errors", "warnings")}


def test_steward_checks_rejects_and_loads_a_file_on_a_phone(browser, live_server, loaded_db, tmp_path):
    from gis import keys
    from gis.db import get_engine
    from webmap.i18n import t

    engine = get_engine(loaded_db)
    token = keys.create_key(engine, "Dinas Pertanian", "agriculture")[1]
    good, bad = tmp_path / "jagung.csv", tmp_path / "jagung-salah.csv"
    good.write_text(GOOD_AGRICULTURE_CSV, encoding="utf-8")
    bad.write_text(BAD_AGRICULTURE_CSV, encoding="utf-8")
    rows_before = _agriculture_rows(engine)
    problems = Problems()
    page = open_page(browser, live_server + "/perencana/unggah", PHONE, problems)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.wait_for_selector("#loads-table[data-state=ready] tbody tr", timeout=TIMEOUT_MS)
        assert "tests" in page.inner_text("#loads-table")  # the bundled loads of the fixture
        # the key stays in this tab's sessionStorage: it survives a reload, and "forget" removes it
        page.fill("#upload-key", token)
        assert page.evaluate("sessionStorage.getItem('peta.uploadKey')") == token
        page.reload(wait_until="load")
        assert page.input_value("#upload-key") == token
        page.click("#forget-key")
        assert page.input_value("#upload-key") == "" and page.evaluate("sessionStorage.length") == 0
        # a wrong key and a kind outside the key's role get clear messages, not a report
        page.fill("#upload-key", "peta_not-a-real-key")
        assert _send(page, good) == "error-401"
        assert t("upload.error_401") in page.inner_text("#upload-status")
        page.fill("#upload-key", token)
        assert _send(page, good, kind="fisheries") == "error-403"
        assert t("upload.error_403") in page.inner_text("#upload-status")
        assert "fisheries" in page.inner_text("#upload-result")  # the server's detail names the kind
        # dry run of a good file: valid, nothing loaded
        assert _send(page, good) == "validated"
        assert t("upload.status_validated") in page.inner_text("#upload-status")
        assert _counts(page) == {"rows_read": "1", "rows_loaded": "0", "rows_rejected": "0", "errors": "0",
                                 "warnings": "0"}
        assert page.locator("#upload-no-issues").is_visible()
        assert _agriculture_rows(engine) == rows_before
        # a negative production: invalid, and the issue says where
        assert _send(page, bad) == "invalid"
        assert t("upload.status_invalid") in page.inner_text("#upload-status")
        assert _counts(page)["errors"] == "1" and _counts(page)["rows_loaded"] == "0"
        cells = page.locator("#upload-issues tbody tr").first.locator("td").all_inner_texts()
        assert cells[0] == "2" and cells[1] == "produksi_ton" and cells[2] == "-10"
        assert cells[3].strip() and cells[4] == t("upload.severity_error")
        assert _agriculture_rows(engine) == rows_before
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the upload page scrolls sideways on a phone"
        screenshot(page, "perencana_unggah_invalid_phone_id")
        # the real load: rows in the database, and the run at the top of the history, with the key's name
        assert _send(page, good, dry_run=False) == "loaded"
        assert _counts(page)["rows_loaded"] == "1"
        page.wait_for_function("() => { const row = document.querySelector('#loads-table tbody tr');"
                               " return row && row.innerText.includes('key:Dinas Pertanian'); }", timeout=TIMEOUT_MS)
        first = page.locator("#loads-table tbody tr").first.inner_text()
        assert "jagung.csv" in first and t("kind.agriculture") in first and t("upload.run_loaded") in first
        assert _agriculture_rows(engine) == rows_before + 1
        assert _agriculture_rows(engine, "key:Dinas Pertanian") == 1
        screenshot(page, "perencana_unggah_loaded_phone_id")
        # the key went out in headers only: never in a URL, never in a cookie
        assert requests and not any(token in url for url in requests)
        assert not any(token in cookie["value"] for cookie in page.context.cookies())
        # the refused uploads are the only failed requests (the browser logs each 4xx fetch on the console)
        upload_url = live_server + "/api/v1/uploads/"
        expected = [f"HTTP {code}: {upload_url}{kind}" for code, kind in
                    ((401, "agriculture"), (403, "fisheries"), (400, "agriculture"))]
        assert [p for p in problems.items if p.startswith("HTTP ")] == expected
        others = [p for p in problems.items if not p.startswith("HTTP ")
                  and not (p.startswith("console error: Failed to load resource") and "status of 4" in p)]
        assert others == []
    finally:
        page.context.close()


def test_upload_page_in_english_shows_what_a_kind_accepts(browser, live_server):
    problems = Problems()
    page = open_page(browser, live_server + "/perencana/unggah?lang=en", DESKTOP, problems)
    try:
        page.wait_for_selector("#loads-table[data-state=ready] tbody tr", timeout=TIMEOUT_MS)
        assert page.get_by_label("API key").get_attribute("type") == "password"
        page.get_by_label("Kind of data").select_option("landing-sites")
        help_text = page.inner_text("#kind-help")
        assert "admin, fisheries" in help_text and "lat (latitude)" in help_text
        assert page.get_by_label("Check only (dry run: nothing is loaded)").is_checked()
        assert "Load history" in page.inner_text("main")
        # sending without a key is stopped in the page, with a message
        page.click("#upload-submit")
        assert page.get_attribute("#upload-status", "data-status") == "need-key"
        assert "Enter your API key first." in page.inner_text("#upload-status")
        assert problems.items == []
    finally:
        page.context.close()


# --- place names -----------------------------------------------------------------------------------------

# The labels a person sees: shown, not hidden while the map moves, and inside the map's box.
SHOWN_LABELS = """key => {
    const box = PetaLayers.map(key).getContainer().getBoundingClientRect();
    return [...document.querySelectorAll('.peta-label')]
        .filter(el => el.style.display !== 'none' && getComputedStyle(el).visibility === 'visible')
        .map(el => { const r = el.getBoundingClientRect();
                     return {text: el.textContent, kind: el.dataset.label, code: el.dataset.code || null,
                             x1: r.left, y1: r.top, x2: r.right, y2: r.bottom}; })
        .filter(l => l.x2 > box.left && l.x1 < box.right && l.y2 > box.top && l.y1 < box.bottom);
}"""


def shown_labels(page: Any, key: str) -> list[dict[str, Any]]:
    """The place names visible on the map ``key`` now, with their boxes in CSS pixels."""
    return page.evaluate(SHOWN_LABELS, key)


def overlaps(labels: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes share some area."""
    return [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1:]
            if min(a["x2"], b["x2"]) > max(a["x1"], b["x1"]) and min(a["y2"], b["y2"]) > max(a["y1"], b["y1"])]


def area_labels(page: Any) -> dict[str, dict[str, Any]]:
    """The label points of the OGC API by area code: name, level, parent, rank and [lat, lon]."""
    body = page.evaluate("() => fetch('/ogc/collections/area-labels/items?limit=2000').then(r => r.json())")
    return {f["id"]: {**f["properties"], "latlng": f["geometry"]["coordinates"][::-1]} for f in body["features"]}


def set_view(page: Any, key: str, latlng: list[float], zoom: int) -> None:
    """Move the map at once (the labels are placed again when it has moved)."""
    page.evaluate("([key, latlng, zoom]) => { PetaLayers.map(key).setView(latlng, zoom, {animate: false}); }",
                  [key, latlng, zoom])  # returns nothing: the map object cannot be serialised


def test_kecamatan_names_at_regency_zoom_and_desa_names_zoomed_in(browser, live_server):
    """``/`` names the kecamatan at regency zoom (the most populous first), Sindang and Indramayu side by side
    one step in, and the desa of Sindang once zoomed in on it; names come from the API and never overlap."""
    problems = Problems()
    page = open_page(browser, live_server + "/", DESKTOP, problems)
    try:
        wait_for_layers(page, "economy", PAGES["/"][1])
        areas = area_labels(page)
        kecamatan = {code: a for code, a in areas.items() if a["level"] == "kecamatan"}
        assert 9 <= page.evaluate("PetaLayers.map('economy').getZoom()") < 12
        shown = shown_labels(page, "economy")
        named = [label for label in shown if label["kind"] == "kecamatan"]
        assert {label["kind"] for label in shown} <= {"kecamatan", "landing-sites", "opportunities"}  # no desa yet
        assert all(kecamatan[label["code"]]["name"] == label["text"] for label in named)
        first = min(kecamatan.values(), key=lambda a: a["rank"])
        assert first["name"] in {label["text"] for label in named}  # the most populous is placed first
        assert len(named) >= len(kecamatan) // 3, [label["text"] for label in named]
        assert overlaps(shown) == []
        screenshot(page, "labels_regency_id")
        # one step in, between Sindang and Indramayu: both named (one moves above or below its point if need be)
        sindang = kecamatan["32.12.16"]
        indramayu = next(a for a in kecamatan.values() if a["name"] == "Indramayu")
        middle = [(a + b) / 2 for a, b in zip(sindang["latlng"], indramayu["latlng"], strict=True)]
        set_view(page, "economy", middle, 11)
        shown = shown_labels(page, "economy")
        assert {"Sindang", "Indramayu"} <= {label["text"] for label in shown if label["kind"] == "kecamatan"}, shown
        assert overlaps(shown) == []
        # zoomed in on Sindang: the names of its desa, and no kecamatan name any more
        page.evaluate("""() => fetch('/ogc/collections/kecamatan/items/32.12.16').then(r => r.json())
            .then(f => { PetaLayers.map('economy').fitBounds(L.geoJSON(f).getBounds(), {animate: false}); })""")
        assert page.evaluate("PetaLayers.map('economy').getZoom()") >= 12
        shown = shown_labels(page, "economy")
        desa = [label for label in shown if label["kind"] == "desa"]
        assert all(areas[label["code"]]["name"] == label["text"] and areas[label["code"]]["level"] == "desa"
                   for label in desa)
        inside = {code for code, a in areas.items() if a["parent_code"] == "32.12.16"}
        assert len({label["code"] for label in desa} & inside) >= len(inside) // 2, (desa, inside)
        assert not [label for label in shown if label["kind"] == "kecamatan"]
        assert overlaps(shown) == []
        screenshot(page, "labels_sindang_desa_id")
        assert problems.items == []
    finally:
        page.context.close()


def test_names_never_overlap_on_a_phone(browser, live_server):
    """On a 360 x 740 screen the greedy check leaves out names rather than piling them up, at every zoom."""
    problems = Problems()
    page = open_page(browser, live_server + "/", SMALL_PHONE, problems)
    try:
        wait_for_layers(page, "economy", ("landing-sites", "opportunities"))  # and the names placed (loaded)
        areas = area_labels(page)
        first = min((a for a in areas.values() if a["level"] == "kecamatan"), key=lambda a: a["rank"])
        start = page.evaluate("PetaLayers.map('economy').getZoom()")
        shown = shown_labels(page, "economy")
        assert overlaps(shown) == []
        legend = page.locator(".peta-legend").bounding_box()  # open on a tall screen: no name hides under it
        assert not overlaps(shown + [{"text": "legend", "x1": legend["x"], "y1": legend["y"],
                                      "x2": legend["x"] + legend["width"], "y2": legend["y"] + legend["height"]}])
        if page.locator(".peta-legend details[open]").count():  # fold the legend: the names take the room it frees
            page.click(".peta-legend summary")
            page.wait_for_function("name => [...document.querySelectorAll('.peta-label')]"
                                   ".some(el => el.textContent === name && el.style.display !== 'none')",
                                   arg=first["name"], timeout=TIMEOUT_MS)
        shown = shown_labels(page, "economy")
        assert first["name"] in {label["text"] for label in shown}
        assert overlaps(shown) == []
        screenshot(page, "labels_phone_id")
        kinds = set()
        for zoom in range(int(start) + 1, 15):
            set_view(page, "economy", areas["32.12.16"]["latlng"], zoom)
            shown = shown_labels(page, "economy")
            assert shown, zoom
            assert overlaps(shown) == [], zoom
            kinds |= {label["kind"] for label in shown}
        assert {"kecamatan", "desa", "landing-sites"} <= kinds
        # the names leave the map with their layer, and come back with it
        page.evaluate("() => { PetaLayers.map('economy').removeLayer(PetaLayers.layer('economy', 'labels')); }")
        assert shown_labels(page, "economy") == []
        page.evaluate("() => { PetaLayers.map('economy').addLayer(PetaLayers.layer('economy', 'labels')); }")
        page.wait_for_function("() => document.querySelectorAll('.peta-label:not([style*=\"display: none\"])').length")
        assert overlaps(shown_labels(page, "economy")) == []
        assert problems.items == []
    finally:
        page.context.close()


def test_phone_first_load_of_the_economic_map_fetches_each_tile_once(browser, live_server):
    """The vector layers shown together come in one composite tile per z/x/y: few requests on a phone."""
    problems = Problems()
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    problems.watch(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(live_server + "/", wait_until="load", timeout=TIMEOUT_MS)
        wait_for_layers(page, *PAGES["/"])
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        tiles = [u for u in requests if "/tiles/" in u]
        keys = [re.sub(r"^.*/tiles/[^/]+/", "", u) for u in tiles]
        print(f"phone first load of /: {len(requests)} requests, {len(tiles)} tile requests")
        assert len(keys) == len(set(keys)), sorted(tiles)  # one request per z/x/y
        assert len(requests) <= 30, requests
        assert problems.items == []
    finally:
        context.close()


def test_composite_tiles_follow_the_visible_layers_and_their_filters(browser, live_server):
    """A layer switched off leaves the composite tiles; a filter goes in them named by its layer."""
    problems = Problems()
    page = open_page(browser, live_server + "/?lang=en", DESKTOP, problems)
    tiles: list[str] = []
    page.on("request", lambda r: tiles.append(r.url) if "/tiles/" in r.url else None)
    try:
        wait_for_layers(page, "economy", PAGES["/"][1])
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        loaded = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
        assert any("producers" in u and "kecamatan" in u for u in loaded), loaded  # one request, both layers
        page.hover(".leaflet-control-layers")
        page.get_by_label(LAYERS["producers"].title("en")).uncheck()
        tiles.clear()
        page.evaluate("() => PetaLayers.map('economy').setZoom(PetaLayers.map('economy').getZoom() + 1)")
        wait_for_layers(page, "economy", ("boundaries-kecamatan", "outline"))
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        assert tiles and not any("producers" in u for u in tiles), tiles
        page.get_by_label(LAYERS["producers"].title("en")).check()
        page.evaluate("() => PetaLayers.layer('economy', 'producers').setFilters({sector: 'C'})")
        wait_for_layers(page, "economy", ("producers",))
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        assert any("producers" in u and "sector=C" in u for u in tiles), tiles
        sectors = page.evaluate("""() => {
            const grid = PetaLayers.layer('economy', 'producers').grid;
            return [...new Set(Object.values(grid._vectorTiles).flatMap(r => Object.values(r._layers || {}))
                .map(p => p.properties && p.properties.sector).filter(s => s))];
        }""")
        assert sectors == ["C"] or sectors == [], sectors
        assert problems.items == []
    finally:
        page.context.close()
