"""What a CSV file's header row must be before any row is read (the caseload, plans and contributor imports),
and the reading of an import's file: its text, its header and its rows by line, or a refusal naming each problem.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

MAX_FILE_BYTES = 512 * 1024 * 1024
PROBLEMS_SHOWN = 50  # a file of 100,000 bad rows must still give a message a person can read

# What a spreadsheet saves instead of commas in some locales ("CSV" with semicolons) or as "Text (Tab delimited)".
OTHER_SEPARATORS = {";": "';'", "\t": "a tab"}
_TIMES = {2: "twice", 3: "three times"}


def header_problems(header: Sequence[str], required: Sequence[str], optional: Sequence[str]) -> list[str]:
    """Why the import cannot read the file by this header, or []: a column it reads named more than once
    (which of them would it take?), a file separated by something other than commas, a required column missing."""
    known = (*required, *optional)
    problems = [f"column {column!r} appears {_TIMES.get(count, f'{count} times')} in the header; keep one"
                for column, count in Counter(header).items() if count > 1 and column in known]
    if not set(header) & set(known):
        separator = next((name for mark, name in OTHER_SEPARATORS.items() if any(mark in cell for cell in header)),
                         None)
        if separator:
            return [f"the separator looks like {separator}, not a comma: save the file as comma-separated "
                    "values (CSV UTF-8)"]
    missing = [column for column in required if column not in header]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    return problems


class FileRejected(ValueError):
    """A file refused whole, nothing imported: every problem found, the first ``PROBLEMS_SHOWN`` in the message."""

    what = "file"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:PROBLEMS_SHOWN]
        if len(problems) > PROBLEMS_SHOWN:
            shown.append(f"... and {len(problems) - PROBLEMS_SHOWN} more problem(s) not shown")
        super().__init__(f"{self.what} rejected, nothing imported ({len(problems)} problem(s)):\n" + "\n".join(shown))


@dataclass(frozen=True)
class CsvFile:
    header: list[str]
    ignored_columns: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number, cells), blank lines skipped; read as iterated


def read_csv(path: Path, required: Sequence[str], optional: Sequence[str], rejected: type[FileRejected]) -> CsvFile:
    """The file's header and its rows with their line numbers (the header is line 1). Refused, as ``rejected``:
    a file too large, unreadable or not UTF-8, a header ``header_problems`` finds wrong, and (as its rows are
    read) a row the csv module cannot parse."""
    raw = _read_bytes(path, rejected)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise rejected([f"line {line}: not UTF-8 text (byte {error.start} of {path} is "
                        f"{raw[error.start]:#04x}); save the spreadsheet as 'CSV UTF-8'"]) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(reader, [])]
    problems = header_problems(header, required, optional)
    if problems:
        raise rejected([f"line 1: {problem}" for problem in problems])
    known = (*required, *optional)
    return CsvFile(header, [column for column in header if column not in known], _rows(reader, rejected))


def _rows(reader, rejected: type[FileRejected]) -> Iterator[tuple[int, list[str]]]:
    """The reader's non-blank rows; a file the csv module cannot parse (a cell over its size limit) is refused by
    line."""
    try:
        for cells in reader:
            if cells:
                yield reader.line_num, cells
    except csv.Error as error:
        # line_num already counts the line the csv module failed on
        raise rejected([f"line {reader.line_num}: not readable as CSV ({error})"]) from error


def _read_bytes(path: Path, rejected: type[FileRejected]) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise rejected([f"{path}: {size} bytes is larger than the {MAX_FILE_BYTES} byte limit; split it"])
        return path.read_bytes()
    except OSError as error:
        raise rejected([f"{path}: {error.strerror}"]) from error
