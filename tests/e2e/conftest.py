"""Browser tests leave a screenshot of their page behind when they fail.

A test whose ``page`` fixture is a Playwright page gets ``<reports>/<test name>.png`` written at
the moment of the failure (the page still shows what went wrong); the path is printed in the
failure report. ``<reports>`` is ``$ENRICH_TEST_REPORTS`` or ``test-reports/`` under the rootdir.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest


def _reports_dir(config: pytest.Config) -> Path:
    configured = os.environ.get("ENRICH_TEST_REPORTS")
    return Path(configured) if configured else Path(config.rootpath) / "test-reports"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = getattr(item, "funcargs", {}).get("page")
    if page is None or not hasattr(page, "screenshot"):
        return
    folder = _reports_dir(item.config)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (re.sub(r"[^\w.-]+", "_", item.name)[:150] + ".png")
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # noqa: BLE001 - the page may be gone; say so, keep the real failure
        report.sections.append(("screenshot", f"could not take a screenshot: {exc}"))
        return
    report.sections.append(("screenshot", f"screenshot of the failing page: {path}"))
