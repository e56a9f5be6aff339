"""FIND-02: opening a database whose ``experts`` table predates the enrichment columns adds them;
running it twice is harmless; existing rows survive untouched."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_adapters.sql.schema import DatabaseError, make_engine
from enrichment_core.errors import DuplicateExpertError
from enrichment_core.experts import new_expert

OLD_SCHEMA = """
CREATE TABLE experts (
    id INTEGER PRIMARY KEY,
    username VARCHAR NOT NULL UNIQUE,
    first_name VARCHAR, last_name VARCHAR, job_title VARCHAR, company VARCHAR,
    bio TEXT, hourly_rate FLOAT, profile_url VARCHAR, profile_url_utm VARCHAR, category VARCHAR
)
"""
OLD_ROWS = [
    (
        1,
        "old_ada",
        "Ada",
        "L",
        "Analyst",
        "AE",
        "An old bio",
        90.0,
        "https://x.example/a",
        None,
        "data",
    ),
    (2, "old_bob", None, None, None, None, None, None, None, None, None),
]


def column_types(url: str) -> dict[str, str]:
    engine = create_engine(url)
    types = {c["name"]: str(c["type"]).upper() for c in inspect(engine).get_columns("experts")}
    engine.dispose()
    return types


def check_migrates_old_table(url: str, create_old: Callable[[], None]) -> None:
    create_old()
    repo = SqlExpertRepo(url)
    assert {"tags", "findability_score", "tagged_by", "tagged_at", "tagging_error"} <= set(
        repo.columns_added
    )
    repo.close()
    types = column_types(url)
    assert types["tags"] == "TEXT"
    assert types["findability_score"] == "REAL"

    again = SqlExpertRepo(url)  # the second run is harmless
    assert again.columns_added == []
    ada = again.get("old_ada")
    assert ada is not None
    assert (ada.bio, ada.hourly_rate, ada.category, ada.tags, ada.findability_score) == (
        "An old bio",
        90.0,
        "data",
        None,
        None,
    )
    assert again.count() == 2
    again.close()


def test_an_old_sqlite_file_gains_the_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"

    def create_old() -> None:
        with sqlite3.connect(path) as conn:
            conn.execute(OLD_SCHEMA)
            conn.executemany("INSERT INTO experts VALUES (?,?,?,?,?,?,?,?,?,?,?)", OLD_ROWS)

    check_migrates_old_table(f"sqlite:///{path}", create_old)


@pytest.mark.postgres
def test_an_old_postgres_table_gains_the_columns_and_keeps_its_rows(
    postgres_url_clean: str,
) -> None:
    def create_old() -> None:
        engine = create_engine(postgres_url_clean)
        with engine.begin() as conn:
            conn.execute(
                text(OLD_SCHEMA.replace("id INTEGER PRIMARY KEY", "id SERIAL PRIMARY KEY"))
            )
            for row in OLD_ROWS:
                conn.execute(
                    text("INSERT INTO experts VALUES (:a,:b,:c,:d,:e,:f,:g,:h,:i,:j,:k)"),
                    dict(zip("abcdefghijk", row, strict=True)),
                )
            conn.execute(text("SELECT setval('experts_id_seq', 2)"))
        engine.dispose()

    check_migrates_old_table(postgres_url_clean, create_old)


def test_a_table_without_a_unique_username_gets_one(tmp_path: Path) -> None:
    path = tmp_path / "loose.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE experts (id INTEGER PRIMARY KEY, username TEXT NOT NULL, bio TEXT)"
        )
        conn.execute("INSERT INTO experts (username, bio) VALUES ('ada', 'x')")
    repo = SqlExpertRepo(f"sqlite:///{path}")
    assert repo.add_new([repo.get("ada")]) == []  # type: ignore[list-item]
    assert repo.count() == 1
    repo.close()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert int(conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_an_unparseable_url_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="cannot parse database URL"):
        make_engine("not a url")


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="cannot open the database"):
        SqlExpertRepo(f"sqlite:///{bogus}")


# --- case-insensitive usernames (issue 10, item 9) -------------------------------------------

CASE_ROWS = [("CaseUser", "first"), ("caseuser", "second"), ("Solo", "third")]


def check_case_duplicates_survive_the_migration(url: str, create_old: Callable[[], None]) -> None:
    create_old()
    repo = SqlExpertRepo(url)  # must not fail on the existing duplicates
    assert repo.username_conflicts == [("CaseUser", "caseuser")]
    assert repo.count() == 3
    assert {e.username for e in repo.list_experts()} == {"CaseUser", "caseuser", "Solo"}
    with pytest.raises(DuplicateExpertError):
        repo.add(new_expert(username="SOLO"))
    assert [e.username for e in repo.add_new([new_expert(username="solo")])] == []
    repo.close()
    again = SqlExpertRepo(url)  # idempotent: same report, nothing changed
    assert again.username_conflicts == [("CaseUser", "caseuser")]
    assert again.count() == 3
    again.close()


def check_new_rows_are_unique_by_key_once_duplicates_are_gone(url: str) -> None:
    repo = SqlExpertRepo(url)
    assert repo.username_conflicts == []
    with pytest.raises(DuplicateExpertError):
        repo.add(new_expert(username="CASEUSER"))
    repo.close()


def test_an_old_sqlite_table_with_usernames_differing_only_in_case_is_reported(
    tmp_path: Path,
) -> None:
    path = tmp_path / "case.db"

    def create_old() -> None:
        with sqlite3.connect(path) as conn:
            conn.execute(OLD_SCHEMA)
            conn.executemany("INSERT INTO experts (username, bio) VALUES (?, ?)", CASE_ROWS)

    url = f"sqlite:///{path}"
    check_case_duplicates_survive_the_migration(url, create_old)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM experts WHERE username = 'caseuser'")
    check_new_rows_are_unique_by_key_once_duplicates_are_gone(url)


@pytest.mark.postgres
def test_an_old_postgres_table_with_usernames_differing_only_in_case_is_reported(
    postgres_url_clean: str,
) -> None:
    engine = create_engine(postgres_url_clean)

    def create_old() -> None:
        with engine.begin() as conn:
            conn.execute(
                text(OLD_SCHEMA.replace("id INTEGER PRIMARY KEY", "id SERIAL PRIMARY KEY"))
            )
            for username, bio in CASE_ROWS:
                conn.execute(
                    text("INSERT INTO experts (username, bio) VALUES (:u, :b)"),
                    {"u": username, "b": bio},
                )

    check_case_duplicates_survive_the_migration(postgres_url_clean, create_old)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM experts WHERE username = 'caseuser'"))
    engine.dispose()
    check_new_rows_are_unique_by_key_once_duplicates_are_gone(postgres_url_clean)
