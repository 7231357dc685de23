"""One run of the `ehc` CLI in-process, as the e2e and hostile-input tests see it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import click
import typer.main
from click.testing import CliRunner

from ehc.cli import app


@dataclass
class Ran:
    """Exit code, stdout and stderr kept apart (click 8.2+ CliRunner does)."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)

    def __str__(self) -> str:  # shown when an assertion about a run fails; a 10,000-character argument is cut
        shown = [arg if len(arg) < 80 else f"{arg[:60]!r}...({len(arg)} chars)" for arg in self.args]
        return f"ehc {' '.join(shown)} -> {self.exit_code}\nstdout: {self.stdout}\nstderr: {self.stderr}"


@lru_cache(maxsize=1)
def ehc_command() -> click.Command:
    """The `ehc` command tree, built once: typer's test runner rebuilds it on every call, a quarter of the CPU
    of the CLI tests."""
    return typer.main.get_command(app)


def ehc_runner() -> Callable[..., Ran]:
    """Run `ehc ARGS...` in-process; ``expect`` is the exit code the run must end with. An uncaught exception is
    raised, not turned into an exit code."""
    runner = CliRunner()

    def run(*args: str, expect: int | None = 0) -> Ran:
        result = runner.invoke(ehc_command(), list(args), catch_exceptions=False)
        ran = Ran(tuple(args), result.exit_code, result.stdout, result.stderr)
        if expect is not None:
            assert ran.exit_code == expect, str(ran)
        return ran

    return run
