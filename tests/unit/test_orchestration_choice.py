"""Which Prefect server a command hands its cases to, and what it does when there is none."""

from __future__ import annotations

from datetime import date

import pytest

from ehc.orchestration.orchestrator import (
    BackgroundHandOver, NoOrchestration, OrchestrationUnavailable, TaskWorkerOrchestrator, api_url_file,
    orchestrator_for, prefect_home,
)


def test_prefect_api_url_in_the_environment_wins(tmp_path):
    chosen = orchestrator_for(tmp_path, {"PREFECT_API_URL": "http://prefect.internal:4200/api"})
    # Prefect reads its own settings: the address, and the storage every machine shares for the passes
    assert isinstance(chosen, TaskWorkerOrchestrator) and (chosen.api_url, chosen.storage) == (None, None)


def test_a_local_server_started_by_ehc_serve_is_found_through_the_state_directory(tmp_path):
    api_url_file(tmp_path).parent.mkdir(parents=True)
    api_url_file(tmp_path).write_text("http://127.0.0.1:4311/api\n")
    chosen = orchestrator_for(tmp_path, {})
    assert isinstance(chosen, TaskWorkerOrchestrator)
    assert chosen.api_url == "http://127.0.0.1:4311/api"
    assert chosen.storage == prefect_home(tmp_path) / "storage"  # where that server's task worker reads


@pytest.mark.parametrize("call", [
    lambda orchestrator: orchestrator.hand_over(["EHC-1"]),
    lambda orchestrator: orchestrator.start_quality_review("EHC-1", "draft", date(2026, 6, 1)),
])
def test_with_no_server_anywhere_the_orchestrator_refuses_and_says_to_start_ehc_serve(tmp_path, call):
    chosen = orchestrator_for(tmp_path, {})
    assert isinstance(chosen, NoOrchestration) and not chosen.configured
    with pytest.raises(OrchestrationUnavailable, match="ehc serve"):
        call(chosen)


def test_a_command_with_no_server_refuses_at_once_and_starts_no_background_process(tmp_path):
    background = BackgroundHandOver(NoOrchestration(), tmp_path)
    assert not background.configured
    with pytest.raises(OrchestrationUnavailable, match="ehc serve"):
        background.hand_over(["EHC-1"])
    assert not (tmp_path / "logs").exists()
