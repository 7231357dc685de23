"""`ehc web`: the web app (ehc/web/, docs/WEB.md) under uvicorn."""

from __future__ import annotations

import typer


def web(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; 0.0.0.0 for every interface."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on.")) -> None:
    """Serve the casework web app until Ctrl-C. People reach it at EHC_PUBLIC_URL (set it to this host's
    address, https behind a proxy)."""
    import uvicorn

    from ehc.bootstrap import bootstrap
    from ehc.cli.common import refusals
    from ehc.web.app import create_web_app
    from ehc.web.server import SERVER_OPTIONS

    with refusals(False):
        app = bootstrap()
        app.require_current_schema()  # before listening: a store never upgraded is said now, not per page
        uvicorn.run(create_web_app(app), host=host, port=port, log_level="info", **SERVER_OPTIONS)
