"""Command-line rough edges found by an adversarial run (issue 10, item 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from enrichment_entrypoints.cli import cli


def enrich(tmp_path: Path, *args: str, db: Path | None = None) -> Result:
    env = {
        "ENRICH_DATABASE_URL": f"sqlite:///{db or tmp_path / 'experts.db'}",
        "ENRICH_INDEX_DIR": str(tmp_path / "index"),
        "ENRICH_TAGGER": "local",
        "ENRICH_EMBEDDER": "local",
        "GOOGLE_API_KEY": "",
        "GEMINI_API_KEY": "",
    }
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize("command", [["score"], ["tag"], ["ingest"], ["runs"]])
def test_a_command_on_a_database_file_that_does_not_exist_refuses_and_names_it(
    tmp_path: Path, command: list[str]
) -> None:
    typo = tmp_path / "no-such-folder" / "exprets.db"
    result = enrich(tmp_path, *command, db=typo)
    assert result.exit_code == 1
    assert str(typo) in result.stderr
    assert "does not exist" in result.stderr
    assert "enrich seed" in result.stderr
    assert not typo.exists()
    assert not typo.parent.exists()


def test_seed_creates_the_database_and_says_so(tmp_path: Path) -> None:
    csv_file = tmp_path / "experts.csv"
    csv_file.write_text("username,bio\nada,Tax attorney\n", encoding="utf-8")
    db = tmp_path / "new" / "experts.db"
    first = enrich(tmp_path, "seed", str(csv_file), db=db)
    assert first.exit_code == 0, first.output
    assert f"Created the database {db}" in first.output
    again = enrich(tmp_path, "seed", str(csv_file), db=db)
    assert "Created" not in again.output
    assert enrich(tmp_path, "score", db=db).exit_code == 0


def test_tag_on_an_empty_database_says_there_is_nothing_to_tag(tmp_path: Path) -> None:
    csv_file = tmp_path / "empty.csv"
    csv_file.write_text("username,bio\n", encoding="utf-8")
    assert enrich(tmp_path, "seed", str(csv_file)).exit_code == 0
    result = enrich(tmp_path, "tag")
    assert result.exit_code == 0
    assert "no experts" in result.stderr.lower()
    assert "enrich seed" in result.stderr


def test_search_without_an_index_says_which_folder_it_looked_in(tmp_path: Path) -> None:
    result = enrich(tmp_path, "search", "tax law", "--no-server")
    assert result.exit_code == 1
    assert str(tmp_path / "index") in result.stderr
    assert "enrich ingest" in result.stderr
