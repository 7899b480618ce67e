"""The share pages in Chromium on a 360 px phone: no sideways scroll, few requests (no map tiles), directions that
open the maps app on Android (geo:) and the web map elsewhere, the Web Share API called with the page's URL, and an
opportunity profile (and a QR code) that prints on exactly one A4 page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import text

from gis.settings import Settings
from tests.e2e.test_browser import SMALL_PHONE, TIMEOUT_MS
from tests.e2e.test_pwa_browser import PHONE_UA

DESKTOP_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")
IPHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
             "Version/17.5 Mobile/15E148 Safari/604.1")
MAX_REQUESTS = 10  # page, stylesheet, map image, a few small scripts, icon
# navigator.share is missing in desktop Chromium: a stub that records what the page shares.
SHARE_STUB = """
    window.__shared = [];
    Object.defineProperty(Navigator.prototype, 'share', {
        configurable: true, value: function (data) { window.__shared.push(data); return Promise.resolve(); } });
"""


def phone_page(browser: Any, user_agent: str = PHONE_UA) -> Any:
    """A 360 px touch phone page with navigator.share stubbed."""
    context = browser.new_context(viewport=SMALL_PHONE, is_mobile=True, has_touch=True, user_agent=user_agent,
                                  locale="id-ID", service_workers="block")
    context.add_init_script(SHARE_STUB)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


@pytest.fixture
def ids(loaded_db: Settings) -> dict[str, Any]:
    """A krupuk maker of Desa Kenanga and the opportunity with the longest texts."""
    from gis.db import get_engine

    with get_engine(loaded_db).connect() as conn:
        shop = conn.execute(text("SELECT id FROM producers WHERE name = 'Krupuk Ikan Cap Mulya'")).scalar_one()
        code = conn.execute(text(
            "SELECT code FROM opportunities ORDER BY length(coalesce(description_en, '')) + length(title_id) DESC, "
            "code LIMIT 1")).scalar_one()
    return {"shop": shop, "code": code}


def visit(page: Any, url: str) -> list[str]:
    """Open ``url``; the URLs of every request it made until the network was idle."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="networkidle")
    return requests


def assert_light_and_narrow(page: Any, requests: list[str], live_server: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"], "sideways scroll"
    assert all(url.startswith(live_server) for url in requests), requests
    assert not [url for url in requests if "/tiles/" in url or url.endswith(".pbf")], requests
    assert len(requests) <= MAX_REQUESTS, requests
    image = page.locator(".share-map img")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 1200


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF: its ``/Type /Page`` objects (not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_producer_page_on_an_android_phone(live_server, browser, ids):
    page = phone_page(browser)
    url = f"{live_server}/produk/{ids['shop']}"
    requests = visit(page, url)
    assert_light_and_narrow(page, requests, live_server)
    directions = page.locator("a[data-directions]").get_attribute("href")
    assert directions.startswith("geo:-6.359172,108.319155?q=-6.359172,108.319155(")
    assert directions.endswith("(Krupuk%20Ikan%20Cap%20Mulya)")
    page.get_by_role("button", name="Bagikan", exact=True).click()
    page.wait_for_function("window.__shared.length === 1")
    shared = page.evaluate("window.__shared[0]")
    assert shared["url"] == url
    assert shared["title"] == "Krupuk Ikan Cap Mulya"
    assert "Krupuk Ikan Cap Mulya" in shared["text"]
    box = page.get_by_role("button", name="Bagikan", exact=True).bounding_box()
    assert box["height"] >= 48


@pytest.mark.parametrize("user_agent", [DESKTOP_UA, IPHONE_UA])
def test_directions_open_a_web_map_elsewhere(live_server, browser, ids, user_agent):
    page = phone_page(browser, user_agent)
    page.goto(f"{live_server}/produk/{ids['shop']}?lang=en", wait_until="load")
    href = page.get_by_role("link", name="Directions").get_attribute("href")
    assert href.startswith("https://www.openstreetmap.org/directions?to=-6.359172%2C108.319155")


def test_without_web_share_the_link_is_copied(live_server, browser, ids):
    context = browser.new_context(viewport=SMALL_PHONE, user_agent=DESKTOP_UA, service_workers="block")
    context.add_init_script("delete Navigator.prototype.share;")
    page = context.new_page()
    page.goto(f"{live_server}/produk/{ids['shop']}?lang=en", wait_until="load")
    page.get_by_role("button", name="Share", exact=True).click()
    assert page.locator(".share-note").inner_text(timeout=TIMEOUT_MS) in ("Link copied",
                                                                          f"{live_server}/produk/{ids['shop']}?lang=en")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_opportunity_profile_fits_a_phone_and_prints_on_one_a4_page(live_server, browser, ids, lang):
    page = phone_page(browser)
    url = f"{live_server}/investor/peluang/{ids['code']}" + ("?lang=en" if lang == "en" else "")
    requests = visit(page, url)
    assert_light_and_narrow(page, requests, live_server)
    page.get_by_role("button", name="Bagikan" if lang == "id" else "Share", exact=True).click()
    page.wait_for_function("window.__shared.length === 1")
    assert page.evaluate("window.__shared[0].url") == url
    assert pdf_pages(page.pdf(format="A4")) == 1


def test_printable_qr_code_is_one_a4_page(live_server, browser, ids):
    page = phone_page(browser)
    requests = visit(page, f"{live_server}/produk/{ids['shop']}/qr")
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    assert not [url for url in requests if "/tiles/" in url]
    assert page.locator("img.qr-code").evaluate("img => img.complete && img.naturalWidth > 0")
    assert pdf_pages(page.pdf(format="A4")) == 1


def test_producer_cards_link_to_the_page_and_share_it(live_server, browser, ids):
    page = phone_page(browser)
    page.goto(f"{live_server}/produk?q=Cap%20Mulya", wait_until="load")
    card = page.locator(f"#producer-{ids['shop']}")
    card.locator(".card-open").click()
    link = card.get_by_role("link", name="Halaman usaha")
    assert link.get_attribute("href") == f"/produk/{ids['shop']}"
    card.get_by_role("button", name="Bagikan", exact=True).click()
    page.wait_for_function("window.__shared.length === 1")
    assert page.evaluate("window.__shared[0].url") == f"{live_server}/produk/{ids['shop']}"
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text() == "Krupuk Ikan Cap Mulya"


def test_investor_list_links_to_the_profile(live_server, browser, ids):
    page = phone_page(browser)
    page.goto(f"{live_server}/investor?lang=en", wait_until="load")
    link = page.locator(f"#opp-list a[href='/investor/peluang/{ids['code']}?lang=en']")
    link.wait_for(state="attached")
    assert link.inner_text().startswith("Opportunity profile")
    popup = page.evaluate("code => PetaLayers.opportunityHtml('investor', {code: code, title: 'x'})", ids["code"])
    assert f'href="/investor/peluang/{ids["code"]}?lang=en"' in popup


def test_the_map_opens_on_the_shop_and_its_popup_links_to_its_page(live_server, browser, ids):
    page = phone_page(browser)
    page.goto(f"{live_server}/produk/{ids['shop']}", wait_until="load")
    page.get_by_role("link", name="Lihat di peta").first.click()  # the map's own place keeping reads its #map=...
    page.wait_for_load_state("networkidle")
    point = page.evaluate("""() => new Promise(resolve => PetaLayers.onMap('economy', map => {
        const p = map.latLngToContainerPoint([-6.359172, 108.319155]);
        const box = map.getContainer().getBoundingClientRect();
        resolve({x: box.left + p.x, y: box.top + p.y, zoom: map.getZoom()});
    }))""")
    assert point["zoom"] == 16  # the shop's street, not the regency
    page.mouse.click(point["x"], point["y"])
    link = page.locator(".leaflet-popup a[href^='/produk/']")
    link.wait_for()
    assert link.get_attribute("href") == f"/produk/{ids['shop']}"
