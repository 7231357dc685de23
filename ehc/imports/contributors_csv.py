"""Read a contributor directory CSV: every row valid, or nothing is imported.

Header: code,name,agency (required) and team,email,escalation_email. Bad
rows are listed by line number (the header is line 1).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Callable, Iterable

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from domain.events import Agency
from domain.input_rules import PLAIN_TEXT, describe_problems
from domain.intake import ContributorCode
from domain.reminders.policy import EMAIL
from ehc.imports.csv_header import header_problems
from ehc.parse import InputError, field_problems

REQUIRED = ("code", "name", "agency")
OPTIONAL = ("team", "email", "escalation_email")


class ContributorRow(BaseModel):
    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    code: ContributorCode
    name: Annotated[str, Field(min_length=1, max_length=200), PLAIN_TEXT]
    agency: Agency
    team: Annotated[str, Field(max_length=120), PLAIN_TEXT] | None = None
    email: str | None = None
    escalation_email: str | None = None

    @field_validator("team", "email", "escalation_email", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return value or None

    @field_validator("email", "escalation_email")
    @classmethod
    def _an_address(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.match(value):
            raise ValueError(f"{value!r} is not an email address")
        return value


def read_contributors(path: Path, stored_codes: Callable[[Iterable[str]], set[str]]) -> list[ContributorRow]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            problems = header_problems(header, REQUIRED, OPTIONAL)
            if problems:
                raise InputError(f"{path}: nothing imported; line 1: " + "; ".join(problems))
            raw_rows = [(index, row) for index, row in enumerate(reader, start=2)]
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: {error}") from error
    problems, rows, seen = [], [], {}
    for line, raw in raw_rows:
        values = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k and k.strip() in (*REQUIRED, *OPTIONAL)}
        try:
            row = ContributorRow.model_validate(values)
        except ValidationError as error:
            problems += [f"line {line}: {describe_problems([problem])}" for problem in field_problems(error)]
            continue
        if row.code in seen:
            problems.append(f"line {line}: code: {row.code!r} is also on line {seen[row.code]}")
        seen.setdefault(row.code, line)
        rows.append((line, row))
    taken = stored_codes([row.code for _, row in rows])
    problems += [f"line {line}: code: a contributor {row.code!r} already exists" for line, row in rows
                 if row.code in taken]
    if problems:
        raise InputError(f"{path}: nothing imported; " + "; ".join(problems))
    return [row for _, row in rows]
