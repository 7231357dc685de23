"""Casework through the `ehc` CLI against a real store (SQLite and PostgreSQL).

The journey: received Mon 2 Mar 2026, so the decision is due Mon 13 Apr, the
no-plan notice Mon 22 Jun and the final plan Mon 20 Jul 2026.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from store.db import head_revision

on_each_database = pytest.mark.usefixtures("store_url")  # SQLite and PostgreSQL, via EHC_DATABASE_URL

REF = "EHC/2026/001"


def add_case(ehc, ref: str = REF, received: str = "2026-03-02", *extra: str) -> dict:
    return ehc("request", "add", ref, "--received", received, *extra, "--json").json


def record(ehc, ref: str, event: str, on: str, *extra: str, expect: int = 0):
    return ehc("case", "record", ref, event, "--date", on, *extra, "--json", expect=expect)


def show(ehc, ref: str = REF, as_of: str = "2026-08-01") -> dict:
    return ehc("case", "show", ref, "--as-of", as_of, "--json").json


def listed(ehc, *args: str) -> list[str]:
    return [row["case_ref"] for row in ehc("cases", *args, "--json").json["cases"]]


@on_each_database
def test_a_case_goes_from_request_to_final_plan_with_each_step_marked_on_time_or_late(ehc):
    ehc("contributors", "add", "HEALTH-NORTH", "--name", "North ICB designated clinical officer",
        "--agency", "health")
    add_case(ehc, REF, "2026-03-02", "--child-given-name", "Ada", "--child-family-name", "Lovelace",
             "--caseworker", "alice", "--setting", "URN-100001")

    record(ehc, REF, "decision", "2026-04-10", "--outcome", "assess")
    record(ehc, REF, "advice-requested", "2026-04-13", "--contributor", "HEALTH-NORTH")
    record(ehc, REF, "advice-requested", "2026-04-13", "--agency", "educational_psychology")
    record(ehc, REF, "advice-received", "2026-05-20", "--contributor", "HEALTH-NORTH")
    record(ehc, REF, "advice-received", "2026-05-28", "--agency", "educational_psychology")
    record(ehc, REF, "draft-served", "2026-06-15")
    record(ehc, REF, "consultation-sent", "2026-06-15", "--setting", "URN-100001")
    record(ehc, REF, "representations-received", "2026-06-24")
    record(ehc, REF, "consultation-answered", "2026-06-25", "--setting", "URN-100001")
    final = record(ehc, REF, "final-issued", "2026-07-24").json

    assert final["stage"] == "issued"
    case = show(ehc, REF, "2026-08-01")
    timeline = case["timeline"]
    assert timeline["stage"] == "issued"
    deadlines = timeline["deadlines"]
    assert (deadlines["decision_to_assess"]["status"], deadlines["decision_to_assess"]["done_on"]) == (
        "done_on_time", "2026-04-10")
    assert deadlines["no_plan_notice"]["status"] == "not_required"
    assert (deadlines["final_plan"]["statutory"], deadlines["final_plan"]["status"]) == ("2026-07-20", "done_late")
    assert (deadlines["representations_close"]["statutory"], deadlines["representations_close"]["status"]) == (
        "2026-06-29", "done_on_time")
    advice = {a["key"]: a for a in timeline["advice"]}
    # both asked Mon 13 Apr: due Mon 25 May 2026, the spring bank holiday, so last working day Fri 22 May
    assert {key: (a["statutory"], a["last_working_day"], a["status"]) for key, a in advice.items()} == {
        "HEALTH-NORTH": ("2026-05-25", "2026-05-22", "done_on_time"),
        "educational_psychology": ("2026-05-25", "2026-05-22", "done_late"),
    }
    assert advice["HEALTH-NORTH"]["agency"] == "health"
    assert [c["status"] for c in timeline["consultations"]] == ["done_on_time"]
    assert [e["type"] for e in case["events"]] == [
        "received", "decision", "advice_requested", "advice_requested", "advice_received", "advice_received",
        "draft_served", "consultation_sent", "representations_received", "consultation_answered", "final_issued"]
    assert [e["sequence"] for e in case["events"]] == list(range(1, 12))
    assert listed(ehc, "--stage", "issued", "--as-of", "2026-08-01") == [REF]


@on_each_database
def test_a_case_finished_on_time_is_done_on_time_throughout(ehc):
    add_case(ehc, "ON-TIME-1", "2026-03-02")
    record(ehc, "ON-TIME-1", "decision", "2026-04-13", "--outcome", "assess")  # the due date itself is on time
    record(ehc, "ON-TIME-1", "draft-served", "2026-06-01")
    record(ehc, "ON-TIME-1", "final-issued", "2026-07-20")

    deadlines = show(ehc, "ON-TIME-1")["timeline"]["deadlines"]

    assert deadlines["decision_to_assess"]["status"] == "done_on_time"
    assert deadlines["final_plan"]["status"] == "done_on_time"
    assert deadlines["representations_close"]["status"] == "closed"


@on_each_database
def test_a_no_plan_notice_after_assessment_ends_the_case_in_no_plan(ehc):
    add_case(ehc, "NOPLAN-1", "2026-03-02")
    record(ehc, "NOPLAN-1", "decision", "2026-04-01", "--outcome", "assess")
    record(ehc, "NOPLAN-1", "no-plan-notice", "2026-06-23")

    timeline = show(ehc, "NOPLAN-1")["timeline"]

    assert timeline["stage"] == "no_plan"
    assert timeline["deadlines"]["no_plan_notice"]["status"] == "done_late"
    assert timeline["deadlines"]["final_plan"]["status"] == "not_required"


@on_each_database
def test_case_show_json_has_the_audit_trail_with_actor_and_recorded_at(ehc, monkeypatch):
    before = datetime.now().astimezone()
    add_case(ehc, REF, "2026-03-02", "--child-given-name", "Ada")
    monkeypatch.setenv("EHC_ACTOR", "team.manager.bob")
    record(ehc, REF, "decision", "2026-04-10", "--outcome", "assess")
    ehc("case", "record", REF, "exception-started", "--date", "2026-04-20", "--limb", "10(4)(c)",
        "--evidence", "family bereavement", "--actor", "explicit.actor")
    after = datetime.now().astimezone()

    case = show(ehc, REF, "2026-05-01")

    events = case["events"]
    assert [(e["sequence"], e["type"], e["date"], e["actor"]) for e in events] == [
        (1, "received", "2026-03-02", "caseworker.alice"),
        (2, "decision", "2026-04-10", "team.manager.bob"),
        (3, "exception_started", "2026-04-20", "explicit.actor"),
    ]
    for event in events:
        recorded = datetime.fromisoformat(event["recorded_at"])
        assert recorded.tzinfo is not None
        assert before <= recorded <= after
    assert events[1]["details"] == {"outcome": "assess"}
    assert events[2]["details"] == {"limb": "10(4)(c)", "evidence": "family bereavement"}
    assert case["child"]["given_name"] == "Ada"
    assert case["timeline"]["exceptions_apply"] is True


@on_each_database
def test_ehc_cases_never_shows_the_childs_name_or_date_of_birth(ehc):
    add_case(ehc, REF, "2026-03-02", "--child-given-name", "Zebedee", "--child-family-name", "Quixotic",
             "--child-date-of-birth", "2015-06-17", "--caseworker", "alice")

    out = ehc("cases", "--as-of", "2026-03-10", "--json").stdout
    text_out = ehc("cases", "--as-of", "2026-03-10").stdout

    assert REF in out and REF in text_out
    for personal in ("Zebedee", "Quixotic", "2015-06-17"):
        assert personal not in out
        assert personal not in text_out
    shown = ehc("case", "show", REF, "--json").stdout
    assert "Zebedee" in shown and "Quixotic" in shown


@pytest.fixture
def caseload(ehc):
    """Four cases as of Mon 1 Jun 2026 (decision = received + 42, final = received + 140):

    DUE-SOON   received 2026-04-27, awaiting decision due 2026-06-08 (7 days away), alice
    OVERDUE    received 2026-03-02, awaiting decision due 2026-04-13 (missed), bob
    (OVERDUE's no-plan notice is due 2026-06-22, 21 days away.)
    LATER      received 2026-05-18, awaiting decision due 2026-06-29 (28 days away), alice
    ASSESSING  received 2026-01-12, assessing; no-plan notice due 2026-05-04 (missed), final 2026-06-01 (today), bob
    CLOSED     received 2026-01-05, decided not to assess: nothing due, alice
    """
    add_case(ehc, "DUE-SOON", "2026-04-27", "--caseworker", "alice")
    add_case(ehc, "OVERDUE", "2026-03-02", "--caseworker", "bob")
    add_case(ehc, "LATER", "2026-05-18", "--caseworker", "alice")
    add_case(ehc, "ASSESSING", "2026-01-12", "--caseworker", "bob")
    record(ehc, "ASSESSING", "decision", "2026-02-10", "--outcome", "assess")
    add_case(ehc, "CLOSED", "2026-01-05", "--caseworker", "alice")
    record(ehc, "CLOSED", "decision", "2026-02-10", "--outcome", "not_assess")
    return "2026-06-01"


@on_each_database
@pytest.mark.parametrize(("args", "expected"), [
    pytest.param([], {"DUE-SOON", "OVERDUE", "LATER", "ASSESSING"}, id="no-filter-lists-the-open-cases"),
    pytest.param(["--all"], {"DUE-SOON", "OVERDUE", "LATER", "ASSESSING", "CLOSED"}, id="all-adds-closed-cases"),
    pytest.param(["--due-within", "7"], {"DUE-SOON", "ASSESSING"}, id="due-within-7-includes-day-7-and-today"),
    pytest.param(["--due-within", "6"], {"ASSESSING"}, id="due-within-6-excludes-day-7"),
    pytest.param(["--due-within", "0"], {"ASSESSING"}, id="due-within-0-is-today-only"),
    pytest.param(["--due-within", "27"], {"DUE-SOON", "ASSESSING", "OVERDUE"},
                 id="due-within-27-takes-a-later-deadline-of-an-overdue-case-but-not-day-28"),
    pytest.param(["--due-within", "28"], {"DUE-SOON", "LATER", "ASSESSING", "OVERDUE"}, id="due-within-28"),
    pytest.param(["--overdue"], {"OVERDUE", "ASSESSING"}, id="overdue"),
    pytest.param(["--stage", "awaiting_decision"], {"DUE-SOON", "OVERDUE", "LATER"}, id="stage-awaiting"),
    pytest.param(["--stage", "assessment", "--stage", "not_assessed"], {"ASSESSING", "CLOSED"},
                 id="stage-repeatable"),
    pytest.param(["--caseworker", "alice"], {"DUE-SOON", "LATER"}, id="caseworker-alice"),
    pytest.param(["--caseworker", "alice", "--all"], {"DUE-SOON", "LATER", "CLOSED"}, id="caseworker-alice-all"),
    pytest.param(["--overdue", "--all"], {"OVERDUE", "ASSESSING"}, id="overdue-all-still-excludes-closed"),
    pytest.param(["--caseworker", "bob", "--overdue"], {"OVERDUE", "ASSESSING"}, id="caseworker-and-overdue"),
    pytest.param(["--caseworker", "alice", "--due-within", "7"], {"DUE-SOON"}, id="caseworker-and-due-within"),
    pytest.param(["--caseworker", "nobody"], set(), id="unknown-caseworker-none"),
    pytest.param(["--caseworker", "ALICE"], {"DUE-SOON", "LATER"}, id="caseworker-matched-without-case"),
])
def test_cases_filters_include_and_exclude_the_right_cases(ehc, caseload, args, expected):
    found = listed(ehc, *args, "--as-of", caseload)

    assert set(found) == expected
    assert len(found) == len(expected)


@on_each_database
def test_cases_lists_the_earliest_statutory_date_first_and_closed_cases_last(ehc, caseload):
    data = ehc("cases", "--all", "--as-of", caseload, "--json").json

    assert data["count"] == 5
    assert [row["case_ref"] for row in data["cases"]] == ["OVERDUE", "ASSESSING", "DUE-SOON", "LATER", "CLOSED"]
    rows = {row["case_ref"]: row for row in data["cases"]}
    assert rows["DUE-SOON"]["next_due"]["statutory"] == "2026-06-08"
    assert rows["DUE-SOON"]["next_due"]["days_remaining"] == 7
    assert rows["OVERDUE"]["overdue"] is True and rows["LATER"]["overdue"] is False
    assert rows["CLOSED"]["next_due"] is None


@on_each_database
def test_the_text_listing_shows_the_next_steps_name_in_full(ehc, caseload):
    lines = ehc("cases", "--as-of", caseload).stdout.splitlines()

    due_soon = next(line for line in lines if line.startswith("  DUE-SOON "))
    assert "Decision whether to assess, notified to parent/young person 2026-06-08" in due_soon


@on_each_database
def test_the_same_cases_looked_at_earlier_are_not_yet_overdue(ehc, caseload):
    assert listed(ehc, "--overdue", "--as-of", "2026-04-13") == []
    assert listed(ehc, "--overdue", "--as-of", "2026-04-14") == ["OVERDUE"]


@on_each_database
def test_an_unknown_stage_filter_is_refused_naming_the_option(ehc):
    ran = ehc("cases", "--stage", "limbo", "--json", expect=2)

    assert "--stage" in ran.json["error"] and "limbo" in ran.stderr


def count_events(store_url: str) -> int:
    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM case_events")).scalar_one()
    finally:
        engine.dispose()


@on_each_database
@pytest.mark.parametrize(("args", "named"), [
    pytest.param(["case", "record", "NO-SUCH-CASE", "decision", "--date", "2026-04-01", "--outcome", "assess"],
                 "NO-SUCH-CASE", id="unknown-case"),
    pytest.param(["case", "record", REF, "draft-served", "--date", "2026-04-01"], "decision to assess",
                 id="draft-before-any-decision"),
    pytest.param(["case", "record", REF, "decision", "--date", "2026-02-27", "--outcome", "assess"],
                 "before the request was received", id="decision-before-received"),
    pytest.param(["case", "record", REF, "final-issued", "--date", "2026-05-01"], "decision to assess",
                 id="final-plan-without-assessment"),
    pytest.param(["case", "record", REF, "advice-requested", "--date", "2026-04-13", "--contributor", "GHOST"],
                 "GHOST", id="unknown-contributor"),
    pytest.param(["case", "record", REF, "advice-received", "--date", "2026-04-13", "--agency", "health"],
                 "no advice was requested", id="advice-received-never-requested"),
    pytest.param(["case", "record", REF, "decision", "--date", "2026-04-01", "--outcome", "perhaps"],
                 "--outcome", id="bad-outcome"),
    pytest.param(["case", "record", REF, "decision", "--date", "2026-04-01"], "--outcome", id="missing-outcome"),
    pytest.param(["case", "record", REF, "decision", "--date", "1 April", "--outcome", "assess"], "--date",
                 id="bad-date"),
    pytest.param(["case", "record", REF, "adjourned", "--date", "2026-04-01"], "adjourned", id="unknown-event"),
    pytest.param(["case", "record", REF, "exception-started", "--date", "2026-04-01", "--limb", "10(4)(z)"],
                 "--limb", id="unknown-limb"),
    pytest.param(["case", "record", REF, "exception-ended", "--date", "2026-04-01", "--limb", "10(4)(c)"],
                 "no open exception", id="end-an-exception-never-started"),
    pytest.param(["case", "record", REF, "received", "--date", "2026-04-01"], "received", id="second-received"),
    pytest.param(["request", "add", REF, "--received", "2026-03-09"], REF, id="duplicate-reference"),
    pytest.param(["request", "add", "bad ref!", "--received", "2026-03-09"], "REFERENCE", id="malformed-reference"),
    pytest.param(["request", "add", "NEW-1", "--received", "2026-03-09", "--child-date-of-birth", "2027-01-01"],
                 "--child-date-of-birth", id="born-after-request"),
])
def test_refusals_exit_2_name_the_problem_and_leave_the_events_table_unchanged(ehc, store_url, args, named):
    add_case(ehc, REF, "2026-03-02")
    before = count_events(store_url)
    cases_before = ehc("cases", "--json").json["count"]

    ran = ehc(*args, "--json", expect=2)

    assert named in ran.json["error"]
    assert ran.stderr.startswith("error: ") and named in ran.stderr
    assert count_events(store_url) == before
    assert ehc("cases", "--json").json["count"] == cases_before


@on_each_database
def test_an_impossible_event_after_the_case_closed_is_refused_and_nothing_changes(ehc, store_url):
    add_case(ehc, REF, "2026-03-02")
    record(ehc, REF, "decision", "2026-03-20", "--outcome", "not_assess")
    shown_before = show(ehc, REF)
    before = count_events(store_url)

    ran = record(ehc, REF, "advice-requested", "2026-04-01", "--agency", "health", expect=2)

    assert "after the case closed" in ran.json["error"]
    assert count_events(store_url) == before
    assert show(ehc, REF) == shown_before


@on_each_database
def test_a_duplicate_contributor_code_or_unknown_agency_is_refused(ehc, count_rows):
    ehc("contributors", "add", "EP-1", "--name", "Educational psychology", "--agency", "educational_psychology")

    duplicate = ehc("contributors", "add", "EP-1", "--name", "Again", "--agency", "health", "--json", expect=2)
    bad_agency = ehc("contributors", "add", "X-1", "--name", "X", "--agency", "police", "--json", expect=2)

    assert "EP-1" in duplicate.json["error"]
    assert "--agency" in bad_agency.json["error"]
    assert count_rows("contributors") == 1
    listing = ehc("contributors", "list", "--json").json["contributors"]
    assert [(c["code"], c["agency"]) for c in listing] == [("EP-1", "educational_psychology")]


@on_each_database
def test_a_reference_or_contributor_code_typed_in_small_letters_is_the_one_kept_in_capitals(ehc, store_url, tmp_path):
    add_case(ehc, "EHC-001", "2026-03-02", "--caseworker", "A Okafor")
    record(ehc, "ehc-001", "decision", "2026-04-01", "--outcome", "assess")
    ehc("contributors", "add", "dco-n", "--name", "North", "--agency", "health")
    record(ehc, "Ehc-001", "advice-requested", "2026-04-02", "--contributor", "dco-N")
    caseload = tmp_path / "caseload.csv"
    caseload.write_text("case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception\n"
                        "ehc-001,2026-03-09,,,,,\nehc-002,2026-03-09,,,,,\nEHC-002,2026-03-10,,,,,\n")
    before = count_events(store_url)

    #   what was typed                                          -> refused, naming
    refusals = [
        (["request", "add", "ehc-001", "--received", "2026-03-09"], "reference: a case 'EHC-001' already exists"),
        (["import", "caseload", str(caseload)],                     "line 2: case_ref: a case EHC-001 already exists"),
        (["import", "caseload", str(caseload)],                     "line 4: case_ref: EHC-002 is also on line 3"),
        (["contributors", "add", "DCO-n", "--name", "Again", "--agency", "health"],
         "a contributor 'DCO-N' already exists"),
        (["contributors", "add", "dco n", "--name", "Spaced", "--agency", "health"],
         "CODE: is not a contributor code (letters, digits and / _ . -, up to 40, starting with a letter or digit)"),
        (["case", "record", "EHC-001", "advice-received", "--date", "2026-05-01", "--contributor", "dco n"],
         "--contributor: 'dco n' is not a contributor code (letters, digits and / _ . -, up to 40"),
    ]
    for args, named in refusals:
        assert named in ehc(*args, "--json", expect=2).json["error"], args

    assert count_events(store_url) == before
    shown = show(ehc, "ehc-001", "2026-05-01")
    assert (shown["case_ref"], [a["key"] for a in shown["timeline"]["advice"]]) == ("EHC-001", ["DCO-N"])
    assert listed(ehc, "--caseworker", "a okafor", "--as-of", "2026-05-01") == ["EHC-001"]
    assert [c["code"] for c in ehc("contributors", "list", "--json").json["contributors"]] == ["DCO-N"]


@on_each_database
def test_advice_received_by_agency_with_two_outstanding_is_refused_listing_their_keys_and_named_by_key(ehc, store_url):
    ehc("contributors", "add", "DCO-N", "--name", "North", "--agency", "health")
    add_case(ehc, REF, "2026-03-02")
    record(ehc, REF, "decision", "2026-04-01", "--outcome", "assess")
    record(ehc, REF, "advice-requested", "2026-04-02", "--contributor", "DCO-N")
    record(ehc, REF, "advice-requested", "2026-04-02", "--agency", "health")  # no contributor: its key is "health"
    before = count_events(store_url)

    by_agency = record(ehc, REF, "advice-received", "2026-05-01", "--agency", "health", expect=2)
    by_unknown_key = record(ehc, REF, "advice-received", "2026-05-01", "--advice", "DCO-S", expect=2)

    assert by_agency.json["error"] == ("several health advice requests are outstanding (DCO-N, health): name the "
                                       "one received by its key")
    assert by_unknown_key.json["error"] == ("advice received on 2026-05-01: no advice request DCO-S was made on or "
                                            "before 2026-05-01 (outstanding: DCO-N, health)")
    assert count_events(store_url) == before
    record(ehc, REF, "advice-received", "2026-05-01", "--advice", "health")
    record(ehc, REF, "advice-received", "2026-05-04", "--advice", "DCO-N")
    advice = {a["key"]: a["done_on"] for a in show(ehc, REF, "2026-05-04")["timeline"]["advice"]}
    assert advice == {"DCO-N": "2026-05-04", "health": "2026-05-01"}


def test_an_unmigrated_store_is_refused_until_ehc_db_upgrade_is_run(state_dir, ehc):
    state = state_dir  # no EHC_DATABASE_URL: the store is $EHC_STATE_DIR/ehc.sqlite3

    refused = ehc("cases", "--json", expect=2)
    assert "ehc db upgrade" in refused.json["error"]

    upgraded = ehc("db", "upgrade", "--json").json
    assert upgraded["revision"] == head_revision()
    assert str(state / "ehc.sqlite3") in upgraded["database"]
    assert (state / "ehc.sqlite3").exists()
    assert ehc("db", "upgrade", "--json").json["revision"] == head_revision()
    add_case(ehc, "STATE-1", "2026-03-02")
    assert listed(ehc, "--as-of", "2026-03-02") == ["STATE-1"]


def test_the_installed_console_script_runs_casework_against_the_default_store(state_dir):
    script = Path(sys.executable).parent / "ehc"
    env = {**os.environ, "EHC_ACTOR": "script.user"}  # EHC_STATE_DIR from state_dir; no EHC_DATABASE_URL

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(script), *args], capture_output=True, text=True, env=env, timeout=120)

    assert run("db", "upgrade").returncode == 0
    assert run("request", "add", "SCRIPT-1", "--received", "2026-03-02", "--child-given-name", "Ada").returncode == 0
    duplicate = run("request", "add", "SCRIPT-1", "--received", "2026-03-02", "--json")
    shown = run("case", "show", "SCRIPT-1", "--as-of", "2026-04-14", "--json")  # decision was due 13 Apr

    assert duplicate.returncode == 2 and duplicate.stderr.startswith("error: ")
    assert "SCRIPT-1" in json.loads(duplicate.stdout)["error"]
    assert shown.returncode == 0, shown.stderr
    case = json.loads(shown.stdout)
    assert case["timeline"]["deadlines"]["decision_to_assess"]["status"] == "overdue"
    assert [e["actor"] for e in case["events"]] == ["script.user"]
    assert (state_dir / "ehc.sqlite3").exists()


def test_without_a_prefect_server_casework_is_stored_and_the_reply_says_nothing_was_handed_over(ehc, state_dir):
    ehc("db", "upgrade")
    added = ehc("request", "add", "EHC-NP-1", "--received", "2026-06-01", "--json").json
    recorded = ehc("case", "record", "EHC-NP-1", "decision", "--date", "2026-07-01", "--outcome", "assess",
                   "--json").json

    assert added["orchestration"].startswith("not handed to orchestration: no Prefect server is configured")
    assert recorded["orchestration"].startswith("not handed to orchestration:") and recorded["stage"] == "assessment"
    resync = ehc("case", "resync", "EHC-NP-1", "--json").json
    assert resync["orchestration"].startswith("not handed to orchestration:") and "ehc serve" in resync["orchestration"]
    assert not (state_dir / "logs" / "hand-over.log").exists()  # no background process was started
    assert ehc("case", "show", "EHC-NP-1", "--json").json["orchestration"] is None
    assert "\nOrchestration: none configured\n" in ehc("case", "show", "EHC-NP-1").stdout


@pytest.mark.parametrize("args", [("run", "deadline-watch", "--as-of", "2026-07-01"), ("deploy",)],
                         ids=["run", "deploy"])
def test_without_a_prefect_server_scheduled_flows_are_refused_and_nothing_is_written_outside_the_state_directory(
        ehc, state_dir, tmp_path, monkeypatch, args):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    ehc("db", "upgrade")

    refused = ehc(*args, "--json", expect=2)

    assert "no Prefect server is configured" in refused.json["error"] and "ehc serve" in refused.json["error"]
    assert not (home / ".prefect").exists()
