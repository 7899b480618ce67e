"""Fixtures of the browser tests: the app with the bundled data on a loopback port, and Debian's Chromium."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from gis.settings import Settings
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.live_server import serve


@pytest.fixture
def live_server(loaded_db: Settings) -> Iterator[str]:
    """The app on 127.0.0.1 at a random port, in a thread."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with serve(create_app({"TESTING": True, "SETTINGS": loaded_db})) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download); a failure, not a skip, when it is missing."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run bash scripts/setup.sh (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
