"""Plans in force as the web pages show them: the list of plans a person may see, and one plan with its reviews.

Access is checked here, by the rule requests follow (ehc/services/access.py), applied to the plan's ``team``:
a caseworker sees their team's plans, a manager their team's or every team's, an admin none; a plan with no
team only a manager who sees every team. A plan the viewer may not see is ``PlanHidden``, which the web app
answers exactly as a reference that does not exist. The dates are the domain's (``find_plans``, ``show_plan``
in ehc/services/reviews.py), as `ehc reviews` and `ehc review show` give them: nothing is worked out again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.plan_review import PlanTimeline
from domain.timeline import Status
from ehc.bootstrap import App
from ehc.services.access import Viewer, case_scope, may_see_case
from ehc.services.reviews import find_plans, show_plan
from store.plans import PlanRecord

PAGE_SIZE = 50


class PlanHidden(LookupError):
    """The plan exists but this viewer may not see it; shown exactly as a reference that does not exist."""


@dataclass(frozen=True)
class NextDate:
    """A plan's earliest statutory date still pending: a step of a review, or the phase transfer's last day."""

    title: str
    regulation: str
    statutory: date
    last_working_day: date
    status: Status
    days_remaining: int | None


@dataclass(frozen=True)
class PlanEntry:
    record: PlanRecord
    timeline: PlanTimeline
    next_date: NextDate | None


@dataclass(frozen=True)
class PlanFilter:
    """The filters of `ehc reviews`: each one given narrows the list."""

    due_within: int | None = None
    overdue: bool = False
    phase_transfer: int | None = None
    school: str | None = None
    caseworker: str | None = None


@dataclass(frozen=True)
class PlansPage:
    """A page of the plans answering the filters, and counts over all of them."""

    entries: list[PlanEntry]
    total: int
    overdue: int
    transfers_this_year: int  # plans whose phase transfer falls due in this academic year and is not yet done
    page: int
    pages: int


@dataclass(frozen=True)
class ReviewPage:
    record: PlanRecord
    timeline: PlanTimeline
    request_visible: bool  # the request the plan came from is stored and the viewer may open it


def next_date(timeline: PlanTimeline) -> NextDate | None:
    """The date ``timeline.next_due`` names, with what it is for, its status and days remaining."""
    found = [NextDate(deadline.title, deadline.regulation, deadline.statutory, deadline.last_working_day,
                      deadline.status, deadline.days_remaining) for deadline in timeline.pending]
    view = timeline.transfer_due
    if view is not None:
        transfer = view.transfer
        found.append(NextDate("Plan amended for the phase transfer", transfer.regulation, transfer.last_day,
                              transfer.last_working_day, view.status, view.days_remaining))
    return min(found, key=lambda found_date: found_date.statutory, default=None)


def plans_page(app: App, viewer: Viewer, as_of: date, wanted: PlanFilter, *, page: int = 1) -> PlansPage:
    """Page ``page`` (from 1) of the plans in force answering ``wanted`` within the viewer's teams, earliest
    statutory date first; a page past the end is the last."""
    scope = case_scope(viewer, app.settings)
    if not scope.sees_cases:
        return PlansPage([], 0, 0, 0, 1, 1)
    found = find_plans(app, as_of, due_within=wanted.due_within, overdue=wanted.overdue,
                       phase_transfer=wanted.phase_transfer, school=wanted.school, caseworker=wanted.caseworker,
                       teams=None if scope.all_teams else sorted(scope.teams))
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    return PlansPage(
        entries=[PlanEntry(record, timeline, next_date(timeline)) for record, timeline in shown],
        total=len(found), overdue=sum(timeline.is_overdue for _, timeline in found),
        transfers_this_year=sum(timeline.transfer_due is not None for _, timeline in found), page=page, pages=pages)


def visible_plan(app: App, viewer: Viewer, plan_ref: str, as_of: date) -> tuple[PlanRecord, PlanTimeline]:
    """The plan and its timeline, as ``show_plan`` gives them, for a viewer who may see it.

    PlanNotFound (store.plans) for an unknown reference; PlanHidden for one of a team the viewer may not see."""
    record, timeline = show_plan(app, plan_ref, as_of)
    if not may_see_case(viewer, record.plan.team, app.settings):
        raise PlanHidden(plan_ref)
    return record, timeline


def review_page(app: App, viewer: Viewer, plan_ref: str, as_of: date) -> ReviewPage:
    """PlanNotFound (store.plans) for an unknown reference; PlanHidden for one of a team the viewer may not see."""
    record, timeline = visible_plan(app, viewer, plan_ref, as_of)
    request_visible = False
    if record.plan.case_ref is not None:
        with app.unit_of_work() as work:
            requests = work.cases.get_many([record.plan.case_ref], audit=False)
        request_visible = bool(requests) and may_see_case(viewer, requests[0].team, app.settings)
    return ReviewPage(record, timeline, request_visible)
