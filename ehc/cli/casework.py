"""`ehc request add`, `ehc case record|resync|show` and `ehc cases`: intake and casework."""

from __future__ import annotations

from typing import Optional

import typer

from domain.closures import SettingKind
from domain.events import RECORDABLE_EVENT_TYPES, Agency
from domain.rules import Limb
from domain.timeline import Stage
from ehc.cli.common import (
    ActorOption, AsOfOption, JsonOption, ReferenceArgument, actor_name, as_of_day, command_app, emit, refusals,
)
from ehc.parse import InputError, describe_validation, parse_case_date, parse_optional_date, parse_reference

request_app = typer.Typer(help="Requests for an EHC needs assessment.", no_args_is_help=True)
case_app = typer.Typer(help="One case: record events, show it.", no_args_is_help=True)


# Refusals name the option the person typed, not the model's field.
REQUEST_OPTIONS = {"reference": "REFERENCE", "received": "--received", "child_given_name": "--child-given-name",
                   "child_family_name": "--child-family-name", "child_date_of_birth": "--child-date-of-birth",
                   "caseworker": "--caseworker", "team": "--team", "setting": "--setting"}


@request_app.command("add")
def request_add(
    reference: str = typer.Argument(..., help="The LA's case reference (kept in capitals)."),
    received: str = typer.Option(..., "--received", help="Date the LA received the request (YYYY-MM-DD)."),
    child_given_name: Optional[str] = typer.Option(None, "--child-given-name", help="The child's given name (kept "
                                                   "with the case, shown only by `ehc case show`)."),
    child_family_name: Optional[str] = typer.Option(None, "--child-family-name", help="The child's family name."),
    child_date_of_birth: Optional[str] = typer.Option(None, "--child-date-of-birth",
                                                      help="The child's date of birth (YYYY-MM-DD)."),
    caseworker: Optional[str] = typer.Option(None, "--caseworker", help="The caseworker who has the case."),
    team: Optional[str] = typer.Option(None, "--team", help="The SEND team the case belongs to."),
    setting: Optional[str] = typer.Option(None, "--setting", help="The child's school or setting (its id)."),
    actor: Optional[str] = ActorOption,
    json_output: bool = JsonOption,
) -> None:
    """Record a new request for an EHC needs assessment: the 20 weeks start here."""
    from pydantic import ValidationError

    from domain.intake import NewRequest

    with refusals(json_output):
        try:
            request = NewRequest(
                reference=reference, received=parse_case_date("--received", received),
                child_given_name=child_given_name, child_family_name=child_family_name,
                child_date_of_birth=parse_optional_date("--child-date-of-birth", child_date_of_birth),
                caseworker=caseworker, team=team, setting=setting,
            )
        except ValidationError as error:
            raise InputError(describe_validation(error, REQUEST_OPTIONS)) from error
        from domain.rag import rag_of
        from ehc.case_views import case_summary_json
        from ehc.services import casework

        app_ = command_app()
        done = casework.add_request(app_, request, actor_name(app_.actor, actor))
        decision = done.timeline.deadlines["decision_to_assess"]
        row = case_summary_json(done.record, done.timeline, rag_of(done.timeline, app_.policy, app_.calendar))
        emit(json_output, {**row, "orchestration": done.orchestration},
              f"{done.record.reference}: received {done.record.received}; decision due {decision.statutory} "
              f"(last working day {decision.last_working_day})\n{done.orchestration}")


@case_app.command("record")
def case_record(
    reference: str = ReferenceArgument,
    event: str = typer.Argument(..., help="One of: " + ", ".join(e.replace("_", "-") for e in RECORDABLE_EVENT_TYPES)),
    on: str = typer.Option(..., "--date", help="The date it happened (YYYY-MM-DD)."),
    outcome: Optional[str] = typer.Option(None, "--outcome", help="decision: assess or not_assess."),
    agency: Optional[str] = typer.Option(None, "--agency", help="advice: " + ", ".join(Agency)),
    contributor: Optional[str] = typer.Option(None, "--contributor", help="advice: the contributor's code."),
    setting: Optional[str] = typer.Option(None, "--setting", help="consultation, or advice from a setting."),
    setting_kind: Optional[str] = typer.Option(None, "--setting-kind", help="advice from a setting: "
                                               + ", ".join(SettingKind)),
    limb: Optional[str] = typer.Option(None, "--limb", help="exception: " + ", ".join(Limb)),
    advice: Optional[str] = typer.Option(None, "--advice", help="advice-received, or a Reg 8(2) exception: the "
                                         "advice request's key, as `ehc case show` lists it."),
    evidence: Optional[str] = typer.Option(None, "--evidence", help="exception: what shows it applies."),
    actor: Optional[str] = ActorOption,
    json_output: bool = JsonOption,
) -> None:
    """Record what happened on a case. Back-dated events are fine; impossible ones are refused."""
    with refusals(json_output):
        event_type = event.replace("-", "_")
        if event_type not in RECORDABLE_EVENT_TYPES:
            raise InputError(f"EVENT: {event!r} is not one of "
                             f"{', '.join(e.replace('_', '-') for e in RECORDABLE_EVENT_TYPES)}")
        day = parse_case_date("--date", on)
        reference = parse_reference("REFERENCE", reference)
        from domain.rag import rag_of
        from ehc.case_views import case_summary_json
        from ehc.services import casework

        app_ = command_app()
        options = {"outcome": outcome, "agency": agency, "contributor": contributor, "setting": setting,
                   "setting_kind": setting_kind, "limb": limb, "advice": advice, "evidence": evidence}
        new_event = casework.event_from_options(app_, reference, event_type, day, options)
        done = casework.record_event(app_, reference, new_event, actor_name(app_.actor, actor))
        row = case_summary_json(done.record, done.timeline, rag_of(done.timeline, app_.policy, app_.calendar))
        emit(json_output, {**row, "orchestration": done.orchestration, "warnings": list(done.warnings)},
              "\n".join([f"{reference}: recorded {event_type.replace('_', ' ')} on {day}; stage {done.timeline.stage}",
                         *(f"Warning: {warning}" for warning in done.warnings), done.orchestration]))


@case_app.command("resync")
def case_resync(reference: str = ReferenceArgument, json_output: bool = JsonOption) -> None:
    """Hand the case to orchestration again: a pass acts on any event it has not (one with nothing new does
    nothing)."""
    from ehc.services import casework

    with refusals(json_output):
        outcome = casework.resync(command_app(), parse_reference("REFERENCE", reference))
        emit(json_output, {"case_ref": reference, "orchestration": outcome}, outcome)


@case_app.command("show")
def case_show(reference: str = ReferenceArgument, as_of: Optional[str] = AsOfOption,
              json_output: bool = JsonOption) -> None:
    """The case's timeline, exceptions and audit trail."""
    from ehc.bootstrap import bootstrap
    from ehc.case_views import audit_text, case_json, timeline_text
    from ehc.services import casework

    with refusals(json_output):
        day = as_of_day(as_of)
        app_ = bootstrap()
        record, timeline = casework.show_case(app_, parse_reference("REFERENCE", reference), day)
        level = casework.orchestration_level(app_, record)
        emit(json_output, {**case_json(record, timeline), "orchestration": level.as_dict() if level else None},
              f"{record.reference} ({record.child_initials}), caseworker {record.caseworker or '-'}, "
              f"team {record.team or '-'}, setting {record.setting or '-'}\n{timeline_text(timeline)}\n"
              f"Orchestration: {level.describe() if level else 'none configured'}\n"
              f"Events:\n{audit_text(record)}")


@case_app.command("void")
def case_void(
    reference: str = ReferenceArgument,
    sequence: int = typer.Option(..., "--event", help="The event's sequence, as `ehc case show --json` lists it."),
    reason: str = typer.Option(..., "--reason", help="Why it is voided (kept in the audit trail)."),
    actor: Optional[str] = ActorOption,
    json_output: bool = JsonOption,
) -> None:
    """Void a mistaken event: a correction is appended and the event is taken as never having happened."""
    with refusals(json_output):
        reference = parse_reference("REFERENCE", reference)
        from ehc.services import casework

        app_ = command_app()
        done = casework.void_event(app_, reference, sequence, reason, actor_name(app_.actor, actor))
        _emit_change(app_, json_output, done, f"voided event #{sequence}")


@case_app.command("reassign")
def case_reassign(
    reference: str = ReferenceArgument,
    caseworker: Optional[str] = typer.Option(None, "--caseworker", help="The new caseworker."),
    team: Optional[str] = typer.Option(None, "--team", help="The new team."),
    setting: Optional[str] = typer.Option(None, "--setting", help="The child's new school or setting (its id)."),
    actor: Optional[str] = ActorOption,
    json_output: bool = JsonOption,
) -> None:
    """Pass the case to another caseworker, team or setting (at least one option), as an audited event."""
    with refusals(json_output):
        reference = parse_reference("REFERENCE", reference)
        if caseworker is None and team is None and setting is None:
            raise InputError("give at least one of --caseworker, --team, --setting")
        from ehc.services import casework

        app_ = command_app()
        done = casework.reassign_case(app_, reference, actor_name(app_.actor, actor), caseworker=caseworker,
                                      team=team, setting=setting)
        record = done.record
        _emit_change(app_, json_output, done, f"reassigned: caseworker {record.caseworker or '-'}, team "
                                              f"{record.team or '-'}, setting {record.setting or '-'}")


def _emit_change(app_, json_output: bool, done, what: str) -> None:
    from domain.rag import rag_of
    from ehc.case_views import case_summary_json

    row = case_summary_json(done.record, done.timeline, rag_of(done.timeline, app_.policy, app_.calendar))
    emit(json_output, {**row, "setting": done.record.setting, "orchestration": done.orchestration},
         f"{done.record.reference}: {what}; stage {done.timeline.stage}\n{done.orchestration}")



def cases(
    due_within: Optional[int] = typer.Option(None, "--due-within", min=0, help="A statutory date within N days."),
    overdue: bool = typer.Option(False, "--overdue", help="A statutory date already missed."),
    stage: list[str] = typer.Option([], "--stage", help="Repeatable: " + ", ".join(Stage)
                                    + ". Default: the open stages."),
    all_stages: bool = typer.Option(False, "--all", help="Closed cases too."),
    caseworker: Optional[str] = typer.Option(None, "--caseworker", help="Only this caseworker's cases "
                                             "(capitals or not)."),
    as_of: Optional[str] = AsOfOption,
    json_output: bool = JsonOption,
) -> None:
    """The open caseload, earliest statutory date first, with each case's RAG by the LA's policy."""
    from domain.rag import rag_of
    from domain.timeline import OPEN_STAGES
    from ehc.bootstrap import bootstrap
    from ehc.case_views import case_summary_json
    from ehc.services import casework

    with refusals(json_output):
        day = as_of_day(as_of)
        unknown = [s for s in stage if s not in tuple(Stage)]
        if unknown:
            raise InputError(f"--stage: {', '.join(unknown)} not one of {', '.join(Stage)}")
        stages = [Stage(s) for s in stage] or ([] if all_stages else list(OPEN_STAGES))
        app_ = bootstrap()
        found = casework.find_cases(app_, day, due_within=due_within, overdue=overdue, stages=stages,
                                    caseworker=caseworker)
        rows = [case_summary_json(record, timeline, rag_of(timeline, app_.policy, app_.calendar))
                for record, timeline in found]
        titles = [(row["next_due"] or {}).get("title") or "-" for row in rows]
        width = max([len("next statutory date"), *map(len, titles)])
        lines = [f"{len(rows)} case(s) as of {day}",
                 f"  {'case':<16} {'stage':<18} {'wk':>3} {'rag':<5} {'next statutory date':<{width}} {'due':<11} "
                 f"{'days':>5} caseworker"]
        for row, title in zip(rows, titles):
            nxt = row["next_due"] or {}
            lines.append(f"  {row['case_ref']:<16} {row['stage']:<18} {row['week']:>3} {row['rag'] or '-':<5} "
                         f"{title:<{width}} {nxt.get('statutory') or '-':<11} "
                         f"{'' if nxt.get('days_remaining') is None else nxt['days_remaining']:>5} "
                         f"{row['caseworker'] or '-'}")
        emit(json_output, {"as_of": day.isoformat(), "count": len(rows), "cases": rows}, "\n".join(lines))
