"""``enrich tag --tagger local`` end to end over a SQLite file: the run's options (no rate limit
unless asked for) and the tags the shared model passes give (the same as one expert at a time)."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from enrichment_adapters.local import model as local_model
from enrichment_adapters.local.tagger import LocalTagGenerator
from enrichment_core import tag_runs
from enrichment_core.ports import TagRequest
from enrichment_core.tagging import TaggingOptions
from enrichment_core.tags import normalize_tags
from enrichment_entrypoints.cli import cli
from enrichment_entrypoints.settings import LOCAL_TAGGING_CONCURRENCY

pytestmark = pytest.mark.slow  # loads the packaged model


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "ENRICH_RPM", "ENRICH_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    # The wiring sets the process-wide precision from the settings; put it back afterwards.
    monkeypatch.setattr(local_model, "_default_precision", local_model._default_precision)
    return {
        "ENRICH_DATABASE_URL": f"sqlite:///{tmp_path / 'experts.db'}",
        "ENRICH_INDEX_DIR": str(tmp_path / "index"),
        "ENRICH_LOCAL_PRECISION": "float32",
    }


@pytest.fixture
def run_options(monkeypatch: pytest.MonkeyPatch) -> list[TaggingOptions]:
    """The options each ``enrich tag`` run hands the use case."""
    seen: list[TaggingOptions] = []
    real = tag_runs.run_tagging

    async def recording(*args: Any, **kwargs: Any) -> tag_runs.RunResult:
        seen.append(args[3])
        return await real(*args, **kwargs)

    monkeypatch.setattr(tag_runs, "run_tagging", recording)
    return seen


def enrich(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def seeded(env: dict[str, str], tmp_path: Path, count: int) -> None:
    assert enrich(env, "sample-data", "--count", str(count), str(tmp_path / "s.csv")).exit_code == 0
    assert enrich(env, "seed", str(tmp_path / "s.csv")).exit_code == 0


def stored(tmp_path: Path) -> list[tuple[str, str | None, str, str | None, str | None]]:
    with sqlite3.connect(tmp_path / "experts.db") as conn:
        return conn.execute(
            "SELECT username, job_title, coalesce(bio, ''), tags, tagged_by FROM experts"
            " ORDER BY username"
        ).fetchall()


def test_the_local_run_is_not_rate_limited_and_tags_as_one_by_one(
    env: dict[str, str], tmp_path: Path, run_options: list[TaggingOptions]
) -> None:
    import json

    seeded(env, tmp_path, 40)
    result = enrich(env, "tag", "--tagger", "local")
    assert result.exit_code == 0, result.output
    assert [(o.concurrency, o.rpm) for o in run_options] == [(LOCAL_TAGGING_CONCURRENCY, math.inf)]
    experts = stored(tmp_path)
    with_bio = [e for e in experts if e[2].strip()]
    assert len(with_bio) >= 30
    assert all(e[3] is None for e in experts if not e[2].strip())  # no bio, no tags
    alone = LocalTagGenerator()
    for username, title, bio, tags, tagged_by in with_bio:
        assert tagged_by == "local:all-MiniLM-L6-v2"
        request = TagRequest(username=username, job_title=title, bio=bio)
        assert tuple(json.loads(tags or "null")) == normalize_tags(alone.tag_one(request)), username


def test_an_explicit_rpm_and_concurrency_are_honoured(
    env: dict[str, str], tmp_path: Path, run_options: list[TaggingOptions]
) -> None:
    seeded(env, tmp_path, 6)
    result = enrich(env, "tag", "--tagger", "local", "--rpm", "6000", "--concurrency", "3")
    assert result.exit_code == 0, result.output
    assert [(o.concurrency, o.rpm) for o in run_options] == [(3, 6000.0)]
    assert all(e[3] is not None for e in stored(tmp_path) if e[2].strip())
