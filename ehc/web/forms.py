"""Forms as the GOV.UK Design System builds them, over the services' refusals (docs/WEB.md, "Forms").

A form is its fields (``Field``), described as data and drawn by templates/form_page.html. Each field is
named as the service's own field (``received``, ``outcome``, ``reason``), so a service's refusal lands at
the field that caused it. What was typed comes back as ``entered`` (text as typed, so a refused form shows
it again); a date is a GOV.UK date input, three boxes named ``{name}-day``, ``{name}-month``, ``{name}-year``.

Refusals (``FieldProblems`` from ehc/parse.py, the domain's ``EventRejected``, the store's
``DuplicateReference``) become ``FormErrors``: each problem worded with the form's labels, listed in the
error summary with a link to its field and shown again at the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Literal, Mapping, Sequence, TypeVar

from domain.casefile import EventRejected
from ehc.parse import FIRST_YEAR, LAST_YEAR, FieldProblems
from ehc.web.templating import MONTHS
from store.cases import DuplicateReference

# What a service raises for input a person can put right; anything else is a fault, not a form's problem.
REFUSALS = (FieldProblems, EventRejected, DuplicateReference)
DATE_PARTS = ("day", "month", "year")
T = TypeVar("T")


@dataclass(frozen=True)
class Option:
    """One radio button: the value posted, its label and an optional hint under it."""

    value: str
    label: str
    hint: str | None = None


@dataclass(frozen=True)
class Field:
    """One question on a form.

    ``if_missing`` is said instead of the service's own words when the field was left empty (GOV.UK's
    "Enter ..." and "Select ..." messages); ``optional`` fields say so in their label.
    """

    name: str
    label: str
    kind: Literal["text", "date", "radios", "textarea"] = "text"
    hint: str | None = None
    options: tuple[Option, ...] = ()
    optional: bool = False
    if_missing: str | None = None
    width: str = "govuk-!-width-two-thirds"
    choices_from: str | None = None  # radios whose options come from the case when the page is drawn

    @property
    def anchor(self) -> str:
        """The id the error summary links to: a date's day box, a radios' first button, else the input."""
        return f"{self.name}-day" if self.kind == "date" else self.name

    def entered_names(self) -> tuple[str, ...]:
        return tuple(f"{self.name}-{part}" for part in DATE_PARTS) if self.kind == "date" else (self.name,)


def entered_values(form: Mapping[str, object], fields: Sequence[Field]) -> dict[str, str]:
    """What was typed into each field (a date as its three boxes), trimmed; a missing or non-text value is ""."""
    entered = {}
    for field in fields:
        for name in field.entered_names():
            value = form.get(name)
            entered[name] = value.strip() if isinstance(value, str) else ""
    return entered


def is_empty(entered: Mapping[str, str], field: Field) -> bool:
    return not any(entered.get(name) for name in field.entered_names())


def date_from(entered: Mapping[str, str], field: Field) -> date | None:
    """The date in a GOV.UK date input (the month as a number or a name); None when an optional one is left empty.

    Raises FieldProblems naming the field, in the words the GOV.UK date input pattern uses."""
    day, month, year = (entered.get(f"{field.name}-{part}", "") for part in DATE_PARTS)
    if not (day or month or year):
        if field.optional:
            return None
        raise FieldProblems.one(field.name, "enter a date")
    missing = [part for part, value in zip(DATE_PARTS, (day, month, year)) if not value]
    if missing:
        raise FieldProblems.one(field.name, f"must include a {' and a '.join(missing)}")
    month_number = _month_number(month)
    if month_number is None or not (_digits(day) and _digits(year)):
        raise FieldProblems.one(field.name, "must be a real date")
    if len(year) != 4:
        raise FieldProblems.one(field.name, "the year must have 4 digits")
    try:
        day_on = date(int(year), month_number, int(day))
    except ValueError:
        raise FieldProblems.one(field.name, "must be a real date") from None
    if not FIRST_YEAR <= day_on.year <= LAST_YEAR:
        raise FieldProblems.one(field.name, f"the year must be from {FIRST_YEAR} to {LAST_YEAR}")
    return day_on


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 4


def _month_number(text: str) -> int | None:
    """12, "12", "December" or "Dec" (as the GOV.UK pattern asks a service to accept)."""
    if _digits(text):
        return int(text) if 1 <= int(text) <= 12 else None
    lowered = text.lower()
    for number, name in enumerate(MONTHS, start=1):
        if len(lowered) >= 3 and name.lower().startswith(lowered):
            return number
    return None


class FormErrors:
    """A form's problems: ``at_field``, each field's message, and ``summary``, (anchor, message) in the form's order.

    A problem naming no field goes to the form's first field (the date aside, when there are others), and a
    refusal by the case's history (an EventRejected naming no field) to ``history_field`` when given.
    ``aliases`` map a service's field to the form's field that carries it. Each field shows its first problem.
    """

    def __init__(self, fields: Sequence[Field], entered: Mapping[str, str], *, history_field: str | None = None,
                 aliases: Mapping[str, str] | None = None) -> None:
        self._fields = {field.name: field for field in fields}
        self._entered = entered
        first = next((field for field in fields if field.kind != "date"), fields[0])
        self._whole_form_field = first.name
        self._history_field = history_field or first.name
        self._aliases = dict(aliases or {})
        self.at_field: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self.at_field)

    @property
    def summary(self) -> list[tuple[str, str]]:
        return [(field.anchor, self.at_field[name]) for name, field in self._fields.items() if name in self.at_field]

    def attempt(self, step: Callable[[], T]) -> T | None:
        """``step()``, or None with its refusal added here."""
        try:
            return step()
        except REFUSALS as refusal:
            self.add(refusal)
            return None

    def add(self, refusal: Exception) -> None:
        if isinstance(refusal, FieldProblems):
            problems, unnamed = refusal, self._whole_form_field
        else:  # EventRejected, DuplicateReference: a reason, about one field or about the history
            problems, unnamed = FieldProblems.one(refusal.field, refusal.reason), self._history_field
        named = {service_field: self._form_field(service_field)
                 for service_field in {field for field, _ in problems.problems} | set(problems.mentions)}
        labels = {service_field: field.label for service_field, field in named.items() if field is not None}
        for service_field, message in problems.each_worded(labels):
            field = named.get(service_field) or self._fields[unnamed]
            if field.if_missing and is_empty(self._entered, field):
                message = field.if_missing
            self.at_field.setdefault(field.name, message[:1].upper() + message[1:])

    def _form_field(self, service_field: str) -> Field | None:
        return self._fields.get(self._aliases.get(service_field, service_field))
