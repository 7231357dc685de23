"""The `ehc` command line. Every command takes --json; refusals exit 2 and write nothing."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator, Optional

import typer
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError

from config.la import LaConfigError
from domain.casefile import AdviceRecord, CaseFile, EventRejected, ExceptionRecord
from domain.closures import SettingKind
from domain.events import EVENT_TYPES, Agency, parse_event
from domain.intake import NewRequest
from domain.rules import Limb
from domain.timeline import OPEN_STAGES, Stage, build_timeline
from ehc.bootstrap import App, bootstrap
from ehc.caseload_csv import CaseloadRejected, read_caseload
from ehc.clock import now_utc, today_in_london
from ehc.inputs import InputError, describe_validation, parse_date, parse_optional_date
from ehc.render import case_json, case_summary_json, timeline_json, timeline_text
from store.cases import CaseNotFound, DuplicateReference
from store.db import SchemaOutOfDate, upgrade

app = typer.Typer(help="Statutory EHC needs assessment timelines for a local authority's SEND service.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="The case store's schema.", no_args_is_help=True)
request_app = typer.Typer(help="Requests for an EHC needs assessment.", no_args_is_help=True)
case_app = typer.Typer(help="One case: record events, show it.", no_args_is_help=True)
import_app = typer.Typer(help="Bring existing records in.", no_args_is_help=True)
contributors_app = typer.Typer(help="The contributor directory (advice givers).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(request_app, name="request")
app.add_typer(case_app, name="case")
app.add_typer(import_app, name="import")
app.add_typer(contributors_app, name="contributors")

JsonOption = typer.Option(False, "--json", help="Print one JSON object (machine output).")
AsOfOption = typer.Option(None, "--as-of", help="Date to view the case from (YYYY-MM-DD); default today, Europe/London.")
ActorOption = typer.Option(None, "--actor", help="Who is recording this; default EHC_ACTOR or the login name.")

REFUSALS = (InputError, EventRejected, CaseNotFound, DuplicateReference, CaseloadRejected, SchemaOutOfDate,
            LaConfigError)


def _emit(json_output: bool, data: dict, text: str) -> None:
    if json_output:
        typer.echo(json.dumps(data, indent=2, default=str))
    else:
        typer.echo(text)


@contextmanager
def _refusals(json_output: bool) -> Iterator[None]:
    """Turn a refusal into a message naming the problem and exit status 2."""
    try:
        yield
    except REFUSALS as error:
        _refuse(json_output, str(error))
    except IntegrityError as error:
        _refuse(json_output, f"the store refused the change, nothing was written: {error.orig}")
    except OperationalError as error:
        _refuse(json_output, f"the case store is unavailable: {error.orig}")


def _refuse(json_output: bool, message: str) -> None:
    if json_output:
        typer.echo(json.dumps({"error": message}))
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _as_of(text: str | None) -> date:
    return parse_date("--as-of", text) if text else today_in_london()


def _actor(app_: App, actor: str | None) -> str:
    return actor or app_.actor


# -- db ------------------------------------------------------------------------------------------

@db_app.command("upgrade")
def db_upgrade(json_output: bool = JsonOption) -> None:
    """Create or migrate the case store to the newest schema."""
    with _refusals(json_output):
        app_ = bootstrap()
        revision = upgrade(app_.engine)
        url = app_.engine.url.render_as_string(hide_password=True)
        _emit(json_output, {"database": url, "revision": revision}, f"case store {url} is at revision {revision}")


# -- intake --------------------------------------------------------------------------------------

@request_app.command("add")
def request_add(
    reference: str = typer.Argument(..., help="The LA's case reference."),
    received: str = typer.Option(..., "--received", help="Date the LA received the request (YYYY-MM-DD)."),
    child_given_name: Optional[str] = typer.Option(None, "--child-given-name"),
    child_family_name: Optional[str] = typer.Option(None, "--child-family-name"),
    child_date_of_birth: Optional[str] = typer.Option(None, "--child-date-of-birth"),
    caseworker: Optional[str] = typer.Option(None, "--caseworker"),
    team: Optional[str] = typer.Option(None, "--team"),
    setting: Optional[str] = typer.Option(None, "--setting", help="The child's school or setting (its id)."),
    actor: Optional[str] = ActorOption,
    json_output: bool = JsonOption,
) -> None:
    """Record a new request for an EHC needs assessment: the 20 weeks start here."""
    with _refusals(json_output):
        try:
            request = NewRequest(
                reference=reference, received=parse_date("--received", received),
                child_given_name=child_given_name, child_family_name=child_family_name,
                child_date_of_birth=parse_optional_date("--child-date-of-birth", child_date_of_birth),
                caseworker=caseworker, team=team, setting=setting,
            )
        except ValidationError as error:
            raise InputError(describe_validation(error, {"reference": "REFERENCE"})) from error
        app_ = bootstrap()
        with app_.store() as store:
            record = store.add_request(request, _actor(app_, actor), now_utc())
            timeline = store.timeline(record.events, max(request.received, today_in_london()))
        decision = timeline.deadlines["decision_to_assess"]
        _emit(json_output, case_summary_json(record, timeline),
              f"{record.reference}: received {record.received}; decision due {decision.statutory} "
              f"(last working day {decision.last_working_day})")


# -- casework events -----------------------------------------------------------------------------

RECORDABLE = tuple(event for event in EVENT_TYPES if event != "received")


@case_app.command("record")
def case_record(
    reference: str = typer.Argument(...),
    event: str = typer.Argument(..., help="One of: " + ", ".join(e.replace("_", "-") for e in RECORDABLE)),
    on: str = typer.Option(..., "--date", help="The date it happened (YYYY-MM-DD)."),
    outcome: Optional[str] = typer.Option(None, "--outcome", help="decision: assess or not_assess."),
    agency: Optional[str] = typer.Option(None, "--agency", help="advice: " + ", ".join(Agency)),
    contributor: Optional[str] = typer.Option(None, "--contributor", help="advice: the contributor's code."),
    setting: Optional[str] = typer.Option(None, "--setting", help="consultation, or advice from a setting."),
    setting_kind: Optional[str] = typer.Option(None, "--setting-kind", help="advice from a setting: "
                                               + ", ".join(SettingKind)),
    limb: Optional[str] = typer.Option(None, "--limb", help="exception: " + ", ".join(Limb)),
    advice: Optional[str] = typer.Option(None, "--advice", help="Reg 8(2) exception: the advice request it excuses."),
    evidence: Optional[str] = typer.Option(None, "--evidence", help="exception: what shows it applies."),
    actor: Optional[str] = ActorOption,
    json_output: bool = JsonOption,
) -> None:
    """Record what happened on a case. Back-dated events are fine; impossible ones are refused."""
    with _refusals(json_output):
        event_type = event.replace("-", "_")
        if event_type not in RECORDABLE:
            raise InputError(f"EVENT: {event!r} is not one of {', '.join(e.replace('_', '-') for e in RECORDABLE)}")
        day = parse_date("--date", on)
        app_ = bootstrap()
        with app_.store() as store:
            case = store.get(reference)
            payload = {"outcome": outcome, "agency": agency, "contributor": contributor, "setting": setting,
                       "setting_kind": setting_kind, "limb": limb, "advice": advice, "evidence": evidence}
            if event_type == "advice_requested" and agency == Agency.EDUCATION:
                payload["setting"] = setting or case.setting
                payload["setting_kind"] = setting_kind or app_.la.setting_kind(payload["setting"]) or SettingKind.SCHOOL
            if event_type == "advice_requested" and contributor and not agency:
                payload["agency"] = store.contributor(contributor).agency
            try:
                new_event = parse_event(event_type, day, {k: v for k, v in payload.items() if v is not None})
            except ValidationError as error:
                names = {k: f"--{k.replace('_', '-')}" for k in payload}
                raise InputError(describe_validation(error, names, skip=(event_type,))) from error
            record = store.record(reference, new_event, _actor(app_, actor), now_utc())
            timeline = store.timeline(record.events, max(day, today_in_london()))
        _emit(json_output, case_summary_json(record, timeline),
              f"{reference}: recorded {event_type.replace('_', ' ')} on {day}; stage {timeline.stage}")


@case_app.command("show")
def case_show(reference: str = typer.Argument(...), as_of: Optional[str] = AsOfOption,
              json_output: bool = JsonOption) -> None:
    """The case's timeline, exceptions and audit trail."""
    with _refusals(json_output):
        day = _as_of(as_of)
        with bootstrap().store() as store:
            record = store.get(reference)
            timeline = store.timeline(record.events, day)
        audit = "\n".join(f"  #{e['sequence']} {e['date']} {e['type']} by {e['actor']} at {e['recorded_at']}"
                          + (f" {e['details']}" if e["details"] else "") for e in record.audit)
        _emit(json_output, case_json(record, timeline),
              f"{record.reference} ({record.child_initials}), caseworker {record.caseworker or '-'}, "
              f"team {record.team or '-'}\n{timeline_text(timeline)}\nEvents:\n{audit}")


@app.command("cases")
def cases(
    due_within: Optional[int] = typer.Option(None, "--due-within", min=0, help="A statutory date within N days."),
    overdue: bool = typer.Option(False, "--overdue", help="A statutory date already missed."),
    stage: list[str] = typer.Option([], "--stage", help="Repeatable: " + ", ".join(Stage)
                                    + ". Default: the open stages."),
    all_stages: bool = typer.Option(False, "--all", help="Closed cases too."),
    caseworker: Optional[str] = typer.Option(None, "--caseworker"),
    as_of: Optional[str] = AsOfOption,
    json_output: bool = JsonOption,
) -> None:
    """The open caseload, earliest statutory date first."""
    with _refusals(json_output):
        day = _as_of(as_of)
        unknown = [s for s in stage if s not in tuple(Stage)]
        if unknown:
            raise InputError(f"--stage: {', '.join(unknown)} not one of {', '.join(Stage)}")
        stages = [Stage(s) for s in stage] or ([] if all_stages else list(OPEN_STAGES))
        with bootstrap().store() as store:
            found = store.find(day, due_within=due_within, overdue=overdue, stages=stages, caseworker=caseworker)
        rows = [case_summary_json(record, timeline) for record, timeline in found]
        lines = [f"{len(rows)} case(s) as of {day}",
                 f"  {'case':<16} {'stage':<18} {'wk':>3} {'next statutory date':<36} {'due':<11} {'days':>5} caseworker"]
        for row in rows:
            nxt = row["next_due"] or {}
            lines.append(f"  {row['case_ref']:<16} {row['stage']:<18} {row['week']:>3} "
                         f"{(nxt.get('title') or '-')[:36]:<36} {nxt.get('statutory') or '-':<11} "
                         f"{'' if nxt.get('days_remaining') is None else nxt['days_remaining']:>5} "
                         f"{row['caseworker'] or '-'}")
        _emit(json_output, {"as_of": day.isoformat(), "count": len(rows), "cases": rows}, "\n".join(lines))


# -- import --------------------------------------------------------------------------------------

@import_app.command("caseload")
def import_caseload(file: Path = typer.Argument(..., help="CSV with a header row; see README."),
                    actor: Optional[str] = ActorOption, json_output: bool = JsonOption) -> None:
    """Import existing cases from CSV: every row valid, or nothing is written."""
    with _refusals(json_output):
        app_ = bootstrap()
        with app_.store() as store:
            caseload = read_caseload(file, store.stored_references)  # stored references are bad rows too
            count = store.import_caseload(caseload.cases, _actor(app_, actor), now_utc())
        ignored = f"; ignored column(s): {', '.join(caseload.ignored_columns)}" if caseload.ignored_columns else ""
        _emit(json_output, {"imported": count, "ignored_columns": caseload.ignored_columns},
              f"imported {count} case(s) from {file}{ignored}")


# -- contributors --------------------------------------------------------------------------------

@contributors_app.command("add")
def contributors_add(
    code: str = typer.Argument(..., help="Short unique code, e.g. DCO-NORTH."),
    name: str = typer.Option(..., "--name"),
    agency: str = typer.Option(..., "--agency", help=", ".join(Agency)),
    team: Optional[str] = typer.Option(None, "--team"),
    email: Optional[str] = typer.Option(None, "--email"),
    escalation_email: Optional[str] = typer.Option(None, "--escalation-email"),
    json_output: bool = JsonOption,
) -> None:
    """Add an advice giver to the directory."""
    with _refusals(json_output):
        if agency not in tuple(Agency):
            raise InputError(f"--agency: {agency!r} is not one of {', '.join(Agency)}")
        if not code.strip() or len(code) > 120:
            raise InputError("CODE: must be 1 to 120 characters")
        with bootstrap().store() as store:
            try:
                store.add_contributor(code, name, agency, team, email, escalation_email)
            except ValueError as error:
                raise InputError(str(error)) from error
        _emit(json_output, {"code": code, "name": name, "agency": agency, "team": team, "email": email,
                            "escalation_email": escalation_email}, f"added contributor {code} ({agency})")


@contributors_app.command("list")
def contributors_list(json_output: bool = JsonOption) -> None:
    """Every contributor, by agency."""
    with _refusals(json_output):
        with bootstrap().store() as store:
            rows = [{"code": c.code, "name": c.name, "agency": c.agency, "team": c.team, "email": c.email,
                     "escalation_email": c.escalation_email} for c in store.contributors()]
        _emit(json_output, {"contributors": rows},
              "\n".join(f"{r['code']:<20} {r['agency']:<24} {r['name']}" for r in rows) or "no contributors")


# -- the calculator ------------------------------------------------------------------------------

@app.command("timeline")
def timeline(
    received: str = typer.Option(..., "--received", help="Date the request was received."),
    advice_requested: list[str] = typer.Option(
        [], "--advice-requested", help="Repeatable: D, or D:KIND[:SETTING] for advice asked of a setting "
                                       "(KIND school, post16, early_years), checked against closures."),
    draft_served: Optional[str] = typer.Option(None, "--draft-served"),
    exception: list[str] = typer.Option([], "--exception", help="Repeatable: LIMB:START[:END], e.g. 10(4)(c):2026-04-01"),
    as_of: Optional[str] = AsOfOption,
    json_output: bool = JsonOption,
) -> None:
    """Statutory dates for a request, without storing anything."""
    with _refusals(json_output):
        case = CaseFile(received=parse_date("--received", received),
                        draft_served=parse_optional_date("--draft-served", draft_served))
        for index, text in enumerate(advice_requested, start=1):
            record = _advice_option(index, text)
            case.advice[record.key] = record
        case.exceptions = [_exception_option(text) for text in exception]
        app_ = bootstrap()
        result = build_timeline(case, app_.calendar, _as_of(as_of), app_.closures)
        _emit(json_output, timeline_json(result), timeline_text(result))


def _advice_option(index: int, text: str) -> AdviceRecord:
    day_text, _, rest = text.partition(":")
    kind_text, _, setting = rest.partition(":")
    day = parse_date("--advice-requested", day_text)
    if kind_text and kind_text not in tuple(SettingKind):
        raise InputError(f"--advice-requested: {kind_text!r} is not one of {', '.join(SettingKind)}")
    kind = SettingKind(kind_text) if kind_text else None
    agency = Agency.EDUCATION if kind else Agency.OTHER
    return AdviceRecord(f"request-{index}", agency, None, setting or None, kind, day)


def _exception_option(text: str) -> ExceptionRecord:
    limb_text, _, dates = text.partition(":")
    if limb_text not in tuple(Limb):
        raise InputError(f"--exception: {limb_text!r} is not one of {', '.join(Limb)}")
    start_text, _, end_text = dates.partition(":")
    if not start_text:
        raise InputError(f"--exception: {text!r} needs a start date, as LIMB:START[:END]")
    start = parse_date("--exception start", start_text)
    end = parse_optional_date("--exception end", end_text)
    if end and end < start:
        raise InputError(f"--exception: ends {end} before it starts {start}")
    return ExceptionRecord(Limb(limb_text), start, end)


# -- the demo ------------------------------------------------------------------------------------

@app.command("demo")
def demo(
    state_dir: Path = typer.Option(Path("ehc-demo"), "--state-dir", help="Made afresh on every run."),
    as_of: Optional[str] = AsOfOption,
    cases: int = typer.Option(250, "--cases", min=1, max=100_000),
    json_output: bool = JsonOption,
) -> None:
    """Load a synthetic caseload into a fresh SQLite store and show the casework views."""
    from ehc.demo import run_demo

    with _refusals(json_output):
        try:
            result = run_demo(state_dir.resolve(), _as_of(as_of), cases,
                              say=(lambda line: typer.echo(line, err=True)) if json_output else typer.echo)
        except FileExistsError as error:
            raise InputError(f"--state-dir: {error}") from error
        data = {"state_dir": str(result.state_dir), "database_url": result.database_url,
                "stages": result.stages, "overdue": result.overdue, "due_within_14_days": result.due_within_14,
                "outputs": {name: str(path) for name, path in result.outputs.items()}}
        lines = [f"Case store: {result.database_url}", "Open and closed requests by stage:"]
        lines += [f"  {stage:<18} {number:>5}" for stage, number in sorted(result.stages.items())]
        lines += [f"Cases with a statutory date missed: {result.overdue}",
                  f"Cases with a statutory date in the next 14 days: {result.due_within_14}", "Outputs:"]
        lines += [f"  {name:<18} {path}" for name, path in result.outputs.items()]
        lines.append(f"Try: EHC_STATE_DIR={result.state_dir} {Path(sys.argv[0]).resolve()} cases --overdue")
        _emit(json_output, data, "\n".join(lines))


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
