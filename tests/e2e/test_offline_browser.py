"""Offline on a phone, in Chromium (persistent profile, phone viewport, the service worker): the pages seen once
open in airplane mode with their data and a notice; "Simpan untuk offline" saves a kecamatan (size shown before,
progress during), search and "near me" of /produk then run over the saved producers, a map tile is answered from
the saved area, and "Hapus" removes it.

Playwright's request routing is not used: a routed page bypasses its service worker.
"""

from __future__ import annotations

import math
from typing import Any

from gis.i18n import t
from tests.e2e.test_browser import SMALL_PHONE, TIMEOUT_MS
from tests.e2e.test_pwa_browser import phone, wait_for_worker  # noqa: F401 (fixtures)

KECAMATAN = "32.12.16"  # Sindang
KENANGA = {"latitude": -6.3607, "longitude": 108.3173}  # Desa Kenanga, the krupuk makers
SAVE_TIMEOUT_MS = 120_000
PAGES = {"/": "economy", "/produk": "produk", "/investor": "investor", f"/wilayah/{KECAMATAN}": "wilayah"}


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int, int]:
    """The z/x/y of the Web Mercator tile holding a point."""
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


def drawn(page: Any, key: str) -> dict[str, int]:
    """Features drawn per layer of the page's map, once every visible layer has loaded."""
    page.wait_for_function(
        """key => {
            const st = window.petaStatus && window.petaStatus.maps[key];
            return st && st.ready && Object.values(st.layers).filter(l => l.visible).every(l => l.loaded);
        }""", arg=key, timeout=TIMEOUT_MS)
    return page.evaluate("""key => Object.fromEntries(Object.entries(window.petaStatus.maps[key].layers)
        .filter(([, l]) => l.visible).map(([id, l]) => [id, l.features]))""", key)


def test_pages_seen_once_open_offline_with_their_data(live_server, phone):  # noqa: F811
    page = phone.pages[0] if phone.pages else phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}/", wait_until="load", timeout=TIMEOUT_MS)
    wait_for_worker(page)
    online = {}
    for path, key in PAGES.items():
        page.goto(live_server + path, wait_until="load", timeout=TIMEOUT_MS)
        online[path] = drawn(page, key)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    phone.set_offline(True)
    for path, key in PAGES.items():
        page.goto(live_server + path, wait_until="load", timeout=TIMEOUT_MS)
        page.locator("#pwa-offline").wait_for(state="visible", timeout=TIMEOUT_MS)
        assert page.locator("#pwa-offline").inner_text() == t("pwa.offline", "id")
        offline = drawn(page, key)
        # the data last seen: every layer that drew features online draws some offline (counts vary with redraws)
        assert any(offline.values()), (path, offline)
        layers = {k for k, n in offline.items() if n}
        assert layers == {k for k, n in online[path].items() if n}, (path, online, offline)
    assert page.locator("h1").first.inner_text().startswith("Kecamatan Sindang")
    assert errors == []


def test_save_a_kecamatan_then_search_near_me_and_tiles_offline_then_remove_it(live_server, phone):  # noqa: F811
    page = phone.pages[0] if phone.pages else phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}/wilayah/{KECAMATAN}", wait_until="load", timeout=TIMEOUT_MS)
    wait_for_worker(page)
    panel = page.locator("#offline-save")
    panel.scroll_into_view_if_needed()
    assert panel.is_visible() and panel.locator("h2").inner_text() == t("offline.panel.title", "id")

    # the size before: from the plan, and it changes with the chosen detail
    size = page.locator("#offline-size")
    plans = {}
    for zoom in (13, 14):
        page.check(f"input[name=offline-maxzoom][value='{zoom}']")
        page.wait_for_function("z => document.getElementById('offline-start').disabled === false && "
                               "document.getElementById('offline-size').textContent.includes('ubin')", arg=zoom,
                               timeout=TIMEOUT_MS)
        plans[zoom] = page.request.get(f"{live_server}/api/v1/offline/{KECAMATAN}?maxzoom={zoom}").json()
        assert int(size.get_attribute("data-bytes")) == plans[zoom]["bytes"]
        assert f"{plans[zoom]['tiles']['count']} ubin" in size.inner_text()
    assert plans[13]["bytes"] < plans[14]["bytes"]

    # cancel, on a slow network: nothing is kept
    cdp = phone.new_cdp_session(page)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 300, "downloadThroughput": 20_000,
                                                  "uploadThroughput": 20_000})
    page.click("#offline-start")
    page.wait_for_function("() => document.getElementById('offline-bar').value > 0", timeout=SAVE_TIMEOUT_MS)
    page.click("#offline-cancel")
    page.wait_for_function("t => document.getElementById('offline-progress-text').textContent === t",
                           arg=t("offline.panel.cancelled", "id"), timeout=TIMEOUT_MS)
    assert f"peta-saved-{KECAMATAN}" not in page.evaluate("() => caches.keys()")
    assert page.evaluate("async () => (await PetaOffline.index()).length") == 0
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})

    # the download: progress (every text it showed is kept), then the saved area in the list
    plan = plans[14]
    files = plan["tiles"]["count"] + sum(len(r["urls"]) for r in plan["records"]) + len(plan["resources"])
    page.evaluate("""() => { window.progressSeen = [];
        new MutationObserver(() => window.progressSeen.push(document.getElementById('offline-progress-text')
            .textContent)).observe(document.getElementById('offline-progress-text'), { childList: true }); }""")
    page.click("#offline-start")
    page.wait_for_function(f"() => document.getElementById('offline-save').dataset.saved === '{KECAMATAN}'",
                           timeout=SAVE_TIMEOUT_MS)
    assert page.evaluate("document.getElementById('offline-bar').value") == 1
    seen = page.evaluate("window.progressSeen")
    assert any(f" dari {files} berkas · " in text for text in seen), seen
    assert seen[-1].startswith("Tersimpan: Sindang, ")
    item = page.locator(f"#offline-list li[data-code='{KECAMATAN}']")
    assert "Sindang" in item.inner_text() and t("offline.panel.remove", "id") in item.inner_text()
    entry = page.evaluate("async () => (await PetaOffline.index())[0]")
    assert entry["files"] == files and entry["failed"] == 0 and entry["maxzoom"] == 14
    assert entry["tiles"] == plan["tiles"]["count"]
    saved_entries = page.evaluate(f"async () => (await (await caches.open('peta-saved-{KECAMATAN}')).keys()).length")
    assert saved_entries == files
    ratio = entry["bytes"] / plan["bytes"]
    print(f"saved {KECAMATAN} z8-14: {files} files, {entry['bytes']} bytes; estimated {plan['bytes']} "
          f"(ratio {ratio:.2f})")
    assert 0.5 < ratio < 2, ratio

    # offline: the producer finder searches the saved producers, and finds what the API finds in the area
    online = page.request.get(f"{live_server}/api/v1/producers?q=krupuk&area={KECAMATAN}&limit=200").json()
    # only the saved area is left to answer: the pages, API reads and tiles seen so far are dropped
    page.evaluate("""async () => Promise.all((await caches.keys())
        .filter(n => /^peta-(pages|api|tiles)-/.test(n)).map(n => caches.delete(n)))""")
    phone.set_offline(True)
    page.goto(f"{live_server}/produk", wait_until="load", timeout=TIMEOUT_MS)
    page.fill("#finder-q", "KRUPUK")
    page.click("#finder-form button[type=submit]")
    status = page.locator("#finder-status")
    page.wait_for_function("t => document.getElementById('finder-status').textContent.startsWith(t)",
                           arg=t("offline.from_saved", "id"), timeout=TIMEOUT_MS)
    cards = page.locator("#finder-results .card")
    assert cards.count() > 3
    ids = page.evaluate("() => Array.from(document.querySelectorAll('#finder-results .card')).map(c => c.dataset.id)")
    assert sorted(map(int, ids)) == sorted(f["id"] for f in online["features"])
    producers = {r["layer"]: r["count"] for r in plan["records"]}["producers"]
    assert cards.count() <= producers

    # near me, with the phone's location: nearest first, within the radius
    phone.grant_permissions(["geolocation"], origin=live_server)
    phone.set_geolocation(KENANGA)
    page.fill("#finder-q", "")
    page.click("#near-me")
    page.wait_for_function("() => document.querySelectorAll('#finder-results .card').length > 0 && "
                           "document.getElementById('finder-status').textContent.includes('·')", timeout=TIMEOUT_MS)
    assert status.inner_text().startswith(t("offline.from_saved", "id"))
    distances = page.evaluate("""() => Array.from(document.querySelectorAll('#finder-results .card'))
        .map(c => c.id)""")
    assert len(distances) > 3
    metres = page.evaluate("""async ([lon, lat]) => (await PetaOffline.searchProducers({q: '', near: [lon, lat],
        radius: 25000})).map(f => f.properties.distance_m)""", [KENANGA["longitude"], KENANGA["latitude"]])
    assert metres == sorted(metres) and metres[0] < 2000 and metres[-1] <= 25000
    assert len(metres) == len(distances)

    # a map tile at a saved z/x/y, asked for in another layer combination: the saved composite answers it
    z, x, y = tile_of(KENANGA["latitude"], KENANGA["longitude"], 14)
    assert [z, x, y] in plan["tiles"]["xyz"]
    answered = page.evaluate("""async url => { const r = await fetch(url);
        return [r.status, (await r.arrayBuffer()).byteLength]; }""", f"/tiles/producers,desa/{z}/{x}/{y}.pbf")
    saved = page.evaluate("""async url => { const r = await (await caches.open('peta-saved-32.12.16')).match(url);
        return (await r.arrayBuffer()).byteLength; }""", plan["tiles"]["url"].format(z=z, x=x, y=y))
    assert answered == [200, saved] and saved > 0
    missing = page.evaluate("""async url => { try { await fetch(url); return 'answered'; }
        catch (e) { return 'failed'; } }""", f"/tiles/producers/15/{x * 2}/{y * 2}.pbf")
    assert missing == "failed"  # z15 was not saved

    # the saved area's page, in the other language too: its map, TPI/opportunities and chart from the saved area
    page.goto(f"{live_server}/wilayah/{KECAMATAN}?lang=en", wait_until="load", timeout=TIMEOUT_MS)
    assert page.locator("h1").first.inner_text().startswith("Kecamatan Sindang")
    layers = drawn(page, "wilayah")
    assert layers["opportunities"] == 1 and layers["boundaries-desa"] > 0, layers
    page.wait_for_function("() => document.querySelector('#chart-years').offsetHeight > 0", timeout=TIMEOUT_MS)
    assert page.locator("#chart-years-note").inner_text() == ""  # the production rows came from the saved area

    # a page neither seen nor saved: the offline page, which links the saved area
    page.goto(f"{live_server}/wilayah/32.12.01", wait_until="load", timeout=TIMEOUT_MS)
    assert t("pwa.offline_title", "id") in page.locator("h1").first.inner_text()
    link = page.locator(".offline-saved[data-lang='id'] a")
    link.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert link.get_attribute("href") == f"/wilayah/{KECAMATAN}" and link.inner_text().startswith("Sindang (")

    # "Hapus", still offline, on the saved area page itself
    page.goto(f"{live_server}/wilayah/{KECAMATAN}", wait_until="load", timeout=TIMEOUT_MS)
    page.wait_for_function("t => document.getElementById('offline-size').textContent === t",
                           arg=t("offline.panel.plan_failed", "id"), timeout=TIMEOUT_MS)  # no plan offline
    assert page.locator("#offline-start").is_disabled()
    item = page.locator(f"#offline-list li[data-code='{KECAMATAN}']")
    item.get_by_role("button").click()
    page.wait_for_function("t => document.getElementById('offline-list').textContent.includes(t)",
                           arg=t("offline.panel.none", "id"), timeout=TIMEOUT_MS)
    names = page.evaluate("() => caches.keys()")
    assert f"peta-saved-{KECAMATAN}" not in names
    assert page.evaluate("async () => (await PetaOffline.index()).length") == 0
    assert errors == []


def test_a_save_asks_again_for_files_a_weak_signal_dropped(live_server, browser):
    """The first request of three saved tiles fails (connection dropped) and of a fourth answers 503: all four are
    asked for again and the saved area is whole. (Routing bypasses the service worker, which a save does not use.)"""
    context = browser.new_context(viewport=SMALL_PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    failed: dict[str, int] = {}

    def flaky(route: Any) -> None:
        url = route.request.url
        if "x-peta-save" not in route.request.headers:  # the map's own tiles pass
            route.continue_()
            return
        failed[url] = failed.get(url, 0) + 1
        if failed[url] == 1 and len(failed) <= 3:
            route.abort("connectionreset")
        elif failed[url] == 1 and len(failed) == 4:
            route.fulfill(status=503, body="busy")
        else:
            route.continue_()

    try:
        page.route("**/tiles/**", flaky)
        page.goto(f"{live_server}/wilayah/{KECAMATAN}", wait_until="load", timeout=TIMEOUT_MS)
        page.check("input[name=offline-maxzoom][value='13']")
        page.wait_for_function("() => document.getElementById('offline-start').disabled === false && "
                               "document.getElementById('offline-size').textContent.includes('ubin')",
                               timeout=TIMEOUT_MS)
        page.click("#offline-start")
        page.wait_for_function(f"() => document.getElementById('offline-save').dataset.saved === '{KECAMATAN}'",
                               timeout=SAVE_TIMEOUT_MS)
        entry = page.evaluate("async () => (await PetaOffline.index())[0]")
        retried = [url for url, n in failed.items() if n == 2]
        assert len(retried) >= 4, failed
        assert entry["failed"] == 0 and entry["maxzoom"] == 13
    finally:
        context.close()
