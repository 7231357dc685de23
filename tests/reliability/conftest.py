"""Crash and concurrency tests: real processes, signals, servers restarted under load.

`prefect_api_url` is a local Prefect server (a process of its own, SQLite) shared by the tests that run
`ehc serve` against it and kill only `ehc serve`; the Prefect restart test starts and kills its own. The
store fixtures (`database_url`, `engine`, on SQLite and PostgreSQL) come
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


@pytest.fixture(scope="session")
def prefect_server_url(tmp_path_factory) -> str:
    from ehc.orchestration.local_server import local_prefect_server
    from notifications.sink import free_port

    with local_prefect_server(tmp_path_factory.mktemp("prefect-server"), lambda line: None,
                              port=free_port()) as api_url:  # not 4200, which a demo may be using
        yield api_url


@pytest.fixture
def prefect_api_url(prefect_server_url) -> str:
    """The shared Prefect server, where this test reads its runs back."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: prefect_server_url}):
        yield prefect_server_url


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
