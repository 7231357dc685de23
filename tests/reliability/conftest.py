"""Crash and concurrency tests: real processes, signals, servers restarted under load.

The store fixtures (`database_url`, `engine`, on SQLite and PostgreSQL) come
from tests/conftest.py. `report` keeps each test's figures (kills, messages,
deliveries, duplicates, seconds) in test-output/reliability-figures.jsonl, for
docs/RELIABILITY.md, and prints them (`pytest -s` shows them).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

FIGURES = Path(__file__).resolve().parents[2] / "test-output" / "reliability-figures.jsonl"



@pytest.fixture
def report(request):
    def record(scenario: str, **figures) -> None:
        line = {"scenario": scenario, "test": request.node.name, "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                **figures}
        FIGURES.parent.mkdir(parents=True, exist_ok=True)
        with FIGURES.open("a") as out:
            out.write(json.dumps(line) + "\n")
        print(json.dumps(line))

    return record
