"""The `ehc` command line: one module per command group, sharing ehc/cli/common.py.

Imports run one way: this package imports the services, orchestration,
imports and demo, never the reverse. Each command imports what is heavy
(the store, Prefect, reports) only when it runs, so `ehc --help` and
`ehc timeline`, `ehc review timeline` and `ehc phase-transfer` start quickly.
"""

from __future__ import annotations

import sys

import typer

from ehc.cli.calculator import timeline
from ehc.cli.casework import case_app, cases, request_app
from ehc.cli.contributors import contributors_app
from ehc.cli.db import db_app
from ehc.cli.demo import demo
from ehc.cli.imports import import_app
from ehc.cli.orchestration import deploy, run_flow, serve
from ehc.cli.portal import portal_app
from ehc.cli.qa import qa_app
from ehc.cli.reminders import outbox_app, reminders_app
from ehc.cli.report import report_app
from ehc.cli.reviews import phase_transfer, review_app, reviews
from ehc.cli.users import users_app
from ehc.cli.web import web

app = typer.Typer(help="Statutory EHC needs assessment timelines for a local authority's SEND service.",
                  no_args_is_help=True, add_completion=False)
app.add_typer(db_app, name="db")
app.add_typer(request_app, name="request")
app.add_typer(case_app, name="case")
app.command("cases")(cases)
app.add_typer(import_app, name="import")
app.add_typer(contributors_app, name="contributors")
app.command("timeline")(timeline)
app.add_typer(review_app, name="review")
app.command("reviews")(reviews)
app.command("phase-transfer")(phase_transfer)
app.add_typer(qa_app, name="qa")
app.add_typer(reminders_app, name="reminders")
app.add_typer(outbox_app, name="outbox")
app.add_typer(report_app, name="report")
app.command("demo")(demo)
app.command("serve")(serve)
app.command("deploy")(deploy)
app.command("run")(run_flow)
app.add_typer(users_app, name="users")
app.add_typer(portal_app, name="portal")
app.command("web")(web)


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
