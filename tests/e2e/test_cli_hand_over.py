"""A command's hand-over to orchestration runs in a process of its own (BackgroundHandOver): `ehc case record`
and `ehc import caseload` end once the change is stored, whatever Prefect does, and a hand-over that fails is
written to the state directory's logs/hand-over.log, by case reference only. The catch-up hands the case
over again later.

The Prefect server here is a stand-in that holds every request until the test lets it answer, and then
answers 404 (as a server without the task-run API would). A command that waited for its hand-over could not
return while the stand-in holds it; each test lets it answer only after the command has returned.
"""

from __future__ import annotations

import base64
import json
import pickle
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ehc.orchestration.orchestrator import api_url_file, hand_over_log, prefect_home
from tests.e2e.test_cli_import import HEADER

IN_THE_BACKGROUND = "handed to orchestration in the background (`ehc case show` says when it is level)"
PERSONAL = ("Zebedee", "Quartermaine", "2016-04-09")  # the child's given and family names, date of birth
WITHIN = 120  # seconds for a background hand-over to reach the server, or to fail: it imports Prefect


class HeldPrefect:
    """An HTTP server that answers nothing until ``answer()``, then 404 to everything; keeps what it is sent."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        self.reached = threading.Event()
        self._answer = threading.Event()
        held = self

        class Handler(BaseHTTPRequestHandler):
            def _hold(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                held.requests.append((self.command, self.path, body))
                held.reached.set()
                held._answer.wait(WITHIN)
                self.send_error(404)

            do_GET = do_POST = do_PATCH = do_PUT = _hold

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/api"

    def answer(self) -> None:
        self._answer.set()

    def sent(self) -> str:
        return "\n".join(f"{method} {path} {body.decode('utf-8', 'replace')}" for method, path, body in self.requests)

    def close(self) -> None:
        self._answer.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def prefect(state_dir):
    """``prefect.serve_for(state_dir)`` points the state directory at a HeldPrefect, as `ehc serve` would leave
    the address of its local server."""
    held = HeldPrefect()

    def serve_for(state: Path) -> HeldPrefect:
        api_url_file(state).parent.mkdir(parents=True, exist_ok=True)
        api_url_file(state).write_text(held.api_url + "\n")
        return held

    held.serve_for = serve_for
    yield held
    held.close()


def logged(state_dir: Path) -> str:
    """The hand-over log, once a background hand-over has written its failure there (its last act)."""
    log = hand_over_log(state_dir)
    deadline = time.monotonic() + WITHIN
    while time.monotonic() < deadline:
        if log.exists() and log.read_text().endswith("\n"):
            return log.read_text()
        time.sleep(0.1)
    raise AssertionError(f"nothing in {log} after {WITHIN} s")


def passes_parameters(state_dir: Path) -> list[dict]:
    """The parameters of each pass handed over: Prefect keeps them in the local server's storage, for the task
    worker (a result record: JSON whose "result" is a base64 pickle)."""
    stored = sorted((prefect_home(state_dir) / "storage" / "parameters").iterdir())
    return [pickle.loads(base64.b64decode(json.loads(path.read_text())["result"]))["parameters"] for path in stored]


def test_case_record_returns_once_the_event_is_stored_and_a_failed_hand_over_is_logged_by_reference(
        ehc, state_dir, prefect):
    ehc("db", "upgrade")
    ehc("request", "add", "EHC-BG-1", "--received", "2026-06-01", "--child-given-name", PERSONAL[0],
        "--child-family-name", PERSONAL[1], "--child-date-of-birth", PERSONAL[2])
    prefect.serve_for(state_dir)

    recorded = ehc("case", "record", "EHC-BG-1", "decision", "--date", "2026-07-01", "--outcome", "assess",
                   "--json").json

    assert (recorded["stage"], recorded["orchestration"]) == ("assessment", IN_THE_BACKGROUND)
    assert prefect.reached.wait(WITHIN)  # the hand-over went out, from another process, and is still held
    shown = ehc("case", "show", "EHC-BG-1", "--json").json
    assert [event["type"] for event in shown["events"]] == ["received", "decision"]
    assert shown["orchestration"] == {"events_stored": 2, "events_acted_on": 0}
    assert "\nOrchestration: acted on 0 of 2 events\n" in ehc("case", "show", "EHC-BG-1").stdout

    prefect.answer()

    log = logged(state_dir)
    assert "hand-over of EHC-BG-1 failed (PrefectHTTPStatusError: " in log
    assert log.rstrip().endswith("the catch-up will hand them over")
    assert passes_parameters(state_dir) == [{"reference": "EHC-BG-1"}]  # all Prefect is given of the case
    for personal in PERSONAL:
        assert personal not in log and personal not in prefect.sent()


def test_import_caseload_hands_the_open_cases_over_in_the_background_and_the_ended_ones_start_level(
        ehc, state_dir, prefect, tmp_path):
    ehc("db", "upgrade")
    prefect.serve_for(state_dir)
    caseload = tmp_path / "caseload.csv"
    caseload.write_text(f"{HEADER},child_given_name\n"
                        f"IMP-OPEN-1,2026-05-04,,,,,,{PERSONAL[0]}\n"
                        "IMP-OPEN-2,2026-03-02,assess,2026-04-10,,,,\n"
                        "IMP-ENDED,2026-01-05,not_assess,2026-02-10,,,,\n")

    done = ehc("import", "caseload", str(caseload), "--json").json

    assert (done["imported"], done["handed_over"], done["orchestration"]) == (3, 2, IN_THE_BACKGROUND)
    assert prefect.reached.wait(WITHIN)
    levels = {reference: ehc("case", "show", reference, "--json").json["orchestration"]
              for reference in ("IMP-OPEN-1", "IMP-OPEN-2", "IMP-ENDED")}
    assert levels == {"IMP-OPEN-1": {"events_stored": 1, "events_acted_on": 0},
                      "IMP-OPEN-2": {"events_stored": 2, "events_acted_on": 0},
                      "IMP-ENDED": {"events_stored": 2, "events_acted_on": 2}}

    prefect.answer()

    log = logged(state_dir)
    assert "hand-over of IMP-OPEN-1, IMP-OPEN-2 failed (" in log and PERSONAL[0] not in log


def test_import_caseload_with_no_hand_over_starts_no_background_process(ehc, state_dir, prefect, tmp_path):
    ehc("db", "upgrade")
    prefect.serve_for(state_dir)
    caseload = tmp_path / "caseload.csv"
    caseload.write_text(f"{HEADER}\nIMP-OPEN-1,2026-05-04,,,,,\n")

    done = ehc("import", "caseload", str(caseload), "--no-hand-over", "--json").json

    assert (done["imported"], done["handed_over"], done["orchestration"]) == (
        1, 0, "no open case handed to orchestration")
    assert not hand_over_log(state_dir).exists()


def test_review_record_returns_once_the_event_is_stored_and_hands_the_plan_over_in_the_background(
        ehc, state_dir, prefect, tmp_path):
    ehc("db", "upgrade")
    plans = tmp_path / "plans.csv"
    plans.write_text("plan_ref,case_ref,issued,last_review,year_group,setting\nPLN-BG-1,,2025-12-01,,6,URN-1\n")
    ehc("import", "plans", str(plans), "--no-hand-over", "--as-of", "2026-11-30")
    prefect.serve_for(state_dir)

    recorded = ehc("review", "record", "PLN-BG-1", "meeting-held", "--date", "2026-11-20", "--json").json

    assert recorded["orchestration"] == ("handed to orchestration in the background "
                                         "(`ehc review show` says when it is level)")
    assert prefect.reached.wait(WITHIN)
    assert ehc("review", "show", "PLN-BG-1", "--json").json["orchestration"] == {
        "events_stored": 2, "events_acted_on": 0}  # its arrival and the meeting

    prefect.answer()

    assert "hand-over of PLN-BG-1 failed (" in logged(state_dir)
    assert passes_parameters(state_dir) == [{"plan_ref": "PLN-BG-1"}]  # all Prefect is given of the plan
