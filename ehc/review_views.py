"""Plans in force as JSON objects (the CLI's contracts) and as text: a review's dates, a plan, a list of plans.

The review side of ehc/case_views.py; the web pages may read it too.
``review_timeline_json`` is the stable `ehc review timeline --json` contract:
``{"last": ..., "deadlines": {step: ReviewDeadline.as_contract()}}``, with
nothing else inside "deadlines".
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.plan_review import PhaseTransferView, PlanTimeline, ReviewDeadline, ReviewView
from domain.year_groups import PhaseTransfer
from ehc.case_views import STATUS_MARK, audit_text, audit_trail

if TYPE_CHECKING:
    from store.plans import PlanRecord


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _days(value: int | None) -> str:
    return "" if value is None else str(value)


# -- one review's dates: `ehc review timeline` -------------------------------------------------------------

def review_timeline_json(review: ReviewView, as_of: date, warnings: list[str]) -> dict:
    return {"last": review.last.isoformat(), "as_of": as_of.isoformat(),
            "deadlines": {step.value: deadline.as_contract() for step, deadline in review.deadlines.items()},
            "warnings": warnings}


def review_timeline_text(review: ReviewView, as_of: date, warnings: list[str]) -> str:
    if review.meeting:
        meeting = f"; meeting held {review.meeting}"
    elif review.meeting_planned:
        meeting = f"; meeting planned for {review.meeting_planned}"
    else:
        meeting = ""
    lines = [f"Plan issued or last reviewed {review.last}{meeting} - as of {as_of}", *deadlines_text(review)]
    return "\n".join([*lines, *(f"  Warning: {warning}" for warning in warnings)])


def deadlines_text(review: ReviewView) -> list[str]:
    """A review's dates as an aligned table, one line a step."""
    deadlines = list(review.deadlines.values())
    width = max(len("step"), *(len(deadline.title) for deadline in deadlines))
    lines = [f"  {'step':<{width}} {'reg':<10} {'statutory':<11} {'last w/day':<11} {'status':<10} days"]
    for deadline in deadlines:
        done = f" (done {deadline.done_on})" if deadline.done_on else ""
        lines.append(f"  {deadline.title:<{width}} {deadline.regulation:<10} {deadline.statutory!s:<11} "
                     f"{deadline.last_working_day!s:<11} {STATUS_MARK[deadline.status]:<10} "
                     f"{_days(deadline.days_remaining)}{done}")
    return lines


# -- a phase transfer: `ehc phase-transfer` -----------------------------------------------------------------

def phase_transfer_json(group: str, transfer: PhaseTransfer | None) -> dict:
    """The `ehc phase-transfer --json` contract: ``PhaseTransfer.as_dict()``, or no transfer ahead."""
    return transfer.as_dict() if transfer else {"year_group": group, "transfer": None}


def phase_transfer_text(group: str, transfer: PhaseTransfer | None, as_of: date) -> str:
    if transfer is None:
        return f"Year {group} as of {as_of}: no phase transfer ahead by year group"
    before = f"before {transfer.amend_before}, " if transfer.amend_before else ""
    left = (transfer.last_day - as_of).days
    countdown = f"{left} day(s) left" if left >= 0 else f"passed {-left} day(s) ago"
    return (f"Year {group} as of {as_of}: {transfer.transfer.replace('_', ' ')} in September {transfer.transfer_year}"
            f"\n  plan reviewed and amended {before}last day {transfer.last_day} (last working day "
            f"{transfer.last_working_day}), Reg {transfer.regulation}: {countdown}")


# -- a plan: `ehc review show`, `ehc review record`, `ehc reviews` -----------------------------------------

def deadline_json(deadline: ReviewDeadline) -> dict:
    return {"step": deadline.step.value, "title": deadline.title, **deadline.as_contract(),
            "done_on": _iso(deadline.done_on)}


def transfer_json(view: PhaseTransferView | None) -> dict | None:
    if view is None:
        return None
    return {**view.transfer.as_dict(), "in_transfer_year": view.in_transfer_year, "status": view.status.value,
            "days_remaining": view.days_remaining, "done_on": _iso(view.done_on),
            "meeting_target": _iso(view.meeting_target)}


def plan_summary_json(record: PlanRecord, timeline: PlanTimeline) -> dict:
    """A row of `ehc reviews`: references and dates, never the child's name."""
    plan = record.plan
    review_by = timeline.next_review_by
    return {
        "plan_ref": plan.plan_ref, "case_ref": plan.case_ref, "setting": plan.setting,
        "caseworker": plan.caseworker, "team": plan.team, "year_group": timeline.year_group,
        "stage": timeline.stage.value, "overdue": timeline.is_overdue,
        "next_review_by": deadline_json(review_by) if review_by else None,
        "next_due": _iso(timeline.next_due),
        "phase_transfer": transfer_json(timeline.phase_transfer),
    }


def plan_json(record: PlanRecord, timeline: PlanTimeline, orchestration: dict | None = None) -> dict:
    """`ehc review show --json`: the plan, who added it, how far orchestration has got with it (None when
    none is configured), every review with its dates, the phase transfer and the audit trail."""
    plan = record.plan
    return {
        **plan_summary_json(record, timeline),
        "as_of": timeline.as_of.isoformat(),
        "child_initials": record.child_initials,
        "issued": plan.issued.isoformat(), "last_review": _iso(plan.last_review),
        "year_group_recorded": {"year_group": plan.year_group, "academic_year": plan.year_group_year},
        "planned_post16_transfer": _iso(plan.planned_post16_transfer),
        "added": {"by": record.added_by, "at": record.added_at.isoformat() if record.added_at else None},
        "orchestration": orchestration,
        "reviews": [{
            "number": review.number, "last": review.last.isoformat(), "meeting": _iso(review.meeting),
            "meeting_planned": _iso(review.meeting_planned),
            "outcome": review.outcome.value if review.outcome else None,
            "representations_close": _iso(review.representations_close),
            "deadlines": {step.value: deadline_json(deadline) for step, deadline in review.deadlines.items()},
            "warnings": list(review.warnings),
        } for review in timeline.reviews],
        "targets": [{"name": target.name, "target": target.target.isoformat(), "basis": target.basis}
                    for target in timeline.targets],
        "ceased": _iso(timeline.ceased), "appeal_window_closes": _iso(timeline.appeal_window_closes),
        "events": audit_trail(record),
    }


def transfer_text(view: PhaseTransferView | None) -> str:
    if view is None:
        return "-"
    transfer = view.transfer
    status = STATUS_MARK[view.status] + (f" {view.days_remaining}d" if view.days_remaining is not None else "")
    return f"{transfer.transfer} {transfer.transfer_year}, last day {transfer.last_day} ({status})"


def plan_text(record: PlanRecord, timeline: PlanTimeline) -> str:
    plan = record.plan
    lines = [f"{plan.plan_ref}{f' ({record.child_initials})' if record.child_initials else ''}"
             f"{f', request {plan.case_ref}' if plan.case_ref else ''}: issued {plan.issued}"
             f"{f', last reviewed {plan.last_review} before import' if plan.last_review else ''}",
             f"  year group {timeline.year_group or 'past 13'} as of {timeline.as_of}; setting "
             f"{plan.setting or '- (attends none: Reg 21)'}; caseworker {plan.caseworker or '-'}, team "
             f"{plan.team or '-'}; stage {timeline.stage}"]
    if timeline.ceased:
        lines.append(f"  Ceased {timeline.ceased}; appeal window closes {timeline.appeal_window_closes}")
    for review in timeline.reviews:
        lines.append(f"Review {review.number}: period from {review.last}"
                     + (f", outcome {review.outcome}" if review.outcome else ""))
        lines += deadlines_text(review)
        lines += [f"  Warning: {warning}" for warning in review.warnings]
    lines.append(f"Phase transfer: {transfer_text(timeline.phase_transfer)}")
    if timeline.phase_transfer and timeline.phase_transfer.meeting_target:
        lines.append(f"  local target for its review meeting: {timeline.phase_transfer.meeting_target}")
    lines += [f"Target (NOT statutory) {target.name}: {target.target} - {target.basis}" for target in timeline.targets]
    lines.append(f"Events:\n{audit_text(record) or '  (none)'}")
    return "\n".join(lines)


def plans_text(found: list[tuple[PlanRecord, PlanTimeline]], as_of: date) -> str:
    """`ehc reviews` as a table: one line a plan."""
    lines = [f"{len(found)} plan(s) as of {as_of}",
             f"  {'plan':<16} {'setting':<14} {'yr':<3} {'stage':<18} {'review by':<11} {'next date':<11} "
             f"phase transfer"]
    for record, timeline in found:
        review_by = timeline.next_review_by
        lines.append(f"  {record.plan_ref:<16} {(record.plan.setting or '-')[:14]:<14} {timeline.year_group or '-':<3} "
                     f"{timeline.stage:<18} {_iso(review_by.statutory) if review_by else '-':<11} "
                     f"{_iso(timeline.next_due) or '-':<11} {transfer_text(timeline.phase_transfer)}")
    return "\n".join(lines)
