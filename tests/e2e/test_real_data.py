"""Real freelancer profiles (../shared/data, Upwork 2018): import robustness and findability edge
cases at scale. Skipped with a clear reason where the data folder is absent (a user's machine)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_entrypoints.cli import cli

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "upwork_profiles_dev.csv"

pytestmark = pytest.mark.skipif(not DATA.exists(), reason=f"real data not found at {DATA}")


def as_directory_csv(out: Path) -> list[dict[str, str]]:
    """The profiles as an experts CSV: profile_id -> username, headline -> job_title. No bios."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        profiles = list(csv.DictReader(handle))
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["username", "job_title", "hourly_rate", "skills"]
        )
        writer.writeheader()
        for p in profiles:
            writer.writerow(
                {
                    "username": p["profile_id"],
                    "job_title": p["headline"],
                    "hourly_rate": p["hourly_rate_usd"],
                    "skills": p["skills"],
                }
            )
    return profiles


def test_real_profiles_import_and_score_within_the_no_bio_bounds(tmp_path: Path) -> None:
    profiles = as_directory_csv(tmp_path / "upwork.csv")
    url = f"sqlite:///{tmp_path / 'experts.db'}"
    runner = CliRunner()
    seeded = runner.invoke(cli, ["--db", url, "seed", str(tmp_path / "upwork.csv")])
    assert seeded.exit_code == 0, seeded.output
    assert f"Imported {len(profiles)} new experts" in seeded.output
    tagged = runner.invoke(cli, ["--db", url, "tag", "--tagger", "local"])
    assert tagged.exit_code == 0  # nobody to tag: no bios, so no model is even needed
    assert f"{len(profiles)} skipped (no bio)" in tagged.stderr

    repo = SqlExpertRepo(url)
    experts = {e.username: e for e in repo.list_experts()}
    assert len(experts) == len(profiles)
    for p in profiles:
        e = experts[p["profile_id"]]
        expected = (10.0 if p["headline"].strip() else 0.0) + (
            10.0 if p["hourly_rate_usd"] and float(p["hourly_rate_usd"]) > 0 else 0.0
        )
        assert e.tags is None  # no bio: never tagged (locked decision 2)
        assert e.findability_score == expected, p
    assert (
        max(e.hourly_rate or 0 for e in experts.values()) >= 500
    )  # high rates are kept, not rejected
    assert any(e.job_title is None for e in experts.values())
    repo.close()
