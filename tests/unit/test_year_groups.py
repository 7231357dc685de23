"""Year groups, academic years and the phase-transfer deadlines they give.

The rules: docs/RULES.md, "Phase transfers and year groups".

An academic year runs from 1 September to 31 August; a child is a year group
on each September. A child whose transfer follows the academic year ending in
August of year T transfers in September of T, and the plan must be reviewed
and amended before 15 February of T (Reg 18(1)(b)), or before 31 March of T
from secondary school to a post-16 institution (Reg 18(1)(a)): the last days
are 14 February and 30 March. Every expected date was checked with ``datetime``.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.year_groups import (
    DEFAULT_TRANSFER_POINTS, YEAR_GROUPS, TransferPoint, UnknownYearGroup, academic_year_of, next_transfer,
    parse_year_group, post16_transfer, year_group_for_birth_date, year_group_on,
)

D = date.fromisoformat


def reason(value):
    """A test's id: its row's reason, the one value that is a string with a space in it."""
    return value if isinstance(value, str) and " " in value else None


def reasons(rows):
    """Test ids from each row's last column."""
    return [getattr(row, "values", row)[-1] for row in rows]


# --- academic years and year groups across the September change ------------------------------------

@pytest.mark.parametrize(("day", "academic_year", "reason"), [
    ("2026-08-31", 2025, "Mon 31 Aug 2026: the last day of 2025/26"),
    ("2026-09-01", 2026, "Tue 1 Sep 2026: the first day of 2026/27"),
    ("2026-12-31", 2026, "Thu 31 Dec 2026: still 2026/27"),
    ("2027-01-01", 2026, "Fri 1 Jan 2027: still 2026/27"),
    ("2024-02-29", 2023, "Thu 29 Feb 2024: 2023/24"),
], ids=reason)
def test_the_academic_year_starts_on_1_september(day, academic_year, reason):
    assert academic_year_of(D(day)) == academic_year


YEAR_GROUP_ON = [
    # recorded as, for the academic year starting, on, is
    ("5", 2025, "2026-08-31", "5", "year 5 in 2025/26 is still year 5 on Mon 31 Aug 2026"),
    ("5", 2025, "2026-09-01", "6", "and year 6 on Tue 1 Sep 2026"),
    ("5", 2025, "2027-09-01", "7", "and year 7 on Wed 1 Sep 2027"),
    ("5", 2025, "2025-09-01", "5", "year 5 on the first day of the year recorded"),
    ("N1", 2026, "2027-09-01", "N2", "N1 in 2026/27 is N2 in 2027/28"),
    ("N1", 2026, "2028-09-01", "R", "and in reception in 2028/29"),
    ("N1", 2026, "2029-09-01", "1", "and in year 1 in 2029/30"),
    ("12", 2026, "2027-09-01", "13", "year 12 in 2026/27 is year 13 in 2027/28"),
    ("13", 2026, "2027-08-31", "13", "year 13 on Tue 31 Aug 2027, its last day"),
    ("13", 2026, "2027-09-01", None, "past year 13 on Wed 1 Sep 2027: none"),
    ("N2", 2026, "2026-08-31", "N1", "N2 in 2026/27 was N1 on Mon 31 Aug 2026"),
    ("N1", 2026, "2026-08-31", None, "before N1: none"),
]


@pytest.mark.parametrize(("group", "recorded_in", "on", "expected", "reason"), YEAR_GROUP_ON,
                         ids=reasons(YEAR_GROUP_ON))
def test_a_child_moves_up_a_year_group_each_september(group, recorded_in, on, expected, reason):
    assert year_group_on(group, recorded_in, D(on)) == expected


def test_a_child_recorded_in_n1_goes_through_every_year_group_then_none():
    seen = [year_group_on("N1", 2020, date(year, 9, 1)) for year in range(2020, 2037)]
    assert seen == ["N1", "N2", "R", *(str(year) for year in range(1, 14)), None]
    assert tuple(seen[:-1]) == YEAR_GROUPS


BIRTH_DATES = [
    # born, on, year group
    ("2015-08-31", "2026-10-01", "7", "born Mon 31 Aug 2015, the youngest born in 2014/15: year 7 in 2026/27"),
    ("2015-09-01", "2026-10-01", "6", "born Tue 1 Sep 2015, a day later: a year below, year 6"),
    ("2015-09-01", "2026-08-31", "5", "and year 5 on Mon 31 Aug 2026"),
    ("2022-08-31", "2025-09-01", "N2", "born Wed 31 Aug 2022: N2 in 2025/26, the year of turning 4"),
    ("2022-09-01", "2025-09-01", "N1", "born Thu 1 Sep 2022, a day later: N1, the year of turning 3"),
    ("2023-09-01", "2025-09-01", None, "born Fri 1 Sep 2023: before N1 in 2025/26"),
    ("2021-09-01", "2026-09-01", "R", "born Wed 1 Sep 2021: reception in 2026/27, the year of turning 5"),
    ("2008-09-01", "2026-09-01", "13", "born Mon 1 Sep 2008: year 13 in 2026/27"),
    ("2008-08-31", "2026-09-01", None, "born Sun 31 Aug 2008: past year 13 in 2026/27"),
    ("2016-02-29", "2026-10-01", "6", "born Mon 29 Feb 2016: year 6 in 2026/27"),
]


@pytest.mark.parametrize(("born", "on", "group", "reason"), BIRTH_DATES, ids=reasons(BIRTH_DATES))
def test_a_childs_year_group_follows_from_the_birth_date_across_the_september_change(born, on, group, reason):
    assert year_group_for_birth_date(D(born), D(on)) == group


@pytest.mark.parametrize(("text", "group"), [
    ("N1", "N1"), ("n2", "N2"), ("R", "R"), ("r", "R"), ("Reception", "R"), ("1", "1"), ("06", "6"), ("Y6", "6"),
    ("y11", "11"), (" 13 ", "13"), ("YR", "R"), ("yr", "R"),
])
def test_year_groups_are_read_as_schools_write_them(text, group):
    assert parse_year_group(text) == group


@pytest.mark.parametrize("text", ["0", "14", "Y14", "N3", "", "Year 6", "six", "-1"])
def test_anything_else_is_not_a_year_group_and_the_error_lists_them(text):
    with pytest.raises(UnknownYearGroup) as error:
        parse_year_group(text)
    assert str(error.value) == (f"{text!r} is not a year group: one of N1, N2, R, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, "
                                f"12, 13")


# --- the next phase transfer and its deadline (Reg 18(1)) --------------------------------------------

TRANSFERS = [
    # year group, as of, transfer, year, amend before, last day, last working day, regulation
    ("6", "2026-10-01", "primary_to_secondary", 2027, "2027-02-15", "2027-02-14", "2027-02-12", "18(1)(b)",
     "year 6 in 2026/27: 14 Feb 2027 is a Sun -> Fri 12 Feb"),
    ("6", "2025-10-01", "primary_to_secondary", 2026, "2026-02-15", "2026-02-14", "2026-02-13", "18(1)(b)",
     "year 6 in 2025/26: 14 Feb 2026 is a Sat -> Fri 13 Feb"),
    ("6", "2027-10-01", "primary_to_secondary", 2028, "2028-02-15", "2028-02-14", "2028-02-14", "18(1)(b)",
     "year 6 in 2027/28: 14 Feb 2028 is a Mon"),
    ("N2", "2026-10-01", "early_years_to_school", 2027, "2027-02-15", "2027-02-14", "2027-02-12", "18(1)(b)",
     "N2 in 2026/27: into reception in Sep 2027"),
    ("N1", "2026-10-01", "early_years_to_school", 2028, "2028-02-15", "2028-02-14", "2028-02-14", "18(1)(b)",
     "N1 in 2026/27: two years on"),
    ("R", "2026-10-01", "primary_to_secondary", 2033, "2033-02-15", "2033-02-14", "2033-02-14", "18(1)(b)",
     "reception in 2026/27: secondary school in Sep 2033"),
    ("11", "2025-10-01", "secondary_to_post16", 2026, "2026-03-31", "2026-03-30", "2026-03-30", "18(1)(a)",
     "year 11 in 2025/26: Mon 30 Mar 2026"),
    ("11", "2026-10-01", "secondary_to_post16", 2027, "2027-03-31", "2027-03-30", "2027-03-30", "18(1)(a)",
     "year 11 in 2026/27: Tue 30 Mar 2027, the day after Easter Monday"),
    ("11", "2023-10-01", "secondary_to_post16", 2024, "2024-03-31", "2024-03-30", "2024-03-28", "18(1)(a)",
     "year 11 in 2023/24: Sat 30 Mar 2024, after Good Friday -> Thu 28 Mar"),
    ("7", "2026-10-01", "secondary_to_post16", 2031, "2031-03-31", "2031-03-30", "2031-03-28", "18(1)(a)",
     "year 7 in 2026/27: post-16 in Sep 2031; Sun 30 Mar 2031 -> Fri 28 Mar"),
    ("5", "2026-08-31", "primary_to_secondary", 2027, "2027-02-15", "2027-02-14", "2027-02-12", "18(1)(b)",
     "year 5 on Mon 31 Aug 2026, the last day of 2025/26: year 6 next, transfers 2027"),
    ("5", "2026-09-01", "primary_to_secondary", 2028, "2028-02-15", "2028-02-14", "2028-02-14", "18(1)(b)",
     "year 5 on Tue 1 Sep 2026, the first day of 2026/27: transfers 2028"),
    ("6", "2027-06-30", "primary_to_secondary", 2027, "2027-02-15", "2027-02-14", "2027-02-12", "18(1)(b)",
     "year 6 on Wed 30 Jun 2027: this year's transfer, its deadline passed"),
    ("6", "2027-08-31", "primary_to_secondary", 2027, "2027-02-15", "2027-02-14", "2027-02-12", "18(1)(b)",
     "year 6 on Tue 31 Aug 2027, the last day before the move"),
]


@pytest.mark.parametrize(("group", "as_of", "transfer", "year", "amend_before", "last_day", "last_working_day",
                          "regulation", "reason"), TRANSFERS, ids=reasons(TRANSFERS))
def test_the_next_transfer_is_dated_by_the_year_group(calendar, group, as_of, transfer, year, amend_before, last_day,
                                                      last_working_day, regulation, reason):
    found = next_transfer(group, D(as_of), DEFAULT_TRANSFER_POINTS, calendar)
    assert (found.year_group, found.transfer, found.transfer_year, found.regulation) == (
        group, transfer, year, regulation)
    assert (found.amend_before, found.last_day, found.last_working_day) == (
        D(amend_before), D(last_day), D(last_working_day))


@pytest.mark.parametrize("group", ["12", "13"])
def test_a_young_person_past_year_11_has_no_transfer_by_year_group(calendar, group):
    assert next_transfer(group, D("2026-10-01"), DEFAULT_TRANSFER_POINTS, calendar) is None


def test_the_phase_transfer_contract_is_the_issues_example(calendar):
    found = next_transfer("6", D("2026-10-01"), DEFAULT_TRANSFER_POINTS, calendar)
    assert found.as_dict() == {"year_group": "6", "transfer": "primary_to_secondary", "transfer_year": 2027,
                               "amend_before": "2027-02-15", "last_day": "2027-02-14",
                               "last_working_day": "2027-02-12", "regulation": "18(1)(b)"}


MIDDLE_SCHOOLS = (
    TransferPoint("early_years_to_school", "N2", "R"),
    TransferPoint("first_to_middle", "4", "5"),
    TransferPoint("middle_to_secondary", "8", "9"),
    TransferPoint("secondary_to_post16", "11", "12", "18(1)(a)"),
)


@pytest.mark.parametrize(("group", "transfer", "year", "reason"), [
    ("3", "first_to_middle", 2028, "year 3 in 2026/27: into middle school in Sep 2028"),
    ("4", "first_to_middle", 2027, "year 4: this year"),
    ("5", "middle_to_secondary", 2030, "year 5: from middle school in Sep 2030"),
    ("6", "middle_to_secondary", 2029, "year 6: no transfer after year 6 in a middle-school LA"),
    ("9", "secondary_to_post16", 2029, "year 9"),
], ids=reason)
def test_an_la_with_middle_schools_configures_its_own_transfers(calendar, group, transfer, year, reason):
    found = next_transfer(group, D("2026-10-01"), MIDDLE_SCHOOLS, calendar)
    assert (found.transfer, found.transfer_year) == (transfer, year)


@pytest.mark.parametrize(("point", "message"), [
    (lambda: TransferPoint("primary_to_secondary", "6", "8"), "transfer primary_to_secondary: 8 does not follow 6"),
    (lambda: TransferPoint("infant_to_junior", "Y2", "3"), "'Y2' is not a year group"),
    (lambda: TransferPoint("secondary_to_post16", "11", "12", "18(2)"),
     "transfer secondary_to_post16: regulation '18(2)' is not one of 18(1)(a), 18(1)(b)"),
], ids=["groups that do not follow each other", "a year group as written, not parsed",
        "18(2) is dated by the planned move, not by year group"])
def test_a_transfer_point_that_cannot_be_is_refused_naming_the_problem(point, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        point()


# --- between post-16 institutions at another time: at least five months before (Reg 18(2)) ---------------

POST16 = [
    ("2027-01-04", "2026-08-04", "2026-08-04", "Mon 4 Jan 2027 -> Tue 4 Aug 2026"),
    ("2026-07-31", "2026-02-28", "2026-02-27", "Fri 31 Jul 2026 -> Sat 28 Feb (no 31 Feb) -> Fri 27 Feb"),
    ("2027-03-31", "2026-10-31", "2026-10-30", "Wed 31 Mar 2027 -> Sat 31 Oct 2026 -> Fri 30 Oct"),
    ("2027-07-29", "2027-02-28", "2027-02-26", "Thu 29 Jul 2027 -> Sun 28 Feb (no 29 Feb in 2027) -> Fri 26 Feb"),
    ("2028-07-29", "2028-02-29", "2028-02-29", "Sat 29 Jul 2028 -> Tue 29 Feb 2028"),
    ("2027-05-25", "2026-12-25", "2026-12-24", "Tue 25 May 2027 -> Christmas Day 2026 -> Thu 24 Dec"),
]


@pytest.mark.parametrize(("planned", "last_day", "last_working_day", "reason"), POST16, ids=reasons(POST16))
def test_a_move_between_post16_institutions_is_dated_five_months_before_it(calendar, planned, last_day,
                                                                           last_working_day, reason):
    found = post16_transfer("13", D(planned), calendar)
    assert found.as_dict() == {"year_group": "13", "transfer": "post16_to_post16", "transfer_year": D(planned).year,
                               "amend_before": None, "last_day": last_day, "last_working_day": last_working_day,
                               "regulation": "18(2)"}
