"""`ehc demo`: a synthetic caseload carried through intake, import and casework.

Runs on embedded defaults (SQLite in a fresh state directory) and writes
what a casework team would look at: the overdue list, what is due in the next
fortnight, and one case's timeline.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from config.settings import Settings
from domain.events import (
    CaseEvent, Decision, DraftServed, ExceptionEnded, ExceptionStarted, FinalIssued, NoPlanNotice, Received, Withdrawn,
)
from domain.intake import NewRequest
from ehc.bootstrap import bootstrap
from ehc.caseload_csv import read_caseload
from ehc.clock import now_utc
from ehc.render import case_summary_json, timeline_text
from ehc.synthetic import SYNTHETIC_CONTRIBUTORS, synthetic_caseload
from store.db import upgrade

MARKER = ".ehc-demo"
DEMO_ACTOR = "demo"
# Events the caseload CSV carries; everything else is recorded as live casework.
IMPORTED = (Received, Decision, DraftServed, FinalIssued, NoPlanNotice, Withdrawn)


@dataclass
class DemoResult:
    state_dir: Path
    database_url: str
    outputs: dict[str, Path]
    stages: dict[str, int]
    overdue: int
    due_within_14: int


def run_demo(state_dir: Path, as_of: date, count: int, say: Callable[[str], None]) -> DemoResult:
    steps = 6
    say(f"[1/{steps}] Fresh state directory {state_dir}")
    _fresh(state_dir)
    app = bootstrap(Settings(state_dir=state_dir, database_url=None))
    upgrade(app.engine)

    say(f"[2/{steps}] Contributor directory: {len(SYNTHETIC_CONTRIBUTORS)} advice givers")
    with app.store() as store:
        for contributor in SYNTHETIC_CONTRIBUTORS:
            store.add_contributor(contributor.code, contributor.name, contributor.agency.value)

    caseload = synthetic_caseload(count, as_of)
    csv_path = state_dir / "caseload.csv"
    say(f"[3/{steps}] Importing {count} requests received over the 30 weeks to {as_of} from {csv_path.name}")
    _write_caseload_csv(csv_path, caseload)
    with app.store() as store:
        store.import_caseload(read_caseload(csv_path).cases, DEMO_ACTOR, now_utc())

    live = [(request.reference, event) for request, events in caseload for event in events
            if not isinstance(event, IMPORTED) and not _is_imported_exception(event)]
    say(f"[4/{steps}] Recording {len(live)} casework events (advice, consultations, representations)")
    for done, (reference, event) in enumerate(sorted(live, key=lambda item: item[1].on), start=1):
        with app.store() as store:
            store.record(reference, event, DEMO_ACTOR, now_utc())
        if done % 250 == 0 or done == len(live):
            say(f"       {done}/{len(live)}")

    say(f"[5/{steps}] Caseload views as of {as_of}")
    outputs = {"database": state_dir / "ehc.sqlite3", "caseload_csv": csv_path}
    with app.store() as store:
        everything = store.find(as_of)
        overdue = store.find(as_of, overdue=True)
        due_soon = store.find(as_of, due_within=14)
        example = next((record for record, timeline in overdue if timeline.advice), None)
        if example is not None:
            outputs["example_timeline"] = state_dir / f"timeline-{example.reference}.txt"
            outputs["example_timeline"].write_text(timeline_text(store.timeline(example.events, as_of)) + "\n")
    for name, found in (("overdue", overdue), ("due_within_14_days", due_soon)):
        outputs[name] = state_dir / f"{name}.json"
        rows = [case_summary_json(record, timeline) for record, timeline in found]
        outputs[name].write_text(json.dumps({"as_of": as_of.isoformat(), "cases": rows}, indent=2) + "\n")
    stages = Counter(timeline.stage.value for _, timeline in everything)

    say(f"[6/{steps}] Done")
    return DemoResult(state_dir, app.settings.effective_database_url, outputs, dict(stages),
                      len(overdue), len(due_soon))


def _fresh(state_dir: Path) -> None:
    """Start clean, but only ever delete a directory an earlier demo made."""
    if state_dir.exists():
        if not (state_dir / MARKER).exists():
            raise FileExistsError(f"{state_dir} exists and is not a demo state directory; choose another --state-dir")
        shutil.rmtree(state_dir)
    state_dir.mkdir(parents=True)
    (state_dir / MARKER).write_text("made by `ehc demo`; deleted by the next demo run\n")


def _is_imported_exception(event: CaseEvent) -> bool:
    return isinstance(event, (ExceptionStarted, ExceptionEnded)) and event.limb.is_case_exception


def _write_caseload_csv(path: Path, caseload: list[tuple[NewRequest, list[CaseEvent]]]) -> None:
    columns = ["case_ref", "received", "decision", "decision_date", "draft_served", "final_issued",
               "no_plan_notice", "withdrawn", "exception", "exception_start", "exception_end",
               "caseworker", "team", "setting", "child_given_name", "child_family_name", "child_date_of_birth"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for request, events in caseload:
            row = {"case_ref": request.reference, "received": request.received, "caseworker": request.caseworker,
                   "team": request.team, "setting": request.setting, "child_given_name": request.child_given_name,
                   "child_family_name": request.child_family_name,
                   "child_date_of_birth": request.child_date_of_birth}
            for event in events:
                if isinstance(event, Decision):
                    row.update(decision=event.outcome.value, decision_date=event.on)
                elif isinstance(event, (DraftServed, FinalIssued, NoPlanNotice, Withdrawn)):
                    row[event.type] = event.on
                elif isinstance(event, ExceptionStarted) and event.limb.is_case_exception:
                    row.update(exception=event.limb.value, exception_start=event.on)
                elif isinstance(event, ExceptionEnded) and event.limb.is_case_exception:
                    row["exception_end"] = event.on
            writer.writerow(row)
