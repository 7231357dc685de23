"""Reading an existing caseload from CSV, row by row: each row parsed, validated and folded, or its problem.

Line numbers are the file's own (the header is line 1), so a caseworker can
find every bad row in a spreadsheet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable, TypeVar

from pydantic import ValidationError

from domain.casefile import CaseFile, EventRejected, fold
from domain.events import (
    CaseEvent, Decision, DecisionOutcome, DraftServed, ExceptionEnded, ExceptionStarted, FinalIssued, Mediation,
    NoPlanNotice, Received, Tribunal, Withdrawn,
)
from domain.intake import NewRequest
from domain.rules import CASE_LIMBS, Limb
from ehc.imports.csv_header import CsvFile, FileRejected, read_csv
from ehc.parse import (
    FieldProblems, InputError, field_problems, parse_case_date, parse_date, parse_optional_case_date,
    parse_optional_date,
)

REQUIRED_COLUMNS = ("case_ref", "received", "decision", "decision_date", "final_issued", "no_plan_notice", "exception")
OPTIONAL_COLUMNS = (
    "caseworker", "team", "setting", "child_given_name", "child_family_name", "child_date_of_birth",
    "draft_served", "withdrawn", "exception_start", "exception_end", "mediation", "tribunal",
)
T = TypeVar("T")


class CaseloadRejected(FileRejected):
    what = "caseload"


def caseload_rows(path: Path) -> CsvFile:
    """The file's header and its rows with their line numbers; refuses an unreadable file or header."""
    return read_csv(path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, CaseloadRejected)


EVENT_DATE_COLUMNS = ("received", "decision_date", "draft_served", "final_issued", "no_plan_notice", "withdrawn",
                      "exception_start", "exception_end")


def parse_case_row(line: int, cells: list[str], header: list[str],
                   today: date | None = None) -> tuple[NewRequest, list[CaseEvent], CaseFile] | str:
    """The row's request, its events and their fold; or the line's problems, every one, worded for the caseworker.

    With ``today``, a row with an event dated after it is refused, naming every such cell."""
    if len(cells) > len(header):
        return f"line {line}: the row has more cells than the header has columns"
    cell = dict(zip(header, [value.strip() for value in cells] + [""] * (len(header) - len(cells))))  # short: empty
    problems = _RowProblems()
    if today is not None:
        _future_dates(cell, today, problems)
    parsed = _parse_row(cell, problems)
    if problems.found:
        return f"line {line}: {'; '.join(problems.found)}"
    request, events = parsed
    try:
        return request, events, fold(events)
    except EventRejected as error:
        return f"line {line}: {error}"


def repeated_reference(first_line_of: dict[str, int], reference: str, line: int) -> str | None:
    """The problem if ``reference`` was on an earlier line; otherwise notes this line as its first."""
    if reference in first_line_of:
        return f"line {line}: case_ref: {reference} is also on line {first_line_of[reference]}"
    first_line_of[reference] = line
    return None


def already_stored(line: int, reference: str) -> tuple[int, str]:
    return line, f"line {line}: case_ref: a case {reference} already exists in the case store"


class _RowProblems:
    """Every problem found in one row, in the order found: one bad cell does not hide the next."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, problem: str) -> None:
        self.found.append(problem)

    def parsed(self, parse: Callable[..., T], *args) -> T | None:
        """``parse(*args)``, or None with its problem noted."""
        try:
            return parse(*args)
        except InputError as error:
            self.add(str(error))
            return None


def _future_dates(cell: dict[str, str], today: date, problems: _RowProblems) -> None:
    for column in EVENT_DATE_COLUMNS:
        text = cell.get(column)
        try:
            on = parse_date(column, text) if text else None
        except InputError:
            continue  # reported as it is by the row's own parsing
        if on and on > today:
            problems.add(f"{column}: {on} is after today, {today}")


def _parse_row(cell: dict[str, str], problems: _RowProblems) -> tuple[NewRequest, list[CaseEvent]] | None:
    """The row's request and events; None when ``problems`` has found any."""
    if cell["received"]:
        received = problems.parsed(parse_case_date, "received", cell["received"])
    else:
        received = None
        problems.add("received: required")
    request = _request(cell, received, problems)
    events: list[CaseEvent] = [Received(on=received)] if received else []
    events += _decision(cell, problems)
    for column, event_type in (("draft_served", DraftServed), ("final_issued", FinalIssued),
                               ("no_plan_notice", NoPlanNotice), ("withdrawn", Withdrawn)):
        on = problems.parsed(parse_optional_case_date, column, cell.get(column))
        if on:
            events.append(event_type(on=on))
    events += _exception(cell, received, problems)
    events += _appeals(cell, max((event.on for event in events), default=None), problems)
    return None if problems.found or request is None else (request, events)


def _request(cell: dict[str, str], received: date | None, problems: _RowProblems) -> NewRequest | None:
    born = problems.parsed(parse_optional_date, "child_date_of_birth", cell.get("child_date_of_birth"))
    fields = dict(
        reference=cell["case_ref"], child_given_name=cell.get("child_given_name") or None,
        child_family_name=cell.get("child_family_name") or None, caseworker=cell.get("caseworker") or None,
        team=cell.get("team") or None, setting=cell.get("setting") or None,
    )
    try:
        return NewRequest(received=received, child_date_of_birth=born, **fields)
    except ValidationError as error:
        # a received date that could not be read is already noted, in the file's words
        shown = [(field, problem) for field, problem in field_problems(error) if field != "received"]
        if shown:
            problems.add(FieldProblems(shown).worded({"reference": "case_ref"}))
        return None


def _decision(cell: dict[str, str], problems: _RowProblems) -> list[CaseEvent]:
    outcome = cell["decision"]
    decided_on = problems.parsed(parse_optional_case_date, "decision_date", cell["decision_date"])
    if not outcome:
        if decided_on:
            problems.add("decision: empty, but decision_date is given (expected assess or not_assess)")
        return []
    if outcome not in tuple(DecisionOutcome):
        problems.add(f"decision: {outcome!r} is not assess, not_assess or empty")
        return []
    if not cell["decision_date"]:
        problems.add("decision_date: required when decision is given")
    return [Decision(on=decided_on, outcome=DecisionOutcome(outcome))] if decided_on else []


def _exception(cell: dict[str, str], received: date | None, problems: _RowProblems) -> list[CaseEvent]:
    limb = cell["exception"]
    start = problems.parsed(parse_optional_case_date, "exception_start", cell.get("exception_start"))
    end = problems.parsed(parse_optional_case_date, "exception_end", cell.get("exception_end"))
    if not limb:
        if start or end:
            problems.add("exception: empty, but exception_start/exception_end are given")
        return []
    if limb not in tuple(CASE_LIMBS):
        problems.add(f"exception: {limb!r} is not a Reg 10(4) limb ({', '.join(CASE_LIMBS)})")
        return []
    if not (start or received):
        return []
    # Without a start date the exception is taken to run from receipt: it is known to apply, not when.
    events: list[CaseEvent] = [ExceptionStarted(on=start or received, limb=Limb(limb))]
    if end:
        events.append(ExceptionEnded(on=end, limb=Limb(limb)))
    return events


def _appeals(cell: dict[str, str], last_date: date | None, problems: _RowProblems) -> list[CaseEvent]:
    """``mediation`` and ``tribunal``: ``yes``, ``no`` or empty. The file says that one took place, not when:
    a ``yes`` is recorded on the latest date the row gives (by which the case's history is known to have got
    that far), marked ``date_from_row`` so that no one reads it as the day of the mediation or hearing."""
    events: list[CaseEvent] = []
    for column, event_type in (("mediation", Mediation), ("tribunal", Tribunal)):
        value = (cell.get(column) or "").lower()
        if value not in ("yes", "no", ""):
            problems.add(f"{column}: {cell[column]!r} is not yes, no or empty")
        elif value == "yes" and last_date:
            events.append(event_type(on=last_date, date_from_row=True))
    return events
