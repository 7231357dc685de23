"""`ehc import caseload`: bring an existing caseload in, all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ehc.cli.common import ActorOption, JsonOption, actor_name, command_app, emit, refusals

import_app = typer.Typer(help="Bring existing records in.", no_args_is_help=True)


@import_app.command("caseload")
def import_caseload(file: Path = typer.Argument(..., help="CSV with a header row; see README."),
                    hand_over_cases: bool = typer.Option(
                        True, "--hand-over/--no-hand-over",
                        help="Hand each open case to orchestration (the catch-up does it later otherwise)."),
                    actor: Optional[str] = ActorOption, json_output: bool = JsonOption) -> None:
    """Import existing cases from CSV: every row valid, or nothing is written."""
    from ehc.imports.caseload import import_caseload_file
    from ehc.services.hand_over import HandOver, hand_over

    with refusals(json_output):
        app_ = command_app()
        caseload = import_caseload_file(app_, file, actor_name(app_.actor, actor))
        if hand_over_cases and caseload.open_references:
            handed = hand_over(app_, caseload.open_references)
        else:
            handed = HandOver(0, "no open case handed to orchestration")
        orchestration = handed.note
        count = caseload.imported
        ignored = f"; ignored column(s): {', '.join(caseload.ignored_columns)}" if caseload.ignored_columns else ""
        emit(json_output, {"imported": count, "ignored_columns": caseload.ignored_columns,
                           "handed_over": handed.handed, "orchestration": orchestration},
              f"imported {count} case(s) from {file}{ignored}\n{orchestration}")
