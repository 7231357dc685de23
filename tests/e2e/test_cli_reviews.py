"""`ehc review record|void|show|resync` and `ehc reviews`: casework on plans in force (SQLite and PostgreSQL).

The plans are tests/fixtures/plans_in_force.csv, imported as of 2026-11-30 (their dates in
tests/e2e/test_cli_import_plans.py). PLN-LEAP (year 6) was due its review by 2025-02-28 and must be amended by
14 February 2027 for its transfer to secondary school. Events are dated on or before 2026-11-30, so none is
after today whenever the tests run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import ACTOR

pytestmark = pytest.mark.usefixtures("store_url")

PLANS_IN_FORCE = Path(__file__).resolve().parents[1] / "fixtures" / "plans_in_force.csv"
AS_OF = "2026-11-30"


@pytest.fixture
def ehc(ehc):
    """`ehc` with the plans in force imported."""
    ehc("import", "plans", str(PLANS_IN_FORCE), "--as-of", AS_OF, "--no-hand-over")
    return ehc


def record(ehc, plan: str, event: str, on: str, *options: str, expect: int = 0):
    return ehc("review", "record", plan, event, "--date", on, *options, "--json", expect=expect)


def show(ehc, plan: str, as_of: str = AS_OF) -> dict:
    return ehc("review", "show", plan, "--as-of", as_of, "--json").json


# A whole review of PLN-LEAP, with (step, its statutory date, status) after each event.
WHOLE_REVIEW = [
    ("meeting-notice-sent", "2026-10-30", ("--meeting", "2026-11-16")),
    ("advice-circulated", "2026-11-02", ()),
    ("meeting-held", "2026-11-16", ()),
    ("report-received", "2026-11-23", ()),
    ("decision", "2026-11-25", ("--outcome", "amend")),
    ("proposals-sent", "2026-11-25", ()),
    ("amended-plan-issued", "2026-11-27", ()),
]


def test_a_whole_review_is_recorded_with_each_date_done_and_the_phase_transfer_met(ehc):
    stages = [record(ehc, "pln-leap", event, on, *options).json["stage"] for event, on, options in WHOLE_REVIEW]

    assert stages == ["awaiting_meeting", "awaiting_meeting", "awaiting_decision", "awaiting_decision", "amending",
                      "amending", "awaiting_meeting"]
    shown = show(ehc, "PLN-LEAP")
    first, second = shown["reviews"]
    assert {step: (entry["statutory"], entry["status"], entry["done_on"])
            for step, entry in first["deadlines"].items()} == {
        "review_by": ("2025-02-28", "done_late", "2026-11-16"),
        "meeting_notice_by": ("2026-11-02", "done_on_time", "2026-10-30"),
        "advice_circulated_by": ("2026-11-02", "done_on_time", "2026-11-02"),
        "report_by": ("2026-11-30", "done_on_time", "2026-11-23"),
        "decision_by": ("2026-12-14", "done_on_time", "2026-11-25"),
        "amended_plan_by": ("2027-01-20", "done_on_time", "2026-11-27")}
    assert (first["outcome"], first["representations_close"]) == ("amend", "2026-12-09")
    assert first["warnings"] == ["amended plan issued on 2026-11-27, before the 15 days for representations on the "
                                 "proposals ended on 2026-12-09 (Reg 22(2))"]
    assert (second["last"], second["deadlines"]["review_by"]["statutory"]) == ("2026-11-16", "2027-11-15")
    transfer = shown["phase_transfer"]
    assert (transfer["transfer"], transfer["status"], transfer["done_on"]) == (
        "primary_to_secondary", "done_on_time", "2026-11-27")
    assert [(event["sequence"], event["type"], event["actor"]) for event in shown["events"]] == [
        (n, event.replace("-", "_"), ACTOR)
        for n, (event, _, _) in enumerate(WHOLE_REVIEW, start=1)]
    assert shown["events"][0]["details"] == {"meeting": "2026-11-16"}


def test_recording_says_what_was_recorded_and_the_next_review(ehc):
    out = ehc("review", "record", "PLN-LEAP", "meeting_held", "--date", "2026-11-16").stdout.splitlines()

    assert out[0] == "PLN-LEAP: recorded meeting held on 2026-11-16; stage awaiting_decision; next review by 2027-11-15"
    assert out[-1].startswith("not handed to orchestration")


REFUSALS = [
    # plan, event, date, options -> the refusal (exit 2), nothing stored
    pytest.param("PLN-NOPE", "meeting-held", "2026-11-16", (), "no plan with reference 'PLN-NOPE'",
                 id="unknown-plan"),
    pytest.param("P 1", "meeting-held", "2026-11-16", (), "PLAN: 'P 1' is not a plan reference", id="bad-reference"),
    pytest.param("PLN-LEAP", "dance", "2026-11-16", (), "EVENT: 'dance' is not one of meeting-notice-sent, ",
                 id="unknown-event"),
    pytest.param("PLN-LEAP", "meeting-held", "2099-01-05", (), "--date: 2099-01-05 is after today, ",
                 id="after-today"),
    pytest.param("PLN-LEAP", "meeting-held", "2026-02-30", (), "--date: '2026-02-30' is not a date on the calendar",
                 id="no-such-day"),
    pytest.param("PLN-LEAP", "report-received", "2026-11-16", (),
                 "report received needs a review meeting first: record meeting_held", id="report-before-meeting"),
    pytest.param("PLN-REVIEWED", "meeting-held", "2026-01-12", (),
                 "a review meeting on 2026-01-12 is not after the start of the review period on 2026-01-12",
                 id="meeting-on-the-last-review"),
    pytest.param("PLN-LEAP", "decision", "2026-11-16", (), "--outcome: Field required", id="decision-no-outcome"),
    pytest.param("PLN-LEAP", "decision", "2026-11-16", ("--outcome", "perhaps"),
                 "--outcome: Input should be 'maintain', 'amend' or 'cease'", id="bad-outcome"),
    pytest.param("PLN-LEAP", "meeting-held", "2026-11-16", ("--outcome", "amend"),
                 "--outcome: does not apply to this event", id="outcome-on-a-meeting"),
    pytest.param("PLN-LEAP", "meeting-notice-sent", "2026-11-02", (), "--meeting: Field required",
                 id="notice-without-its-meeting"),
    pytest.param("PLN-LEAP", "meeting-notice-sent", "2026-11-02", ("--meeting", "2026-11-01"),
                 "--meeting: 2026-11-01 is before the notice of it, --date 2026-11-02", id="meeting-before-notice"),
    pytest.param("PLN-LEAP", "meeting-held", "2026-11-16", ("--actor", "x\x1b[2J"),
                 "--actor (or EHC_ACTOR): contains the control character U+001B", id="bad-actor"),
]


@pytest.mark.parametrize(("plan", "event", "on", "options", "refusal"), REFUSALS)
def test_an_event_the_plan_cannot_have_is_refused_and_nothing_is_stored(ehc, count_rows, plan, event, on, options,
                                                                        refusal):
    refused = record(ehc, plan, event, on, *options, expect=2)

    assert refusal in refused.json["error"]
    assert count_rows("plan_events") == 0


def test_nothing_can_be_recorded_after_a_plan_ceased(ehc, count_rows):
    record(ehc, "PLN-SIXTH", "plan-ceased", "2026-11-02")

    refused = record(ehc, "PLN-SIXTH", "meeting-held", "2026-11-16", expect=2)

    assert refused.json["error"] == "the plan ceased on 2026-11-02: nothing more can be recorded of its reviews"
    assert count_rows("plan_events") == 1
    shown = show(ehc, "PLN-SIXTH")
    assert (shown["stage"], shown["ceased"], shown["appeal_window_closes"], shown["phase_transfer"]) == (
        "ceased", "2026-11-02", "2027-01-02", None)


def test_a_voided_event_is_taken_out_of_the_review_and_kept_in_the_audit_trail(ehc):
    record(ehc, "PLN-LEAP", "meeting-held", "2026-11-06")

    voided = ehc("review", "void", "PLN-LEAP", "1", "--reason", "the meeting was on the 16th", "--json").json
    record(ehc, "PLN-LEAP", "meeting-held", "2026-11-16")

    assert voided["stage"] == "awaiting_meeting"
    shown = show(ehc, "PLN-LEAP")
    assert [(e["sequence"], e["type"], e.get("voided_by")) for e in shown["events"]] == [
        (1, "meeting_held", 2), (2, "event_voided", None), (3, "meeting_held", None)]
    assert shown["events"][1]["details"]["reason"] == "the meeting was on the 16th"
    assert shown["reviews"][0]["deadlines"]["review_by"]["done_on"] == "2026-11-16"


@pytest.mark.parametrize(("args", "refusal"), [
    pytest.param(["PLN-LEAP", "3"], "N: PLN-LEAP has no event #3 (its events are #1 to #2, as `ehc review show` "
                                    "lists them)", id="no-such-event"),
    pytest.param(["PLN-LEAP", "2"], "#2 event voided on", id="a-void-itself"),
    pytest.param(["PLN-YEAR11", "1"], "N: PLN-YEAR11 has no event #1 (no review event is recorded yet)",
                 id="a-plan-with-no-events"),
    pytest.param(["PLN-NOPE", "1"], "no plan with reference 'PLN-NOPE'", id="unknown-plan"),
])
def test_a_void_that_names_no_event_to_void_is_refused(ehc, count_rows, args, refusal):
    record(ehc, "PLN-LEAP", "meeting-held", "2026-11-06")
    ehc("review", "void", "PLN-LEAP", "1", "--reason", "wrong day")

    refused = ehc("review", "void", *args, "--reason", "again", "--json", expect=2)

    assert refusal in refused.json["error"]
    assert count_rows("plan_events") == 2


def test_a_void_without_a_reason_is_refused_naming_the_option(ehc):
    record(ehc, "PLN-LEAP", "meeting-held", "2026-11-06")

    refused = ehc("review", "void", "PLN-LEAP", "1", "--reason", "", "--json", expect=2)

    assert refused.json["error"].startswith("--reason: ")


LISTS = [
    # filters -> the plans listed, earliest statutory date first
    pytest.param([], ["PLN-LEAP", "PLN-YEAR11", "PLN-REVIEWED", "PLN-NURSERY", "PLN-SIXTH"], id="all"),
    pytest.param(["--overdue"], ["PLN-LEAP", "PLN-YEAR11"], id="overdue"),
    pytest.param(["--due-within", "80"], ["PLN-LEAP", "PLN-REVIEWED", "PLN-NURSERY"], id="due-within-80-days"),
    pytest.param(["--due-within", "42"], ["PLN-REVIEWED"], id="due-within-42-days-the-last-day"),
    pytest.param(["--due-within", "41"], [], id="due-within-41-days"),
    pytest.param(["--phase-transfer", "2027"], ["PLN-LEAP", "PLN-YEAR11", "PLN-NURSERY", "PLN-SIXTH"],
                 id="transferring-in-2027"),
    pytest.param(["--phase-transfer", "2029"], ["PLN-REVIEWED"], id="transferring-in-2029"),
    pytest.param(["--school", "urn-100001"], ["PLN-LEAP"], id="school-capitals-or-not"),
    pytest.param(["--caseworker", "BOB"], ["PLN-REVIEWED", "PLN-SIXTH"], id="caseworker-capitals-or-not"),
    pytest.param(["--caseworker", "alice", "--phase-transfer", "2027"], ["PLN-LEAP", "PLN-NURSERY"],
                 id="filters-together"),
]


@pytest.mark.parametrize(("filters", "plans"), LISTS)
def test_reviews_lists_the_plans_each_filter_asks_for(ehc, filters, plans):
    listing = ehc("reviews", *filters, "--as-of", AS_OF, "--json").json

    assert [row["plan_ref"] for row in listing["plans"]] == plans
    assert listing["count"] == len(plans)


def test_reviews_without_json_is_a_line_a_plan(ehc):
    lines = ehc("reviews", "--as-of", AS_OF).stdout.splitlines()

    assert lines[0] == "5 plan(s) as of 2026-11-30"
    assert lines[2].split() == ["PLN-LEAP", "URN-100001", "6", "awaiting_meeting", "2025-02-28", "2025-02-28",
                                "primary_to_secondary", "2027,", "last", "day", "2027-02-14", "(open", "76d)"]
    assert lines[5].split()[:6] == ["PLN-NURSERY", "-", "N2", "awaiting_meeting", "2027-05-31", "2027-02-14"]


def test_show_without_json_gives_the_plan_its_reviews_and_its_events(ehc):
    record(ehc, "PLN-LEAP", "meeting-held", "2026-11-16")

    out = ehc("review", "show", "pln-leap", "--as-of", AS_OF).stdout

    assert out.startswith("PLN-LEAP: issued 2024-02-29\n  year group 6 as of 2026-11-30; setting URN-100001; "
                          "caseworker alice, team North; stage awaiting_decision\nReview 1: period from 2024-02-29\n")
    assert "Phase transfer: primary_to_secondary 2027, last day 2027-02-14 (open 76d)\n" in out
    assert f"  #1 2026-11-16 meeting_held by {ACTOR} at " in out


@pytest.mark.parametrize("command", [["review", "show"], ["review", "resync"]])
def test_show_and_resync_refuse_an_unknown_plan(ehc, command):
    assert ehc(*command, "PLN-NOPE", "--json", expect=2).json == {"error": "no plan with reference 'PLN-NOPE'"}


def test_resync_hands_the_plan_over_again(ehc):
    done = ehc("review", "resync", "pln-leap", "--json").json

    assert done["plan_ref"] == "PLN-LEAP"
    assert done["orchestration"].startswith("not handed to orchestration")
