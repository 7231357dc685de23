"""Dates and days as the pages write them (the GOV.UK style guide): no database, no app."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from ehc.web.templating import days_left, govuk_date, govuk_time

DATES = {  # value -> as written
    date(2027, 1, 19): "19 January 2027",
    date(2026, 11, 3): "3 November 2026",  # no leading zero
    "2026-05-01": "1 May 2026",  # an ISO date, as the case views hold them
    datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc): "1 July 2026",  # half past midnight in London (BST)
    None: "",
}


@pytest.mark.parametrize("value", DATES, ids=str)
def test_dates_are_written_day_month_in_words_year(value):
    assert govuk_date(value) == DATES[value]


TIMES = {
    datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc): "30 November 2026, 12:00pm",
    datetime(2026, 7, 1, 8, 5, tzinfo=timezone.utc): "1 July 2026, 9:05am",  # BST
    "2026-11-30T00:15:00+00:00": "30 November 2026, 12:15am",
}


@pytest.mark.parametrize("value", TIMES, ids=str)
def test_moments_are_written_in_london_time_on_the_12_hour_clock(value):
    assert govuk_time(value) == TIMES[value]


DAYS = {12: "12 days", 1: "1 day", 0: "due today", -1: "1 day overdue", -18: "18 days overdue", None: ""}


@pytest.mark.parametrize("days", DAYS, ids=str)
def test_days_left_are_said_as_a_person_says_them(days):
    assert days_left(days) == DAYS[days]
