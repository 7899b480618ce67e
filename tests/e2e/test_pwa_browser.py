"""The installable app in Chromium: a phone, a persistent profile, the service worker, no installability errors, and
the map page still rendering from the cache once the network is gone.

Playwright's request routing is not used here: a routed page bypasses its service worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gis.i18n import t
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, PHONE, TIMEOUT_MS

PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Mobile Safari/537.36")


@pytest.fixture
def phone(tmp_path: Path) -> Iterator[Any]:
    """Chromium with a profile on disk (service workers and caches persist as on a phone), phone-sized."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run bash scripts/setup.sh (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport=PHONE, is_mobile=True, has_touch=True, user_agent=PHONE_UA, locale="id-ID",
            service_workers="allow")
        try:
            yield context
        finally:
            context.close()


def wait_for_worker(page: Any) -> str:
    """Wait until the page is controlled by an activated service worker; its script URL."""
    # One synchronous check that returns the URL: a predicate returning a promise would count as true at once.
    handle = page.wait_for_function(
        """() => {
            const worker = navigator.serviceWorker.controller;
            return worker && worker.state === 'activated' ? worker.scriptURL : null;
        }""", timeout=TIMEOUT_MS)
    return handle.json_value()


def test_installable_and_renders_offline(live_server, phone):
    page = phone.pages[0] if phone.pages else phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}/", wait_until="load", timeout=TIMEOUT_MS)
    assert wait_for_worker(page) == f"{live_server}/sw.js"

    cdp = phone.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server}/manifest.webmanifest"
    assert manifest["errors"] == []
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    cache_names = page.evaluate("() => caches.keys()")
    assert any(name.startswith("peta-shell-") for name in cache_names), cache_names

    phone.set_offline(True)
    page.reload(wait_until="load", timeout=TIMEOUT_MS)
    assert page.locator(".site-header .brand").inner_text() == t("site.title", "id")
    assert page.locator(".site-nav a").count() >= 4
    page.locator("#pwa-offline").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.locator("#pwa-offline").inner_text() == t("pwa.offline", "id")
    # a page never visited: the offline page from the shell cache, not a browser error page
    page.goto(f"{live_server}/wilayah/32.12.16", wait_until="load", timeout=TIMEOUT_MS)
    assert t("pwa.offline_title", "id") in page.locator("h1").first.inner_text()
    assert errors == []


def test_a_new_version_offers_a_reload(live_server, phone, monkeypatch):
    from webmap import pwa

    page = phone.pages[0] if phone.pages else phone.new_page()
    page.goto(f"{live_server}/?lang=en", wait_until="load", timeout=TIMEOUT_MS)
    wait_for_worker(page)
    page.evaluate("async () => (await caches.open('peta-saved-32.12.16')).put('/wilayah/32.12.16', new Response('x'))")
    old = pwa.shell_version()
    monkeypatch.setattr(pwa, "shell_version", lambda: "0123456789ab")  # as after a deploy
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    banner = page.locator("#pwa-update")
    banner.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert t("pwa.update", "en") in banner.inner_text()
    with page.expect_navigation(timeout=TIMEOUT_MS):
        banner.get_by_role("button", name=t("pwa.reload", "en")).click()
    page.wait_for_function(
        """async () => {
            const names = (await caches.keys()).filter(n => n.startsWith('peta-shell-'));
            return names.length === 1 && names[0] === 'peta-shell-0123456789ab';
        }""", timeout=TIMEOUT_MS)
    assert old != "0123456789ab"
    assert page.locator("#pwa-update").count() == 0
    assert "peta-saved-32.12.16" in page.evaluate("() => caches.keys()")  # a saved area outlives the versions
