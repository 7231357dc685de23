"""Reading an existing caseload from CSV: all rows valid, or nothing at all.

Line numbers are the file's own (the header is line 1), so a caseworker can
find every bad row in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from pydantic import ValidationError

from domain.casefile import EventRejected, fold
from domain.events import (
    CaseEvent, Decision, DecisionOutcome, DraftServed, ExceptionEnded, ExceptionStarted, FinalIssued,
    NoPlanNotice, Received, Withdrawn,
)
from domain.intake import NewRequest
from domain.rules import CASE_LIMBS, Limb
from ehc.inputs import InputError, describe_validation, parse_date, parse_optional_date

REQUIRED_COLUMNS = ("case_ref", "received", "decision", "decision_date", "final_issued", "no_plan_notice", "exception")
OPTIONAL_COLUMNS = (
    "caseworker", "team", "setting", "child_given_name", "child_family_name", "child_date_of_birth",
    "draft_served", "withdrawn", "exception_start", "exception_end",
)
MAX_FILE_BYTES = 512 * 1024 * 1024


class CaseloadRejected(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"caseload rejected, nothing imported ({len(problems)} problem(s)):\n" + "\n".join(problems))


@dataclass
class Caseload:
    cases: list[tuple[NewRequest, list[CaseEvent]]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def read_caseload(path: Path, stored: Callable[[list[str]], Iterable[str]] | None = None) -> Caseload:
    """The file's cases; ``stored`` says which of the references the case store already holds."""
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CaseloadRejected([f"{path}: not UTF-8 text (byte {error.start} is {raw[error.start]:#04x}); "
                                "save the spreadsheet as 'CSV UTF-8'"]) from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [column.strip() for column in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise CaseloadRejected([f"line 1: missing column(s): {', '.join(missing)}"])
    reader.fieldnames = header
    caseload = Caseload(ignored_columns=[c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS])
    problems: list[tuple[int, str]] = []
    first_line_of: dict[str, int] = {}
    line = 1
    for row in reader:
        line = reader.line_num
        try:
            request, events = _parse_row(row)
        except (InputError, EventRejected) as error:
            problems.append((line, f"line {line}: {error}"))
            continue
        if request.reference in first_line_of:
            problems.append((line, f"line {line}: case_ref: {request.reference} is also on line "
                                   f"{first_line_of[request.reference]}"))
            continue
        first_line_of[request.reference] = line
        caseload.cases.append((request, events))
    for reference in stored(list(first_line_of)) if stored and first_line_of else ():
        line = first_line_of[reference]
        problems.append((line, f"line {line}: case_ref: a case {reference} already exists in the case store"))
    if problems:
        raise CaseloadRejected([problem for _, problem in sorted(problems, key=lambda p: p[0])])
    return caseload


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CaseloadRejected([f"{path}: {size} bytes is larger than the {MAX_FILE_BYTES} byte limit; split it"])
        return path.read_bytes()
    except OSError as error:
        raise CaseloadRejected([f"{path}: {error.strerror}"]) from error


def _parse_row(row: dict) -> tuple[NewRequest, list[CaseEvent]]:
    if None in row:
        raise InputError("the row has more cells than the header has columns")
    cell = {key: (value or "").strip() for key, value in row.items()}
    received = parse_date("received", cell["received"]) if cell["received"] else None
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
        on = parse_optional_date(column, cell.get(column))
        if on:
            events.append(event_type(on=on))
    events += _exception(cell, received)
    fold(events)
    return request, events


def _decision(cell: dict[str, str]) -> list[CaseEvent]:
    outcome, decided_on = cell["decision"], parse_optional_date("decision_date", cell["decision_date"])
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
    start = parse_optional_date("exception_start", cell.get("exception_start"))
    end = parse_optional_date("exception_end", cell.get("exception_end"))
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
