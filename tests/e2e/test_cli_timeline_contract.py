"""The `ehc timeline --json` contract: statutory dates worked out by hand.

The rules are those of docs/RULES.md, "Assessment timescales" and "Counting rules".

Every case deadline is a whole number of weeks after `received`, so it falls on
the weekday the request arrived. The last working day steps back over weekends
and England bank holidays (2026: Good Friday 3 Apr, Easter Monday 6 Apr, 4 May,
25 May, 31 Aug, Christmas Fri 25 Dec, Boxing Day observed Mon 28 Dec; 2027:
Christmas and Boxing Day observed Mon 27 and Tue 28 Dec).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("state_dir")

CONTRACT_KEYS = {"statutory", "last_working_day", "regulation"}


def timeline(ehc, *args: str) -> dict:
    return ehc("timeline", *args, "--json").json


# received, (decision statutory, last working day), (no-plan notice ...), (final plan ...)
CASE_DEADLINES = [
    pytest.param("2026-03-02", ("2026-04-13", "2026-04-13"), ("2026-06-22", "2026-06-22"),
                 ("2026-07-20", "2026-07-20"), id="monday-all-working-days"),
    pytest.param("2026-03-07", ("2026-04-18", "2026-04-17"), ("2026-06-27", "2026-06-26"),
                 ("2026-07-25", "2026-07-24"), id="saturday-steps-back-to-friday"),
    pytest.param("2026-03-08", ("2026-04-19", "2026-04-17"), ("2026-06-28", "2026-06-26"),
                 ("2026-07-26", "2026-07-24"), id="sunday-steps-back-to-friday"),
    pytest.param("2026-08-10", ("2026-09-21", "2026-09-21"), ("2026-11-30", "2026-11-30"),
                 ("2026-12-28", "2026-12-24"), id="final-on-boxing-day-observed-mon-28-dec-2026"),
    pytest.param("2026-02-20", ("2026-04-03", "2026-04-02"), ("2026-06-12", "2026-06-12"),
                 ("2026-07-10", "2026-07-10"), id="decision-on-good-friday-2026"),
    pytest.param("2026-02-23", ("2026-04-06", "2026-04-02"), ("2026-06-15", "2026-06-15"),
                 ("2026-07-13", "2026-07-13"), id="decision-on-easter-monday-back-past-good-friday"),
    pytest.param("2026-03-23", ("2026-05-04", "2026-05-01"), ("2026-07-13", "2026-07-13"),
                 ("2026-08-10", "2026-08-10"), id="decision-on-early-may-bank-holiday"),
    pytest.param("2026-04-13", ("2026-05-25", "2026-05-22"), ("2026-08-03", "2026-08-03"),
                 ("2026-08-31", "2026-08-28"), id="spring-and-summer-bank-holidays"),
    pytest.param("2027-08-10", ("2027-09-21", "2027-09-21"), ("2027-11-30", "2027-11-30"),
                 ("2027-12-28", "2027-12-24"), id="tuesday-final-on-boxing-day-substitute-2027"),
]


@pytest.mark.parametrize(("received", "decision", "no_plan", "final"), CASE_DEADLINES)
def test_timeline_json_gives_each_case_deadline_with_its_last_working_day_and_regulation(
        ehc, received, decision, no_plan, final):
    data = timeline(ehc, "--received", received, "--as-of", received)

    assert data["received"] == received
    assert data["exceptions_apply"] is False
    assert data["advice"] == []
    assert set(data["deadlines"]) == {"decision_to_assess", "no_plan_notice", "final_plan"}
    expected = {"decision_to_assess": (*decision, "5(1)"), "no_plan_notice": (*no_plan, "10(1)"),
                "final_plan": (*final, "13(2)")}
    for step, (statutory, last_working_day, regulation) in expected.items():
        deadline = data["deadlines"][step]
        assert CONTRACT_KEYS <= set(deadline)
        assert (deadline["statutory"], deadline["last_working_day"], deadline["regulation"]) == (
            statutory, last_working_day, regulation), step


@pytest.mark.parametrize(("requested", "statutory", "last_working_day"), [
    pytest.param("2026-04-20", "2026-06-01", "2026-06-01", id="monday-plain"),
    pytest.param("2026-03-23", "2026-05-04", "2026-05-01", id="due-on-early-may-bank-holiday"),
    pytest.param("2026-03-21", "2026-05-02", "2026-05-01", id="saturday"),
    pytest.param("2026-11-16", "2026-12-28", "2026-12-24", id="due-on-boxing-day-observed"),
])
def test_each_advice_request_is_due_six_weeks_later_under_reg_8_1(ehc, requested, statutory, last_working_day):
    data = timeline(ehc, "--received", "2026-03-02", "--advice-requested", requested)

    assert len(data["advice"]) == 1
    advice = data["advice"][0]
    assert (advice["requested"], advice["statutory"], advice["last_working_day"], advice["regulation"]) == (
        requested, statutory, last_working_day, "8(1)")


def test_several_advice_requests_are_listed_each_with_its_own_dates(ehc):
    data = timeline(ehc, "--received", "2026-03-02",
                    "--advice-requested", "2026-04-20", "--advice-requested", "2026-03-23")

    rows = sorted((a["requested"], a["statutory"], a["last_working_day"]) for a in data["advice"])
    assert rows == [("2026-03-23", "2026-05-04", "2026-05-01"), ("2026-04-20", "2026-06-01", "2026-06-01")]


@pytest.mark.parametrize(("served", "closes", "last_working_day"), [
    pytest.param("2026-06-01", "2026-06-15", "2026-06-15", id="monday-day-15-is-a-monday"),
    pytest.param("2026-12-11", "2026-12-25", "2026-12-24", id="closes-on-christmas-day"),
    pytest.param("2026-12-14", "2026-12-28", "2026-12-24", id="closes-on-boxing-day-observed"),
    pytest.param("2026-05-23", "2026-06-06", "2026-06-05", id="closes-on-a-saturday"),
])
def test_representations_close_on_day_15_beginning_with_the_day_served(ehc, served, closes, last_working_day):
    data = timeline(ehc, "--received", "2026-03-02", "--draft-served", served)

    window = data["deadlines"]["representations_close"]
    assert (window["statutory"], window["last_working_day"], window["regulation"]) == (
        closes, last_working_day, "13(1)(a)")


def test_representations_close_appears_only_when_a_draft_was_served(ehc):
    assert "representations_close" not in timeline(ehc, "--received", "2026-03-02")["deadlines"]


@pytest.mark.parametrize("limb", ["10(4)(a)", "10(4)(b)", "10(4)(c)", "10(4)(d)"])
def test_a_reg_10_4_exception_applies_to_the_case_without_moving_a_statutory_date(ehc, limb):
    plain = timeline(ehc, "--received", "2026-03-02", "--as-of", "2026-05-01")
    excepted = timeline(ehc, "--received", "2026-03-02", "--as-of", "2026-05-01",
                        "--exception", f"{limb}:2026-03-10:2026-04-20")

    assert plain["exceptions_apply"] is False
    assert excepted["exceptions_apply"] is True
    for step in ("decision_to_assess", "no_plan_notice", "final_plan"):
        assert excepted["deadlines"][step]["statutory"] == plain["deadlines"][step]["statutory"]
        assert excepted["deadlines"][step]["last_working_day"] == plain["deadlines"][step]["last_working_day"]


@pytest.mark.parametrize("limb", ["8(2)(a)", "8(2)(b)", "8(2)(c)"])
def test_a_reg_8_2_exception_alone_does_not_make_exceptions_apply_to_the_case(ehc, limb):
    data = timeline(ehc, "--received", "2026-03-02", "--advice-requested", "2026-04-20",
                    "--exception", f"{limb}:2026-04-22")

    assert data["exceptions_apply"] is False


def test_reg_8_2_and_reg_10_4_exceptions_together_apply_to_the_case(ehc):
    data = timeline(ehc, "--received", "2026-03-02", "--exception", "8(2)(a):2026-04-22",
                    "--exception", "10(4)(d):2026-05-01")

    assert data["exceptions_apply"] is True


def test_advice_asked_of_a_school_in_the_week_before_the_summer_closure_is_a_10_4_a_exception(ehc):
    # LA summer 2026: closed Wed 22 Jul, back Wed 2 Sep; the window opens a week earlier, Wed 15 Jul.
    inside = timeline(ehc, "--received", "2026-06-01", "--advice-requested", "2026-07-16:school")
    before = timeline(ehc, "--received", "2026-06-01", "--advice-requested", "2026-07-14:school")

    assert inside["exceptions_apply"] is True
    assert [e["limb"] for e in inside["exceptions"]] == ["10(4)(a)"]
    assert before["exceptions_apply"] is False


def test_the_as_of_date_changes_status_but_never_the_statutory_dates(ehc):
    early = timeline(ehc, "--received", "2026-03-02", "--as-of", "2026-03-02")
    late = timeline(ehc, "--received", "2026-03-02", "--as-of", "2026-08-01")

    for step in ("decision_to_assess", "no_plan_notice", "final_plan"):
        assert early["deadlines"][step]["statutory"] == late["deadlines"][step]["statutory"]
        assert early["deadlines"][step]["status"] == "open"
        assert late["deadlines"][step]["status"] == "overdue"


def test_timeline_prints_exactly_one_json_object(ehc):
    out = ehc("timeline", "--received", "2026-03-02", "--json").stdout

    decoder = json.JSONDecoder()
    obj, end = decoder.raw_decode(out)
    assert isinstance(obj, dict)
    assert out[end:].strip() == ""


BAD_INPUT = [
    pytest.param(["--received", "2026-02-30"], "--received", id="received-no-such-day"),
    pytest.param(["--received", "02/03/2026"], "--received", id="received-not-iso"),
    pytest.param(["--received", "2026-03-02", "--advice-requested", "2026-13-01"], "--advice-requested",
                 id="advice-month-13"),
    pytest.param(["--received", "2026-03-02", "--advice-requested", "2026-04-01:nursery"], "--advice-requested",
                 id="advice-unknown-setting-kind"),
    pytest.param(["--received", "2026-03-02", "--draft-served", "tomorrow"], "--draft-served",
                 id="draft-served-not-a-date"),
    pytest.param(["--received", "2026-03-02", "--exception", "10(4)(e):2026-03-05"], "--exception",
                 id="unknown-limb"),
    pytest.param(["--received", "2026-03-02", "--exception", "10(4)(c)"], "--exception", id="exception-no-start"),
    pytest.param(["--received", "2026-03-02", "--exception", "10(4)(c):2026-03-xx"], "--exception",
                 id="exception-bad-start"),
    pytest.param(["--received", "2026-03-02", "--exception", "10(4)(c):2026-03-10:2026-03-05"], "--exception",
                 id="exception-ends-before-it-starts"),
    pytest.param(["--received", "2026-03-02", "--as-of", "2026-3-1"], "--as-of", id="as-of-not-iso"),
]


@pytest.mark.parametrize(("args", "option"), BAD_INPUT)
def test_bad_input_exits_2_naming_the_option_on_stderr_and_as_json(ehc, args, option):
    ran = ehc("timeline", *args, "--json", expect=2)

    assert ran.stderr.startswith("error: ")
    assert option in ran.stderr
    error = ran.json["error"]
    assert option in error
    assert set(ran.json) == {"error"}


@pytest.mark.parametrize(("args", "option"), BAD_INPUT[:1] + BAD_INPUT[-2:-1])
def test_bad_input_without_json_exits_2_with_nothing_on_stdout(ehc, args, option):
    ran = ehc("timeline", *args, expect=2)

    assert ran.stdout == ""
    assert ran.stderr.startswith("error: ") and option in ran.stderr


def test_a_missing_received_date_exits_2_naming_the_option(ehc):
    ran = ehc("timeline", "--json", expect=2)

    assert "--received" in ran.stderr


def test_the_installed_ehc_console_script_prints_the_timeline_contract(tmp_path):
    script = Path(sys.executable).parent / "ehc"
    assert script.exists(), f"the console script is not installed at {script}"
    env = {**os.environ, "EHC_STATE_DIR": str(tmp_path / "state")}
    env.pop("EHC_DATABASE_URL", None)
    env.pop("EHC_LA_CONFIG", None)

    done = subprocess.run([str(script), "timeline", "--received", "2026-08-10", "--draft-served", "2026-12-14",
                           "--json"], capture_output=True, text=True, env=env, timeout=120)

    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    final, window = data["deadlines"]["final_plan"], data["deadlines"]["representations_close"]
    assert (final["statutory"], final["last_working_day"], final["regulation"]) == ("2026-12-28", "2026-12-24", "13(2)")
    assert (window["statutory"], window["last_working_day"]) == ("2026-12-28", "2026-12-24")

    refused = subprocess.run([str(script), "timeline", "--received", "2026-02-30", "--json"],
                             capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: --received")
    assert "--received" in json.loads(refused.stdout)["error"]


def test_a_timeline_reaching_past_the_bank_holiday_data_says_so_in_its_warnings_and_not_on_stderr(ehc, tmp_path):
    # The packaged LA data is complete to 2027. Received Wed 1 Sep 2027: the final plan is due Wed 19 Jan 2028.
    coverage = "bank holidays for 2028 may be incomplete: the calendar's data covers 2014-2027"
    env = {**os.environ, "EHC_STATE_DIR": str(tmp_path / "state")}
    env.pop("EHC_LA_CONFIG", None)

    done = subprocess.run([sys.executable, "-m", "ehc.cli", "timeline", "--received", "2027-09-01", "--json"],
                          capture_output=True, text=True, env=env, timeout=120)
    text = ehc("timeline", "--received", "2027-09-01").stdout

    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["warnings"] == [coverage]
    assert f"  Warning: {coverage}" in text.splitlines()
    assert timeline(ehc, "--received", "2027-03-01")["warnings"] == []  # final plan Mon 19 Jul 2027: covered


def test_the_text_table_shows_each_step_name_in_full_with_the_columns_aligned(ehc):
    # Received Mon 2 Mar 2026, advice asked Mon 13 Apr, draft served Wed 10 Jun.
    lines = ehc("timeline", "--received", "2026-03-02", "--advice-requested", "2026-04-13", "--draft-served",
                "2026-06-10", "--as-of", "2026-06-15").stdout.splitlines()

    header, rows = lines[1], lines[2:7]
    reg = header.index(" reg ")  # the step column ends where the regulation's begins
    assert [row[:reg].strip() for row in rows] == [
        "Decision whether to assess, notified to parent/young person", "Notice that no EHC plan will be issued",
        "Final EHC plan issued", "Parent/young person representations on the draft plan close",
        "Advice returned: request-1"]
    assert {row[reg:].split()[0] for row in rows} == {"5(1)", "10(1)", "13(2)", "13(1)(a)", "8(1)"}
