"""The generated sample directory: deterministic, realistic, with realistic gaps, always valid."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from enrichment_adapters.csv_import import read_experts_csv
from enrichment_core.experts import new_expert
from enrichment_entrypoints.sample_data.generator import (
    PROFILE_BASE_URL,
    SAMPLE_COLUMNS,
    UTM_QUERY,
    generate_sample_experts,
    write_sample_csv,
)
from enrichment_entrypoints.sample_data.vocabulary import DOMAINS

COUNT = 1558
BY_NAME = {domain.name: domain for domain in DOMAINS}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return generate_sample_experts(COUNT, seed=7)


def share(rows: list[dict[str, str]], predicate: object) -> float:
    assert callable(predicate)
    return sum(1 for row in rows if predicate(row)) / len(rows)


# --- determinism ----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_rows(rows: list[dict[str, str]]) -> None:
    assert generate_sample_experts(COUNT, seed=7) == rows


def test_defaults_are_1558_rows_with_seed_7(rows: list[dict[str, str]]) -> None:
    assert generate_sample_experts() == rows


def test_different_seeds_give_different_rows(rows: list[dict[str, str]]) -> None:
    other = generate_sample_experts(COUNT, seed=8)
    assert other != rows
    assert len({r["username"] for r in other} ^ {r["username"] for r in rows}) > COUNT // 2


def test_rows_are_the_same_in_another_python_process_whatever_its_hash_seed(
    rows: list[dict[str, str]],
) -> None:
    script = (
        "import hashlib, json; from enrichment_entrypoints.sample_data.generator import generate_sample_experts; "
        "print(hashlib.sha256(json.dumps(generate_sample_experts()).encode()).hexdigest())"
    )
    expected = hashlib.sha256(json.dumps(rows).encode()).hexdigest()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == expected


def test_a_smaller_count_is_a_valid_directory_of_that_size() -> None:
    assert len(generate_sample_experts(10, seed=3)) == 10
    assert generate_sample_experts(0) == []


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="count"):
        generate_sample_experts(-1)


# --- shape and validity ---------------------------------------------------------------------


def test_every_row_has_exactly_the_sample_columns_as_text(rows: list[dict[str, str]]) -> None:
    assert len(rows) == COUNT
    for row in rows:
        assert tuple(row) == SAMPLE_COLUMNS
        assert all(isinstance(value, str) for value in row.values())


def test_every_row_is_a_valid_expert(rows: list[dict[str, str]]) -> None:
    for row in rows:
        expert = new_expert(**row)
        assert expert.username == row["username"]
        assert (expert.bio or "") == row["bio"]


def test_usernames_are_unique_url_safe_and_from_the_names(rows: list[dict[str, str]]) -> None:
    usernames = [row["username"] for row in rows]
    assert len(set(usernames)) == COUNT
    assert all(re.fullmatch(r"[a-z0-9._]+", name) for name in usernames)
    assert share(rows, lambda r: r["last_name"].lower()[:3] in r["username"]) > 0.6


def test_names_are_diverse(rows: list[dict[str, str]]) -> None:
    assert len({row["first_name"] for row in rows}) >= 100
    assert len({row["last_name"] for row in rows}) >= 100
    assert len({(row["first_name"], row["last_name"]) for row in rows}) >= 1000


def test_profile_urls_point_at_the_directory_with_utm_for_most(rows: list[dict[str, str]]) -> None:
    with_url = [row for row in rows if row["profile_url"]]
    for row in with_url:
        assert row["profile_url"] == PROFILE_BASE_URL + row["username"]
        assert row["profile_url_utm"] in ("", row["profile_url"] + UTM_QUERY)
    assert share(with_url, lambda r: r["profile_url_utm"]) > 0.85
    assert all(not row["profile_url_utm"] for row in rows if not row["profile_url"])


# --- realistic gaps -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "expected"),
    [("bio", 0.10), ("profile_url", 0.15), ("job_title", 0.05), ("hourly_rate", 0.08)],
)
def test_gap_rates_match_a_real_directory(
    rows: list[dict[str, str]], column: str, expected: float
) -> None:
    assert share(rows, lambda r: r[column] == "") == pytest.approx(expected, abs=0.025)


def test_a_few_experts_charge_zero(rows: list[dict[str, str]]) -> None:
    assert 0.003 <= share(rows, lambda r: r["hourly_rate"] == "0") <= 0.03


def test_rates_sit_in_their_domains_range(rows: list[dict[str, str]]) -> None:
    for row in rows:
        if row["hourly_rate"] not in ("", "0"):
            low, high = BY_NAME[row["category"]].rate
            assert low - 1 <= float(row["hourly_rate"]) <= high


def test_bio_lengths_vary_from_short_to_long(rows: list[dict[str, str]]) -> None:
    lengths = [len(row["bio"]) for row in rows if row["bio"]]
    assert all(40 <= n <= 2500 for n in lengths)
    short = sum(40 <= n <= 150 for n in lengths) / len(lengths)
    medium = sum(200 <= n <= 900 for n in lengths) / len(lengths)
    long = sum(1000 <= n <= 2500 for n in lengths) / len(lengths)
    assert 0.04 <= short <= 0.15
    assert 0.04 <= long <= 0.15
    assert medium >= 0.7
    assert max(lengths) > 2000


def test_bios_vary_in_voice_and_structure(rows: list[dict[str, str]]) -> None:
    bios = [row["bio"] for row in rows if row["bio"]]
    first_person = sum(bool(re.search(r"\bI\b|\bI'm\b|\bmy\b", bio)) for bio in bios)
    assert 0.25 < first_person / len(bios) < 0.75
    assert sum("\n\n" in bio for bio in bios) > 50  # paragraphs
    assert sum("\n- " in bio for bio in bios) > 20  # lists
    assert (
        sum(bio.startswith(("Specialties", "Credentials")) or "Specialties:" in bio for bio in bios)
        > 50
    )
    assert len(set(bios)) == len(bios)


def test_bios_mention_years_employers_clients_and_credentials(rows: list[dict[str, str]]) -> None:
    bios = " ".join(row["bio"] for row in rows)
    for domain in DOMAINS:
        assert any(employer in bios for employer in domain.employers), domain.name
        assert any(client in bios for client in domain.clients), domain.name
        assert any(credential in bios for credential in domain.credentials), domain.name
    assert re.search(r"\d+ years of experience", bios)


# --- domains --------------------------------------------------------------------------------


def test_at_least_22_domains_each_with_enough_vocabulary() -> None:
    assert len(DOMAINS) >= 22
    assert len(BY_NAME) == len(DOMAINS)
    for domain in DOMAINS:
        assert len(domain.titles) >= 4, domain.name
        assert len(domain.specialties) >= 8, domain.name
        assert len(domain.achievements) >= 6, domain.name
        assert len(domain.clients) >= 3, domain.name
        low, high = domain.rate
        assert 0 < low < high, domain.name


def test_every_domain_is_present_with_a_fair_share(rows: list[dict[str, str]]) -> None:
    counts = Counter(row["category"] for row in rows)
    assert set(counts) == set(BY_NAME)
    even_share = COUNT / len(DOMAINS)
    assert all(0.5 * even_share <= n <= 2 * even_share for n in counts.values()), counts


def test_every_bio_speaks_its_domains_vocabulary(rows: list[dict[str, str]]) -> None:
    for row in rows:
        if row["bio"]:
            domain = BY_NAME[row["category"]]
            bio = row["bio"].lower()
            assert any(s.lower() in bio for s in domain.specialties), (domain.name, row["bio"])


def test_titles_come_from_the_experts_domain(rows: list[dict[str, str]]) -> None:
    for row in rows:
        if row["job_title"]:
            assert row["job_title"] in BY_NAME[row["category"]].titles


# --- CSV ------------------------------------------------------------------------------------


def test_the_sample_csv_reads_back_with_nothing_rejected(
    tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    path = tmp_path / "experts.csv"
    assert write_sample_csv(path) == COUNT
    imported = read_experts_csv(path)
    assert imported.rejected == []
    assert imported.rows_read == COUNT
    assert imported.experts == [new_expert(**row) for row in rows]


def test_the_sample_csv_is_utf8_with_a_header_row(tmp_path: Path) -> None:
    path = tmp_path / "experts.csv"
    write_sample_csv(path, count=5, seed=1)
    text = path.read_bytes().decode("utf-8")
    assert text.splitlines()[0] == ",".join(SAMPLE_COLUMNS)
    assert not text.startswith("\ufeff")


def test_writing_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "experts.csv"
    path.write_text("old content\n", encoding="utf-8")
    assert write_sample_csv(path, count=3) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["experts.csv"]
    assert len(read_experts_csv(path).experts) == 3


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()  # os.replace cannot put a file over a directory
    (target / "inside").write_text("x", encoding="utf-8")
    with pytest.raises(IsADirectoryError):
        write_sample_csv(target, count=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
