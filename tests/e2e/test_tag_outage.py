"""A Gemini outage pauses the whole tagging run instead of failing experts (issue 10, item 3).

The real google-genai client talks to a closed port on 127.0.0.1; the wire-faithful fake Gemini
is started on that port while the run waits, or never.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from click.testing import CliRunner

from enrichment_adapters.gemini.tagger import GeminiTagGenerator
from enrichment_adapters.memory import InMemoryExpertRepo
from enrichment_core.errors import TaggerUnreachableError
from enrichment_core.experts import new_expert
from enrichment_core.ports import TagRequest
from enrichment_core.seeding import import_experts
from enrichment_core.tagging import TaggingOptions, TaggingReport, tag_untagged_experts
from enrichment_entrypoints.cli import cli
from tests.support.fake_gemini import FakeGemini

BIOS = ["Tax attorney for startups", "Small animal vet", "Data engineer for Spark", "CFO for SaaS"]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def port() -> int:
    return closed_port()


@pytest.fixture
def late_fake(port: int) -> Iterator[list[FakeGemini]]:
    """The fake Gemini, started on ``port`` 2 s after the test begins."""
    started: list[FakeGemini] = []

    def start() -> None:
        started.append(FakeGemini(port=port).start())

    timer = threading.Timer(2.0, start)
    timer.start()
    yield started
    timer.cancel()
    for fake in started:
        fake.stop()


def directory() -> InMemoryExpertRepo:
    repo = InMemoryExpertRepo()
    import_experts(repo, [new_expert(username=f"e{i}", bio=bio) for i, bio in enumerate(BIOS)])
    return repo


def test_a_closed_port_and_an_unknown_host_are_unreachable_not_the_experts_fault(port: int) -> None:
    request = TagRequest(username="ada", job_title=None, bio="Tax attorney")
    for base_url in (f"http://127.0.0.1:{port}", "http://no-such-host.invalid"):
        with GeminiTagGenerator(api_key="k", base_url=base_url, timeout_s=5) as tagger:
            with pytest.raises(TaggerUnreachableError) as raised:
                tagger.generate_tags_sync(request)
            assert raised.value.service == "Gemini"


def test_an_outage_pauses_the_run_and_every_expert_is_tagged_when_it_ends(
    port: int, late_fake: list[FakeGemini]
) -> None:
    repo = directory()
    notices: list[str] = []
    tagger = GeminiTagGenerator(api_key="k", base_url=f"http://127.0.0.1:{port}", timeout_s=5)
    options = TaggingOptions(concurrency=4, rpm=6000, retry_delay_s=1.0, max_quota_wait_s=60)

    async def run() -> TaggingReport:
        try:
            return await tag_untagged_experts(repo, tagger, options, on_notice=notices.append)
        finally:
            await tagger.aclose()

    report = anyio.run(run)
    assert late_fake, "the fake never started"
    assert report.failed == []
    assert report.tagged == len(BIOS)
    assert report.retries == 0
    assert all(e.tagging_error is None and e.tags for e in repo.list_experts())
    assert len(notices) == 1
    assert "Gemini service is unreachable" in notices[0]
    assert "waiting" in notices[0]


def test_an_outage_longer_than_the_wait_bound_stops_the_run_and_fails_nobody(port: int) -> None:
    repo = directory()
    tagger = GeminiTagGenerator(api_key="k", base_url=f"http://127.0.0.1:{port}", timeout_s=5)
    options = TaggingOptions(concurrency=2, rpm=6000, max_quota_wait_s=2.5)
    notices: list[str] = []

    async def run() -> TaggingReport:
        try:
            return await tag_untagged_experts(repo, tagger, options, on_notice=notices.append)
        finally:
            await tagger.aclose()

    report = anyio.run(run)
    assert report.failed == []
    assert report.tagged == 0
    assert "unreachable" in (report.aborted or "")
    assert all(e.tagging_error is None and e.tags is None for e in repo.list_experts())
    assert len(notices) == 1


def test_enrich_tag_prints_one_line_while_gemini_is_unreachable(
    tmp_path: Path, port: int, late_fake: list[FakeGemini]
) -> None:
    csv_file = tmp_path / "experts.csv"
    csv_file.write_text(
        "username,bio\n" + "".join(f"e{i},{bio}\n" for i, bio in enumerate(BIOS)),
        encoding="utf-8",
    )
    env = {
        "ENRICH_DATABASE_URL": f"sqlite:///{tmp_path / 'experts.db'}",
        "ENRICH_INDEX_DIR": str(tmp_path / "index"),
        "GOOGLE_API_KEY": "test-key",
        "GOOGLE_GEMINI_BASE_URL": f"http://127.0.0.1:{port}",
        "ENRICH_TAGGER": "gemini",
        "ENRICH_TAG_TIMEOUT_S": "5",
        "ENRICH_MAX_QUOTA_WAIT_S": "60",
    }
    runner = CliRunner()
    assert runner.invoke(cli, ["seed", str(csv_file)], env=env).exit_code == 0
    result = runner.invoke(cli, ["tag", "--rpm", "6000"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "unreachable" in line]
    assert len(lines) == 1
    assert "waiting" in lines[0]
    assert "failed" not in result.stderr
