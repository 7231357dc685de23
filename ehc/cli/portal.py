"""`ehc portal link|parent-link`: signed links to the contributor portal and the parent's view (docs/WEB.md,
"The portal")."""

from __future__ import annotations

from typing import Optional

import typer

from ehc.cli.common import JsonOption, ReferenceArgument, emit, refusals
from ehc.parse import parse_reference

portal_app = typer.Typer(help="Links to the contributor portal and the parent's view (ehc web).",
                         no_args_is_help=True)
ExpiresOption = typer.Option(None, "--expires-in-days", help="How long the link works (1-366 days); default "
                                                               "the setting EHC_PORTAL_LINK_DAYS or "
                                                               "EHC_PARENT_LINK_DAYS (56).")


@portal_app.command("link")
def portal_link(
    reference: str = ReferenceArgument,
    advice: str = typer.Option(..., "--advice", help="The advice request's key, as `ehc case show --json` lists it."),
    expires_in_days: Optional[int] = ExpiresOption,
    json_output: bool = JsonOption,
) -> None:
    """A new link for a contributor to send the advice of one request (once, until it expires)."""
    from ehc.bootstrap import bootstrap
    from ehc.services.portal_links import contributor_link

    with refusals(json_output):
        link = contributor_link(bootstrap(), parse_reference("REF", reference), advice, expires_in_days)
        emit(json_output, {"url": link.url}, link.url)


@portal_app.command("parent-link")
def portal_parent_link(
    reference: str = ReferenceArgument,
    expires_in_days: Optional[int] = ExpiresOption,
    json_output: bool = JsonOption,
) -> None:
    """A new link for the child's parent to see where the request stands (until it expires)."""
    from ehc.bootstrap import bootstrap
    from ehc.services.portal_links import parent_link

    with refusals(json_output):
        link = parent_link(bootstrap(), parse_reference("REF", reference), expires_in_days)
        emit(json_output, {"url": link.url}, link.url)
