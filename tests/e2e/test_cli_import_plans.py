"""`ehc import plans FILE.csv`: every plan valid, or nothing written (SQLite and PostgreSQL).

As of 2026-11-30 (the academic year 2026-27), the good file's plans (tests/fixtures/plans_in_force.csv) and
what each is due:

    plan          issued      last review  year  review by    phase transfer (last day)
    PLN-LEAP      2024-02-29  -            6     2025-02-28 (overdue)  primary_to_secondary 2027 (2027-02-14)
    PLN-REVIEWED  2021-03-01  2026-01-12   9     2027-01-11   secondary_to_post16 2029 (not this year)
    PLN-NURSERY   2026-06-01  -            N2    2027-05-31   early_years_to_school 2027 (2027-02-14)
    PLN-YEAR11    2020-09-14  2025-11-03   Y11   2026-11-02 (overdue)  secondary_to_post16 2027 (2027-03-30)
    PLN-SIXTH     2019-10-01  2026-05-20   12    2027-05-19   post16_to_post16 on 2027-09-06 (2027-04-06)
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("store_url")

PLANS_IN_FORCE = Path(__file__).resolve().parents[1] / "fixtures" / "plans_in_force.csv"
HEADER, *GOOD_ROWS = PLANS_IN_FORCE.read_text(encoding="utf-8").splitlines()
AS_OF = "2026-11-30"
CASELOAD = ["case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception",
            "EHC-ISSUED,2026-01-05,assess,2026-02-10,2026-05-29,,"]


def write_csv(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_plans(ehc, tmp_path: Path, *rows: str, header: str = HEADER, expect: int = 0, as_of: str = AS_OF):
    path = write_csv(tmp_path, "plans.csv", header, *rows)
    return ehc("import", "plans", str(path), "--as-of", as_of, "--json", expect=expect)


def test_a_good_file_imports_every_plan_and_counts_what_is_due(ehc, tmp_path, count_rows):
    done = import_plans(ehc, tmp_path, *GOOD_ROWS).json

    assert {key: done[key] for key in ("imported", "in_force", "reviews_overdue", "phase_transfers_due")} == {
        "imported": 5, "in_force": 5, "reviews_overdue": 2, "phase_transfers_due": 4}
    assert done["handed_over"] == 0
    assert done["orchestration"].startswith("not handed to orchestration")
    assert (count_rows("plans"), count_rows("plan_events")) == (5, 0)


def test_each_plan_gets_its_next_review_and_where_due_its_phase_transfer(ehc, tmp_path):
    import_plans(ehc, tmp_path, *GOOD_ROWS)

    listing = ehc("reviews", "--as-of", AS_OF, "--json").json["plans"]

    by_ref = {row["plan_ref"]: row for row in listing}
    assert [row["plan_ref"] for row in listing] == ["PLN-LEAP", "PLN-YEAR11", "PLN-REVIEWED", "PLN-NURSERY",
                                                    "PLN-SIXTH"]  # earliest statutory date first
    assert {ref: (row["year_group"], row["next_review_by"]["statutory"], row["next_review_by"]["status"])
            for ref, row in by_ref.items()} == {
        "PLN-LEAP": ("6", "2025-02-28", "overdue"), "PLN-REVIEWED": ("9", "2027-01-11", "open"),
        "PLN-NURSERY": ("N2", "2027-05-31", "open"), "PLN-YEAR11": ("11", "2026-11-02", "overdue"),
        "PLN-SIXTH": ("12", "2027-05-19", "open")}
    assert {ref: (row["phase_transfer"]["transfer"], row["phase_transfer"]["last_day"],
                  row["phase_transfer"]["in_transfer_year"]) for ref, row in by_ref.items()} == {
        "PLN-LEAP": ("primary_to_secondary", "2027-02-14", True),
        "PLN-REVIEWED": ("secondary_to_post16", "2029-03-30", False),
        "PLN-NURSERY": ("early_years_to_school", "2027-02-14", True),
        "PLN-YEAR11": ("secondary_to_post16", "2027-03-30", True),
        "PLN-SIXTH": ("post16_to_post16", "2027-04-06", True)}


def test_the_plan_keeps_its_people_and_a_child_at_no_school_gets_reg_21(ehc, tmp_path):
    import_plans(ehc, tmp_path, *GOOD_ROWS)

    nursery = ehc("review", "show", "pln-nursery", "--as-of", AS_OF, "--json").json
    reviewed = ehc("review", "show", "PLN-REVIEWED", "--as-of", AS_OF, "--json").json

    assert (nursery["setting"], nursery["caseworker"], nursery["team"]) == (None, "alice", None)
    assert [target["name"] for target in nursery["targets"]] == ["early_years_review"]
    assert (reviewed["issued"], reviewed["last_review"], reviewed["reviews"][0]["last"]) == (
        "2021-03-01", "2026-01-12", "2026-01-12")
    assert reviewed["year_group_recorded"] == {"year_group": "9", "academic_year": 2026}
    ehc("review", "record", "PLN-NURSERY", "meeting-notice-sent", "--date", "2026-11-02", "--meeting", "2026-11-20")
    notice = ehc("review", "show", "PLN-NURSERY", "--as-of", AS_OF, "--json").json["reviews"][0]["deadlines"]
    assert notice["meeting_notice_by"]["regulation"] == "21(3)"


@pytest.mark.parametrize(("as_of", "year_group", "transfer"), [
    pytest.param("2026-08-31", "7", "secondary_to_post16", id="year-6-last-summer-is-year-7-now"),
    pytest.param("2026-09-01", "6", "primary_to_secondary", id="year-6-this-september-is-year-6-now"),
])
def test_a_year_group_is_the_childs_in_the_academic_year_of_as_of(ehc, tmp_path, as_of, year_group, transfer):
    import_plans(ehc, tmp_path, "PLN-1,,2024-02-29,,6,URN-1,,,", as_of=as_of)

    shown = ehc("review", "show", "PLN-1", "--as-of", AS_OF, "--json").json

    assert (shown["year_group"], shown["phase_transfer"]["transfer"]) == (year_group, transfer)


def test_a_plan_from_a_stored_request_carries_its_reference(ehc, tmp_path):
    ehc("import", "caseload", str(write_csv(tmp_path, "caseload.csv", *CASELOAD)))

    import_plans(ehc, tmp_path, "PLN-1,ehc-issued,2026-05-29,,3,URN-1,,,")

    shown = ehc("review", "show", "PLN-1", "--json").json
    assert (shown["case_ref"], shown["added"]["by"]) == ("EHC-ISSUED", "caseworker.alice")  # EHC_ACTOR

    refused = import_plans(ehc, tmp_path, "PLN-2,EHC-ISSUED,2026-05-29,,3,URN-1,,,", expect=2).json
    assert refused["error"].endswith("line 2: case_ref: request EHC-ISSUED's plan is already stored, as PLN-1")


def test_hand_over_can_be_left_to_the_catch_up(ehc, tmp_path):
    path = write_csv(tmp_path, "plans.csv", HEADER, *GOOD_ROWS)

    done = ehc("import", "plans", str(path), "--no-hand-over", "--as-of", AS_OF, "--json").json

    assert (done["imported"], done["handed_over"], done["orchestration"]) == (
        5, 0, "no plan handed to orchestration: not asked to")


def test_the_text_says_what_was_imported_and_what_is_due(ehc, tmp_path):
    path = write_csv(tmp_path, "plans.csv", HEADER + ",upn", *(row + ",X" for row in GOOD_ROWS))

    out = ehc("import", "plans", str(path), "--as-of", AS_OF).stdout.splitlines()

    assert out[0] == f"imported 5 plan(s) from {path}; ignored column(s): upn"
    assert out[-1] == ("as of 2026-11-30: 5 plan(s) in force, 2 with a review date passed, 4 phase transfer(s) "
                       "due this academic year")


BAD_LINES = [
    # rows after the good first one (line 2) -> the problems named, by line
    pytest.param(["PLN-2,,2025-02-30,,6,,,,"],
                 ["line 3: issued: '2025-02-30' is not a date on the calendar (expected YYYY-MM-DD)"], id="bad-date"),
    pytest.param(["PLN-2,,2025-02-03,,Y14,,,,"],
                 ["line 3: year_group: 'Y14' is not a year group: one of N1, N2, R, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "
                  "11, 12, 13"], id="unknown-year-group"),
    pytest.param(["PLN-2,,2025-02-03,,6,,,,", "pln-1,,2025-02-03,,6,,,,"],
                 ["line 4: plan_ref: PLN-1 is also on line 2"], id="duplicate-in-the-file"),
    pytest.param(["PLN-2,,2025-02-03,2025-02-02,6,,,,"],
                 ["line 3: last_review: 2025-02-02 is before the plan was issued on 2025-02-03"],
                 id="reviewed-before-issued"),
    pytest.param(["PLN-2,EHC-NOPE,2025-02-03,,6,,,,"],
                 ["line 3: case_ref: no request 'EHC-NOPE' is stored (leave case_ref empty for a plan made before "
                  "the product)"], id="request-not-stored"),
    pytest.param(["PLN-2,EHC-ISSUED,2026-05-28,,6,,,,"],
                 ["line 3: issued: issued 2026-05-28, but request EHC-ISSUED's final plan was issued on 2026-05-29"],
                 id="request-final-plan-on-another-day"),
    pytest.param(["PLN-2,EHC-ISSUED,2026-05-29,,6,,,,", "PLN-3,EHC-ISSUED,2026-05-29,,6,,,,"],
                 ["line 4: case_ref: EHC-ISSUED is also on line 3"], id="one-request-two-plans"),
    pytest.param(["PLN-2,,2025-02-03,,6,URN\x07,,,"],
                 ["line 3: setting: contains the control character U+0007 at position 4; type plain text"],
                 id="control-character"),
    pytest.param(["PLN-2,,2025-02-03,,6,," + "t" * 121 + ",,"],
                 ["line 3: caseworker: String should have at most 120 characters"], id="over-long-text"),
]


@pytest.mark.parametrize(("rows", "problems"), BAD_LINES)
def test_every_bad_line_is_named_and_nothing_is_stored(ehc, tmp_path, count_rows, rows, problems):
    ehc("import", "caseload", str(write_csv(tmp_path, "caseload.csv", *CASELOAD)))

    refused = import_plans(ehc, tmp_path, "PLN-1,,2024-02-29,,6,URN-1,,,", *rows, expect=2).json

    assert refused["error"].splitlines() == [
        f"plans rejected, nothing imported ({len(problems)} problem(s)):", *problems]
    assert count_rows("plans") == 0


def test_dates_after_the_day_the_import_is_as_of_are_refused(ehc, tmp_path, count_rows):
    refused = import_plans(ehc, tmp_path, "PLN-2,,2025-02-03,2026-07-01,6,,,,", "PLN-3,,2026-07-01,,6,,,,",
                           as_of="2026-06-30", expect=2).json

    assert refused["error"].splitlines()[1:] == [
        "line 2: last_review: 2026-07-01 is after the day the import is as of, 2026-06-30",
        "line 3: issued: 2026-07-01 is after the day the import is as of, 2026-06-30"]
    assert count_rows("plans") == 0


def test_a_plan_already_stored_is_named_by_its_line_and_nothing_more_is_stored(ehc, tmp_path, count_rows):
    import_plans(ehc, tmp_path, *GOOD_ROWS)

    refused = import_plans(ehc, tmp_path, "PLN-NEW,,2025-02-03,,6,,,,", "PLN-SIXTH,,2025-02-03,,6,,,,",
                           expect=2).json

    assert refused["error"].splitlines()[1:] == ["line 3: plan_ref: a plan PLN-SIXTH already exists in the store"]
    assert count_rows("plans") == 5


@pytest.mark.parametrize(("lines", "problem"), [
    pytest.param([], "line 1: missing column(s): plan_ref, case_ref, issued, last_review, year_group, setting",
                 id="empty-file"),
    pytest.param(["plan_ref,case_ref,issued,year_group", "PLN-1,,2025-02-03,6"],
                 "line 1: missing column(s): last_review, setting", id="missing-columns"),
])
def test_a_file_the_import_cannot_read_by_its_header_is_refused(ehc, tmp_path, count_rows, lines, problem):
    path = tmp_path / "plans.csv"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")

    refused = ehc("import", "plans", str(path), "--json", expect=2).json

    assert problem in refused["error"]
    assert count_rows("plans") == 0


def test_a_header_only_file_imports_nothing(ehc, tmp_path, count_rows):
    done = import_plans(ehc, tmp_path).json

    assert (done["imported"], done["in_force"]) == (0, 0)
    assert count_rows("plans") == 0


def test_a_bad_as_of_or_actor_is_refused_naming_the_option(ehc, tmp_path):
    path = write_csv(tmp_path, "plans.csv", HEADER, *GOOD_ROWS)

    assert ehc("import", "plans", str(path), "--as-of", "30/11/2026", "--json", expect=2).json["error"].startswith(
        "--as-of: ")
    assert ehc("import", "plans", str(path), "--actor", "a\x1bb", "--json", expect=2).json["error"].startswith(
        "--actor (or EHC_ACTOR): ")
