"""The records of a CSV file with the physical lines they span, for ``csv_import``.

Quotes are read strictly; a record whose quote is left open is reported with the lines it spans
and the rows it swallowed, and those rows are read again on their own. Line numbers are
physical lines, 1-based, so they match what an editor shows.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Record:
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


class RecordReader:
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

    def __iter__(self) -> Iterator[Record]:
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
            yield Record(start, self._lines.position, fields)

    def _broken(self, start: int, exc: csv.Error) -> Record:
        taken = list(self._lines.taken)
        end = start + len(taken) - 1
        first = _lenient_fields(taken[0]) if taken else []
        if len(taken) < 2:
            return Record(
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
        return Record(
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
            name = shorten(one_line(fields[self.username_column]), 40) or "no username"
            swallowed.append(f"{name} (line {first_number + offset})")
        return resume, swallowed


def _named(rows: list[str], shown: int = 3) -> str:
    named = ", ".join(rows[:shown])
    more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
    return f"{len(rows)} row{'s' if len(rows) != 1 else ''} ({named}{more})"


def one_line(text: str) -> str:
    """``text`` fit for a one-line report: undecodable bytes as U+FFFD, controls as spaces."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
