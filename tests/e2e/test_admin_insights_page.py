"""The admin page's insights, search filters and reasons, advice, notices and narrow layout, in a
real headless Chromium against uvicorn on 127.0.0.1. A failing test leaves a screenshot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from enrichment_core.experts import new_expert
from enrichment_core.seeding import import_experts
from tests.support.api_harness import ADMIN_KEY, AppParts, LiveServer, build_app, promote_index
from tests.support.browser import chromium_page, scroll_width_overflow

pytestmark = pytest.mark.browser

TAX_BIO = "Tax attorney for startups. I claim R&D tax credits and defend IRS audits every week."
VET_BIO = "Veterinary surgeon for dogs and cats. Small animal orthopedic surgery is my work."


def _seed(parts: AppParts) -> None:
    """Six tax experts (rates 100..600, half with a URL), three vets, two without a bio."""
    experts = [
        new_expert(
            username=f"tax{n}",
            first_name="Tax",
            last_name=f"Expert {n}",
            job_title="Tax attorney",
            bio=TAX_BIO,
            hourly_rate=100 * (n + 1),
            profile_url=f"https://x.example/tax{n}" if n % 2 else None,
        )
        for n in range(6)
    ]
    experts += [new_expert(username=f"vet{n}", bio=VET_BIO, hourly_rate=90) for n in range(3)]
    experts += [new_expert(username=f"nobio{n}", job_title="Consultant") for n in range(2)]
    import_experts(parts.repo, experts)
    for expert in parts.repo.list_experts():
        if not expert.has_bio or expert.id is None:
            continue
        tags = ["veterinary", "surgery"] if expert.username.startswith("vet") else ["tax law"]
        parts.repo.save_tags(
            expert.id,
            tags=tags,
            tagged_by="scripted:test",
            tagged_at=datetime.now(UTC),
            findability_score=(expert.findability_score or 0) + 25,
        )
    promote_index(parts.repo, parts.index_dir, parts.embedder)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[AppParts, LiveServer]]:
    parts = build_app(tmp_path)
    _seed(parts)
    with LiveServer(parts.app) as server:
        yield parts, server


@pytest.fixture
def page(request: pytest.FixtureRequest) -> Iterator[Any]:
    width = getattr(request, "param", 1400)
    with chromium_page(width=width, height=900) as page:
        yield page


def _sign_in(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/admin")
    page.fill("#admin-key", ADMIN_KEY)
    page.click("#key-form button[type=submit]")


def test_insights_draw_the_directory_and_each_bar_opens_its_experts(
    page: Any, live: tuple[AppParts, LiveServer]
) -> None:
    from playwright.sync_api import expect

    _, server = live
    _sign_in(page, server)
    expect(page.locator("#insights-total")).to_contain_text("11 experts")
    histogram = page.locator("#chart-histogram svg .bar")
    expect(histogram).to_have_count(10)
    tags = page.locator("#chart-tags svg .bar")
    expect(tags.first).to_have_attribute("aria-label", "6 experts tagged tax law")
    states = page.locator("#chart-states svg .bar")
    expect(states.filter(has_text="no bio")).to_have_attribute("aria-label", "2 no bio experts")

    tags.first.click()  # the "tax law" bar: the table shows exactly those six
    expect(page.locator("#table-filter-text")).to_have_text("Showing 6 experts: tag “tax law”")
    expect(page.locator("#page-info")).to_have_text("1–6 of 6")
    expect(page.locator("#experts-body tr")).to_have_count(6)
    page.locator("#chart-gaps svg .bar", has_text="profile URL").click()
    expect(page.locator("#page-info")).to_have_text("1–8 of 8")  # 3 tax, 3 vets, 2 without bio
    states.filter(has_text="no bio").click()
    expect(page.locator("#state-filter")).to_have_value("no_bio")
    expect(page.locator("#page-info")).to_have_text("1–2 of 2")
    page.click("#clear-filter")
    expect(page.locator("#page-info")).to_have_text("1–11 of 11")

    labels = [str(bar.get_attribute("aria-label")) for bar in histogram.all()]
    top = max(i for i, label in enumerate(labels) if not label.startswith("0 "))
    histogram.nth(top).click()  # the highest non-empty score bin lists as many experts
    expect(page.locator("#page-info")).to_contain_text(f"of {labels[top].split()[0]}")


def test_search_filters_and_reasons_on_the_page(
    page: Any, live: tuple[AppParts, LiveServer]
) -> None:
    from playwright.sync_api import expect

    _, server = live
    page.goto(f"{server.url}/admin")
    expect(page.locator("#index-status")).to_contain_text("Search index: 9 experts, built")
    page.fill("#search-q", "tax law help: R&D tax credits and IRS audits")
    page.fill("#search-max-rate", "300")
    page.fill("#search-tags", "tax law")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-total")).to_have_text("Experts 1–3 of 3 candidates")
    hits = page.locator("#search-results > li")
    expect(hits).to_have_count(3)
    expect(hits.first.locator(".evidence")).to_have_text(
        "I claim R&D tax credits and defend IRS audits every week."
    )
    expect(hits.first.locator(".tag.matched")).to_have_text(["tax law"])
    for text in hits.all_inner_texts():
        rate = float(text.split("$")[1].split("/h")[0])
        assert rate <= 300

    page.fill("#search-max-rate", "")
    page.fill("#search-tags", "")
    page.check("#search-has-url")
    page.select_option("#search-k", "5")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-total")).to_have_text("Experts 1–3 of 3 candidates")
    page.uncheck("#search-has-url")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-total")).to_have_text("Experts 1–5 of 9 candidates")
    page.click("#search-next")
    expect(page.locator("#search-total")).to_have_text("Experts 6–9 of 9 candidates")
    expect(hits.first).to_have_attribute("value", "6")  # ranks continue across pages
    page.fill("#search-max-rate", "1")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-message")).to_have_text("No experts pass these filters.")


def test_every_form_error_at_once_then_advice_and_the_ingest_notice(
    page: Any, live: tuple[AppParts, LiveServer]
) -> None:
    from playwright.sync_api import expect

    _, server = live
    _sign_in(page, server)
    page.fill("#add-form [name=username]", "has space")
    page.fill("#add-form [name=profile_url]", "ftp://nope")
    page.fill("#add-form [name=hourly_rate]", "-5")
    page.click("#add-submit")
    problems = page.locator("#add-error li")
    expect(problems).to_have_count(3)
    for name in ("username", "profile_url", "hourly_rate"):
        expect(page.locator(f"#add-form [name={name}]")).to_have_attribute("aria-invalid", "true")

    page.fill("#add-form [name=username]", "new_vet")
    page.fill("#add-form [name=profile_url]", "")
    page.fill("#add-form [name=hourly_rate]", "")
    page.fill("#add-form [name=bio]", "I treat horses.")
    page.click("#add-submit")
    result = page.locator("#add-result")
    expect(result).to_contain_text("Search will include this expert after the next `enrich ingest`")
    expect(result.locator(".advice li")).to_contain_text(["add a profile URL: +15"])
    expect(page.locator("#add-error")).to_be_hidden()
    row = page.locator("#experts-body tr", has_text="@new_vet")
    row.locator("details summary").click()
    expect(row.locator(".advice li")).to_contain_text(["add a profile URL: +15"])


def test_the_page_has_a_favicon(page: Any, live: tuple[AppParts, LiveServer]) -> None:
    _, server = live
    page.goto(f"{server.url}/admin")
    href = page.locator("link[rel=icon]").get_attribute("href")
    answer = page.request.get(server.url + href)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert page.request.get(server.url + "/favicon.ico").status == 200


@pytest.mark.parametrize("page", [420], indirect=True)
def test_at_420_px_nothing_scrolls_sideways(page: Any, live: tuple[AppParts, LiveServer]) -> None:
    from playwright.sync_api import expect

    _, server = live
    _sign_in(page, server)
    expect(page.locator("#experts-body tr")).to_have_count(11)
    expect(page.locator("#chart-tags svg .bar").first).to_be_visible()
    page.fill("#search-q", "veterinary surgery")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-results > li").first).to_be_visible()
    assert scroll_width_overflow(page) == 0
    for selector in ("#insights-section", "#search-section", "#experts-section", "#add-section"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0, selector
        assert box["x"] + box["width"] <= 420, selector
    cell = page.locator("#experts-body tr").first.locator("td.score-cell")
    expect(cell).to_be_visible()  # rows become cards: every field still shown, labelled
    assert (
        page.evaluate("(el) => getComputedStyle(el, '::before').content", cell.element_handle())
        == '"Findability"'
    )


def test_column_widths_stay_put_when_the_rows_change(
    page: Any, live: tuple[AppParts, LiveServer]
) -> None:
    from playwright.sync_api import expect

    _, server = live
    _sign_in(page, server)
    expect(page.locator("#experts-body tr")).to_have_count(11)
    before = [h.bounding_box()["width"] for h in page.locator("#experts-table th").all()]
    page.locator("#chart-states svg .bar", has_text="no bio").click()
    expect(page.locator("#experts-body tr")).to_have_count(2)
    after = [h.bounding_box()["width"] for h in page.locator("#experts-table th").all()]
    assert after == pytest.approx(before, abs=1)
