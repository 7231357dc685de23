"""`ehc contributors add|list|import`: the directory of advice givers."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from domain.events import Agency
from ehc.cli.common import JsonOption, emit, refusals
from ehc.parse import InputError, describe_validation

contributors_app = typer.Typer(help="The contributor directory (advice givers).", no_args_is_help=True)


@contributors_app.command("add")
def contributors_add(
    code: str = typer.Argument(..., help="Short unique code, e.g. DCO-NORTH (letters, digits and / _ . -, up to "
                                         "40; kept in capitals)."),
    name: str = typer.Option(..., "--name", help="Who gives the advice, as messages address them."),
    agency: str = typer.Option(..., "--agency", help=", ".join(Agency)),
    team: Optional[str] = typer.Option(None, "--team", help="The contributor's team or service."),
    email: Optional[str] = typer.Option(None, "--email", help="Where advice requests and reminders go."),
    escalation_email: Optional[str] = typer.Option(None, "--escalation-email",
                                                   help="Where escalations about late advice go (their manager)."),
    json_output: bool = JsonOption,
) -> None:
    """Add an advice giver to the directory."""
    with refusals(json_output):
        if agency not in tuple(Agency):
            raise InputError(f"--agency: {agency!r} is not one of {', '.join(Agency)}")
        from pydantic import ValidationError

        from ehc.bootstrap import bootstrap
        from ehc.imports.contributors_csv import ContributorRow
        from ehc.services.contributors import add_contributor

        try:  # the same rules as a contributor CSV row: lengths, plain text, email addresses
            row = ContributorRow(code=code, name=name, agency=agency, team=team, email=email,
                                 escalation_email=escalation_email)
        except ValidationError as error:
            raise InputError(describe_validation(error, {"code": "CODE", "name": "--name", "team": "--team",
                                                         "email": "--email",
                                                         "escalation_email": "--escalation-email"})) from error
        code, name, team = row.code, row.name, row.team
        add_contributor(bootstrap(), code, name, agency, team, email, escalation_email)
        emit(json_output, {"code": code, "name": name, "agency": agency, "team": team, "email": email,
                            "escalation_email": escalation_email}, f"added contributor {code} ({agency})")


@contributors_app.command("list")
def contributors_list(json_output: bool = JsonOption) -> None:
    """Every contributor, by agency."""
    from ehc.bootstrap import bootstrap
    from ehc.services.contributors import contributor_directory

    with refusals(json_output):
        rows = contributor_directory(bootstrap())
        emit(json_output, {"contributors": rows},
              "\n".join(f"{r['code']:<20} {r['agency']:<24} {r['name']}" for r in rows) or "no contributors")


@contributors_app.command("import")
def contributors_import(file: Path = typer.Argument(..., help="CSV: code,name,agency[,team,email,escalation_email]"),
                        json_output: bool = JsonOption) -> None:
    """Import contributors from CSV: every row valid, or nothing is written."""
    from ehc.bootstrap import bootstrap
    from ehc.services.contributors import import_contributors

    with refusals(json_output):
        imported = import_contributors(bootstrap(), file)
        emit(json_output, {"imported": imported}, f"imported {imported} contributor(s) from {file}")
