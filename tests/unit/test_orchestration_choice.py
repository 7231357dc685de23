"""Which Prefect server a command tells about casework, and how far a suspended run had read."""

from __future__ import annotations

import pytest

from ehc.orchestration.orchestrator import (
    NoOrchestration, OrchestrationUnavailable, PrefectOrchestrator, api_url_file, orchestrator_for,
)
from ehc.orchestration.runs import pause_key, seen_events


@pytest.mark.parametrize("key, seen", [
    ("after-event-7", 7),
    ("after-event-7-repeat-2", 7),
    ("1", None),  # Prefect's own counter: not one of ours, so treated as behind
    (None, None),
])
def test_a_pause_key_says_how_many_casework_events_the_run_had_read(key, seen):
    assert seen_events(key) == seen


@pytest.mark.parametrize("events, repeat", [(0, 0), (7, 0), (7, 2)])
def test_the_key_a_run_suspends_under_reads_back_as_the_events_it_had_read(events, repeat):
    assert seen_events(pause_key(events, repeat)) == events


def test_prefect_api_url_in_the_environment_wins(tmp_path):
    chosen = orchestrator_for(tmp_path, {"PREFECT_API_URL": "http://prefect.internal:4200/api"})
    assert isinstance(chosen, PrefectOrchestrator) and chosen.api_url is None  # Prefect reads its own setting


def test_a_local_server_started_by_ehc_serve_is_found_through_the_state_directory(tmp_path):
    api_url_file(tmp_path).parent.mkdir(parents=True)
    api_url_file(tmp_path).write_text("http://127.0.0.1:4311/api\n")
    chosen = orchestrator_for(tmp_path, {})
    assert isinstance(chosen, PrefectOrchestrator) and chosen.api_url == "http://127.0.0.1:4311/api"


def test_with_no_server_anywhere_the_orchestrator_refuses_and_says_to_start_ehc_serve(tmp_path):
    chosen = orchestrator_for(tmp_path, {})
    assert isinstance(chosen, NoOrchestration)
    with pytest.raises(OrchestrationUnavailable, match="ehc serve"):
        chosen.start("EHC-1")
