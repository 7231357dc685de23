"""`ehc import caseload` and `ehc import plans`: bring an existing caseload, or the plans in force, in: all rows or
none."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ehc.cli.common import ActorOption, JsonOption, actor_name, as_of_day, command_app, emit, refusals

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


@import_app.command("plans")
def import_plans(file: Path = typer.Argument(..., help="CSV with a header row: plan_ref, case_ref, issued, "
                                                       "last_review, year_group, setting; optionally caseworker, "
                                                       "team, post16_transfer. See README."),
                 as_of: Optional[str] = typer.Option(
                     None, "--as-of", help="The day the file's year groups are true of (their academic year) and "
                                           "the counts are taken on (YYYY-MM-DD); default today, Europe/London."),
                 hand_over_plans: bool = typer.Option(
                     True, "--hand-over/--no-hand-over",
                     help="Hand each plan to orchestration (the catch-up does it later otherwise)."),
                 actor: Optional[str] = ActorOption, json_output: bool = JsonOption) -> None:
    """Import the plans in force from CSV: every row valid, or nothing is written."""
    from ehc.services.hand_over import HandOver
    from ehc.services.plan_import import hand_over_imported, import_plans_file, plans_in_force

    with refusals(json_output):
        day = as_of_day(as_of)
        app_ = command_app()
        imported = import_plans_file(app_, file, day, actor_name(app_.actor, actor))
        if hand_over_plans:
            handed = hand_over_imported(app_, imported.plan_refs)
        else:
            handed = HandOver(0, "no plan handed to orchestration: not asked to")
        counts = plans_in_force(app_, day)
        count = len(imported.plan_refs)
        ignored = f"; ignored column(s): {', '.join(imported.ignored_columns)}" if imported.ignored_columns else ""
        emit(json_output, {"imported": count, "ignored_columns": imported.ignored_columns,
                           "handed_over": handed.handed, "orchestration": handed.note, "as_of": day.isoformat(),
                           "in_force": counts.in_force, "reviews_overdue": counts.reviews_overdue,
                           "phase_transfers_due": counts.phase_transfers_due},
             f"imported {count} plan(s) from {file}{ignored}\n{handed.note}\n"
             f"as of {day}: {counts.in_force} plan(s) in force, {counts.reviews_overdue} with a review date "
             f"passed, {counts.phase_transfers_due} phase transfer(s) due this academic year")
