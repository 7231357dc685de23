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
from domain.events import EVENT_TYPES, Agency
from domain.input_rules import control_character_problem
from domain.intake import NewRequest
from domain.rules import Limb
from domain.timeline import OPEN_STAGES, Stage, build_timeline
from ehc import casework
from ehc.bootstrap import App, bootstrap
from ehc.orchestration import OrchestrationUnavailable
from ehc.prefect_server import PrefectServerFailed
from ehc.caseload_csv import CaseloadRejected
from ehc.caseload_import import import_caseload_file
from ehc.contributors_csv import ContributorRow
from ehc.cli_qa import qa_app
from ehc.cli_report import report_app
from ehc.cli_notify import register as register_notify
from ehc.clock import today_in_london
from ehc.inputs import (
    InputError, describe_validation, parse_case_date, parse_date, parse_optional_date, parse_reference,
)
from ehc.render import case_json, case_summary_json, timeline_json, timeline_text
from store.cases import CaseNotFound, DuplicateReference
from store.db import CaseStoreUnavailable, SchemaOutOfDate, require_current_schema, upgrade

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
app.add_typer(qa_app, name="qa")
register_notify(app, contributors_app)
app.add_typer(report_app, name="report")

JsonOption = typer.Option(False, "--json", help="Print one JSON object (machine output).")
AsOfOption = typer.Option(None, "--as-of", help="Date to view the case from (YYYY-MM-DD); default today, Europe/London.")
ACTOR_MAX = 120  # the audit trail's column
ActorOption = typer.Option(None, "--actor", help="Who is recording this; default EHC_ACTOR or the login name.")

REFUSALS = (InputError, EventRejected, CaseNotFound, DuplicateReference, CaseloadRejected, SchemaOutOfDate,
            LaConfigError, OrchestrationUnavailable, PrefectServerFailed, CaseStoreUnavailable)


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
    """Who is recording: it goes into every audit entry, so it is held to the same rules as a caseworker."""
    who = actor or app_.actor
    problem = control_character_problem(who)
    if problem or len(who) > ACTOR_MAX:
        raise InputError(f"--actor (or EHC_ACTOR): {problem or f'{len(who)} characters, at most {ACTOR_MAX}'}")
    return who


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

# Refusals name the option the person typed, not the model's field.
REQUEST_OPTIONS = {"reference": "REFERENCE", "received": "--received", "child_given_name": "--child-given-name",
                   "child_family_name": "--child-family-name", "child_date_of_birth": "--child-date-of-birth",
                   "caseworker": "--caseworker", "team": "--team", "setting": "--setting"}


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
                reference=reference, received=parse_case_date("--received", received),
                child_given_name=child_given_name, child_family_name=child_family_name,
                child_date_of_birth=parse_optional_date("--child-date-of-birth", child_date_of_birth),
                caseworker=caseworker, team=team, setting=setting,
            )
        except ValidationError as error:
            raise InputError(describe_validation(error, REQUEST_OPTIONS)) from error
        app_ = bootstrap()
        done = casework.add_request(app_, request, _actor(app_, actor))
        decision = done.timeline.deadlines["decision_to_assess"]
        _emit(json_output, {**case_summary_json(done.record, done.timeline), "orchestration": done.orchestration},
              f"{done.record.reference}: received {done.record.received}; decision due {decision.statutory} "
              f"(last working day {decision.last_working_day})\n{done.orchestration}")


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
        day = parse_case_date("--date", on)
        reference = parse_reference("REFERENCE", reference)
        app_ = bootstrap()
        options = {"outcome": outcome, "agency": agency, "contributor": contributor, "setting": setting,
                   "setting_kind": setting_kind, "limb": limb, "advice": advice, "evidence": evidence}
        new_event = casework.event_from_options(app_, reference, event_type, day, options)
        done = casework.record_event(app_, reference, new_event, _actor(app_, actor))
        _emit(json_output, {**case_summary_json(done.record, done.timeline), "orchestration": done.orchestration},
              f"{reference}: recorded {event_type.replace('_', ' ')} on {day}; stage {done.timeline.stage}\n"
              f"{done.orchestration}")


@case_app.command("resync")
def case_resync(reference: str = typer.Argument(...), json_output: bool = JsonOption) -> None:
    """Bring the case's flow run level with the store: resume it, or start a new one if it was lost."""
    with _refusals(json_output):
        outcome = casework.resync(bootstrap(), parse_reference("REFERENCE", reference))
        _emit(json_output, {"case_ref": reference, "orchestration": outcome}, outcome)


@case_app.command("show")
def case_show(reference: str = typer.Argument(...), as_of: Optional[str] = AsOfOption,
              json_output: bool = JsonOption) -> None:
    """The case's timeline, exceptions and audit trail."""
    with _refusals(json_output):
        day = _as_of(as_of)
        with bootstrap().store() as store:
            record = store.get(parse_reference("REFERENCE", reference))
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
                    start_runs: bool = typer.Option(True, "--start-runs/--no-start-runs",
                                                    help="Start an ehc-request flow run for each open case."),
                    actor: Optional[str] = ActorOption, json_output: bool = JsonOption) -> None:
    """Import existing cases from CSV: every row valid, or nothing is written."""
    with _refusals(json_output):
        app_ = bootstrap()
        caseload = import_caseload_file(app_, file, _actor(app_, actor))
        started, problems = (casework.start_request_runs(app_, caseload.open_references) if start_runs
                             else (0, []))
        count = caseload.imported
        ignored = f"; ignored column(s): {', '.join(caseload.ignored_columns)}" if caseload.ignored_columns else ""
        _emit(json_output, {"imported": count, "ignored_columns": caseload.ignored_columns, "runs_started": started,
                            "orchestration_problems": problems},
              "\n".join([f"imported {count} case(s) from {file}{ignored}; {started} flow run(s) started", *problems]))


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
        try:  # the same rules as a contributor CSV row: lengths, plain text, email addresses
            row = ContributorRow(code=code, name=name, agency=agency, team=team, email=email,
                                 escalation_email=escalation_email)
        except ValidationError as error:
            raise InputError(describe_validation(error, {"code": "CODE", "name": "--name", "team": "--team",
                                                         "email": "--email",
                                                         "escalation_email": "--escalation-email"})) from error
        code, name, team = row.code, row.name, row.team
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
    as_of: Optional[str] = typer.Option(None, "--as-of", help="YYYY-MM-DD; default: the last working day "
                                        "on or before today (London)."),
    cases: int = typer.Option(250, "--cases", min=1, max=100_000, help="Synthetic requests to import."),
    live: int = typer.Option(6, "--live", min=1, max=50, help="Requests carried live by their own flow runs."),
    keep_serving: bool = typer.Option(False, "--keep-serving", help="Keep Prefect up at the end, for its UI, "
                                      "until Ctrl-C."),
    json_output: bool = JsonOption,
) -> None:
    """The main job on embedded defaults: a synthetic caseload, live requests carried by Prefect flow runs,
    the deadline watch with reminders to a local SMTP sink, and the weekly report."""
    import time as clock

    from ehc.demo import run_demo

    say = (lambda line: typer.echo(line, err=True)) if json_output else typer.echo

    def wait_for_ctrl_c(ui: str) -> None:
        say(f"Prefect UI: {ui} — Ctrl-C to stop")
        try:
            while True:
                clock.sleep(3600)
        except KeyboardInterrupt:
            pass

    with _refusals(json_output):
        day = _as_of(as_of) if as_of else bootstrap().calendar.last_working_day_on_or_before(today_in_london())
        started = clock.monotonic()
        try:
            result = run_demo(state_dir.resolve(), day, cases, live, say,
                              keep_serving=wait_for_ctrl_c if keep_serving else None)
        except FileExistsError as error:
            raise InputError(f"--state-dir: {error}") from error
        seconds = clock.monotonic() - started
        median = result.live.median_seconds
        data = {"state_dir": str(result.state_dir), "database_url": result.database_url,
                "as_of": result.as_of.isoformat(), "seconds": round(seconds, 1),
                "stages": result.stages, "overdue": result.overdue, "due_within_14_days": result.due_within_14,
                "live_requests": result.live.outcomes, "live_events_recorded": result.live.events_recorded,
                "median_seconds_record_to_suspend": None if median is None else round(median, 2),
                "deadline_watch": json.loads(json.dumps(result.watch, default=str)),
                "dispatch": json.loads(json.dumps(result.dispatch, default=str)), "flow_runs": result.flow_runs,
                "prefect_ui": result.prefect_ui,
                "outputs": {name: str(path) for name, path in result.outputs.items()}}
        lines = [f"Finished in {seconds:.0f} s, as of {result.as_of}", f"Case store: {result.database_url}",
                 "Requests by stage:"]
        lines += [f"  {stage:<18} {number:>5}" for stage, number in sorted(result.stages.items())]
        lines += [f"Cases with a statutory date missed: {result.overdue}",
                  f"Cases with a statutory date in the next 14 days: {result.due_within_14}",
                  f"Live requests ({result.live.events_recorded} events; median {median or 0:.1f} s from "
                  "recording an event to its run waiting again):"]
        lines += [f"  {reference:<16} {outcome}" for reference, outcome in result.live.outcomes.items()]
        lines += [f"Deadline watch: {json.dumps(result.watch, default=str)}",
                  f"Dispatch: {json.dumps(result.dispatch, default=str)}",
                  "Flow runs: " + ", ".join(f"{name} {number}" for name, number in result.flow_runs.items()),
                  "Outputs:"]
        lines += [f"  {name:<18} {path}" for name, path in result.outputs.items()]
        lines += [f"Prefect UI: {result.prefect_ui} is stopped now; to browse these runs: "
                  f"EHC_STATE_DIR={result.state_dir} {Path(sys.argv[0]).resolve()} serve",
                  f"Try: EHC_STATE_DIR={result.state_dir} {Path(sys.argv[0]).resolve()} cases --overdue"]
        _emit(json_output, data, "\n".join(lines))


# -- orchestration -------------------------------------------------------------------------------

SCHEDULED_FLOWS = ("deadline-watch", "dispatch-notifications", "weekly-timeliness-report", "catch-up")


@app.command("serve")
def serve(limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many flow runs at once.")
          ) -> None:
    """Serve every deployment: request runs and the scheduled watches. Starts a local Prefect server
    (SQLite under the state directory) unless PREFECT_API_URL is set. Ctrl-C stops it all."""
    from ehc.serve import serve as serve_deployments

    with _refusals(False):
        app_ = bootstrap()
        require_current_schema(app_.engine)
        serve_deployments(app_.settings.state_dir, lambda line: typer.echo(line, err=True), limit)


@app.command("deploy")
def deploy(pool: str = typer.Option("ehc", "--pool", help="A process work pool on the Prefect server."),
           json_output: bool = JsonOption) -> None:
    """Register every deployment (with its schedule) with a work pool, for `prefect worker start --pool`."""
    with _refusals(json_output):
        from deployments import apply_to_work_pool
        from ehc.prefect_server import prefect_client_settings

        with prefect_client_settings(bootstrap().settings.state_dir):
            names = apply_to_work_pool(pool)
        _emit(json_output, {"work_pool": pool, "deployments": names},
              f"{len(names)} deployment(s) registered with work pool {pool!r}: {', '.join(names)}")


@app.command("run")
def run_flow(
    name: str = typer.Argument(..., help="One of: " + ", ".join(SCHEDULED_FLOWS)),
    as_of: Optional[str] = AsOfOption,
    json_output: bool = JsonOption,
) -> None:
    """Run a scheduled flow now, as a Prefect flow run (recorded on the server `ehc serve` uses)."""
    with _refusals(json_output):
        if name not in SCHEDULED_FLOWS:
            raise InputError(f"NAME: {name!r} is not one of {', '.join(SCHEDULED_FLOWS)}")
        from deployments import DEPLOYMENTS
        from ehc.prefect_server import prefect_client_settings

        app_ = bootstrap()
        require_current_schema(app_.engine)
        flow = next(deployment for deployment in DEPLOYMENTS if deployment.name == name).load_flow()
        parameters = {"as_of": _as_of(as_of)} if "as_of" in flow.parameters.properties else {}
        if as_of and not parameters:
            raise InputError(f"--as-of: {name} works on the present moment and takes no date")
        with prefect_client_settings(app_.settings.state_dir):
            result = flow(**parameters)
        _emit(json_output, {"flow": name, "result": result}, f"{name}: {json.dumps(result, default=str)}")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
