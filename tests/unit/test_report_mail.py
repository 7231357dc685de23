"""Who gets the weekly report by email, and under which outbox key: once per report day and recipient."""

from __future__ import annotations

from datetime import date

from config.policy import PACKAGED_POLICY, load_policy
from domain.reminders.policy import ReportsPolicy
from domain.reminders.report_mail import plan_weekly_report_mail

POLICY = load_policy(PACKAGED_POLICY)


def with_distribution(*entries: str):
    return POLICY.model_copy(update={"reports": ReportsPolicy(weekly_distribution=entries)})


def test_the_packaged_policy_sends_the_weekly_report_to_the_send_manager_and_the_head_of_send():
    messages = plan_weekly_report_mail(date(2026, 11, 23), POLICY)

    assert [(m.recipient, m.to_address, m.key) for m in messages] == [
        ("role:send_manager", "send.manager@example.gov.uk", "service/weekly-report/role:send_manager/2026-11-23"),
        ("role:head_of_send", "head.of.send@example.gov.uk", "service/weekly-report/role:head_of_send/2026-11-23"),
    ]


def test_each_week_has_its_own_keys_and_the_same_week_the_same_keys():
    monday = [m.key for m in plan_weekly_report_mail(date(2026, 11, 23), POLICY)]
    again = [m.key for m in plan_weekly_report_mail(date(2026, 11, 23), POLICY)]
    next_week = [m.key for m in plan_weekly_report_mail(date(2026, 11, 30), POLICY)]

    assert monday == again
    assert not set(monday) & set(next_week)


def test_an_address_written_out_and_its_role_make_one_message():
    policy = with_distribution("role:send_manager", "Send.Manager@example.gov.uk", "board.clerk@example.gov.uk")

    assert [m.to_address for m in plan_weekly_report_mail(date(2026, 11, 23), policy)] == [
        "send.manager@example.gov.uk", "board.clerk@example.gov.uk"]


def test_an_empty_distribution_list_plans_no_email():
    assert plan_weekly_report_mail(date(2026, 11, 23), with_distribution()) == []
