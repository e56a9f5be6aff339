"""Read an experts CSV into validated experts; bad rows are reported by line, nothing is lost.

Every data record ends up in exactly one of ``CsvImport.experts`` (valid, in file order) or
``CsvImport.rejected`` (with the line where the record starts and the reason). Only problems
with the file as a whole (missing, a directory, empty, no ``username`` column) raise
``CsvFileError``.

Line numbers are physical lines, 1-based, the header included, so they match what an editor
shows even when an earlier quoted field spans several lines. Bytes that are not valid UTF-8 are
decoded with ``surrogateescape`` so one badly encoded row is rejected instead of the whole file.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from enrichment_adapters.csv_records import Record, RecordReader, one_line, shorten
from enrichment_core.errors import EnrichmentError, InvalidExpertError
from enrichment_core.experts import PROFILE_FIELDS, Expert, new_expert, username_key

COLUMNS: tuple[str, ...] = PROFILE_FIELDS
_EXAMPLE_HEADER = "username,first_name,last_name,job_title,bio,hourly_rate,profile_url"
# csv's default field limit (128 KiB) would abort the file at the first huge field, and a huge
# quoted field spanning lines would then be misread as rows. Read every field whole instead and
# let the expert size limits reject it. The limit is process-wide, so it is raised only while a
# file is read, under a lock.
_FIELD_LIMIT = 2**31 - 1
_field_limit_lock = threading.Lock()
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of undecodable bytes
_MAX_REASON = 300
_MAX_SHOWN_USERNAME = 100


class CsvFileError(EnrichmentError):
    """The file as a whole cannot be imported; the message says what to do."""


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A record that was not imported: where it starts, whose it is (if known) and why."""

    line: int
    username: str | None
    reason: str


@dataclass(slots=True)
class CsvImport:
    """The outcome of reading one file: ``rows_read == len(experts) + len(rejected)``."""

    experts: list[Expert]
    rejected: list[RejectedRow]
    rows_read: int


def read_experts_csv(path: str | os.PathLike[str]) -> CsvImport:
    """Read ``path`` (UTF-8, optional BOM, header row naming at least ``username``).

    Raises ``CsvFileError`` when the file is missing, is a directory, cannot be read, is empty,
    or has no ``username`` column. Bad rows never raise: they are listed in ``rejected``.
    """
    file_path = Path(path)
    if file_path.is_dir():
        raise CsvFileError(f"{file_path} is a directory; pass the path of an experts CSV file")
    try:
        handle = file_path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
    except FileNotFoundError:
        raise CsvFileError(f"{file_path} does not exist; check the path and try again") from None
    except OSError as exc:
        raise CsvFileError(
            f"cannot open {file_path} ({exc.strerror or exc}); check it is a readable file"
        ) from None
    with handle, _field_limit_lock:
        previous_limit = csv.field_size_limit(_FIELD_LIMIT)
        try:
            buffer: Any = handle.buffer  # a BufferedReader: peek() reads ahead without consuming
            _refuse_utf16(bytes(buffer.peek(4096)[:4096]), file_path)
            return _read(handle, file_path)
        except OSError as exc:
            raise CsvFileError(
                f"reading {file_path} failed ({exc.strerror or exc}); check the file and retry"
            ) from None
        finally:
            csv.field_size_limit(previous_limit)


def _refuse_utf16(head: bytes, file_path: Path) -> None:
    """UTF-16 (Excel's "Unicode text", PowerShell's default) would be read as garbled text."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(head) >= 4 and head.count(0) * 4 >= len(head)
    ):
        raise CsvFileError(
            f"{file_path} is UTF-16 text; save it as UTF-8 (in Excel: Save As > CSV UTF-8) "
            "and import it again"
        )


def _read(handle: Iterator[str], file_path: Path) -> CsvImport:
    reader = RecordReader(handle)
    records = iter(reader)
    header = next(records, None)
    if header is None:
        raise CsvFileError(
            f"{file_path} is empty; it needs a header row such as {_EXAMPLE_HEADER!r} "
            "and one expert per line"
        )
    if header.problem:
        raise CsvFileError(f"{file_path} has an unreadable header row: {header.problem}")
    columns, width = _columns(header.fields, file_path), len(header.fields)
    reader.width, reader.username_column = width, columns["username"]
    experts: list[Expert] = []
    rejected: list[RejectedRow] = []
    first_line_of: dict[str, int] = {}
    rows_read = 0
    for record in records:
        rows_read += 1
        start = record.first_line
        username = _shown_username(record.fields, columns)
        outcome = record.problem or _expert(record, columns, width, first_line_of)
        if isinstance(outcome, Expert):
            first_line_of[username_key(outcome.username)] = start
            experts.append(outcome)
        else:
            rejected.append(RejectedRow(start, username, shorten(outcome, _MAX_REASON)))
    return CsvImport(experts=experts, rejected=rejected, rows_read=rows_read)


def _columns(header: list[str], file_path: Path) -> dict[str, int]:
    """Map each known column name to its index; raise unless ``username`` is among them."""
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.replace("\ufeff", "").strip().lower()
        if name not in COLUMNS:
            continue  # unknown columns are ignored
        if name in columns:
            raise CsvFileError(
                f"{file_path} names the column {name!r} twice in its header; keep one of them"
            )
        columns[name] = index
    if "username" not in columns:
        found = ", ".join(repr(one_line(h)) for h in header[:8])
        raise CsvFileError(
            f"{file_path} is not an experts CSV: its first line has no 'username' column "
            f"(found {shorten(found, 120)}); make the first line a comma-separated header "
            f"such as {_EXAMPLE_HEADER!r}"
        )
    return columns


def _expert(
    record: Record, columns: dict[str, int], width: int, first_line_of: dict[str, int]
) -> Expert | str:
    """The valid expert in this record, or the reason it is rejected."""
    fields, start, end = record.fields, record.first_line, record.last_line
    if len(fields) != width:
        reason = f"has {len(fields)} fields but the header has {width}"
        if end > start:
            reason += f" (the record runs from line {start} to {end}; is a quote left open?)"
        return reason
    values = {name: fields[index] for name, index in columns.items()}
    for name, value in values.items():
        if bad := _ESCAPED_BYTE.search(value):
            byte = ord(bad.group()) - 0xDC00
            return (
                f"{name} has bytes that are not valid UTF-8 (0x{byte:02x}); save the file as UTF-8"
            )
    if not values["username"].strip():
        return "no username"
    try:
        expert = new_expert(**values)
    except InvalidExpertError as exc:
        return f"{exc.field} {exc.reason}"
    key = username_key(expert.username)
    if key in first_line_of:
        return (
            f"duplicate username {expert.username!r} (usernames ignore case): "
            f"already used on line {first_line_of[key]}"
        )
    return expert


def _shown_username(fields: list[str], columns: dict[str, int]) -> str | None:
    index = columns["username"]
    if index >= len(fields):
        return None
    name = one_line(fields[index])
    return shorten(name, _MAX_SHOWN_USERNAME) if name else None
