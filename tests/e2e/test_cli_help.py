"""`ehc --help` and each command's help: every option and argument says what it is for."""

from __future__ import annotations

from tests.cli_run import ehc_command


def commands(group, path=("ehc",)):
    """(the command as typed, the command) for every command in the tree."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), command


def test_every_option_and_argument_of_every_command_has_help():
    without_help = [f"{typed} {parameter.opts[0]}" for typed, command in commands(ehc_command())
                    for parameter in command.params if not getattr(parameter, "help", None)]

    assert without_help == []

