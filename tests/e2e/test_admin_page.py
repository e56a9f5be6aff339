"""The admin page in a real headless Chromium, against uvicorn serving the app on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from enrichment_core.experts import new_expert
from enrichment_core.seeding import import_experts
from tests.support.api_harness import ADMIN_KEY, AppParts, LiveServer, build_app, promote_index
from tests.support.browser import chromium_page, require_chromium
from tests.support.scripted_tagger import ScriptedTagger

pytestmark = pytest.mark.browser

TAGGER_DELAY_S = 1.5
HOSTILE_USERNAME = "<script>alert('u')"
HOSTILE_NAME = "<img src=x onerror=alert('n')>"
HOSTILE_BIO = "<script>alert('b')</script><img src=x onerror=alert('b2')> I advise on tax law."


def _seed(parts: AppParts) -> None:
    """A directory bigger than one page, a few experts already tagged."""
    bio = "Advises companies on corporate finance and equity. " * 4
    experts = [
        new_expert(
            username=f"seed{i:02d}",
            first_name="Seed",
            last_name=f"Expert {i:02d}",
            job_title="Finance consultant",
            bio=bio if i % 3 else None,
            profile_url=f"https://x.example/seed{i}" if i % 2 else None,
        )
        for i in range(24)
    ]
    import_experts(parts.repo, experts)
    for expert in parts.repo.list_experts()[:6]:
        if expert.has_bio and expert.id is not None:
            parts.repo.save_tags(
                expert.id,
                tags=["corporate finance", "equity"],
                tagged_by="scripted:test",
                tagged_at=datetime.now(UTC),
                findability_score=(expert.findability_score or 0) + 25,
            )


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[AppParts, LiveServer]]:
    require_chromium()
    parts = build_app(tmp_path, tagger=ScriptedTagger(delay=TAGGER_DELAY_S))
    _seed(parts)
    with LiveServer(parts.app) as server:
        yield parts, server


@pytest.fixture
def page(live: tuple[AppParts, LiveServer]) -> Iterator[Any]:
    with chromium_page() as page:
        yield page


def _record_dialogs(page: Any) -> list[str]:
    """Every alert/confirm the page opens (an executed injection would open one)."""
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def _sign_in(page: Any, server: LiveServer, key: str = ADMIN_KEY) -> None:
    page.goto(f"{server.url}/admin")
    page.fill("#admin-key", key)
    page.click("#key-form button[type=submit]")


def _add(page: Any, **fields: str) -> None:
    for name, value in fields.items():
        page.fill(f"#add-form [name={name}]", value)
    page.click("#add-submit")


def test_admin_adds_an_expert_sees_the_spinner_then_tags_and_finds_it(
    page: Any, live: tuple[AppParts, LiveServer], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    parts, server = live
    dialogs = _record_dialogs(page)

    _sign_in(page, server, key="wrong-key")
    expect(page.locator("#key-message")).to_contain_text("Wrong admin key")
    expect(page.locator("#add-section")).to_be_hidden()
    _sign_in(page, server)
    expect(page.locator("#signed-in")).to_be_visible()
    expect(page.locator("#page-info")).to_have_text("1–20 of 24")

    _add(page, username="seed00", bio="Someone else.")
    expect(page.locator("#add-error")).to_contain_text("Check username: that username is taken")
    _add(page, username="bad_url", profile_url="ftp://nope")
    expect(page.locator("#add-error")).to_have_text("Check profile URL: must be an http(s) URL")
    expect(page.locator("#add-form [name=profile_url]")).to_have_attribute("aria-invalid", "true")

    _add(
        page,
        username="dr_paws",
        first_name="Paula",
        last_name="Vet",
        job_title="Veterinary surgeon",
        hourly_rate="180",
        profile_url="https://x.example/paws",
        bio="Veterinary surgery for dogs and cats: orthopedics, soft tissue surgery.",
    )
    spinner = page.locator("#add-spinner")
    expect(spinner).to_be_visible(timeout=1_000)  # while the 1.5 s tagger runs
    expect(spinner).to_have_text("Generating tags...")
    expect(page.locator("#add-submit")).to_be_disabled()
    expect(spinner).to_be_hidden(timeout=10_000)
    expect(page.locator("#add-error")).to_be_hidden()
    result = page.locator("#add-result")
    expect(result).to_contain_text("Added Paula Vet (@dr_paws)")
    expect(result).to_contain_text("Findability 65.7 / 100")
    expect(result.locator(".tag")).to_have_text(["veterinary surgeon", "consulting"])
    first_row = page.locator("#experts-body tr").first
    expect(first_row).to_contain_text("@dr_paws")
    expect(first_row).to_contain_text("veterinary surgeon")
    expect(first_row.locator(".badge")).to_have_text("tagged")

    page.click("button.sort[data-sort=findability]")  # server-side sort, best first
    expect(page.locator("button.sort[data-sort=findability]")).to_have_text("Findability ▼")
    scores = page.locator("#experts-body td.num .score-value").all_inner_texts()
    assert scores == sorted(scores, key=float, reverse=True)
    page.click("#next-page")
    expect(page.locator("#page-info")).to_have_text("21–25 of 25")
    page.click("#prev-page")
    expect(page.locator("#page-info")).to_have_text("1–20 of 25")

    promote_index(parts.repo, parts.index_dir, parts.embedder)  # `enrich ingest`, no restart
    page.fill("#search-q", "veterinary surgery for my dog")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-results li").first).to_contain_text("Paula Vet")
    page.screenshot(
        path=os.environ.get("ENRICH_SCREENSHOT", str(tmp_path / "admin.png")), full_page=True
    )
    assert dialogs == []


def test_hostile_username_name_and_bio_render_as_text(
    page: Any, live: tuple[AppParts, LiveServer]
) -> None:
    from playwright.sync_api import expect

    _, server = live
    dialogs = _record_dialogs(page)
    _sign_in(page, server)
    _add(
        page,
        username=HOSTILE_USERNAME,
        first_name=HOSTILE_NAME,
        job_title="<b>Boss</b>",
        bio=HOSTILE_BIO,
    )
    expect(page.locator("#add-result")).to_contain_text(
        f"Added {HOSTILE_NAME} (@{HOSTILE_USERNAME})"
    )
    row = page.locator("#experts-body tr").first
    expect(row).to_contain_text(HOSTILE_NAME)
    expect(row).to_contain_text("@" + HOSTILE_USERNAME)
    expect(row).to_contain_text("<b>Boss</b>")
    expect(row).to_contain_text("<script>alert('b')</script>")
    assert page.locator("#experts-table img, #experts-table b, #add-result img").count() == 0
    page.wait_for_timeout(300)  # give a (wrongly) injected handler the chance to fire
    assert dialogs == []
