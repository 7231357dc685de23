"""School terms as data (config/la.py), and which reviews fall in one. Pure.

The LA tells each school or setting, at least two weeks before a term starts,
which of its pupils' reviews fall in that term (SEND Code of Practice 9.172).
A review falls in the term when its latest meeting day (the review date, or the
phase-transfer target if earlier) is from the term's first day until the day
before the next term starts: a review due in a holiday is held in the term before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.calendar import WorkingCalendar


@dataclass(frozen=True)
class Term:
    name: str
    first_day: date
    last_day: date


def term_windows(terms: tuple[Term, ...]) -> list[tuple[Term, date]]:
    """Each term with the last day of its window: the day before the next term starts (its own last day for
    the last term known)."""
    return [(term, (terms[index + 1].first_day - timedelta(days=1)) if index + 1 < len(terms) else term.last_day)
            for index, term in enumerate(terms)]


def notice_day(term: Term, notice_days: int, calendar: WorkingCalendar) -> date:
    """The day a term's notices go out: ``notice_days`` before it starts, or the working day before that."""
    return calendar.last_working_day_on_or_before(term.first_day - timedelta(days=notice_days))


def term_to_notify(terms: tuple[Term, ...], as_of: date, notice_days: int,
                   calendar: WorkingCalendar) -> tuple[Term, date] | None:
    """The term whose schools are told on ``as_of`` (from its notice day until it starts: a watch that missed
    the day still tells them, late), with the last day of its window."""
    for term, window_end in term_windows(terms):
        if notice_day(term, notice_days, calendar) <= as_of < term.first_day:
            return term, window_end
    return None
