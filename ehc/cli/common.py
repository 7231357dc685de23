"""What every `ehc` command shares: the --json, --as-of and --actor options, refusals, output.

Refusals exit 2 with a message naming the option (or CSV line) and write
nothing. Services name fields in the domain's words (``FieldProblems``);
``OPTION_FOR_FIELD`` words them as the options a person typed.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import date
from typing import Iterator

import typer

from ehc.clock import today_in_london
from ehc.parse import FieldProblems, InputError, parse_date

JsonOption = typer.Option(False, "--json", help="Print one JSON object (machine output).")
AsOfOption = typer.Option(None, "--as-of", help="The day to view things from (YYYY-MM-DD); default today, "
                                                "Europe/London.")
ActorOption = typer.Option(None, "--actor", help="Who is recording this; default EHC_ACTOR or the login name.")
ReferenceArgument = typer.Argument(..., help="The case reference (capitals or not: ehc-001 is EHC-001).")
ACTOR_MAX = 120  # the audit trail's column

# A service's field, as the option that carries it; any other field ``f`` is the option ``--f``.
OPTION_FOR_FIELD = {"on": "--date", "reference": "REFERENCE", "period_from": "--from", "period_to": "--to",
                    "username": "USERNAME", "password": "--password-stdin"}

# Refusals by where they are defined: an exception can only have been raised once its module is imported,
# so looking them up in sys.modules keeps a quick command (`ehc timeline`) from importing the store to check.
REFUSALS = {
    "ehc.parse": ("InputError",),
    "domain.casefile": ("EventRejected",),
    "store.cases": ("CaseNotFound", "DuplicateReference"),
    "store.plans": ("PlanNotFound", "DuplicatePlan"),
    "domain.year_groups": ("UnknownYearGroup",),
    "store.db": ("SchemaOutOfDate", "CaseStoreUnavailable"),
    "store.quality": ("NoPlanAttached",),
    "config.la": ("LaConfigError",),
    "config.rubric": ("RubricError",),
    "ehc.imports.caseload_csv": ("CaseloadRejected",),
    "ehc.imports.plans_csv": ("PlansRejected",),
    "ehc.imports.plan_file": ("PlanImportError",),
    "ehc.orchestration.orchestrator": ("OrchestrationUnavailable",),
    "ehc.orchestration.local_server": ("PrefectServerFailed",),
}


def option_for(field: str) -> str:
    return OPTION_FOR_FIELD.get(field) or (f"--{field.replace('_', '-')}" if field else field)


def worded(error: Exception) -> str:
    if isinstance(error, FieldProblems):
        fields = {field for field, _ in error.problems} | set(error.mentions)
        return error.worded({field: option_for(field) for field in fields})
    return str(error)


def emit(json_output: bool, data: dict, text: str) -> None:
    if json_output:
        typer.echo(json.dumps(data, indent=2, default=str))
    else:
        typer.echo(text)


@contextmanager
def refusals(json_output: bool) -> Iterator[None]:
    """Turn a refusal into a message naming the problem and exit status 2."""
    try:
        yield
    except Exception as error:
        if isinstance(error, _refusal_types()):
            refuse(json_output, worded(error))
        sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
        if sqlalchemy_exc and isinstance(error, sqlalchemy_exc.IntegrityError):
            refuse(json_output, f"the store refused the change, nothing was written: {error.orig}")
        if sqlalchemy_exc and isinstance(error, sqlalchemy_exc.OperationalError):
            refuse(json_output, f"the case store is unavailable: {error.orig}")
        raise


def _refusal_types() -> tuple[type, ...]:
    return tuple(getattr(sys.modules[module], name) for module, names in REFUSALS.items()
                 if module in sys.modules for name in names)


def refuse(json_output: bool, message: str) -> None:
    if json_output:
        typer.echo(json.dumps({"error": message}))
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def as_of_day(text: str | None) -> date:
    """``--as-of`` as typed, or today in London."""
    return parse_date("--as-of", text) if text else today_in_london()


def command_app():
    """The App for a command that ends once its change is stored: its hand-over to orchestration runs in a
    background process (BackgroundHandOver), so the command returns without importing Prefect."""
    from ehc.bootstrap import bootstrap
    from ehc.orchestration.orchestrator import BackgroundHandOver

    app = bootstrap()
    app.orchestrator = BackgroundHandOver(app.orchestrator, app.settings.state_dir)
    return app


def actor_name(default: str, actor: str | None) -> str:
    """Who is recording: it goes into every audit entry, so it is held to the same rules as a caseworker."""
    from domain.input_rules import control_character_problem

    who = actor or default
    problem = control_character_problem(who)
    if problem or len(who) > ACTOR_MAX:
        raise InputError(f"--actor (or EHC_ACTOR): {problem or f'{len(who)} characters, at most {ACTOR_MAX}'}")
    return who
