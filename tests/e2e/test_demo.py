"""`ehc demo`, the README's main job, run as a user runs it: the installed console script, embedded defaults.

The demo runs once, with --keep-serving: while it serves, the addresses, accounts and links it printed are
used as a person would use them; then Ctrl-C, as a person stops it, and the tests read what it printed and
left behind.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from notifications.sink import read_eml
from tests.web.support import CSRF

pytestmark = [pytest.mark.flows, pytest.mark.slow]  # a minute or two: `bin/test --all`

SERVING = "Ctrl-C to stop"
PRINTED_ACCOUNT = re.compile(r"^ +(demo-[a-z]+) +password (\S+) +\((\w+), team (.+)\)$")
PRINTED_ADDRESS = re.compile(r"^ +(Dashboard|Contributor link|Parent link): +(http\S+)$")
CASELOAD_HEADING = re.compile(r'id="results-heading">(\d+) cases?')


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo run (a minute or two) with --keep-serving, its printed addresses used while it serves, then
    Ctrl-C: (state dir, its JSON, its progress, what the printed addresses and accounts answered)."""
    state = tmp_path_factory.mktemp("demo") / "ehc-demo"
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("EHC_", "PREFECT_"))}  # embedded defaults, as on a fresh machine
    env["HOME"] = str(state.parent / "home")
    script = Path(sys.executable).with_name("ehc")
    running = subprocess.Popen([str(script), "demo", "--state-dir", str(state), "--cases", "60", "--live", "3",
                                "--as-of", "2026-11-20", "--keep-serving", "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=state.parent)
    output, lines = _lines_of(running.stdout), _lines_of(running.stderr)
    progress = _until_serving(running, lines, timeout=900)
    try:
        used = _use_what_was_printed(progress)
    finally:
        running.send_signal(signal.SIGINT)  # as Ctrl-C
        running.wait(timeout=180)
    progress += list(iter(lines.get, None))
    stdout = "\n".join(iter(output.get, None))
    assert running.returncode == 0, f"stdout: {stdout[-3000:]}\nstderr: {progress[-60:]}"
    return state, json.loads(stdout), "\n".join(progress), used


def _lines_of(stream) -> queue.Queue:
    """The stream's lines as they come, then None at its end."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in iter(stream.readline, ""):
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _until_serving(running: subprocess.Popen, lines: queue.Queue, timeout: float) -> list[str]:
    progress: list[str] = []
    deadline = time.monotonic() + timeout
    while not progress or SERVING not in progress[-1]:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            running.kill()
            raise AssertionError(f"the demo was not serving within {timeout:.0f} s:\n" + "\n".join(progress[-40:]))
        if line is None:
            raise AssertionError(f"the demo ended ({running.wait()}) before serving:\n" + "\n".join(progress[-40:]))
        progress.append(line)
    return progress


def _use_what_was_printed(progress: list[str]) -> dict:
    accounts = {found.group(1): found.groups()[1:] for found in map(PRINTED_ACCOUNT.match, progress) if found}
    addresses = {found.group(1): found.group(2) for found in map(PRINTED_ADDRESS.match, progress) if found}
    used = {"accounts": accounts, "addresses": addresses}
    dashboard = addresses["Dashboard"]
    origin = dashboard.removesuffix("/cases")
    with httpx.Client(timeout=60, follow_redirects=False) as stranger:
        signed_out = stranger.get(dashboard)
        used["dashboard signed out"] = (signed_out.status_code, signed_out.headers.get("location"))
        for name in ("Contributor link", "Parent link"):
            page = stranger.get(addresses[name])
            used[name] = (page.status_code, re.search(r"EHC-2026-\d{5}|LIVE-2026-\d{5}", page.text).group(0))
    for username, (password, _, _) in accounts.items():
        with httpx.Client(base_url=origin, timeout=60, follow_redirects=False) as browser:
            form = browser.get("/sign-in")
            signed_in = browser.post("/sign-in", data={"username": username, "password": password,
                                                       "csrf_token": CSRF.search(form.text).group(1)})
            caseload = browser.get("/cases")
            heading = CASELOAD_HEADING.search(caseload.text)
            case_page = browser.get(f"/cases/{used['Parent link'][1]}")
            used[username] = (signed_in.status_code, caseload.status_code, int(heading.group(1)) if heading else 0,
                              case_page.status_code)
    return used


def test_the_demo_acts_on_every_live_event_and_imported_case_with_a_pass_named_by_its_case(demo):
    _, result, progress, _ = demo
    assert "[10/10]" in progress
    assert result["live_events_recorded"] >= 6
    assert result["median_seconds_record_to_level"] > 0
    outcomes = result["live_requests"].values()
    assert any(": issued on 2026-" in outcome for outcome in outcomes), "one request carried to a plan"
    assert any(outcome.startswith("waiting for ") for outcome in outcomes), "one still waits for people"
    # A pass for every intake and every event recorded, and one for each imported case with casework to act on.
    handed_over = 3 + result["live_events_recorded"] + result["imported_cases"]["handed_over"]
    assert result["imported_cases"]["handed_over"] > 0
    assert result["task_runs"]["case-pass"] >= handed_over
    for name in ("deadline-watch", "dispatch-notifications", "weekly-timeliness-report"):
        assert result["flow_runs"][name] == 1


def test_the_demo_carries_plans_in_force_with_reviews_due_and_a_phase_transfer_cohort(demo):
    state_dir, result, progress, _ = demo
    plans = result["plans_in_force"]
    assert plans["in_force"] > 100 and plans["overdue"] > 0 and plans["due_within_28_days"] > 0
    assert set(plans["phase_transfer_cohort"]) == {"early_years_to_school", "primary_to_secondary",
                                                   "secondary_to_post16"}
    assert all(count > 0 for count in plans["phase_transfer_cohort"].values())
    # One review pass at least for each plan (its arrival); the request carried to its final plan added its own.
    assert result["task_runs"]["review-pass"] >= plans["in_force"]
    assert result["imported_cases"]["plans_seconds_to_level"] > 0
    assert any(line.startswith("Plans in force: ") for line in progress.splitlines()) or "plans in force" in progress
    mails = [path.read_text(errors="replace") for path in (Path(state_dir) / "mail").glob("*.eml")]
    assert any("Subject: Phase transfer" in mail or "phase transfer" in mail.lower() for mail in mails)


def test_the_demo_sends_reminders_to_the_smtp_sink_and_writes_the_weekly_report(demo):
    _, result, _, _ = demo
    mails = sorted(Path(result["outputs"]["mail"]).glob("*.eml"))
    assert result["dispatch"]["sent"] == len(mails) > 0
    subjects = [read_eml(path)["Subject"] for path in mails]
    assert any(subject.startswith("Reminder:") for subject in subjects)
    assert sum("timeliness report" in subject.lower() for subject in subjects) == 2  # SEND manager, head of SEND
    assert Path(result["outputs"]["report_html"]).read_text().lstrip().lower().startswith("<!doctype html")
    assert Path(result["outputs"]["overdue"]).exists()


def test_after_the_demo_the_prefect_database_holds_no_childs_name(demo, prefect_text):
    state, result, _, _ = demo
    with sqlite3.connect(state / "ehc.sqlite3") as store:
        names = {name for row in store.execute("SELECT child_given_name, child_family_name FROM cases")
                 for name in row if name}
    assert len(names) > 20
    results = [path for path in (state / "prefect" / "storage").rglob("*") if path.is_file()]
    held = prefect_text(state / "prefect" / "prefect.db", results)
    assert "LIVE-2026-" in held and "case_pass" in held, "the passes are there, named by case reference"
    leaked = sorted(name for name in names if re.search(rf"\b{re.escape(name)}\b", held))
    assert leaked == []


def test_while_the_demo_serves_its_printed_addresses_links_and_accounts_work(demo):
    _, result, _, used = demo
    origin = result["web"]["url"]
    link_case = result["web"]["link_case"]
    assert used["addresses"] == {"Dashboard": f"{origin}/cases", "Contributor link": result["web"]["contributor_link"],
                                 "Parent link": result["web"]["parent_link"]}
    assert used["dashboard signed out"] == (303, "/sign-in?next=/cases")
    assert used["Contributor link"] == used["Parent link"] == (200, link_case)
    team = used["accounts"]["demo-caseworker"][2]
    assert {username: role_and_team for username, (_, *role_and_team) in used["accounts"].items()} == {
        "demo-caseworker": ["caseworker", team], "demo-manager": ["manager", team]}
    for username in ("demo-caseworker", "demo-manager"):
        signed_in, caseload, cases_listed, case_page = used[username]
        assert (signed_in, caseload, case_page) == (303, 200, 200), username
        assert cases_listed > 0, username


def test_the_demo_shows_each_password_once_and_keeps_it_in_no_file(demo):
    state, result, progress, used = demo
    passwords = [password for password, _, _ in used["accounts"].values()]
    assert len(passwords) == 2
    kept = b"".join(path.read_bytes() for path in state.rglob("*") if path.is_file())
    for password in passwords:
        assert progress.count(password) == 1
        assert password not in json.dumps(result)
        assert password.encode() not in kept


def test_the_demo_json_says_where_the_web_app_was_and_what_was_checked(demo):
    _, result, _, _ = demo
    web = result["web"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", web["url"]) and web["dashboard"] == web["url"] + "/cases"
    assert [account["username"] for account in web["accounts"]] == ["demo-caseworker", "demo-manager"]
    assert web["checked"][0] == "/sign-in answers; demo-caseworker signs in through its form (to /cases)"
    assert web["checked"][-2:] == ["the contributor's link answers", "the parent's link answers"]
    assert result["prefect_ui"].startswith("http://127.0.0.1:")  # fields already there keep their names
