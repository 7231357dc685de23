"""`ehc phase-transfer --year-group G --json`: the child's next phase transfer, worked out by hand (Reg 18).

A child in year group G in the academic year containing --as-of transfers out of the transfer point's year
group at the end of its academic year, in September of year T; the plan must be amended before 15 February
of T (18(1)(b)), or before 31 March for secondary school to post-16 (18(1)(a)): the last day is the 14th or
the 30th, stepped back over weekends and bank holidays (Good Friday 2024 was 29 March).
Default transfer points: N2 to R, 6 to 7, 11 to 12; an LA configures its own (config/la, [reviews]).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("state_dir")

CONTRACT_KEYS = ["year_group", "transfer", "transfer_year", "amend_before", "last_day", "last_working_day",
                 "regulation"]


def phase_transfer(ehc, group: str, as_of: str) -> dict:
    return ehc("phase-transfer", "--year-group", group, "--as-of", as_of, "--json").json


DEFAULT_POINTS = [
    # year group, as of -> transfer, year, amend before, last day, last working day, regulation
    pytest.param("N2", "2026-11-30", "early_years_to_school", 2027, "2027-02-15", "2027-02-14", "2027-02-12",
                 "18(1)(b)", id="N2-early-years-to-school"),
    pytest.param("6", "2026-11-30", "primary_to_secondary", 2027, "2027-02-15", "2027-02-14", "2027-02-12",
                 "18(1)(b)", id="6-primary-to-secondary-15-feb-a-monday"),
    pytest.param("11", "2026-11-30", "secondary_to_post16", 2027, "2027-03-31", "2027-03-30", "2027-03-30",
                 "18(1)(a)", id="11-secondary-to-post16"),
    pytest.param("N1", "2026-11-30", "early_years_to_school", 2028, "2028-02-15", "2028-02-14", "2028-02-14",
                 "18(1)(b)", id="N1-a-year-later"),
    pytest.param("R", "2026-11-30", "primary_to_secondary", 2033, "2033-02-15", "2033-02-14", "2033-02-14",
                 "18(1)(b)", id="R-six-years-later"),
    pytest.param("5", "2026-11-30", "primary_to_secondary", 2028, "2028-02-15", "2028-02-14", "2028-02-14",
                 "18(1)(b)", id="5-next-year"),
    pytest.param("10", "2026-11-30", "secondary_to_post16", 2028, "2028-03-31", "2028-03-30", "2028-03-30",
                 "18(1)(a)", id="10-next-year"),
    pytest.param("6", "2025-11-30", "primary_to_secondary", 2026, "2026-02-15", "2026-02-14", "2026-02-13",
                 "18(1)(b)", id="6-in-2026-15-feb-a-sunday"),
    pytest.param("8", "2026-11-30", "secondary_to_post16", 2030, "2030-03-31", "2030-03-30", "2030-03-29",
                 "18(1)(a)", id="8-post16-last-day-a-saturday"),
    pytest.param("11", "2023-11-30", "secondary_to_post16", 2024, "2024-03-31", "2024-03-30", "2024-03-28",
                 "18(1)(a)", id="11-in-2024-back-past-good-friday"),
]


@pytest.mark.parametrize(("group", "as_of", "transfer", "year", "amend_before", "last_day", "last_working_day",
                          "regulation"), DEFAULT_POINTS)
def test_the_next_transfer_under_the_default_points(ehc, group, as_of, transfer, year, amend_before, last_day,
                                                    last_working_day, regulation):
    data = phase_transfer(ehc, group, as_of)

    assert list(data) == CONTRACT_KEYS
    assert data == {"year_group": group, "transfer": transfer, "transfer_year": year, "amend_before": amend_before,
                    "last_day": last_day, "last_working_day": last_working_day, "regulation": regulation}


@pytest.mark.parametrize("group", ["12", "13"])
def test_no_transfer_lies_ahead_by_year_group_in_the_sixth_form(ehc, group):
    assert phase_transfer(ehc, group, "2026-11-30") == {"year_group": group, "transfer": None}


@pytest.mark.parametrize(("as_of", "transfer_year", "last_day"), [
    pytest.param("2027-08-31", 2027, "2027-02-14", id="31-august-still-year-6-deadline-passed"),
    pytest.param("2027-09-01", 2028, "2028-02-14", id="1-september-a-new-year-6"),
])
def test_the_academic_year_turns_on_1_september(ehc, as_of, transfer_year, last_day):
    data = phase_transfer(ehc, "6", as_of)

    assert (data["transfer_year"], data["last_day"]) == (transfer_year, last_day)


@pytest.mark.parametrize(("typed", "group"), [("y6", "6"), ("Y6", "6"), ("06", "6"), ("n2", "N2"),
                                              ("Reception", "R"), (" 11 ", "11")])
def test_the_year_group_is_given_back_as_the_service_spells_it(ehc, typed, group):
    assert phase_transfer(ehc, typed, "2026-11-30")["year_group"] == group


@pytest.mark.parametrize("typed", ["14", "Y14", "0", "nursery", "year 6", ""])
def test_an_unknown_year_group_exits_2_naming_the_option(ehc, typed):
    refused = ehc("phase-transfer", "--year-group", typed, "--json", expect=2)

    assert refused.json["error"].startswith("--year-group: ")
    assert "is not a year group: one of N1, N2, R, 1," in refused.json["error"]


INFANT_JUNIOR = """
    {name = "early_years_to_school", from_year_group = "N2", to_year_group = "R"},
    {name = "infant_to_junior", from_year_group = "2", to_year_group = "3"},
    {name = "junior_to_secondary", from_year_group = "6", to_year_group = "7"},
    {name = "secondary_to_post16", from_year_group = "11", to_year_group = "12", regulation = "18(1)(a)"},
"""
THREE_TIER = """
    {name = "early_years_to_school", from_year_group = "N2", to_year_group = "R"},
    {name = "first_to_middle", from_year_group = "4", to_year_group = "5"},
    {name = "middle_to_upper", from_year_group = "8", to_year_group = "9"},
    {name = "secondary_to_post16", from_year_group = "11", to_year_group = "12", regulation = "18(1)(a)"},
"""


@pytest.fixture
def configured_la(tmp_path: Path, monkeypatch):
    def configure(points: str) -> None:
        path = tmp_path / "la.toml"
        path.write_text('[authority]\nname = "Shire County Council"\nbank_holidays_known_until = 2027\n\n'
                        f"[reviews]\ntransfer_points = [{points}]\n", encoding="utf-8")
        monkeypatch.setenv("EHC_LA_CONFIG", str(path))

    return configure


@pytest.mark.parametrize(("points", "group", "transfer", "year"), [
    pytest.param(INFANT_JUNIOR, "1", "infant_to_junior", 2028, id="infant-junior-year-1"),
    pytest.param(INFANT_JUNIOR, "2", "infant_to_junior", 2027, id="infant-junior-year-2"),
    pytest.param(INFANT_JUNIOR, "3", "junior_to_secondary", 2030, id="infant-junior-year-3"),
    pytest.param(THREE_TIER, "R", "first_to_middle", 2031, id="three-tier-reception"),
    pytest.param(THREE_TIER, "6", "middle_to_upper", 2029, id="three-tier-year-6-stays-in-middle-school"),
    pytest.param(THREE_TIER, "9", "secondary_to_post16", 2029, id="three-tier-year-9"),
    pytest.param(THREE_TIER, "12", None, None, id="three-tier-sixth-form"),
])
def test_an_la_with_infant_and_junior_or_middle_schools_configures_its_own_points(
        ehc, configured_la, points, group, transfer, year):
    configured_la(points)

    data = phase_transfer(ehc, group, "2026-11-30")

    assert (data["transfer"], data.get("transfer_year")) == (transfer, year)
    if transfer and transfer != "secondary_to_post16":
        assert (data["last_day"], data["regulation"]) == (f"{year}-02-14", "18(1)(b)")


def test_the_text_says_when_the_plan_must_be_amended_and_warns_past_the_bank_holiday_data(ehc):
    soon = ehc("phase-transfer", "--year-group", "6", "--as-of", "2026-11-30").stdout
    later = ehc("phase-transfer", "--year-group", "N1", "--as-of", "2026-11-30").stdout

    assert soon.splitlines() == [
        "Year 6 as of 2026-11-30: primary to secondary in September 2027",
        "  plan reviewed and amended before 2027-02-15, last day 2027-02-14 (last working day 2027-02-12), "
        "Reg 18(1)(b): 76 day(s) left"]
    assert ehc("phase-transfer", "--year-group", "6", "--as-of", "2027-08-31").stdout.splitlines()[-1].endswith(
        "Reg 18(1)(b): passed 198 day(s) ago")
    assert later.splitlines()[-1] == ("  Warning: bank holidays for 2028 may be incomplete: the calendar's data "
                                      "covers 2014-2027")
