"""Headless Chromium for the browser tests: the Debian package, driven by Playwright's Python API.

Never ``playwright install``: the browser is /usr/bin/chromium. A failing browser test leaves a
screenshot of its page behind (see ``tests/e2e/conftest.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(
            f"{CHROMIUM} is required in CI for the browser tests (apt-get install chromium)"
        )
    pytest.skip(
        f"{CHROMIUM} is not installed (apt-get install chromium); the browser test needs it"
    )


@contextmanager
def chromium_page(*, width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """A fresh page in a fresh headless Chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(10_000)
            yield page
        finally:
            browser.close()


def cut_off_the_internet(page: Any) -> list[str]:
    """Abort every request that leaves this machine; returns the list of URLs that tried to."""
    blocked: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort("internetdisconnected")

    page.context.route("**/*", handle)
    return blocked


def scroll_width_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than its viewport (0: no sideways scroll)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )
