"""`ehc serve`, `ehc deploy` and `ehc run`: orchestration by Prefect."""

from __future__ import annotations

import json
from typing import Optional

import typer

from ehc.cli.common import AsOfOption, JsonOption, as_of_day, emit, refusals
from ehc.parse import InputError


SCHEDULED_FLOWS = ("deadline-watch", "dispatch-notifications", "weekly-timeliness-report", "catch-up")


def serve(limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many flow runs (scheduled flows, quality reviews) at once."),
          passes_only: bool = typer.Option(False, "--passes-only",
                                           help="Run only the case passes (a task worker), for a machine whose "
                                                "deployments a work pool's workers run.")) -> None:
    """Serve every deployment (the scheduled watches and quality reviews) and the case passes. Starts a local
    Prefect server (SQLite under the state directory) unless PREFECT_API_URL is set. Ctrl-C stops it all."""
    from ehc.bootstrap import bootstrap
    from ehc.orchestration.serve import serve as serve_deployments

    with refusals(False):
        app_ = bootstrap()
        app_.require_current_schema()
        serve_deployments(app_.settings.state_dir, lambda line: typer.echo(line, err=True), limit, passes_only)


def deploy(pool: str = typer.Option("ehc", "--pool", help="A process work pool on the Prefect server."),
           json_output: bool = JsonOption) -> None:
    """Register every deployment (with its schedule) with a work pool, for `prefect worker start --pool`."""
    with refusals(json_output):
        from ehc.bootstrap import bootstrap
        from ehc.orchestration.local_server import prefect_client_settings

        with prefect_client_settings(bootstrap().settings.state_dir):
            from deployments import apply_to_work_pool

            names = apply_to_work_pool(pool)
        emit(json_output, {"work_pool": pool, "deployments": names},
              f"{len(names)} deployment(s) registered with work pool {pool!r}: {', '.join(names)}")


def run_flow(
    name: str = typer.Argument(..., help="One of: " + ", ".join(SCHEDULED_FLOWS)),
    as_of: Optional[str] = AsOfOption,
    json_output: bool = JsonOption,
) -> None:
    """Run a scheduled flow now, as a Prefect flow run (recorded on the server `ehc serve` uses)."""
    with refusals(json_output):
        if name not in SCHEDULED_FLOWS:
            raise InputError(f"NAME: {name!r} is not one of {', '.join(SCHEDULED_FLOWS)}")
        from deployments import DEPLOYMENTS
        from ehc.bootstrap import bootstrap
        from ehc.orchestration.local_server import prefect_client_settings

        app_ = bootstrap()
        app_.require_current_schema()
        # The server is found (or refused) before Prefect is imported: importing it writes its home directory.
        with prefect_client_settings(app_.settings.state_dir):
            flow = next(deployment for deployment in DEPLOYMENTS if deployment.name == name).load_flow()
            parameters = {"as_of": as_of_day(as_of)} if "as_of" in flow.parameters.properties else {}
            if as_of and not parameters:
                raise InputError(f"--as-of: {name} works on the present moment and takes no date")
            result = flow(**parameters)
        emit(json_output, {"flow": name, "result": result}, f"{name}: {json.dumps(result, default=str)}")
