"""`ehc import caseload`: bring an existing caseload in, all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ehc.cli.common import ActorOption, JsonOption, actor_name, emit, refusals

import_app = typer.Typer(help="Bring existing records in.", no_args_is_help=True)


@import_app.command("caseload")
def import_caseload(file: Path = typer.Argument(..., help="CSV with a header row; see README."),
                    start_runs: bool = typer.Option(True, "--start-runs/--no-start-runs",
                                                    help="Start an ehc-request flow run for each open case."),
                    actor: Optional[str] = ActorOption, json_output: bool = JsonOption) -> None:
    """Import existing cases from CSV: every row valid, or nothing is written."""
    from ehc.bootstrap import bootstrap
    from ehc.imports.caseload import import_caseload_file
    from ehc.services import casework

    with refusals(json_output):
        app_ = bootstrap()
        caseload = import_caseload_file(app_, file, actor_name(app_.actor, actor))
        started, problems = (casework.start_request_runs(app_, caseload.open_references) if start_runs
                             else (0, []))
        count = caseload.imported
        ignored = f"; ignored column(s): {', '.join(caseload.ignored_columns)}" if caseload.ignored_columns else ""
        emit(json_output, {"imported": count, "ignored_columns": caseload.ignored_columns, "runs_started": started,
                            "orchestration_problems": problems},
              "\n".join([f"imported {count} case(s) from {file}{ignored}; {started} flow run(s) started", *problems]))
