"""`ehc users add|list|disable`: accounts for the web app, the password only ever from standard input."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.cli_run import ehc_command

PASSWORD = "correct horse battery staple"


def users(*args: str, stdin: str | None = None, expect: int = 0):
    result = CliRunner().invoke(ehc_command(), ["users", *args], input=stdin, catch_exceptions=False)
    assert result.exit_code == expect, f"{args} -> {result.exit_code}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.parametrize("database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_add_list_and_disable_accounts(store_url, sql):
    users("add", "alice", "--role", "caseworker", "--team", "North", "--name", "A Okafor", "--password-stdin",
          stdin=PASSWORD + "\n")
    users("add", "ada", "--role", "admin", "--password-stdin", "--json", stdin=PASSWORD + "\n")
    import json

    listed = json.loads(users("list", "--json").stdout)["users"]
    assert [(u["username"], u["role"], u["team"], u["name"], u["disabled"]) for u in listed] == [
        ("ada", "admin", None, None, False), ("alice", "caseworker", "North", "A Okafor", False)]
    assert PASSWORD not in users("list", "--json").stdout and "argon2" not in users("list", "--json").stdout
    assert json.loads(users("disable", "alice", "--json").stdout)["disabled"] is True
    assert "alice                    caseworker  North                disabled" in users("list").stdout
    with sql.connect() as connection:
        stored = connection.exec_driver_sql("SELECT password_hash FROM users WHERE username = 'alice'").scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


# arguments -> the message (exit 2, nothing stored)
REFUSALS = {
    ("bob", "--role", "boss", "--team", "North"): "--role: 'boss' is not one of caseworker, manager, admin",
    ("bob", "--role", "caseworker"): "--team: a caseworker needs a team: it decides which cases they see",
    ("bob", "--role", "admin", "--team", "North"): "--team: an admin has no team",
    ("bob smith", "--role", "manager", "--team", "North"): "USERNAME: 'bob smith' is not a username",
}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("arguments", REFUSALS, ids=" ".join)
def test_bad_accounts_are_refused_naming_the_option_and_nothing_is_stored(arguments, store_url, count_rows):
    refused = users("add", *arguments, "--password-stdin", stdin=PASSWORD + "\n", expect=2)
    assert REFUSALS[arguments] in refused.stderr
    assert count_rows("users") == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_duplicate_username_a_short_password_and_no_password_stdin_are_refused(store_url, count_rows):
    users("add", "alice", "--role", "caseworker", "--team", "North", "--password-stdin", stdin=PASSWORD + "\n")
    assert "USERNAME: 'alice' is taken" in users("add", "alice", "--role", "manager", "--team", "South",
                                                 "--password-stdin", stdin=PASSWORD + "\n", expect=2).stderr
    assert "--password-stdin: 5 characters, at least 12" in users(
        "add", "bob", "--role", "manager", "--team", "North", "--password-stdin", stdin="short\n", expect=2).stderr
    assert "--password-stdin: give the password on standard input" in users(
        "add", "bob", "--role", "manager", "--team", "North", expect=2).stderr
    assert "USERNAME: no user 'nobody'" in users("disable", "nobody", expect=2).stderr
    assert count_rows("users") == 1
