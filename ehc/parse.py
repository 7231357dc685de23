"""Typed-in text into values, with errors that name the field as the entry point does.

Services raise ``FieldProblems`` naming fields in the domain's words
(``on``, ``criterion``, ``period_from``); each entry point words them its own
way (the CLI as ``--date``, ``--criterion``, ``--from``; a web form by its labels).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Mapping, Sequence

from pydantic import TypeAdapter, ValidationError

from domain.input_rules import Problem, case_day_problem, validation_problems
from domain.intake import CaseReference, ContributorCode

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only: \d would let "２０２６" through
FIRST_YEAR, LAST_YEAR = 1900, 2099  # no date anyone types into this service lies outside these


class InputError(ValueError):
    """Bad input from a person or a file; the message names the field (and row)."""


class FieldProblems(InputError):
    """Bad values for named fields, in the domain's words: one (field, problem) pair per problem.

    ``str()`` names the fields as the domain does; ``worded(names)`` as an entry point does.
    A field of "" is a problem with the whole input. ``mentions`` are other fields that a
    problem's text names (as "period_to" in "2026-05-01 is after period_to 2026-04-01"),
    worded the same way.
    """

    def __init__(self, problems: Sequence[tuple[str, str]], mentions: Sequence[str] = ()) -> None:
        self.problems = tuple(problems)
        self.mentions = tuple(mentions)
        super().__init__(self.worded({}))

    @classmethod
    def one(cls, field: str, problem: str, mentions: Sequence[str] = ()) -> "FieldProblems":
        return cls([(field, problem)], mentions)

    def worded(self, names: Mapping[str, str]) -> str:
        return "; ".join(message for _, message in self.each_worded(names))

    def each_worded(self, names: Mapping[str, str]) -> list[tuple[str, str]]:
        """(field, its problem led by the field's name) for each problem: a form shows each at its field."""
        def text(problem: str) -> str:
            for field in self.mentions:
                problem = problem.replace(field, names.get(field, field))
            return problem

        return [(field, f"{names.get(field, field)}: {text(problem)}" if field else text(problem))
                for field, problem in self.problems]


def parse_date(field: str, text: str) -> date:
    value = text.strip()
    if _ISO_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise InputError(f"{field}: {_shown(text)} is not a date on the calendar (expected YYYY-MM-DD)") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise InputError(f"{field}: {_shown(text)} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
        return day
    raise InputError(f"{field}: {_shown(text)} is not a date (expected YYYY-MM-DD)")


def parse_optional_date(field: str, text: str | None) -> date | None:
    return parse_date(field, text) if text and text.strip() else None


def parse_case_date(field: str, text: str) -> date:
    """A date something happened on a case: a real date, and within the life of EHC assessments."""
    day = parse_date(field, text)
    problem = case_day_problem(day)
    if problem:
        raise InputError(f"{field}: {problem}")
    return day


def parse_optional_case_date(field: str, text: str | None) -> date | None:
    return parse_case_date(field, text) if text and text.strip() else None


_REFERENCE: TypeAdapter[str] = TypeAdapter(CaseReference)
_CONTRIBUTOR_CODE: TypeAdapter[str] = TypeAdapter(ContributorCode)
REFERENCE_RULE = "letters, digits and / _ . -, up to 40, starting with a letter or digit"
_IDENTIFIER_FIELDS = {("reference",): "a case reference", ("code",): "a contributor code"}


def parse_reference(field: str, text: str) -> str:
    """A case reference as typed, in capitals, checked before it is looked up: a NUL byte must never reach the
    database, and "ehc-001" is EHC-001."""
    try:
        return _REFERENCE.validate_python(text)
    except ValidationError:
        raise InputError(f"{field}: {_shown(text)} is not a case reference ({REFERENCE_RULE})") from None


def parse_contributor_code(field: str, text: str) -> str:
    """A contributor code as typed, held to the rules of a case reference (and so in capitals); a bad one is a
    ``FieldProblems`` naming ``field``, as services raise."""
    try:
        return _CONTRIBUTOR_CODE.validate_python(text)
    except ValidationError:
        raise FieldProblems.one(field, f"{_shown(text)} is not a contributor code ({REFERENCE_RULE})") from None


def _shown(text: str, limit: int = 40) -> str:
    """The input quoted for a message, cut short: a 10,000-character paste must not flood the screen."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}... ({len(text)} characters)"


def field_problems(error: ValidationError, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(field, problem) for each problem, in casework's words (``skip``: union tags, such as an event's type,
    to leave out of field paths)."""
    def where(location: tuple[str | int, ...]) -> str:
        return ".".join(str(part) for part in location if not isinstance(part, int) and part not in skip)

    return validation_problems(error, where=where, reword=_in_casework_words)


def describe_validation(error: ValidationError, names: Mapping[str, str] | None = None,
                        skip: tuple[str, ...] = ()) -> str:
    """One line per problem, each led by the field it concerns (named as ``names`` says, else as the model does)."""
    return FieldProblems(field_problems(error, skip)).worded(names or {})


def _in_casework_words(problem: Problem) -> str | None:
    if problem["type"] == "string_pattern_mismatch" and tuple(problem["loc"]) in _IDENTIFIER_FIELDS:
        return f"is not {_IDENTIFIER_FIELDS[tuple(problem['loc'])]} ({REFERENCE_RULE})"  # not the regular expression
    if problem["type"] == "extra_forbidden":
        return "does not apply to this event"
    return None
