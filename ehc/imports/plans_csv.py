"""Reading plans in force from CSV, row by row: each row a ``PlanInForce``, or every problem on its line.

As for the caseload (ehc/imports/caseload_csv.py): line numbers are the
file's own (the header is line 1) and each problem is led by its column, so
a caseworker can find every bad cell in the spreadsheet. What needs the store
(a plan reference already taken, a request not stored) is checked by
ehc/services/plan_import.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, TypeVar

from pydantic import TypeAdapter, ValidationError

from domain.intake import CaseReference, Label
from domain.plan_review import PlanInForce
from domain.year_groups import UnknownYearGroup, academic_year_of, parse_year_group
from ehc.imports.csv_header import CsvFile, FileRejected, read_csv
from ehc.parse import REFERENCE_RULE, InputError, field_problems, parse_case_date, parse_reference

REQUIRED_COLUMNS = ("plan_ref", "case_ref", "issued", "last_review", "year_group", "setting")
OPTIONAL_COLUMNS = ("caseworker", "team", "post16_transfer")
TEXT_COLUMNS = ("setting", "caseworker", "team")
POST16_YEAR_GROUPS = ("12", "13")  # a move between post-16 institutions (Reg 18(2)) is a young person's
T = TypeVar("T")

_PLAN_REF: TypeAdapter[str] = TypeAdapter(CaseReference)
_LABEL: TypeAdapter[str] = TypeAdapter(Label)


class PlansRejected(FileRejected):
    what = "plans"


@dataclass(frozen=True)
class ImportDay:
    """The day the import is as of (year groups are the children's in its academic year) and today: no date in
    the file may be after either."""

    as_of: date
    today: date

    @property
    def year_group_year(self) -> int:
        return academic_year_of(self.as_of)

    def after(self, day: date) -> str | None:
        if day > self.as_of and self.as_of < self.today:
            return f"{day} is after the day the import is as of, {self.as_of}"
        if day > self.today:
            return f"{day} is after today, {self.today}"
        return None


def plan_rows(path: Path) -> CsvFile:
    """The file's header and its rows with their line numbers; refuses an unreadable file or header."""
    return read_csv(path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, PlansRejected)


def parse_plan_ref(field: str, text: str) -> str:
    """A plan reference as typed, in capitals: the rule of a case reference (ehc/parse.py)."""
    try:
        return _PLAN_REF.validate_python(text)
    except ValidationError:
        shown = repr(text) if len(text) <= 40 else f"{text[:40]!r}... ({len(text)} characters)"
        raise InputError(f"{field}: {shown} is not a plan reference ({REFERENCE_RULE})") from None


def parse_plan_row(line: int, cells: list[str], header: list[str], day: ImportDay) -> PlanInForce | str:
    """The row's plan; or the line's problems, every one, each led by its column."""
    if len(cells) > len(header):
        return f"line {line}: the row has more cells than the header has columns"
    cell = dict(zip(header, [value.strip() for value in cells] + [""] * (len(header) - len(cells))))  # short: empty
    problems: list[str] = []

    def parsed(parse: Callable[..., T], *args) -> T | None:
        try:
            return parse(*args)
        except InputError as error:
            problems.append(str(error))
            return None

    def required(column: str) -> str | None:
        if not cell[column]:
            problems.append(f"{column}: required")
        return cell[column] or None

    plan_ref = parsed(parse_plan_ref, "plan_ref", cell["plan_ref"]) if required("plan_ref") else None
    case_ref = parsed(parse_reference, "case_ref", cell["case_ref"]) if cell["case_ref"] else None
    issued = parsed(parse_case_date, "issued", cell["issued"]) if required("issued") else None
    last_review = parsed(parse_case_date, "last_review", cell["last_review"]) if cell["last_review"] else None
    for column, on in (("issued", issued), ("last_review", last_review)):
        if on is not None and (after := day.after(on)):
            problems.append(f"{column}: {after}")
    if issued and last_review and last_review < issued:
        problems.append(f"last_review: {last_review} is before the plan was issued on {issued}")
    group = parsed(_year_group, cell["year_group"]) if required("year_group") else None
    text = {column: parsed(_label, column, cell.get(column, "")) for column in TEXT_COLUMNS}
    moving = cell.get("post16_transfer", "")
    planned = parsed(parse_case_date, "post16_transfer", moving) if moving else None
    if planned and group and group not in POST16_YEAR_GROUPS:
        problems.append(f"post16_transfer: a move between post-16 institutions (Reg 18(2)) is for a young person "
                        f"in year {' or '.join(POST16_YEAR_GROUPS)}, not year {group}")
    if planned and issued and planned < issued:
        problems.append(f"post16_transfer: {planned} is before the plan was issued on {issued}")
    if problems:
        return f"line {line}: {'; '.join(problems)}"
    assert plan_ref and issued and group
    return PlanInForce(plan_ref=plan_ref, issued=issued, last_review=last_review, year_group=group,
                       year_group_year=day.year_group_year, setting=text["setting"], case_ref=case_ref,
                       caseworker=text["caseworker"], team=text["team"], planned_post16_transfer=planned)


def _year_group(text: str) -> str:
    try:
        return parse_year_group(text)
    except UnknownYearGroup as error:
        raise InputError(f"year_group: {error}") from None


def _label(column: str, text: str) -> str | None:
    """Free text of a one-line column: empty is None; a long or unprintable one is refused, naming the column."""
    if not text:
        return None
    try:
        return _LABEL.validate_python(text)
    except ValidationError as error:
        raise InputError("; ".join(f"{column}: {problem}" for _, problem in field_problems(error))) from None
