"""`ehc db upgrade`: create or migrate the case store."""

from __future__ import annotations

import typer

from ehc.cli.common import JsonOption, emit, refusals

db_app = typer.Typer(help="The case store's schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(json_output: bool = JsonOption) -> None:
    """Create or migrate the case store to the newest schema."""
    from ehc.bootstrap import bootstrap
    from store.db import upgrade

    with refusals(json_output):
        app_ = bootstrap()
        revision = upgrade(app_.engine)
        url = app_.engine.url.render_as_string(hide_password=True)
        emit(json_output, {"database": url, "revision": revision}, f"case store {url} is at revision {revision}")
