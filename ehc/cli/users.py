"""`ehc users add|list|disable`: the web app's local accounts (docs/WEB.md, "Accounts and roles")."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ehc.cli.common import JsonOption, emit, refusals
from ehc.parse import InputError

users_app = typer.Typer(help="Accounts for the web app (ehc web).", no_args_is_help=True)


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="What they type to sign in: letters, digits and . _ @ -"),
    role: str = typer.Option(..., "--role", help="caseworker | manager | admin"),
    team: Optional[str] = typer.Option(None, "--team", help="The team whose cases they see (not for an admin)."),
    name: Optional[str] = typer.Option(None, "--name", help="Their name as cases name their caseworker "
                                                            "(\"A Okafor\"); default the username."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the password from the first line of standard input."),
    json_output: bool = JsonOption,
) -> None:
    """Add an account. The password is read from standard input, never from the command line (where other
    users of the machine and the shell's history would see it)."""
    from ehc.bootstrap import bootstrap
    from ehc.services.users import account_json, add_user

    with refusals(json_output):
        if not password_stdin:
            raise InputError("--password-stdin: give the password on standard input, e.g. "
                             "`printf '%s\\n' \"$PASSWORD\" | ehc users add ...`")
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
        user = add_user(bootstrap(), username, role, password, team=team, display_name=name)
        emit(json_output, account_json(user), f"added {user.role} {user.username}"
             + (f" ({user.team})" if user.team else ""))


@users_app.command("list")
def users_list(json_output: bool = JsonOption) -> None:
    """Every account, by username (never a password or its hash)."""
    from ehc.bootstrap import bootstrap
    from ehc.services.users import list_users

    with refusals(json_output):
        rows = list_users(bootstrap())
        emit(json_output, {"users": rows}, "\n".join(
            f"{r['username']:<24} {r['role']:<11} {r['team'] or '-':<20} {'disabled' if r['disabled'] else 'active'}"
            for r in rows) or "no users")


@users_app.command("disable")
def users_disable(username: str = typer.Argument(..., help="The account to disable; its sessions end."), json_output: bool = JsonOption) -> None:
    """Disable an account: it can no longer sign in, and its sessions end now. Accounts are never deleted."""
    from ehc.bootstrap import bootstrap
    from ehc.services.users import account_json, disable_user

    with refusals(json_output):
        user = disable_user(bootstrap(), username)
        emit(json_output, account_json(user), f"disabled {user.username}")
