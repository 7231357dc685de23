"""Every deployment names a real flow, on a Europe/London schedule, the same in code and in prefect.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from prefect import Flow

from deployments import DEPLOYMENTS, TIMEZONE, runner_deployments

PREFECT_YAML = Path(__file__).resolve().parents[2] / "deployments" / "prefect.yaml"


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda deployment: deployment.name)
def test_every_entrypoint_imports_as_a_prefect_flow_of_the_same_name(deployment):
    flow = deployment.load_flow()
    assert isinstance(flow, Flow)
    assert flow.name == deployment.name


def test_prefect_yaml_lists_the_same_deployments_entrypoints_and_schedules():
    listed = {entry["name"]: entry for entry in yaml.safe_load(PREFECT_YAML.read_text())["deployments"]}
    assert set(listed) == {deployment.name for deployment in DEPLOYMENTS}
    for deployment in DEPLOYMENTS:
        entry = listed[deployment.name]
        assert entry["entrypoint"] == deployment.entrypoint
        schedules = entry.get("schedules") or []
        assert [schedule["cron"] for schedule in schedules] == ([deployment.cron] if deployment.cron else [])
        assert all(schedule["timezone"] == "Europe/London" for schedule in schedules)


def test_served_deployments_carry_their_schedules_in_london_time():
    served = {deployment.name: deployment for deployment in runner_deployments()}
    assert TIMEZONE == "Europe/London"
    assert [s.schedule.cron for s in served["deadline-watch"].schedules] == ["15 6 * * 1-5"]
    assert [s.schedule.timezone for s in served["weekly-timeliness-report"].schedules] == ["Europe/London"]
    assert served["ehc-request"].schedules == [] and served["quality-review"].schedules == []


def test_the_request_flow_takes_only_a_case_reference():
    flow = next(d for d in DEPLOYMENTS if d.name == "ehc-request").load_flow()
    assert list(flow.parameters.properties) == ["reference"]
