"""School terms: the day each term's schools are told which of their pupils' reviews fall in it.

At least two weeks before a term starts (SEND Code of Practice 9.172; the
LA's ``term_notice_days``) the LA tells each school or setting which reviews
fall in that term; when that day is not a working day, the working day before.
A term's window runs from its first day to the day before the next term
starts, so a review due in the holiday after a term belongs to that term.
The terms are written out here as data, as config/la gives them.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.review_rules import TERM_NOTICE_DAYS
from domain.terms import Term, notice_day, term_to_notify, term_windows

D = date.fromisoformat

AUTUMN_2026 = Term("Autumn 2026", D("2026-09-02"), D("2026-12-18"))  # Wed to Fri
SPRING_2027 = Term("Spring 2027", D("2027-01-04"), D("2027-03-25"))  # Mon to Thu
SUMMER_2027 = Term("Summer 2027", D("2027-04-12"), D("2027-07-21"))  # Mon to Wed
AUTUMN_2027 = Term("Autumn 2027", D("2027-09-01"), D("2027-12-17"))  # Wed to Fri
TERMS = (AUTUMN_2026, SPRING_2027, SUMMER_2027, AUTUMN_2027)


def reason(value):
    """A test's id: its row's reason, the one value that is a string with a space in it."""
    return value if isinstance(value, str) and " " in value else None


def test_a_terms_window_runs_to_the_day_before_the_next_term_holidays_included():
    assert term_windows(TERMS) == [
        (AUTUMN_2026, D("2027-01-03")),  # the Christmas holiday belongs to the autumn term
        (SPRING_2027, D("2027-04-11")),  # Easter to the spring term
        (SUMMER_2027, D("2027-08-31")),  # the summer holiday to the summer term
        (AUTUMN_2027, D("2027-12-17")),  # the last term known ends on its own last day
    ]


@pytest.mark.parametrize(("term", "days", "day", "reason"), [
    (AUTUMN_2026, 14, "2026-08-19", "Wed 2 Sep 2026 less 14 days: Wed 19 Aug, a working day"),
    (SPRING_2027, 14, "2026-12-21", "Mon 4 Jan 2027 less 14: Mon 21 Dec 2026, across the year end"),
    (SUMMER_2027, 14, "2027-03-25", "Mon 12 Apr 2027 less 14: Easter Monday 29 Mar -> Thu 25 Mar, before Good Friday"),
    (SPRING_2027, 16, "2026-12-18", "Mon 4 Jan 2027 less 16: Sat 19 Dec -> Fri 18 Dec"),
    (AUTUMN_2026, 17, "2026-08-14", "Wed 2 Sep 2026 less 17: Sun 16 Aug -> Fri 14 Aug"),
    (SPRING_2027, 10, "2026-12-24", "Mon 4 Jan 2027 less 10: Fri 25 Dec -> Thu 24 Dec"),
], ids=reason)
def test_the_notice_day_is_the_days_before_the_term_or_the_working_day_before_that(calendar, term, days, day, reason):
    assert notice_day(term, days, calendar) == D(day)


@pytest.mark.parametrize(("as_of", "told", "reason"), [
    ("2026-08-18", None, "Tue 18 Aug 2026, the day before the autumn term's notice day: nothing yet"),
    ("2026-08-19", (AUTUMN_2026, "2027-01-03"), "Wed 19 Aug 2026, its notice day: autumn, to Sun 3 Jan 2027"),
    ("2026-09-01", (AUTUMN_2026, "2027-01-03"), "Tue 1 Sep 2026, the day before term: still told, late"),
    ("2026-09-02", None, "Wed 2 Sep 2026, the term started: too late to tell"),
    ("2026-12-20", None, "Sun 20 Dec 2026, the day before the spring term's notice day"),
    ("2026-12-21", (SPRING_2027, "2027-04-11"), "Mon 21 Dec 2026: spring, to Sun 11 Apr 2027"),
    ("2027-03-24", None, "Wed 24 Mar 2027: the summer term's notice day is tomorrow"),
    ("2027-03-25", (SUMMER_2027, "2027-08-31"), "Thu 25 Mar 2027, before Easter: summer, to Tue 31 Aug"),
    ("2027-03-29", (SUMMER_2027, "2027-08-31"), "Easter Monday 2027: a watch that runs on it still tells"),
    ("2027-08-18", (AUTUMN_2027, "2027-12-17"), "Wed 18 Aug 2027: autumn 2027, the last term known"),
    ("2027-12-17", None, "Fri 17 Dec 2027: no term after the last one known"),
], ids=reason)
def test_schools_are_told_of_a_term_from_its_notice_day_until_it_starts(calendar, as_of, told, reason):
    found = term_to_notify(TERMS, D(as_of), TERM_NOTICE_DAYS, calendar)
    assert found == (None if told is None else (told[0], D(told[1])))


def test_notice_given_three_weeks_ahead_starts_earlier(calendar):
    assert term_to_notify(TERMS, D("2026-08-11"), 21, calendar) is None
    assert term_to_notify(TERMS, D("2026-08-12"), 21, calendar) == (AUTUMN_2026, D("2027-01-03"))


def test_no_terms_known_means_nothing_to_tell(calendar):
    assert term_to_notify((), D("2026-08-19"), TERM_NOTICE_DAYS, calendar) is None
