"""Validation gaps found by an adversarial run (issue 10, item 9): the core's rules for experts."""

from __future__ import annotations

import pytest

from enrichment_core.errors import InvalidExpertError
from enrichment_core.experts import new_expert, parse_hourly_rate, username_key


@pytest.mark.parametrize("username", [".", "..", " .. "])
def test_dot_and_dot_dot_are_not_usernames(username: str) -> None:
    with pytest.raises(InvalidExpertError) as raised:
        new_expert(username=username)
    assert raised.value.field == "username"
    assert "'.'" in raised.value.reason


@pytest.mark.parametrize("username", ["ada\x00", "a\x07da", "\x1bada", "ada\x85", "a\tda", "ada\n"])
def test_control_characters_in_a_username_are_refused_not_stripped(username: str) -> None:
    with pytest.raises(InvalidExpertError) as raised:
        new_expert(username=username)
    assert raised.value.field == "username"
    assert "control character" in raised.value.reason


@pytest.mark.parametrize(
    ("username", "code"),
    [("admin\u202egnp", "U+202E"), ("ad\u200bmin", "U+200B"), ("\u2066ada", "U+2066")],
)
def test_invisible_formatting_characters_in_a_username_are_refused(
    username: str, code: str
) -> None:
    with pytest.raises(InvalidExpertError) as raised:
        new_expert(username=username)
    assert raised.value.field == "username"
    assert code in raised.value.reason


@pytest.mark.parametrize("username", ["łukasz", "josé2", "O'Brien", "山田_太郎", "a.b", "x..y"])
def test_ordinary_unicode_usernames_stay_valid(username: str) -> None:
    assert new_expert(username=username).username == username


def test_username_keys_ignore_case_so_caseuser_and_caseuser_are_one_expert() -> None:
    assert username_key("CaseUser") == username_key("caseuser") == username_key("CASEUSER")
    assert username_key("Łukasz") == username_key("łukasz")
    assert username_key("ada") != username_key("bob")


def test_a_boolean_hourly_rate_is_not_a_number() -> None:
    for value in (True, False):
        with pytest.raises(InvalidExpertError) as raised:
            parse_hourly_rate(value)
        assert raised.value.field == "hourly_rate"


@pytest.mark.parametrize("value", ["NaN", "nan", "Infinity", "-inf", float("nan"), float("inf")])
def test_nan_and_infinity_rates_are_called_not_finite(value: object) -> None:
    with pytest.raises(InvalidExpertError) as raised:
        parse_hourly_rate(value)
    assert "finite" in raised.value.reason
    assert "positive" not in raised.value.reason


@pytest.mark.parametrize(("value", "shown"), [("100000.01", "100000.01"), (100000.01, "100000.01")])
def test_a_rate_just_over_the_limit_shows_the_value_given(value: object, shown: str) -> None:
    with pytest.raises(InvalidExpertError) as raised:
        parse_hourly_rate(value)
    assert shown in raised.value.reason
    assert "100000 is above the limit of 100000" not in raised.value.reason
