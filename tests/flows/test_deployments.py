"""Every deployment names a real flow, on a Europe/London schedule, the same in code and in prefect.yaml."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import yaml
from prefect import Flow

from deployments import DEPLOYMENTS, runner_deployments
from flows.case_pass import case_pass, case_passes

PREFECT_YAML = Path(__file__).resolve().parents[2] / "deployments" / "prefect.yaml"


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda deployment: deployment.name)
def test_every_entrypoint_imports_as_a_prefect_flow_of_the_same_name(deployment):
    flow = deployment.load_flow()
    assert isinstance(flow, Flow)
    assert flow.name == deployment.name


def test_prefect_yaml_holds_every_setting_of_every_deployment_exactly_as_the_code_does():
    listed = yaml.safe_load(PREFECT_YAML.read_text())["deployments"]
    assert listed == [deployment.as_prefect_yaml("ehc") for deployment in DEPLOYMENTS]


def test_only_one_dispatcher_runs_at_a_time_wherever_the_deployments_are_registered():
    served = {deployment.name: deployment for deployment in runner_deployments()}
    assert served["dispatch-notifications"].concurrency_limit == 1
    listed = {entry["name"]: entry for entry in yaml.safe_load(PREFECT_YAML.read_text())["deployments"]}
    assert listed["dispatch-notifications"]["concurrency_limit"] == 1


def test_served_deployments_carry_their_schedules_in_london_time():
    served = {deployment.name: deployment for deployment in runner_deployments()}
    assert sorted(served) == ["catch-up", "deadline-watch", "dispatch-notifications", "quality-review",
                              "weekly-timeliness-report"], "no `ehc-request`: case passes are task runs"
    assert [s.schedule.cron for s in served["deadline-watch"].schedules] == ["15 6 * * 1-5"]
    assert [s.schedule.cron for s in served["catch-up"].schedules] == ["*/10 * * * *"]
    assert {s.schedule.timezone for deployment in served.values() for s in deployment.schedules} == {"Europe/London"}
    assert served["quality-review"].schedules == []


def test_a_case_pass_takes_only_case_references():
    assert list(inspect.signature(case_pass.fn).parameters) == ["reference"]
    assert list(inspect.signature(case_passes.fn).parameters) == ["references"]
    assert (case_pass.name, case_passes.name) == ("case-pass", "case-passes")


def test_ehc_deploy_registers_every_deployment_with_the_work_pool_to_run_in_this_project(prefect_api_url):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    from deployments import apply_to_work_pool

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="ehc-test-pool", type="process"), overwrite=True)
        assert apply_to_work_pool("ehc-test-pool") == [deployment.name for deployment in DEPLOYMENTS]
        for deployment in DEPLOYMENTS:
            stored = client.read_deployment_by_name(f"{deployment.name}/{deployment.name}")
            assert stored.work_pool_name == "ehc-test-pool"
            assert stored.job_variables["working_dir"] == str(PREFECT_YAML.parents[1])
            assert [schedule.schedule.cron for schedule in stored.schedules] == (
                [deployment.cron] if deployment.cron else [])
            assert stored.description == deployment.description
            assert (stored.global_concurrency_limit.limit if stored.global_concurrency_limit else None) == (
                deployment.concurrency_limit)
