"""WorkingCalendar: working days in England (docs/RULES.md, "Working days: where they matter").

Every expected date below was worked out by hand from the England bank holiday
list and checked with ``datetime.date.weekday()``.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import holidays
import pytest

from domain.calendar import WorkingCalendar

D = date.fromisoformat


def reasons(rows):
    """Test ids from each row's last column, the weekday and the reason."""
    return [getattr(row, "values", row)[-1] for row in rows]


LAST_WORKING_DAY = [
    # Year ends and New Year substitute days
    ("2026-01-01", "2025-12-31", "Thu New Year's Day -> Wed 31 Dec"),
    ("2026-01-03", "2026-01-02", "Sat -> Fri 2 Jan, the first working day of 2026"),
    ("2022-01-03", "2021-12-31", "Mon New Year substitute (1 Jan 2022 was a Sat) -> Fri 31 Dec 2021"),
    ("2022-01-02", "2021-12-31", "Sun -> Fri 31 Dec 2021, across the year end"),
    ("2023-01-02", "2022-12-30", "Mon New Year substitute (1 Jan 2023 was a Sun) -> Fri 30 Dec 2022"),
    # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr
    ("2026-04-06", "2026-04-02", "Mon Easter Monday -> Thu before Good Friday"),
    ("2026-04-05", "2026-04-02", "Sun Easter Day -> Thu before Good Friday"),
    ("2026-04-03", "2026-04-02", "Fri Good Friday -> Thu 2 Apr"),
    ("2026-04-07", "2026-04-07", "Tue after Easter Monday is itself a working day"),
    # Easter 2027 (Good Friday 26 Mar, Easter Monday 29 Mar) and 2024 (29 Mar / 1 Apr)
    ("2027-03-29", "2027-03-25", "Mon Easter Monday 2027 -> Thu 25 Mar"),
    ("2027-03-26", "2027-03-25", "Fri Good Friday 2027 -> Thu 25 Mar"),
    ("2024-04-01", "2024-03-28", "Mon Easter Monday 2024 -> Thu 28 Mar"),
    # Christmas substitute days
    ("2026-12-28", "2026-12-24", "Mon Boxing Day observed (26 Dec 2026 is a Sat) -> Thu Christmas Eve"),
    ("2026-12-26", "2026-12-24", "Sat Boxing Day -> Thu Christmas Eve"),
    ("2022-12-27", "2022-12-23", "Tue Christmas substitute (25 Dec 2022 was a Sun) -> Fri 23 Dec"),
    # One-off bank holidays
    ("2022-06-03", "2022-06-01", "Fri Platinum Jubilee, after Thu 2 Jun spring bank holiday -> Wed 1 Jun"),
    ("2022-09-19", "2022-09-16", "Mon state funeral of Elizabeth II -> Fri 16 Sep"),
    ("2023-05-08", "2023-05-05", "Mon coronation of Charles III -> Fri 5 May"),
    # May and late-summer bank holidays
    ("2026-05-04", "2026-05-01", "Mon early May bank holiday -> Fri 1 May"),
    ("2026-05-25", "2026-05-22", "Mon spring bank holiday -> Fri 22 May"),
    ("2026-08-31", "2026-08-28", "Mon late summer bank holiday -> Fri 28 Aug"),
    # Leap years
    ("2024-02-29", "2024-02-29", "Thu 29 Feb 2024 is a working day"),
    ("2024-03-02", "2024-03-01", "Sat 2 Mar 2024 -> Fri 1 Mar"),
    ("2028-02-29", "2028-02-29", "Tue 29 Feb 2028 is a working day"),
    ("2028-03-04", "2028-03-03", "Sat 4 Mar 2028 -> Fri 3 Mar"),
    # Clock changes: a date is a calendar date, nothing shifts
    ("2026-03-29", "2026-03-27", "Sun BST starts -> Fri 27 Mar"),
    ("2026-03-30", "2026-03-30", "Mon after BST starts is itself"),
    ("2026-10-25", "2026-10-23", "Sun BST ends -> Fri 23 Oct"),
    ("2026-10-26", "2026-10-26", "Mon after BST ends is itself"),
]


@pytest.mark.parametrize(("day", "expected", "reason"), LAST_WORKING_DAY,
                         ids=reasons(LAST_WORKING_DAY))
def test_last_working_day_on_or_before_skips_weekends_and_bank_holidays(calendar, day, expected, reason):
    assert calendar.last_working_day_on_or_before(D(day)) == D(expected)


SHIFTS = [
    # Easter
    ("2026-04-02", 1, "2026-04-07", "Thu +1 skips Good Friday, the weekend and Easter Monday -> Tue"),
    ("2026-04-07", -1, "2026-04-02", "Tue -1 skips Easter Monday, the weekend and Good Friday -> Thu"),
    ("2026-04-08", -3, "2026-04-01", "Wed -3 ('3 working days before') across Easter -> Wed 1 Apr"),
    ("2026-03-27", 15, "2026-04-21", "Fri +15 (a Reg 15 transfer) across Easter -> Tue 21 Apr"),
    ("2027-03-25", 1, "2027-03-30", "Thu +1 across Easter 2027 -> Tue 30 Mar"),
    # Zero
    ("2026-04-02", 0, "2026-04-02", "Thu +0 is unchanged"),
    ("2026-04-04", 0, "2026-04-04", "Sat +0 is unchanged even though it is not a working day"),
    # Year ends
    ("2025-12-31", 1, "2026-01-02", "Wed 31 Dec +1 skips New Year's Day -> Fri 2 Jan"),
    ("2021-12-31", 1, "2022-01-04", "Fri 31 Dec 2021 +1 skips the Mon 3 Jan substitute -> Tue 4 Jan"),
    ("2022-01-04", -1, "2021-12-31", "Tue 4 Jan 2022 -1 -> Fri 31 Dec 2021"),
    ("2022-12-30", 1, "2023-01-03", "Fri 30 Dec 2022 +1 skips the Mon 2 Jan substitute -> Tue 3 Jan"),
    ("2023-01-03", -1, "2022-12-30", "Tue 3 Jan 2023 -1 -> Fri 30 Dec 2022"),
    ("2027-01-04", -1, "2026-12-31", "Mon 4 Jan 2027 -1 skips New Year's Day -> Thu 31 Dec"),
    # Christmas substitutes
    ("2022-12-23", 1, "2022-12-28", "Fri 23 Dec 2022 +1 skips Boxing Day and the Tue 27 substitute -> Wed"),
    ("2026-12-24", 1, "2026-12-29", "Thu 24 Dec 2026 +1 skips Christmas, the weekend and Mon 28 -> Tue"),
    ("2026-12-24", 3, "2026-12-31", "Thu 24 Dec 2026 +3 -> Thu 31 Dec"),
    ("2026-12-24", 4, "2027-01-04", "Thu 24 Dec 2026 +4 skips New Year's Day -> Mon 4 Jan 2027"),
    # One-off days
    ("2022-06-01", 1, "2022-06-06", "Wed 1 Jun 2022 +1 skips spring bank holiday and the jubilee -> Mon"),
    ("2022-09-16", 1, "2022-09-20", "Fri 16 Sep 2022 +1 skips the state funeral -> Tue"),
    ("2023-05-05", 1, "2023-05-09", "Fri 5 May 2023 +1 skips the coronation -> Tue"),
    # May and late-summer bank holidays
    ("2026-04-30", 1, "2026-05-01", "Thu 30 Apr +1 -> Fri 1 May"),
    ("2026-05-22", 1, "2026-05-26", "Fri 22 May +1 skips spring bank holiday -> Tue"),
    ("2026-08-27", 3, "2026-09-02", "Thu +3 (a mediation certificate) skips late summer bank holiday -> Wed"),
    # Leap years
    ("2024-02-28", 2, "2024-03-01", "Wed 28 Feb 2024 +2 passes Thu 29 Feb -> Fri 1 Mar"),
    ("2028-02-28", 1, "2028-02-29", "Mon 28 Feb 2028 +1 -> Tue 29 Feb"),
    ("2028-03-01", -1, "2028-02-29", "Wed 1 Mar 2028 -1 -> Tue 29 Feb"),
    # Clock changes
    ("2026-03-27", 1, "2026-03-30", "Fri +1 over the Sun 29 Mar BST change -> Mon"),
    ("2026-03-30", -1, "2026-03-27", "Mon -1 over the Sun 29 Mar BST change -> Fri"),
    ("2026-10-23", 1, "2026-10-26", "Fri +1 over the Sun 25 Oct end of BST -> Mon"),
    ("2026-10-26", -1, "2026-10-23", "Mon -1 over the Sun 25 Oct end of BST -> Fri"),
]


@pytest.mark.parametrize(("day", "count", "expected", "reason"), SHIFTS,
                         ids=reasons(SHIFTS))
def test_shift_working_days_counts_only_working_days(calendar, day, count, expected, reason):
    assert calendar.shift_working_days(D(day), count) == D(expected)


def test_non_working_weekdays_of_2026_are_exactly_the_england_bank_holidays(calendar):
    days_2026 = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    weekday_holidays = {day for day in days_2026 if day.weekday() < 5 and not calendar.is_working_day(day)}
    assert weekday_holidays == {
        D("2026-01-01"),  # Thu New Year's Day
        D("2026-04-03"),  # Fri Good Friday
        D("2026-04-06"),  # Mon Easter Monday
        D("2026-05-04"),  # Mon early May bank holiday
        D("2026-05-25"),  # Mon spring bank holiday
        D("2026-08-31"),  # Mon late summer bank holiday
        D("2026-12-25"),  # Fri Christmas Day
        D("2026-12-28"),  # Mon Boxing Day observed (26 Dec is a Sat)
    }


def test_2026_has_253_working_days(calendar):
    # 2026 starts on a Thu and has 365 days: 52 whole weeks (260 weekdays) + Thu 31 Dec = 261
    # weekdays, less the 8 weekday bank holidays above.
    days_2026 = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    assert sum(calendar.is_working_day(day) for day in days_2026) == 261 - 8


@pytest.mark.parametrize(("day", "reason"), [
    ("2026-03-28", "Sat before BST starts"),
    ("2026-03-29", "Sun BST starts"),
    ("2026-10-24", "Sat before BST ends"),
    ("2026-10-25", "Sun BST ends"),
], ids=lambda value: value if " " in str(value) else None)
def test_clock_change_weekends_are_ordinary_weekends(calendar, day, reason):
    assert not calendar.is_working_day(D(day))


def test_a_calendar_is_data_so_a_fake_with_no_bank_holidays_only_skips_weekends():
    weekends_only = WorkingCalendar(bank_holidays=frozenset(), first_known_year=2000, last_known_year=2100)
    assert weekends_only.last_working_day_on_or_before(D("2026-04-06")) == D("2026-04-06")  # Easter Monday
    assert weekends_only.shift_working_days(D("2026-04-02"), 1) == D("2026-04-03")  # Good Friday


def test_a_fake_bank_holiday_is_skipped():
    one_holiday = WorkingCalendar(bank_holidays=frozenset({D("2026-06-10")}), first_known_year=2000,
                                  last_known_year=2100)
    assert one_holiday.last_working_day_on_or_before(D("2026-06-10")) == D("2026-06-09")  # Wed -> Tue
    assert one_holiday.shift_working_days(D("2026-06-09"), 1) == D("2026-06-11")  # Tue +1 -> Thu


COVERAGE = [
    # days asked about (the calendar's data covers 2014-2027)          -> the warning
    (["2028-01-04"],                  "bank holidays for 2028 may be incomplete: the calendar's data covers 2014-2027",
     "Tue 4 Jan 2028, the year after the last known year"),
    (["2031-06-02", "2026-04-06", "2028-02-29"],
     "bank holidays for 2028, 2031 may be incomplete: the calendar's data covers 2014-2027",
     "years after, each named once, in order"),
    (["2013-06-03"],                  "bank holidays for 2013 may be incomplete: the calendar's data covers 2014-2027",
     "Mon 3 Jun 2013, before the SEND Regulations 2014 and the first known year"),
    (["2014-09-01", "2026-04-06", "2027-12-31"], None,
     "the first known year, Easter Monday 2026 and the last day of the last known year"),
]


@pytest.mark.parametrize(("days", "warning", "reason"), COVERAGE, ids=reasons(COVERAGE))
def test_the_coverage_warning_names_each_year_outside_the_known_range(calendar, days, warning, reason):
    assert calendar.coverage_warning([D(day) for day in days]) == warning


def test_arithmetic_across_the_last_known_year_end_answers_without_a_python_warning(calendar):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert calendar.last_working_day_on_or_before(D("2028-01-03")) == D("2027-12-31")  # Mon NY substitute
        # Fri 24 Dec 2027 +4: Mon 27 and Tue 28 Dec are substitutes, so Wed 29, Thu 30, Fri 31,
        # then Mon 3 Jan 2028 is the New Year substitute -> Tue 4 Jan 2028.
        assert calendar.shift_working_days(D("2027-12-24"), 4) == D("2028-01-04")


def test_plain_gb_holidays_lack_easter_monday_and_late_summer_so_the_project_uses_eng(calendar):
    plain_gb = holidays.country_holidays("GB", years=2026)
    assert D("2026-04-06") not in plain_gb  # Easter Monday is not a bank holiday in Scotland
    assert D("2026-08-31") not in plain_gb  # nor the late summer bank holiday
    assert not calendar.is_working_day(D("2026-04-06"))
    assert not calendar.is_working_day(D("2026-08-31"))
