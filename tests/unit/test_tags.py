"""Tag normalization (locked decision 13) and what counts as a usable tagger answer (decision 15)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrichment_core.errors import InvalidTagOutputError
from enrichment_core.tags import (
    MAX_TAGS,
    normalize_tag,
    normalize_tags,
    tags_from_json,
    tags_to_json,
)


def test_lowercases_trims_and_collapses_whitespace() -> None:
    assert normalize_tags(["Machine Learning", "  TAX   law ", "R&D\tTax\nCredits"]) == (
        "machine learning",
        "tax law",
        "r&d tax credits",
    )


def test_drops_empties_duplicates_and_keeps_first_order() -> None:
    assert normalize_tags(["B", "", "a", "b ", "   ", "A", "c"]) == ("b", "a", "c")


def test_keeps_at_most_eight() -> None:
    assert len(normalize_tags([f"tag {i}" for i in range(20)])) == MAX_TAGS


def test_strips_quotes_and_bullets_llms_add() -> None:
    assert normalize_tags(['"Supply Chain"', "• logistics.", "#crypto"]) == (
        "supply chain",
        "logistics",
        "crypto",
    )


def test_fewer_than_three_tags_are_accepted() -> None:
    assert normalize_tags(["veterinary"]) == ("veterinary",)


@pytest.mark.parametrize("bad", [[], [""], ["   ", "\n"], [None, 3], "just a string", ["x" * 200]])
def test_an_empty_result_is_a_failure_not_an_empty_list(bad: object) -> None:
    with pytest.raises(InvalidTagOutputError):
        normalize_tags(bad)  # type: ignore[arg-type]


def test_control_characters_never_survive() -> None:
    assert normalize_tags(["tax\x00law", "a\x07b"]) == ("tax law", "a b")


@given(st.lists(st.text(max_size=30), max_size=20))
def test_normalization_is_idempotent(raw: list[str]) -> None:
    try:
        once = normalize_tags(raw)
    except InvalidTagOutputError:
        return
    assert normalize_tags(once) == once
    assert all(t == normalize_tag(t) and t for t in once)
    assert len(set(once)) == len(once) <= MAX_TAGS


def test_json_column_round_trip() -> None:
    assert tags_from_json(tags_to_json(("tax law", "é"))) == ("tax law", "é")
    assert tags_to_json(None) is None
    for stored in (None, "", "not json", "{}", "[]"):
        assert tags_from_json(stored) is None
