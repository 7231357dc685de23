"""Timelines and cases as JSON objects (the stable CLI contract) and as text."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.rules import Step
from domain.timeline import AdviceDeadline, Deadline, ExceptionView, Timeline

if TYPE_CHECKING:
    from domain.rag import Rag
    from store.cases import CaseRecord


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def deadline_json(deadline: Deadline) -> dict:
    data = {
        "statutory": _iso(deadline.statutory),
        "last_working_day": _iso(deadline.last_working_day),
        "regulation": deadline.regulation,
        "status": deadline.status.value,
        "days_remaining": deadline.days_remaining,
        "done_on": _iso(deadline.done_on),
        "exceptions": [limb.value for limb in deadline.exceptions],
    }
    if isinstance(deadline, AdviceDeadline):
        data = {"requested": _iso(deadline.requested), **data, "key": deadline.key, "agency": deadline.agency,
                "contributor": deadline.contributor}
    return data


def timeline_json(timeline: Timeline) -> dict:
    """The `ehc timeline --json` contract, plus status and the non-statutory extras."""
    return {
        "received": _iso(timeline.received),
        "as_of": _iso(timeline.as_of),
        "stage": timeline.stage.value,
        "week": timeline.week,
        "exceptions_apply": timeline.exceptions_apply,
        "deadlines": {step.value: deadline_json(deadline) for step, deadline in timeline.deadlines.items()},
        "advice": [deadline_json(advice) for advice in timeline.advice],
        "consultations": [
            {"setting": c.setting, "sent": _iso(c.sent), "target": _iso(c.target),
             "last_working_day": _iso(c.last_working_day), "status": c.status.value,
             "days_remaining": c.days_remaining, "basis": c.basis}
            for c in timeline.consultations
        ],
        "exceptions": [
            {"limb": e.limb.value, "start": _iso(e.start), "end": _iso(e.end), "advice": e.advice,
             "evidence": e.evidence, "detected_from_closures": e.detected_from_closures,
             "qualifies": e.qualifies, "not_qualifying_because": e.not_qualifying_because,
             "steps": [step.value for step in e.steps], "advice_requests": list(e.advice_requests)}
            for e in timeline.exceptions
        ],
        "non_statutory_adjusted_targets": {
            target.step.value: {"target": _iso(target.target), "basis": target.basis}
            for target in timeline.adjusted_targets
        },
        "warnings": list(timeline.warnings),
    }


def case_summary_json(record: CaseRecord, timeline: Timeline, rag: Rag | None) -> dict:
    """A row of `ehc cases`: the reference, never the child's name. ``rag``: ``domain.rag.rag_of`` the timeline
    under the LA's policy (None for a closed case), so the row agrees with the weekly report and the alerts."""
    next_due = timeline.next_due
    return {
        "case_ref": record.reference,
        "received": _iso(record.received),
        "stage": timeline.stage.value,
        "week": timeline.week,
        "rag": rag.value if rag else None,
        "caseworker": record.caseworker,
        "team": record.team,
        "exceptions_apply": timeline.exceptions_apply,
        "overdue": timeline.is_overdue,
        "next_due": None if next_due is None else {
            "step": next_due.step.value, "title": next_due.title, "statutory": _iso(next_due.statutory),
            "last_working_day": _iso(next_due.last_working_day), "days_remaining": next_due.days_remaining,
            "regulation": next_due.regulation,
        },
    }


def case_json(record: CaseRecord, timeline: Timeline) -> dict:
    return {
        "case_ref": record.reference,
        "child": {"given_name": record.child_given_name, "family_name": record.child_family_name,
                  "date_of_birth": _iso(record.child_date_of_birth), "initials": record.child_initials},
        "caseworker": record.caseworker,
        "team": record.team,
        "setting": record.setting,
        "timeline": timeline_json(timeline),
        "events": audit_trail(record),
    }


def audit_trail(record: CaseRecord) -> list[dict]:
    """The audit trail, every event as recorded; one voided since carries ``voided_by``, the void's sequence."""
    voided_by = {entry["details"]["sequence"]: entry["sequence"] for entry in record.audit
                 if entry["type"] == "event_voided"}
    return [{**entry, "voided_by": voided_by[entry["sequence"]]} if entry["sequence"] in voided_by else dict(entry)
            for entry in record.audit]


def audit_text(record: CaseRecord) -> str:
    lines = []
    for entry in audit_trail(record):
        details = entry["details"]
        if entry["type"] == "event_voided":
            what = (f"VOID of #{details['sequence']} ({details['voided_type'].replace('_', ' ')} on "
                    f"{details['voided_on']}): {details['reason']}")
        elif entry["type"] == "case_reassigned":
            what = "reassigned to " + ", ".join(f"{name} {details[name]}" for name in ("caseworker", "team", "setting")
                                                if name in details)
        else:
            what = entry["type"] + (f" {details}" if details else "")
        voided = f" [voided by #{entry['voided_by']}]" if "voided_by" in entry else ""
        lines.append(f"  #{entry['sequence']} {entry['date']} {what} by {entry['actor']} at {entry['recorded_at']}"
                     f"{voided}")
    return "\n".join(lines)


STATUS_MARK = {
    "done_on_time": "done", "done_late": "DONE LATE", "open": "open", "overdue": "OVERDUE",
    "not_required": "n/a", "closed": "closed",
}


def _what_it_excuses(exception: ExceptionView) -> str:
    if not exception.qualifies:
        return f"does not qualify - {exception.not_qualifying_because}"
    covered = [step.replace("_", " ") for step in exception.steps if step is not Step.ADVICE]
    covered += [f"advice from {key}" for key in exception.advice_requests]
    return "covers: " + (", ".join(covered) or "no step (it overlaps no step's statutory period)")


def timeline_text(timeline: Timeline) -> str:
    lines = [f"Received {timeline.received} - week {timeline.week} as of {timeline.as_of} - stage: {timeline.stage}"]
    if timeline.exceptions_apply:
        lines.append("Exception applies (Reg 10(4)): statutory dates unchanged; see adjusted targets below.")
    deadlines = (*timeline.deadlines.values(), *timeline.advice)
    consultations = [(f"Consultation {c.setting}", c) for c in timeline.consultations]
    width = max([len("step"), *(len(d.title) for d in deadlines), *(len(step) for step, _ in consultations)])
    lines.append(f"  {'step':<{width}} {'reg':<9} {'statutory':<11} {'last w/day':<11} {'status':<10} days")
    for deadline in deadlines:
        days = "" if deadline.days_remaining is None else str(deadline.days_remaining)
        done = f" (done {deadline.done_on})" if deadline.done_on else ""
        lines.append(f"  {deadline.title:<{width}} {deadline.regulation:<9} {deadline.statutory!s:<11} "
                     f"{deadline.last_working_day!s:<11} {STATUS_MARK[deadline.status]:<10} {days}{done}")
    for step, consultation in consultations:
        lines.append(f"  {step:<{width}} guidance  {consultation.target!s:<11} "
                     f"{consultation.last_working_day!s:<11} {STATUS_MARK[consultation.status]}")
    for exception in timeline.exceptions:
        source = "detected from closures" if exception.detected_from_closures else "recorded"
        lines.append(f"  Exception {exception.limb} from {exception.start} to {exception.end or '(open)'} ({source}): "
                     f"{_what_it_excuses(exception)}")
    for target in timeline.adjusted_targets:
        lines.append(f"  Adjusted target (NOT statutory) for {target.step}: {target.target or 'unknown'} - {target.basis}")
    lines += [f"  Warning: {warning}" for warning in timeline.warnings]
    return "\n".join(lines)
