"""Debian's Chromium driven by Playwright, for the browser tests (no browser is ever downloaded)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WEB_DIST = Path(__file__).resolve().parents[2] / "web" / "dist" / "index.html"


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium; fails with the fix when a prerequisite is missing.

    Keep it open for one test module at most: while Playwright's sync API is open, its event loop counts as
    running in this thread and asyncio.run() fails there.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh --test does)")
    if not WEB_DIST.exists():
        pytest.fail("web/dist is missing: build the web app first (make web)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
