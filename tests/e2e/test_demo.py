"""`ehc demo`, the README's main job, run as a user runs it: the installed console script, embedded defaults."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from notifications.sink import read_eml

pytestmark = [pytest.mark.flows, pytest.mark.slow]  # a few minutes: `bin/test --all`


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo run (a few minutes), shared by the tests that read what it left behind."""
    state = tmp_path_factory.mktemp("demo") / "ehc-demo"
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("EHC_", "PREFECT_"))}  # embedded defaults, as on a fresh machine
    env["HOME"] = str(state.parent / "home")
    script = Path(sys.executable).with_name("ehc")
    done = subprocess.run([str(script), "demo", "--state-dir", str(state), "--cases", "60", "--live", "3",
                           "--as-of", "2026-11-20", "--json"],
                          capture_output=True, text=True, env=env, timeout=900, cwd=state.parent)
    assert done.returncode == 0, f"stdout: {done.stdout[-3000:]}\nstderr: {done.stderr[-5000:]}"
    return state, json.loads(done.stdout), done.stderr


def test_the_demo_carries_live_requests_through_flow_runs_that_suspend_and_resume(demo):
    _, result, progress = demo
    assert "[9/9]" in progress
    assert result["flow_runs"]["ehc-request"] == 3
    assert result["live_events_recorded"] >= 6
    assert result["median_seconds_record_to_suspend"] > 0
    outcomes = result["live_requests"].values()
    assert any(": issued on 2026-" in outcome for outcome in outcomes), "one run carried its request to a plan"
    assert any(outcome.startswith("waiting (after-event-") for outcome in outcomes), "one still waits for people"
    for name in ("deadline-watch", "dispatch-notifications", "weekly-timeliness-report"):
        assert result["flow_runs"][name] == 1


def test_the_demo_sends_reminders_to_the_smtp_sink_and_writes_the_weekly_report(demo):
    _, result, _ = demo
    mails = sorted(Path(result["outputs"]["mail"]).glob("*.eml"))
    assert result["dispatch"]["sent"] == len(mails) > 0
    subjects = [read_eml(path)["Subject"] for path in mails]
    assert any(subject.startswith("Reminder:") for subject in subjects)
    assert sum("timeliness report" in subject.lower() for subject in subjects) == 2  # SEND manager, head of SEND
    assert Path(result["outputs"]["report_html"]).read_text().lstrip().lower().startswith("<!doctype html")
    assert Path(result["outputs"]["overdue"]).exists()


def test_after_the_demo_the_prefect_database_holds_no_childs_name(demo, prefect_text):
    state, result, _ = demo
    with sqlite3.connect(state / "ehc.sqlite3") as store:
        names = {name for row in store.execute("SELECT child_given_name, child_family_name FROM cases")
                 for name in row if name}
    assert len(names) > 20
    results = [path for path in (state / "prefect" / "storage").rglob("*") if path.is_file()]
    held = prefect_text(state / "prefect" / "prefect.db", results)
    assert "LIVE-2026-" in held and "after-event-" in held, "the runs are there, named by case reference"
    leaked = sorted(name for name in names if re.search(rf"\b{re.escape(name)}\b", held))
    assert leaked == []
