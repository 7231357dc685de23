"""Turning typed-in text into values, with errors that name the field."""

from __future__ import annotations

import re
from datetime import date

from pydantic import ValidationError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class InputError(ValueError):
    """Bad input from a person or a file; the message names the field (and row)."""


def parse_date(field: str, text: str) -> date:
    value = text.strip()
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError(f"{field}: {text!r} is not a date (expected YYYY-MM-DD)")


def parse_optional_date(field: str, text: str | None) -> date | None:
    return parse_date(field, text) if text and text.strip() else None


def describe_validation(error: ValidationError, names: dict[str, str] | None = None,
                        skip: tuple[str, ...] = ()) -> str:
    """One line per problem, each led by the field it concerns (``skip``: union tags to leave out)."""
    names = names or {}
    lines = []
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"] if not isinstance(part, int) and part not in skip)
        field = names.get(location, location)
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "does not apply to this event"
        lines.append(f"{field}: {message}" if field else message)
    return "; ".join(lines)
