"""Benchmark: how long `ehc --help` and `ehc timeline ...` take from a cold command line.

    .venv/bin/python bench/cli_startup.py                      # this checkout only
    .venv/bin/python bench/cli_startup.py --compare c2e5ad5    # and the design at that commit, in the same run

Each command runs ``--runs`` times in a fresh interpreter (``python -m ehc.cli``, as the console
script does) with the packaged LA config and no state directory to read; the median and the best
wall times are printed beside two floors: a bare interpreter, and one that imports only typer and
the domain (what any command needs to parse its options and compute dates). ``--compare REF``
checks REF out in a temporary git worktree and times the same commands there in turn, so both
designs meet the same machine load. Aim: 0.5 s or less for each command. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "ehc --help": ["--help"],
    "ehc timeline": ["timeline", "--received", "2026-03-02", "--advice-requested", "2026-04-13",
                     "--draft-served", "2026-06-01", "--as-of", "2026-06-10", "--json"],
}
FLOORS = {
    "python (bare)": ["-c", "pass"],
    "python + typer + domain": ["-c", "import typer, domain.timeline"],
}


def timed(argv: list[str], cwd: Path, runs: int, env: dict[str, str]) -> dict:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, *argv], cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
    return {"median": round(statistics.median(seconds), 3), "best": round(min(seconds), 3)}


def measure(source: Path, runs: int, env: dict[str, str]) -> dict:
    env = {**env, "PYTHONPATH": str(source)}  # the checkout's own modules, not the installed ones
    return {name: timed(["-m", "ehc.cli", *args], source, runs, env) for name, args in COMMANDS.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--compare", help="a git revision of the previous design, timed in the same run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "EHC_STATE_DIR": str(Path(scratch) / "state"), "HOME": scratch}
        env.pop("EHC_LA_CONFIG", None)
        results = {"floors": {name: timed(argv, ROOT, args.runs, {**env, "PYTHONPATH": str(ROOT)})
                              for name, argv in FLOORS.items()},
                   "this checkout": measure(ROOT, args.runs, env)}
        if args.compare:
            previous = Path(scratch) / "previous"
            subprocess.run(["git", "worktree", "add", "--detach", "-q", str(previous), args.compare], cwd=ROOT,
                           check=True)
            try:
                results[args.compare] = measure(previous, args.runs, env)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(previous)], cwd=ROOT, check=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
