"""Reading an experts CSV: good rows imported in order, bad rows reported by line, nothing lost."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrichment_adapters.csv_import import CsvFileError, CsvImport, RejectedRow, read_experts_csv
from enrichment_core.errors import EnrichmentError
from enrichment_core.experts import MAX_BIO, MAX_SHORT_TEXT

HEADER = "username,first_name,last_name,job_title,company,bio,hourly_rate,profile_url\n"


def write(tmp_path: Path, content: str | bytes, name: str = "experts.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def read(tmp_path: Path, content: str | bytes) -> CsvImport:
    result = read_experts_csv(write(tmp_path, content))
    assert result.rows_read == len(result.experts) + len(result.rejected)
    return result


def only_rejection(result: CsvImport) -> RejectedRow:
    assert len(result.rejected) == 1, result.rejected
    return result.rejected[0]


# --- good rows ------------------------------------------------------------------------------


def test_good_rows_are_imported_in_file_order_with_every_field(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        HEADER
        + 'zoe,Zoë,Okafor,Tax Advisor,Ledgerline,R&D tax credits,"$1,250.50",https://x.example/zoe\n'
        + "adam,,,,,,,\n"
        + "mia,Mia,Li,,,Bio,0,\n",
    )
    assert [e.username for e in result.experts] == ["zoe", "adam", "mia"]
    zoe = result.experts[0]
    assert (zoe.first_name, zoe.last_name, zoe.job_title) == ("Zoë", "Okafor", "Tax Advisor")
    assert (zoe.company, zoe.bio, zoe.hourly_rate) == ("Ledgerline", "R&D tax credits", 1250.5)
    assert zoe.profile_url == "https://x.example/zoe"
    assert result.experts[1].bio is None
    assert result.experts[1].hourly_rate is None
    assert result.experts[2].hourly_rate == 0
    assert result.rejected == []
    assert result.rows_read == 3


def test_header_only_file_imports_nothing_and_rejects_nothing(tmp_path: Path) -> None:
    result = read(tmp_path, HEADER)
    assert (result.experts, result.rejected, result.rows_read) == ([], [], 0)


def test_header_names_are_matched_case_insensitively_and_trimmed(tmp_path: Path) -> None:
    result = read(tmp_path, " UserName ,BIO,  Hourly_Rate\nada,Builds compilers,90\n")
    (ada,) = result.experts
    assert (ada.username, ada.bio, ada.hourly_rate) == ("ada", "Builds compilers", 90.0)


def test_unknown_columns_are_ignored(tmp_path: Path) -> None:
    result = read(tmp_path, "id,username,favourite_colour,bio\n1,ada,teal,Compilers\n")
    (ada,) = result.experts
    assert (ada.username, ada.bio) == ("ada", "Compilers")


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    result = read(tmp_path, "\ufeffusername,bio\nada,Compilers\n".encode())
    assert [e.username for e in result.experts] == ["ada"]


def test_columns_may_come_in_any_order_and_all_ten_are_read(tmp_path: Path) -> None:
    header = "category,profile_url_utm,profile_url,hourly_rate,bio,company,job_title,last_name,"
    row = "Tax,https://e.x/a?utm=1,https://e.x/a,10,Bio,Co,Title,Last,First,ada\n"
    (ada,) = read(tmp_path, header + "first_name,username\n" + row).experts
    assert ada.category == "Tax"
    assert ada.profile_url_utm == "https://e.x/a?utm=1"
    assert (ada.first_name, ada.username) == ("First", "ada")


def test_blank_lines_are_skipped_silently_and_line_numbers_stay_physical(tmp_path: Path) -> None:
    result = read(tmp_path, "\n" + HEADER + "\n\nada,,,,,,,\n   \n\nbob,,,,,,-1,\n\n")
    assert [e.username for e in result.experts] == ["ada"]
    assert only_rejection(result).line == 8
    assert result.rows_read == 2


def test_crlf_line_endings_count_one_line_each(tmp_path: Path) -> None:
    result = read(tmp_path, "username,hourly_rate\r\nada,1\r\nbob,x\r\ncy,2\r\n")
    assert [e.username for e in result.experts] == ["ada", "cy"]
    assert only_rejection(result).line == 3


# --- bad rows -------------------------------------------------------------------------------


def test_a_row_without_username_is_rejected_with_its_line(tmp_path: Path) -> None:
    result = read(tmp_path, HEADER + "ada,,,,,,,\n  ,Bob,Jones,,,Bio,10,\nbob,,,,,,,\n")
    assert only_rejection(result) == RejectedRow(3, None, "no username")
    assert [e.username for e in result.experts] == ["ada", "bob"]


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("abc", "hourly_rate 'abc' is not a number"),
        ("-5", "hourly_rate '-5' must be zero or a positive number"),
        ("nan", "hourly_rate must be a finite number, not 'nan'"),
        ("100000.01", "hourly_rate '100000.01' is above the limit of 100,000"),
    ],
)
def test_a_rate_that_is_not_a_number_or_negative_is_rejected(
    tmp_path: Path, rate: str, expected: str
) -> None:
    result = read(tmp_path, f"username,hourly_rate\nada,10\nbob,{rate}\ncy,\n")
    assert only_rejection(result) == RejectedRow(3, "bob", expected)
    assert [e.username for e in result.experts] == ["ada", "cy"]


def test_a_duplicate_username_rejects_the_later_row_naming_the_first_line(tmp_path: Path) -> None:
    result = read(tmp_path, "username,bio\nada,first\nbob,x\nada,second\n")
    rejection = only_rejection(result)
    assert (rejection.line, rejection.username) == (4, "ada")
    assert "duplicate" in rejection.reason
    assert "line 2" in rejection.reason
    assert [(e.username, e.bio) for e in result.experts] == [("ada", "first"), ("bob", "x")]


def test_duplicates_are_compared_after_trimming(tmp_path: Path) -> None:
    result = read(tmp_path, 'username,bio\nada,first\n" ada ",second\n')
    assert only_rejection(result).line == 3


def test_a_rejected_row_does_not_claim_its_username(tmp_path: Path) -> None:
    """A corrected copy after a broken row is imported, not called a duplicate."""
    result = read(tmp_path, "username,hourly_rate\nada,lots\nada,100\n")
    assert only_rejection(result).line == 2
    assert [e.hourly_rate for e in result.experts] == [100.0]


@pytest.mark.parametrize("row", ["ada,1,2\n", "ada\n"])
def test_a_row_with_the_wrong_number_of_fields_is_rejected(tmp_path: Path, row: str) -> None:
    result = read(tmp_path, "username,bio\n" + row + "bob,ok\n")
    rejection = only_rejection(result)
    assert (rejection.line, rejection.username) == (2, "ada")
    assert "fields but the header has 2" in rejection.reason
    assert [e.username for e in result.experts] == ["bob"]


@pytest.mark.parametrize("column", ["profile_url", "profile_url_utm"])
def test_an_invalid_url_is_rejected(tmp_path: Path, column: str) -> None:
    result = read(tmp_path, f"username,{column}\nada,javascript:alert(1)\nbob,https://ok.x/b\n")
    assert only_rejection(result) == RejectedRow(2, "ada", f"{column} must be an http(s) URL")


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("has space,x", "username"),
        ("a/b,x", "username"),
        (f"{'u' * 101},x", "username"),
        (f"ada,{'t' * (MAX_SHORT_TEXT + 1)}", "job_title"),
    ],
)
def test_anything_else_new_expert_rejects_is_reported_with_its_field(
    tmp_path: Path, row: str, field: str
) -> None:
    rejection = only_rejection(read(tmp_path, f"username,job_title\n{row}\nok,x\n"))
    assert rejection.line == 2
    assert rejection.reason.startswith(field + " ")


def test_an_oversize_bio_is_rejected_and_later_rows_are_kept(tmp_path: Path) -> None:
    result = read(tmp_path, f"username,bio\nada,{'b' * (MAX_BIO + 1)}\nbob,fine\n")
    assert only_rejection(result) == RejectedRow(
        2, "ada", f"bio is {MAX_BIO + 1:,} characters; the limit is {MAX_BIO:,}"
    )
    assert [e.username for e in result.experts] == ["bob"]


@pytest.mark.parametrize("separator", ["", "\n"])
def test_a_field_over_csv_field_size_limit_does_not_abort_the_file(
    tmp_path: Path, separator: str
) -> None:
    huge = "x" * (csv.field_size_limit() + 10) + separator + "y" * 10
    limit_before = csv.field_size_limit()
    result = read(tmp_path, f'username,bio\nada,ok\nbig,"{huge}"\nbob,"a,b"\ncy,ok\n')
    rejection = only_rejection(result)
    assert (rejection.line, rejection.username) == (3, "big")
    assert rejection.reason.startswith("bio is ")
    assert [e.username for e in result.experts] == ["ada", "bob", "cy"]
    assert csv.field_size_limit() == limit_before


def test_a_huge_value_is_shortened_in_the_reason(tmp_path: Path) -> None:
    rejection = only_rejection(read(tmp_path, f"username,hourly_rate\nada,{'9x' * 100_000}\n"))
    assert rejection.reason.startswith("hourly_rate '9x9x")
    assert len(rejection.reason) <= 300


def test_non_utf8_bytes_reject_only_that_row(tmp_path: Path) -> None:
    content = "username,bio\nada,Café\n".encode() + b"bob,Caf\xe9 cr\xe8me\ncy,ok\n"
    result = read(tmp_path, content)
    assert only_rejection(result) == RejectedRow(
        3, "bob", "bio has bytes that are not valid UTF-8 (0xe9); save the file as UTF-8"
    )
    assert [(e.username, e.bio) for e in result.experts] == [("ada", "Café"), ("cy", "ok")]


def test_a_badly_encoded_username_is_shown_readably(tmp_path: Path) -> None:
    rejection = only_rejection(read(tmp_path, b"username,bio\nb\xf6b,x\n"))
    assert rejection.username == "b\ufffdb"
    assert rejection.reason.startswith("username has bytes")


def test_a_multiline_username_is_reported_on_one_line(tmp_path: Path) -> None:
    rejection = only_rejection(read(tmp_path, 'username,bio\n"ada\nlovelace\t",x\n'))
    assert rejection == RejectedRow(2, "ada lovelace", rejection.reason)
    assert rejection.reason.startswith("username must not contain the control character U+000A")


def test_bad_bytes_in_an_ignored_column_do_not_reject_the_row(tmp_path: Path) -> None:
    result = read(tmp_path, b"username,notes\nada,\xff\xfe\n")
    assert [e.username for e in result.experts] == ["ada"]
    assert result.rejected == []


def test_a_multiline_quoted_bio_keeps_later_line_numbers_right(tmp_path: Path) -> None:
    content = (
        "username,bio,hourly_rate\n"  # line 1
        'ada,"First paragraph.\n\nSecond, with ""quotes"".\nThird.",10\n'  # lines 2-5
        "bob,plain,-1\n"  # line 6
        'cy,"two\r\nlines",x\n'  # lines 7-8
        "dee,ok,\n"  # line 9
        "eve,ok,oops\n"  # line 10
    )
    result = read(tmp_path, content)
    assert [(r.line, r.username) for r in result.rejected] == [(6, "bob"), (7, "cy"), (10, "eve")]
    assert result.experts[0].bio == 'First paragraph.\n\nSecond, with "quotes".\nThird.'
    assert [e.username for e in result.experts] == ["ada", "dee"]


def test_an_unclosed_quote_is_reported_at_its_line_and_the_rows_after_it_are_read_again(
    tmp_path: Path,
) -> None:
    result = read(tmp_path, 'username,bio\nada,ok\nbob,"never closed\ncy,ok\ndee,ok\n')
    rejection = only_rejection(result)
    assert (rejection.line, rejection.username) == (3, "bob")
    assert "left open" in rejection.reason
    assert "lines 3-5" in rejection.reason
    assert "cy (line 4)" in rejection.reason
    assert "dee (line 5)" in rejection.reason
    assert [e.username for e in result.experts] == ["ada", "cy", "dee"]


def test_an_unclosed_quote_in_the_last_line_is_still_reported(tmp_path: Path) -> None:
    rejection = only_rejection(read(tmp_path, 'username,bio\nada,"open'))
    assert (rejection.line, rejection.username) == (2, "ada")


def test_a_closed_quote_on_the_last_line_without_newline_is_fine(tmp_path: Path) -> None:
    result = read(tmp_path, 'username,bio\nada,"two\nlines"')
    assert [e.bio for e in result.experts] == ["two\nlines"]
    assert result.rejected == []


def test_an_unclosed_quote_in_the_header_raises_csv_file_error(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="header row: a quote"):
        read_experts_csv(write(tmp_path, 'username,"bio\nada,x\n'))


def test_a_field_count_mismatch_across_lines_hints_at_an_open_quote(tmp_path: Path) -> None:
    rejection = only_rejection(read(tmp_path, 'username,bio\nada,"a\nb",extra\nbob,x\n'))
    assert rejection.line == 2
    assert "line 2 to 3" in rejection.reason


# --- the file as a whole --------------------------------------------------------------------


def test_a_file_without_a_username_column_raises_csv_file_error(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="no 'username' column") as caught:
        read_experts_csv(write(tmp_path, "name,bio\nada,x\n"))
    assert isinstance(caught.value, EnrichmentError)
    assert "\n" not in str(caught.value)
    assert "header" in str(caught.value)


def test_a_semicolon_separated_file_is_not_mistaken_for_experts(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="comma-separated"):
        read_experts_csv(write(tmp_path, "username;bio\nada;x\n"))


def test_a_binary_file_raises_csv_file_error(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError):
        read_experts_csv(write(tmp_path, bytes(range(256)) * 4, name="photo.png"))


@pytest.mark.parametrize("content", ["", "\n\n  \n", "\ufeff"])
def test_an_empty_file_raises_csv_file_error(tmp_path: Path, content: str) -> None:
    with pytest.raises(CsvFileError, match="is empty"):
        read_experts_csv(write(tmp_path, content))


def test_a_missing_file_raises_csv_file_error(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="does not exist; check the path"):
        read_experts_csv(tmp_path / "nope.csv")


def test_a_directory_raises_csv_file_error(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="is a directory"):
        read_experts_csv(tmp_path)


def test_a_known_column_named_twice_raises_csv_file_error(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="'bio' twice"):
        read_experts_csv(write(tmp_path, "username,bio,Bio\nada,x,y\n"))


# --- property: line numbers match the written file --------------------------------------------

_NEWLINE = re.compile(r"\r\n|\r|\n")
_bio_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(_bio_text, st.booleans()), min_size=1, max_size=12))
def test_reported_lines_are_where_each_record_starts(rows: list[tuple[str, bool]]) -> None:
    """Any bios (quotes, commas, CR/LF inside): rejected rows carry their record's first line."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["username", "bio", "hourly_rate"])
    expected_lines: list[int] = []
    expected_good: list[str] = []
    for i, (bio, bad_rate) in enumerate(rows):
        start = len(_NEWLINE.findall(buffer.getvalue())) + 1
        writer.writerow([f"user{i}", bio, "-1" if bad_rate else "5"])
        if bad_rate:
            expected_lines.append(start)
        else:
            expected_good.append(f"user{i}")
    with tempfile.TemporaryDirectory() as folder:
        result = read(Path(folder), buffer.getvalue())
    assert [r.line for r in result.rejected] == expected_lines
    assert [e.username for e in result.experts] == expected_good


# --- issue 10, item 9: a file in another encoding ----------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_refused_saying_to_save_it_as_utf8(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "experts.csv"
    path.write_bytes("username,bio\nłukasz,Tax attorney\n".encode(encoding))
    with pytest.raises(CsvFileError) as raised:
        read_experts_csv(path)
    assert "UTF-16" in str(raised.value)
    assert "UTF-8" in str(raised.value)


def test_usernames_differing_only_in_case_are_duplicates_within_a_file(tmp_path: Path) -> None:
    path = tmp_path / "experts.csv"
    path.write_text("username,bio\nCaseUser,a\ncaseuser,b\n", encoding="utf-8")
    result = read_experts_csv(path)
    assert [e.username for e in result.experts] == ["CaseUser"]
    assert [(r.line, r.username) for r in result.rejected] == [(3, "caseuser")]
    assert "line 2" in result.rejected[0].reason


# --- issue 10, item 2: a quote left open swallows the next row -----------------------------------


def test_a_quote_left_open_that_swallows_the_next_row_is_reported_and_the_row_kept(
    tmp_path: Path,
) -> None:
    content = (
        "username,bio,hourly_rate\n"
        'a,"Tax attorney,100\n'
        'b,"Vet surgeon",200\n'
        'c,"Data engineer",300\n'
    )
    result = read(tmp_path, content)
    rejection = only_rejection(result)
    assert (rejection.line, rejection.username) == (2, "a")
    assert "a quote is left open" in rejection.reason
    assert "lines 2-3" in rejection.reason
    assert "b (line 3)" in rejection.reason
    assert [(e.username, e.bio, e.hourly_rate) for e in result.experts] == [
        ("b", "Vet surgeon", 200.0),
        ("c", "Data engineer", 300.0),
    ]
    assert result.rows_read == len(result.experts) + len(result.rejected)


def test_a_quote_left_open_in_a_600_row_file_names_the_rows_it_swallowed(tmp_path: Path) -> None:
    rows = [f"user{i:03d},Bio number {i},{i}\n" for i in range(600)]
    rows[1] = 'user001,"Bio number 1,1\n'  # never closed: swallows every row after it
    result = read(tmp_path, "username,bio,hourly_rate\n" + "".join(rows))
    rejection = only_rejection(result)
    assert (rejection.line, rejection.username) == (3, "user001")
    assert "a quote is left open" in rejection.reason
    assert "lines 3-601" in rejection.reason
    assert "user002 (line 4)" in rejection.reason
    assert "598 rows" in rejection.reason
    assert len(result.experts) == 599
    assert result.experts[-1].username == "user599"


def test_a_stray_quote_inside_a_quoted_field_is_rejected_not_garbled(tmp_path: Path) -> None:
    result = read(tmp_path, 'username,bio\nada,"He said "hi" twice"\nbob,ok\n')
    rejection = only_rejection(result)
    assert (rejection.line, rejection.username) == (2, "ada")
    assert '""' in rejection.reason
    assert [e.username for e in result.experts] == ["bob"]


def test_a_quoted_multiline_bio_with_commas_is_still_one_record(tmp_path: Path) -> None:
    content = 'username,bio,hourly_rate\nada,"Tax, audits\nand, more",10\nbob,ok,5\n'
    result = read(tmp_path, content)
    assert result.rejected == []
    assert [(e.username, e.bio) for e in result.experts] == [
        ("ada", "Tax, audits\nand, more"),
        ("bob", "ok"),
    ]
