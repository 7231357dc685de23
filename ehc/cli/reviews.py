"""`ehc review timeline|record|void|show|resync`, `ehc reviews` and `ehc phase-transfer`: plans in force.

`ehc review timeline` and `ehc phase-transfer` are calculators, like
`ehc timeline`: they store nothing and read only the LA's config, so they
start quickly. The rest work on the plans store through ehc/services/reviews.py,
with the refusals and audit of `ehc case record`.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

import typer

from domain.plan_events import RECORDABLE_PLAN_EVENTS
from domain.plan_review import ReviewRecord, review_view
from domain.year_groups import UnknownYearGroup, parse_year_group
from ehc.cli.common import ActorOption, AsOfOption, JsonOption, actor_name, as_of_day, command_app, emit, refusals
from ehc.parse import FieldProblems, InputError, parse_case_date, parse_optional_case_date

review_app = typer.Typer(help="Plans in force: a review's dates, record its events, show a plan.",
                         no_args_is_help=True)
PlanArgument = typer.Argument(..., help="The plan's reference (capitals or not: p-001 is P-001).")
EVENT_NAMES = ", ".join(event.replace("_", "-") for event in RECORDABLE_PLAN_EVENTS)


@review_app.command("timeline")
def review_timeline(
    last: str = typer.Option(..., "--last", help="The day the plan was issued or last reviewed: the 12-month "
                                                 "period starts with it (CFA s44(1))."),
    meeting: Optional[str] = typer.Option(None, "--meeting", help="The review meeting, held (on or before "
                                          "--as-of) or planned: adds the notice, advice, report and decision "
                                          "dates."),
    proposals_sent: Optional[str] = typer.Option(None, "--proposals-sent", help="The day the proposed amendments "
                                                 "were sent, with the decision to amend: adds the amended plan "
                                                 "(Reg 22(3))."),
    not_at_school: bool = typer.Option(False, "--not-at-school", help="The child or young person attends no "
                                       "school or other institution: Reg 21's paragraphs instead of Reg 20's."),
    as_of: Optional[str] = AsOfOption,
    json_output: bool = JsonOption,
) -> None:
    """A review's statutory dates, without storing anything."""
    with refusals(json_output):
        review = ReviewRecord(1, parse_case_date("--last", last))
        meeting_day = parse_optional_case_date("--meeting", meeting)
        proposals = parse_optional_case_date("--proposals-sent", proposals_sent)
        if meeting_day is not None and meeting_day <= review.last:
            raise InputError(f"--meeting: a review meeting on {meeting_day} is not after --last, {review.last} "
                             f"(the review period starts with that day)")
        if proposals is not None and meeting_day is None:
            raise InputError("--proposals-sent: proposed amendments follow a review meeting; give --meeting")
        if proposals is not None and meeting_day is not None and proposals < meeting_day:
            raise InputError(f"--proposals-sent: {proposals} is before the review meeting on {meeting_day}")
        day = as_of_day(as_of)
        _as_it_stood(review, meeting_day, proposals, day)
        from ehc.bootstrap import bootstrap
        from ehc.review_views import review_timeline_json, review_timeline_text

        calendar = bootstrap().calendar
        view = review_view(review, calendar, day, in_school=not not_at_school, ceased=None)
        warnings = list(view.warnings)  # a date in a year the bank-holiday data may not cover among them
        emit(json_output, review_timeline_json(view, day, warnings), review_timeline_text(view, day, warnings))


def _as_it_stood(review: ReviewRecord, meeting: date | None, proposals: date | None, as_of: date) -> None:
    """The review as known at the end of ``as_of``: a meeting by then was held (the plan reviewed that day),
    a later one is planned. Proposals sent by then went with the decision to amend (R (L, M, P) v Devon CC
    [2022] EWHC 493 (Admin)); the amended plan is due 8 weeks from them either way."""
    from domain.plan_events import ReviewOutcome

    if meeting is not None and meeting <= as_of:
        review.meeting = meeting
    else:
        review.meeting_planned = meeting
    review.proposals = proposals
    if proposals is not None and proposals <= as_of:
        review.decision, review.outcome = proposals, ReviewOutcome.AMEND


def phase_transfer(
    year_group: str = typer.Option(..., "--year-group", help="The child's National Curriculum year group this "
                                   "academic year: N1, N2, R, 1 to 13 (Y6 is 6)."),
    as_of: Optional[str] = AsOfOption,
    json_output: bool = JsonOption,
) -> None:
    """The child's next phase transfer and the day the plan must be amended by (Reg 18), storing nothing."""
    with refusals(json_output):
        try:
            group = parse_year_group(year_group)
        except UnknownYearGroup as error:
            raise InputError(f"--year-group: {error}") from None
        day = as_of_day(as_of)
        from domain.year_groups import next_transfer
        from ehc.bootstrap import bootstrap
        from ehc.review_views import phase_transfer_json, phase_transfer_text

        app_ = bootstrap()
        transfer = next_transfer(group, day, app_.review_settings.transfer_points, app_.calendar)
        text = phase_transfer_text(group, transfer, day)
        coverage = transfer and app_.calendar.coverage_warning([transfer.last_day])
        emit(json_output, phase_transfer_json(group, transfer), text + (f"\n  Warning: {coverage}" if coverage else ""))


@review_app.command("record")
def review_record(
    plan_ref: str = PlanArgument,
    event: str = typer.Argument(..., help=f"One of: {EVENT_NAMES}."),
    on: str = typer.Option(..., "--date", help="The date it happened (YYYY-MM-DD)."),
    outcome: Optional[str] = typer.Option(None, "--outcome", help="decision: maintain, amend or cease."),
    meeting: Optional[str] = typer.Option(None, "--meeting", help="meeting-notice-sent: the day of the meeting "
                                          "the notice is for (YYYY-MM-DD)."),
    actor: Optional[str] = ActorOption,
    json_output: bool = JsonOption,
) -> None:
    """Record what happened in a plan's review. Back-dated events are fine; impossible ones are refused."""
    with refusals(json_output):
        plan_ref = _plan_ref(plan_ref)
        event_type = event.replace("-", "_")
        if event_type not in RECORDABLE_PLAN_EVENTS:
            raise InputError(f"EVENT: {event!r} is not one of {EVENT_NAMES}")
        day = parse_case_date("--date", on)
        meeting_day = parse_optional_case_date("--meeting", meeting)
        if meeting_day is not None and meeting_day < day:
            raise InputError(f"--meeting: {meeting_day} is before the notice of it, --date {day}")
        options = {"outcome": outcome, "meeting": meeting_day}
        from ehc.services import reviews

        app_ = command_app()
        new_event = reviews.review_event_from_options(event_type, day, options)
        done = reviews.record_review_event(app_, plan_ref, new_event, actor_name(app_.actor, actor))
        _emit_change(json_output, done, f"recorded {event_type.replace('_', ' ')} on {day}")


@review_app.command("void")
def review_void(
    plan_ref: str = PlanArgument,
    sequence: int = typer.Argument(..., help="The event's number, as `ehc review show` lists it (#N)."),
    reason: str = typer.Option(..., "--reason", help="Why it is voided (kept in the audit trail)."),
    actor: Optional[str] = ActorOption,
    json_output: bool = JsonOption,
) -> None:
    """Void a mistaken review event: a correction is appended and the event is taken as never having happened."""
    with refusals(json_output):
        plan_ref = _plan_ref(plan_ref)
        from ehc.services import reviews

        app_ = command_app()
        try:
            done = reviews.void_review_event(app_, plan_ref, sequence, reason, actor_name(app_.actor, actor))
        except FieldProblems as error:  # the event's number is an argument here, not `ehc case void`'s --event
            raise InputError(error.worded({"event": "N", "reason": "--reason"})) from None
        _emit_change(json_output, done, f"voided event #{sequence}")


@review_app.command("show")
def review_show(plan_ref: str = PlanArgument, as_of: Optional[str] = AsOfOption,
                json_output: bool = JsonOption) -> None:
    """The plan: its year group now, every review with its dates, the phase transfer, and its audit trail."""
    with refusals(json_output):
        plan_ref = _plan_ref(plan_ref)
        day = as_of_day(as_of)
        from ehc.bootstrap import bootstrap
        from ehc.review_views import plan_json, plan_text
        from ehc.services.review_orchestration import plan_level
        from ehc.services.reviews import show_plan

        app_ = bootstrap()
        record, timeline = show_plan(app_, plan_ref, day)
        level = plan_level(app_, record)
        text = plan_text(record, timeline) + (f"\norchestration: {level.describe()}" if level else "")
        emit(json_output, plan_json(record, timeline, level.as_dict() if level else None), text)


@review_app.command("resync")
def review_resync(plan_ref: str = PlanArgument, json_output: bool = JsonOption) -> None:
    """Hand the plan to orchestration again: a review pass acts on any event it has not."""
    with refusals(json_output):
        plan_ref = _plan_ref(plan_ref)
        from ehc.services.hand_over import hand_over_plans
        from ehc.services.reviews import show_plan

        app_ = command_app()
        show_plan(app_, plan_ref, app_.clock.today())  # PlanNotFound before anything is handed over
        note = hand_over_plans(app_, [plan_ref]).note
        emit(json_output, {"plan_ref": plan_ref, "orchestration": note}, note)


def reviews(
    due_within: Optional[int] = typer.Option(None, "--due-within", min=0, help="A statutory date (the phase "
                                             "transfer's among them) within N days."),
    overdue: bool = typer.Option(False, "--overdue", help="A statutory date already missed."),
    phase_transfer_year: Optional[int] = typer.Option(None, "--phase-transfer", min=2014, max=2099,
                                                      help="Children transferring in September of this year."),
    school: Optional[str] = typer.Option(None, "--school", help="Only plans at this school or setting (its id, "
                                         "capitals or not)."),
    caseworker: Optional[str] = typer.Option(None, "--caseworker", help="Only this caseworker's plans (capitals "
                                             "or not)."),
    as_of: Optional[str] = AsOfOption,
    json_output: bool = JsonOption,
) -> None:
    """The plans in force, earliest statutory date first: next review, next date, phase transfer."""
    with refusals(json_output):
        day = as_of_day(as_of)
        from ehc.bootstrap import bootstrap
        from ehc.review_views import plan_summary_json, plans_text
        from ehc.services.reviews import find_plans

        found = find_plans(bootstrap(), day, due_within=due_within, overdue=overdue,
                           phase_transfer=phase_transfer_year, school=school, caseworker=caseworker)
        rows = [plan_summary_json(record, timeline) for record, timeline in found]
        emit(json_output, {"as_of": day.isoformat(), "count": len(rows), "plans": rows}, plans_text(found, day))


def _plan_ref(text: str) -> str:
    from ehc.imports.plans_csv import parse_plan_ref

    return parse_plan_ref("PLAN", text)


def _emit_change(json_output: bool, done, what: str) -> None:
    from ehc.review_views import plan_summary_json

    warnings = [warning for review in done.timeline.reviews for warning in review.warnings]
    review_by = done.timeline.next_review_by
    next_review = f"; next review by {review_by.statutory}" if review_by else ""
    emit(json_output, {**plan_summary_json(done.record, done.timeline), "orchestration": done.orchestration,
                       "warnings": warnings},
         "\n".join([f"{done.record.plan_ref}: {what}; stage {done.timeline.stage}{next_review}",
                    *(f"Warning: {warning}" for warning in warnings), done.orchestration]))
