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
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True, slots=True)
class _Record:
    first_line: int
    last_line: int
    fields: list[str]
    problem: str | None = None  # set when the record itself could not be parsed


class _Lines:
    """The file's lines for the csv reader: numbered, kept per record, and able to go back.

    ``start_record`` forgets the lines of the previous record; ``taken`` holds the current
    record's physical lines; ``rewind`` hands lines back so that they are read again.
    """

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._again: deque[str] = deque()
        self.position = 0  # physical lines handed out so far
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._again.popleft() if self._again else next(self._lines)
        self.position += 1
        self.taken.append(line)
        return line

    def start_record(self) -> None:
        self.taken = []

    def rewind(self, lines: list[str]) -> None:
        self._again.extendleft(reversed(lines))
        self.position -= len(lines)


def _parse_line(line: str) -> list[str] | None:
    """One physical line parsed on its own as a complete CSV row, or None if it is not one."""
    try:
        return next(csv.reader([line], strict=True), None)
    except csv.Error:
        return None


def _lenient_fields(line: str) -> list[str]:
    """The fields of a malformed line as far as they can be read (to name whose row it is)."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return []


class _RecordReader:
    """Every non-blank record with the physical lines it spans; blank lines are skipped.

    Quotes are read strictly. A record whose quote is left open swallows the rows after it
    until the next quote (or the end of the file): such a record is reported, with the lines
    it spans and the rows it swallowed, and those rows are read again on their own.
    """

    def __init__(self, handle: Iterator[str]) -> None:
        self._lines = _Lines(handle)
        self._reader = csv.reader(self._lines, strict=True)
        self.width: int | None = None  # the header's, once known
        self.username_column = 0

    def __iter__(self) -> Iterator[_Record]:
        while True:
            self._lines.start_record()
            start = self._lines.position + 1
            try:
                fields = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield self._broken(start, exc)
                continue
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            yield _Record(start, self._lines.position, fields)

    def _broken(self, start: int, exc: csv.Error) -> _Record:
        taken = list(self._lines.taken)
        end = start + len(taken) - 1
        first = _lenient_fields(taken[0]) if taken else []
        if len(taken) < 2:
            return _Record(
                start,
                end,
                first,
                f'malformed CSV ({exc}): a quote inside a quoted field must be doubled (""); '
                "fix this record",
            )
        resume, swallowed = self._rows_in(taken[1:], start + 1)
        if resume is not None:
            self._lines.rewind(taken[1 + resume :])
        last = end if resume is None else start + resume
        what = f"lines {start}-{end} were read as one record"
        if swallowed:
            what += f", swallowing {_named(swallowed)}; those rows were read again on their own"
        return _Record(
            start,
            last,
            first,
            f"a quote is left open: the quote opened in this record is never closed, so {what}. "
            "Close the quote and import the file again",
        )

    def _rows_in(self, lines: list[str], first_number: int) -> tuple[int | None, list[str]]:
        """Where the swallowed rows start (index into ``lines``) and who they are."""
        resume: int | None = None
        swallowed: list[str] = []
        for offset, line in enumerate(lines):
            fields = _parse_line(line)
            if fields is None or self.width is None or len(fields) != self.width:
                continue
            if resume is None:
                resume = offset
            name = _shorten(_one_line(fields[self.username_column]), 40) or "no username"
            swallowed.append(f"{name} (line {first_number + offset})")
        return resume, swallowed


def _named(rows: list[str], shown: int = 3) -> str:
    named = ", ".join(rows[:shown])
    more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
    return f"{len(rows)} row{'s' if len(rows) != 1 else ''} ({named}{more})"


def _read(handle: Iterator[str], file_path: Path) -> CsvImport:
    reader = _RecordReader(handle)
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
            rejected.append(RejectedRow(start, username, _shorten(outcome, _MAX_REASON)))
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
        found = ", ".join(repr(_one_line(h)) for h in header[:8])
        raise CsvFileError(
            f"{file_path} is not an experts CSV: its first line has no 'username' column "
            f"(found {_shorten(found, 120)}); make the first line a comma-separated header "
            f"such as {_EXAMPLE_HEADER!r}"
        )
    return columns


def _expert(
    record: _Record, columns: dict[str, int], width: int, first_line_of: dict[str, int]
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
    name = _one_line(fields[index])
    return _shorten(name, _MAX_SHOWN_USERNAME) if name else None


def _one_line(text: str) -> str:
    """``text`` fit for a one-line report: undecodable bytes as U+FFFD, controls as spaces."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
