"""`ehc import plans`: the plans in force from a CSV file, all of them or none, then handed to orchestration.

The file is read and every row checked in one pass (ehc/imports/plans_csv.py);
then, in one transaction, what needs the store: a plan reference already
taken, a request not stored or whose final plan is dated otherwise. Every
problem is named by its line; after any, nothing is written. A good file is
written by one ``import_plans`` call, so 20,000 plans take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from domain.plan_review import PlanInForce
from domain.timeline import Status
from ehc.bootstrap import App
from ehc.imports.plans_csv import ImportDay, PlansRejected, parse_plan_row, plan_rows
from ehc.services.hand_over import HandOver, hand_over_plans
from ehc.services.reviews import find_plans

# Plans per hand-over: each may start a process of its own (a background hand-over), so few and large.
HAND_OVER_BATCH = 5_000


@dataclass(frozen=True)
class ImportedPlans:
    plan_refs: list[str]
    ignored_columns: list[str]


@dataclass(frozen=True)
class PlansInForce:
    """The store's plans in force as of a day: how many, how many with a review date passed, and how many
    whose phase transfer falls due this academic year and is not yet done."""

    in_force: int
    reviews_overdue: int
    phase_transfers_due: int


def import_plans_file(app: App, path: Path, as_of: date, actor: str) -> ImportedPlans:
    """Every plan in the file, or none (PlansRejected lists each bad line). Year groups are the children's in
    the academic year containing ``as_of``."""
    plans_file = plan_rows(path)
    day = ImportDay(as_of, app.clock.today())
    problems: list[tuple[int, str]] = []
    line_of: dict[str, int] = {}
    line_of_request: dict[str, int] = {}
    plans: list[PlanInForce] = []
    for line, cells in plans_file.rows:
        parsed = parse_plan_row(line, cells, plans_file.header, day)
        if isinstance(parsed, str):
            problems.append((line, parsed))
            continue
        repeated = [f"{column}: {value} is also on line {seen[value]}"
                    for column, value, seen in (("plan_ref", parsed.plan_ref, line_of),
                                                ("case_ref", parsed.case_ref, line_of_request))
                    if value in seen]
        if repeated:
            problems.append((line, f"line {line}: {'; '.join(repeated)}"))
            continue
        line_of[parsed.plan_ref] = line
        if parsed.case_ref:
            line_of_request[parsed.case_ref] = line
        plans.append(parsed)
    with app.unit_of_work() as work:
        for plan_ref in work.plans.stored_refs(list(line_of)):
            line = line_of[plan_ref]
            problems.append((line, f"line {line}: plan_ref: a plan {plan_ref} already exists in the store"))
        for plan_ref, (column, reason) in work.plans.request_problems(plans).items():
            line = line_of[plan_ref]
            problems.append((line, f"line {line}: {column}: {reason}"))
        if problems:  # raised inside the unit of work, so it is rolled back
            raise PlansRejected([problem for _, problem in sorted(problems, key=lambda p: p[0])])
        work.plans.import_plans(plans, actor, app.clock.now(), day.today)
    return ImportedPlans([plan.plan_ref for plan in plans], plans_file.ignored_columns)


def hand_over_imported(app: App, plan_refs: list[str]) -> HandOver:
    """Ask for a review pass over each plan, a batch at a time; after a batch that fails, the catch-up hands
    the rest over (as it does any plan orchestration has not acted on)."""
    handed, note = 0, "no plan handed to orchestration"
    for start in range(0, len(plan_refs), HAND_OVER_BATCH):
        done = hand_over_plans(app, plan_refs[start:start + HAND_OVER_BATCH])
        handed, note = handed + done.handed, done.note
        if not done.handed:
            break
    if handed and handed < len(plan_refs):
        note = f"{handed} of {len(plan_refs)} plan(s) handed to orchestration; then {note}"
    return HandOver(handed, note)


def plans_in_force(app: App, as_of: date) -> PlansInForce:
    found = find_plans(app, as_of)
    overdue = sum(1 for _, timeline in found if any(d.status is Status.OVERDUE for d in timeline.pending))
    transfers = sum(1 for _, timeline in found if timeline.transfer_due is not None)
    return PlansInForce(len(found), overdue, transfers)
