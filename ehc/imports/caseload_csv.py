"""Reading an existing caseload from CSV, row by row: each row parsed, validated and folded, or its problem.

Line numbers are the file's own (the header is line 1), so a caseworker can
find every bad row in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

from pydantic import ValidationError

from domain.casefile import CaseFile, EventRejected, fold
from domain.events import (
    CaseEvent, Decision, DecisionOutcome, DraftServed, ExceptionEnded, ExceptionStarted, FinalIssued, Mediation,
    NoPlanNotice, Received, Tribunal, Withdrawn,
)
from domain.intake import NewRequest
from domain.rules import CASE_LIMBS, Limb
from ehc.parse import (
    InputError, describe_validation, parse_case_date, parse_date, parse_optional_case_date, parse_optional_date,
)

REQUIRED_COLUMNS = ("case_ref", "received", "decision", "decision_date", "final_issued", "no_plan_notice", "exception")
OPTIONAL_COLUMNS = (
    "caseworker", "team", "setting", "child_given_name", "child_family_name", "child_date_of_birth",
    "draft_served", "withdrawn", "exception_start", "exception_end", "mediation", "tribunal",
)
MAX_FILE_BYTES = 512 * 1024 * 1024
PROBLEMS_SHOWN = 50  # a file of 100,000 bad rows must still give a message a person can read


class CaseloadRejected(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:PROBLEMS_SHOWN]
        if len(problems) > PROBLEMS_SHOWN:
            shown.append(f"... and {len(problems) - PROBLEMS_SHOWN} more problem(s) not shown")
        super().__init__(f"caseload rejected, nothing imported ({len(problems)} problem(s)):\n" + "\n".join(shown))


@dataclass(frozen=True)
class CaseloadFile:
    header: list[str]
    ignored_columns: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number, cells), blank lines skipped


def caseload_rows(path: Path) -> CaseloadFile:
    """The file's header and its rows with their line numbers; refuses an unreadable file or header."""
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise CaseloadRejected([f"line {line}: not UTF-8 text (byte {error.start} of {path} is "
                                f"{raw[error.start]:#04x}); save the spreadsheet as 'CSV UTF-8'"]) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(reader, [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise CaseloadRejected([f"line 1: missing column(s): {', '.join(missing)}"])
    return CaseloadFile(header, [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS], _rows(reader))


EVENT_DATE_COLUMNS = ("received", "decision_date", "draft_served", "final_issued", "no_plan_notice", "withdrawn",
                      "exception_start", "exception_end")


def parse_case_row(line: int, cells: list[str], header: list[str],
                   today: date | None = None) -> tuple[NewRequest, list[CaseEvent], CaseFile] | str:
    """The row's request, its events and their fold; or the line's problem, worded for the caseworker.

    With ``today``, a row with an event dated after it is refused, naming every such cell."""
    row: dict = dict(zip(header, [*cells, *[None] * (len(header) - len(cells))]))  # short rows: empty cells
    if len(cells) > len(header):
        row[None] = cells[len(header):]  # surplus cells, as csv.DictReader marks them
    try:
        if today is not None:
            _refuse_future_dates(row, today)
        return _parse_row(row)
    except (InputError, EventRejected) as error:
        return f"line {line}: {error}"
    except ValidationError as error:  # a rule the row checks did not name; still this line's problem
        return f"line {line}: {describe_validation(error)}"


def repeated_reference(first_line_of: dict[str, int], reference: str, line: int) -> str | None:
    """The problem if ``reference`` was on an earlier line; otherwise notes this line as its first."""
    if reference in first_line_of:
        return f"line {line}: case_ref: {reference} is also on line {first_line_of[reference]}"
    first_line_of[reference] = line
    return None


def already_stored(line: int, reference: str) -> tuple[int, str]:
    return line, f"line {line}: case_ref: a case {reference} already exists in the case store"


def _rows(reader) -> Iterator[tuple[int, list[str]]]:
    """The reader's non-blank rows; a file the csv module cannot parse (a cell over its size limit) is refused by line."""
    try:
        for cells in reader:
            if cells:
                yield reader.line_num, cells
    except csv.Error as error:
        # line_num already counts the line the csv module failed on
        raise CaseloadRejected([f"line {reader.line_num}: not readable as CSV ({error})"]) from error


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CaseloadRejected([f"{path}: {size} bytes is larger than the {MAX_FILE_BYTES} byte limit; split it"])
        return path.read_bytes()
    except OSError as error:
        raise CaseloadRejected([f"{path}: {error.strerror}"]) from error


def _refuse_future_dates(row: dict, today: date) -> None:
    later = []
    for column in EVENT_DATE_COLUMNS:
        text = (row.get(column) or "").strip()
        try:
            on = parse_date(column, text) if text else None
        except InputError:
            continue  # reported as it is by the row's own parsing
        if on and on > today:
            later.append(f"{column}: {on} is after today, {today}")
    if later:
        raise InputError("; ".join(later))


def _parse_row(row: dict) -> tuple[NewRequest, list[CaseEvent], CaseFile]:
    if None in row:
        raise InputError("the row has more cells than the header has columns")
    cell = {key: (value or "").strip() for key, value in row.items()}
    received = parse_case_date("received", cell["received"]) if cell["received"] else None
    if received is None:
        raise InputError("received: required")
    try:
        request = NewRequest(
            reference=cell["case_ref"], received=received,
            child_given_name=cell.get("child_given_name") or None,
            child_family_name=cell.get("child_family_name") or None,
            child_date_of_birth=parse_optional_date("child_date_of_birth", cell.get("child_date_of_birth")),
            caseworker=cell.get("caseworker") or None, team=cell.get("team") or None,
            setting=cell.get("setting") or None,
        )
    except ValidationError as error:
        raise InputError(describe_validation(error, {"reference": "case_ref"})) from error
    events: list[CaseEvent] = [Received(on=received)]
    events += _decision(cell)
    for column, event_type in (("draft_served", DraftServed), ("final_issued", FinalIssued),
                               ("no_plan_notice", NoPlanNotice), ("withdrawn", Withdrawn)):
        on = parse_optional_case_date(column, cell.get(column))
        if on:
            events.append(event_type(on=on))
    events += _exception(cell, received)
    events += _appeals(cell, max(event.on for event in events))
    return request, events, fold(events)


def _decision(cell: dict[str, str]) -> list[CaseEvent]:
    outcome, decided_on = cell["decision"], parse_optional_case_date("decision_date", cell["decision_date"])
    if not outcome:
        if decided_on:
            raise InputError("decision: empty, but decision_date is given (expected assess or not_assess)")
        return []
    if outcome not in tuple(DecisionOutcome):
        raise InputError(f"decision: {outcome!r} is not assess, not_assess or empty")
    if decided_on is None:
        raise InputError("decision_date: required when decision is given")
    return [Decision(on=decided_on, outcome=DecisionOutcome(outcome))]


def _exception(cell: dict[str, str], received) -> list[CaseEvent]:
    limb = cell["exception"]
    start = parse_optional_case_date("exception_start", cell.get("exception_start"))
    end = parse_optional_case_date("exception_end", cell.get("exception_end"))
    if not limb:
        if start or end:
            raise InputError("exception: empty, but exception_start/exception_end are given")
        return []
    if limb not in tuple(CASE_LIMBS):
        raise InputError(f"exception: {limb!r} is not a Reg 10(4) limb ({', '.join(CASE_LIMBS)})")
    # Without a start date the exception is taken to run from receipt: it is known to apply, not when.
    events: list[CaseEvent] = [ExceptionStarted(on=start or received, limb=Limb(limb))]
    if end:
        events.append(ExceptionEnded(on=end, limb=Limb(limb)))
    return events


def _appeals(cell: dict[str, str], last_date) -> list[CaseEvent]:
    """``mediation`` and ``tribunal``: ``yes``, ``no`` or empty. The file says that one took place, not when:
    a ``yes`` is recorded on the latest date the row gives (by which the case's history is known to have got
    that far), marked ``date_from_row`` so that no one reads it as the day of the mediation or hearing."""
    events: list[CaseEvent] = []
    for column, event_type in (("mediation", Mediation), ("tribunal", Tribunal)):
        value = (cell.get(column) or "").lower()
        if value not in ("yes", "no", ""):
            raise InputError(f"{column}: {cell[column]!r} is not yes, no or empty")
        if value == "yes":
            events.append(event_type(on=last_date, date_from_row=True))
    return events
