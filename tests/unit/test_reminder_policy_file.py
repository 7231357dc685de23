"""The policy file is validated on load, and a mistake is named by its key."""

from __future__ import annotations

import pytest

from config.policy import PACKAGED_POLICY, PolicyError, load_policy

PACKAGED = PACKAGED_POLICY.read_text(encoding="utf-8")

MISTAKES = [
    ('to = "role:dco_dmo"', 'to = "role:dco"',
     "agencies.health.escalations.1.to: role 'dco' is not defined under [roles]"),
    ('dco_dmo = "dco@example-icb.nhs.uk"', 'dco_dmo = "dco at the ICB"',
     "roles.dco_dmo: 'dco at the ICB' is not an email address"),
    ('[alerts.decision_due_soon]          # Reg 5(1): 6 weeks from the request\nwithin_working_days = 5',
     '[alerts.decision_due_soon]\nwithin_working_days = -5',
     "alerts.decision_due_soon.within_working_days: Input should be greater than or equal to 0"),
    ('quiet_hours = { start = "18:00:00", end = "08:00:00" }', 'quiet_hours = { start = "07:00:00", end = "08:00:00" }',
     "delivery.quiet_hours: quiet hours must run overnight"),
    ('[agencies.other]\nreminders = ["request", -3, 0, 1]', '[agencies.other]\nreminders = ["request", 1, -3, 1]',
     "agencies.other: reminders: each step may appear once"),
    ('timezone = "Europe/London"', 'timezone = "Europe/Londinium"', "delivery.timezone: unknown time zone"),
    ('[rag.draft]', '[rag.drafts]', "rag.drafts.[key]: Input should be"),
    ('[agencies.social_care]', '[agencies.social_services]', "agencies.social_services.[key]: Input should be"),
    ('weekly_distribution = ["role:send_manager", "role:head_of_send"]',
     'weekly_distribution = ["role:send_manager", "role:board"]',
     "reports.weekly_distribution: role 'board' is not defined under [roles]"),
    ('weekly_distribution = ["role:send_manager", "role:head_of_send"]',
     'weekly_distribution = ["role:send_manager", "the board"]',
     "reports.weekly_distribution.1: 'the board' is not a role:NAME or an email address"),
    ('[reviews.decision_by]               # Reg 20(10): the LA\'s decision notified within 4 weeks of the meeting\n'
     'to = "caseworker"', '[reviews.decision_by]\nto = "contributor"',
     "reviews.decision_by.to: 'contributor' is not a recipient of review messages (setting, caseworker, channel or "
     "role:NAME)"),
    ('  { after = 20, to = "role:head_of_send", title = "the head of SEND" },',
     '  { after = 20, to = "role:head_teacher", title = "the head teacher" },',
     "reviews.review_by.escalations.2.to: role 'head_teacher' is not defined under [roles]"),
    ("weeks_before = [12, 8, 4, 2]", "weeks_before = [12, 8, 8, 2]",
     "reviews.phase_transfer: weeks_before: each number of weeks may appear once"),
    ('"URN-140001" = "senco@oakfield-academy.example.sch.uk"', '"URN-140001" = "the SENCO"',
     "setting_contacts.URN-140001: 'the SENCO' is not an email address"),
]


@pytest.mark.parametrize("old, new, message", MISTAKES, ids=[m[2][:40] for m in MISTAKES])
def test_a_bad_policy_is_refused_naming_the_key(tmp_path, old, new, message):
    assert PACKAGED.count(old) == 1
    path = tmp_path / "policy.toml"
    path.write_text(PACKAGED.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyError) as refused:
        load_policy(path)
    assert message in str(refused.value)
    assert str(path) in str(refused.value)


def test_a_missing_agency_is_named(tmp_path):
    start = PACKAGED.index("[agencies.other]")
    end = PACKAGED.index("# Stage risk")
    path = tmp_path / "policy.toml"
    path.write_text(PACKAGED[:start] + PACKAGED[end:], encoding="utf-8")
    with pytest.raises(PolicyError, match="agencies: no policy for other"):
        load_policy(path)


def test_the_packaged_policy_loads_with_every_agency_and_stage():
    policy = load_policy(PACKAGED_POLICY)
    assert policy.agencies["health"].reminders == ("request", -10, -3, 0, 1, 5)
    assert [rung.after for rung in policy.agencies["health"].escalations] == [1, 5, 10]
    assert policy.alerts.no_draft_by_week.week == 14
    assert policy.reviews.arrange_meeting.reminders == (-20, -10, -3)
    assert policy.reviews.phase_transfer.weeks_before == (12, 8, 4, 2)


def test_a_policy_without_the_reviews_section_is_named(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(PACKAGED[:PACKAGED.index("# Annual reviews of plans in force")], encoding="utf-8")
    with pytest.raises(PolicyError, match="reviews: Field required"):
        load_policy(path)
