"""The web's forms as data (ehc/web/forms.py, ehc/web/event_forms.py): a form for every event, and dates
typed as the GOV.UK date input pattern expects people to type them."""

from __future__ import annotations

from datetime import date

import pytest

from domain.events import RECORDABLE_EVENT_TYPES
from ehc.parse import FieldProblems
from ehc.web.event_forms import EVENT_FORMS
from ehc.web.forms import Field, date_from

RECEIVED = Field("received", "Date received", kind="date")


def test_there_is_a_form_for_every_event_the_cli_records():
    assert sorted(EVENT_FORMS) == sorted(RECORDABLE_EVENT_TYPES)


@pytest.mark.parametrize(("day", "month", "year", "read"), [
    ("2", "11", "2026", date(2026, 11, 2)),
    ("2", "Nov", "2026", date(2026, 11, 2)),
    ("2", "november", "2026", date(2026, 11, 2)),
    ("29", "2", "2028", date(2028, 2, 29)),
])
def test_a_date_is_read_from_its_three_boxes_with_the_month_as_a_number_or_a_name(day, month, year, read):
    typed = {"received-day": day, "received-month": month, "received-year": year}
    assert date_from(typed, RECEIVED) == read


@pytest.mark.parametrize(("day", "month", "year", "problem"), [
    ("", "", "", "enter a date"),
    ("2", "", "", "must include a month and a year"),
    ("", "11", "2026", "must include a day"),
    ("٢", "11", "2026", "must be a real date"),  # an Arabic-Indic digit: a digit, but not one a date is typed in
    ("2", "Ju", "2026", "must be a real date"),  # June or July: not said
    ("2", "11", "1899", "the year must be from 1900 to 2099"),
    ("9" * 5000, "11", "2026", "must be a real date"),
])
def test_a_date_that_cannot_be_read_is_refused_in_the_patterns_words(day, month, year, problem):
    typed = {"received-day": day, "received-month": month, "received-year": year}

    with pytest.raises(FieldProblems) as refused:
        date_from(typed, RECEIVED)

    assert refused.value.problems == (("received", problem),)
