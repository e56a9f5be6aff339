"""/docs and /redoc render with the internet cut off: their assets are served by the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.api_harness import LiveServer, build_app
from tests.support.browser import chromium_page, cut_off_the_internet

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(build_app(tmp_path).app) as live:
        yield live


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium_page() as page:
        yield page


def test_swagger_ui_shows_the_routes_with_the_network_off(page: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    blocked = cut_off_the_internet(page)
    page.goto(f"{server.url}/docs")
    operations = page.locator(".opblock-summary-path")
    expect(operations.filter(has_text="/api/search")).to_have_count(1)
    expect(operations.filter(has_text="/api/admin/experts/{username}").first).to_be_visible()
    expect(page.locator(".info .title")).to_contain_text("Expert enrichment")
    assert blocked == []


def test_redoc_shows_the_routes_with_the_network_off(page: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    blocked = cut_off_the_internet(page)
    page.goto(f"{server.url}/redoc")
    expect(page.locator("h2", has_text="Find the best experts for a question")).to_be_visible()
    expect(page.locator("h1").first).to_contain_text("Expert enrichment")
    # The only thing ReDoc's bundle itself fetches is the "API docs by Redocly" footer logo.
    assert [url for url in blocked if not url.endswith("/logo-mini.svg")] == []


def test_the_docs_pages_name_no_cdn(server: LiveServer) -> None:
    import httpx

    for path in ("/docs", "/redoc"):
        html = httpx.get(server.url + path).text
        assert "cdn.jsdelivr.net" not in html
        assert "fonts.googleapis" not in html
        assert "/docs-assets/" in html
    asset = httpx.get(server.url + "/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert len(asset.content) > 100_000
