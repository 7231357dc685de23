"""The caseworker's alert when a plan's automatic review grades it below Good (domain/quality/alerts.py).

The policy is the packaged one (config/policy/default.toml): "A Okafor" has
an address under [caseworkers]; anyone else falls back to role casework_team.
Dates were checked by hand: Mon 31 Aug 2026 is the summer bank holiday.
"""

from __future__ import annotations

from datetime import date

import pytest

from config.policy import PACKAGED_POLICY, load_policy
from domain.quality.alerts import MAX_POINTS, ReviewFacts, plan_quality_alert, quality_alert_relevance
from domain.quality.rubric import Grade
from domain.reminders.messages import MessageKind
from domain.timeline import Stage
from notifications.render import Branding, Renderer

D = date.fromisoformat
POLICY = load_policy(PACKAGED_POLICY)
NO_G = "section G (health provision) is missing"
UNQUANTIFIED = "3 of 4 provision items in F are not quantified (how often and for how long, CoP 9.69)"


def review(**changes) -> ReviewFacts:
    facts = dict(reference="EHC/2026/Q01", caseworker="A Okafor", case_stage=Stage.DRAFT, plan_stage="draft",
                 document_id=7, review_id=3, reviewed_on=D("2026-06-15"), grade=Grade.INADEQUATE,
                 cap_reasons=(UNQUANTIFIED, NO_G),
                 weakest=("scored 1 of 4: Outcomes in E are SMART",), failings=12)
    return ReviewFacts(**{**facts, **changes})


@pytest.mark.parametrize(("grade", "alerted"), [
    (Grade.OUTSTANDING, False),
    (Grade.GOOD, False),
    (Grade.REQUIRES_IMPROVEMENT, True),
    (Grade.INADEQUATE, True),
])
def test_only_a_plan_below_good_alerts_the_caseworker(calendar, grade, alerted):
    message = plan_quality_alert(review(grade=grade), POLICY, calendar, D("2026-06-15"))
    assert (message is not None) is alerted
    if alerted:
        assert (message.kind, message.grade, message.channel) == (MessageKind.QUALITY_ALERT, grade.value, "email")


@pytest.mark.parametrize(("caseworker", "recipient", "title", "address"), [
    ("A Okafor", "caseworker:A Okafor", "A Okafor", "a.okafor@example.gov.uk"),
    ("Z Newcomer", "caseworker:Z Newcomer", "Z Newcomer", "send.casework@example.gov.uk"),  # not in [caseworkers]
    (None, "caseworker:unassigned", "casework team", "send.casework@example.gov.uk"),
])
def test_the_caseworker_is_found_in_the_policy_else_the_casework_team(calendar, caseworker, recipient, title,
                                                                      address):
    message = plan_quality_alert(review(caseworker=caseworker), POLICY, calendar, D("2026-06-15"))
    assert (message.recipient, message.recipient_title, message.to_address) == (recipient, title, address)


def test_the_key_names_the_review_so_it_is_queued_once_whenever_and_for_whoever_it_is_planned(calendar):
    on_the_day = plan_quality_alert(review(), POLICY, calendar, D("2026-06-15"))
    a_week_later = plan_quality_alert(review(), POLICY, calendar, D("2026-06-22"))
    new_caseworker = plan_quality_alert(review(caseworker="B Singh"), POLICY, calendar, D("2026-06-16"))
    the_final = plan_quality_alert(review(plan_stage="final", document_id=8, review_id=4), POLICY, calendar,
                                   D("2026-07-20"))

    assert on_the_day.key == "EHC/2026/Q01/quality-alert/draft-review-3/caseworker/2026-06-15"
    assert a_week_later.key == new_caseworker.key == on_the_day.key
    assert the_final.key == "EHC/2026/Q01/quality-alert/final-review-4/caseworker/2026-06-15"
    assert (on_the_day.subject_ref, the_final.subject_ref) == ("draft-plan:7", "final-plan:8")


@pytest.mark.parametrize(("planned", "send_on"), [
    ("2026-06-15", "2026-06-15"),  # Mon: that day
    ("2026-06-20", "2026-06-22"),  # Sat: the Monday
    ("2026-08-28", "2026-08-28"),  # Fri before the summer bank holiday
    ("2026-08-29", "2026-09-01"),  # Sat: Mon 31 Aug is a bank holiday, so Tue
])
def test_an_alert_planned_on_a_non_working_day_is_for_the_next_working_day(calendar, planned, send_on):
    message = plan_quality_alert(review(), POLICY, calendar, D(planned))
    assert message.send_on == D(send_on)
    assert message.due_on == D("2026-06-15")  # the review's day, whichever day it was planned


def test_the_reasons_are_the_hard_rule_first_then_the_weakest_criteria_at_most_five(calendar):
    weakest = tuple(f"scored 1 of 4: criterion {n}" for n in range(1, 6))
    message = plan_quality_alert(review(weakest=weakest), POLICY, calendar, D("2026-06-15"))
    assert message.points == (UNQUANTIFIED, NO_G, *weakest[:MAX_POINTS - 2])
    assert message.reason == ("the automatic quality review of the draft EHC plan on Mon 2026-06-15 graded it "
                              "Inadequate (12 checks failed); a plan must be graded at least Good")


@pytest.mark.parametrize(("subject", "stage", "latest", "why_not"), [
    ("draft-plan:7", Stage.ASSESSMENT, "draft-plan:7", None),   # draft attached before the event is recorded
    ("draft-plan:7", Stage.DRAFT, "draft-plan:7", None),
    ("final-plan:8", Stage.DRAFT, "final-plan:8", None),
    ("final-plan:8", Stage.ISSUED, "final-plan:8", None),       # issued is not "closed" for the final's review
    ("draft-plan:7", Stage.ISSUED, "draft-plan:7", "final plan issued: the draft's review is moot"),
    ("draft-plan:7", Stage.DRAFT, "final-plan:8", "a later plan is on file (final-plan:8); its own review decides"),
    ("draft-plan:7", Stage.DRAFT, "draft-plan:9", "a later plan is on file (draft-plan:9); its own review decides"),
    ("draft-plan:7", Stage.WITHDRAWN, "draft-plan:7", "case closed (withdrawn)"),
    ("final-plan:8", Stage.NO_PLAN, "final-plan:8", "case closed (no_plan)"),
    ("draft-plan:7", Stage.DRAFT, None, "no plan on file for the case"),
])
def test_a_queued_alert_goes_while_its_plan_is_the_latest_and_the_case_is_live(subject, stage, latest, why_not):
    assert quality_alert_relevance(subject, stage, latest) == why_not


def test_nothing_is_planned_for_a_withdrawn_case_or_a_draft_once_the_final_is_issued(calendar):
    assert plan_quality_alert(review(case_stage=Stage.WITHDRAWN), POLICY, calendar, D("2026-06-15")) is None
    assert plan_quality_alert(review(case_stage=Stage.ISSUED), POLICY, calendar, D("2026-06-15")) is None
    assert plan_quality_alert(review(case_stage=Stage.ISSUED, plan_stage="final"), POLICY, calendar,
                              D("2026-07-20")) is not None


def test_the_message_gives_initials_grade_reasons_and_link_and_no_plan_text(calendar):
    message = plan_quality_alert(review(), POLICY, calendar, D("2026-06-15"))
    branding = Branding(authority="Example Borough Council", base_url="https://ehc.example.gov.uk",
                        mail_from="send@example.gov.uk")

    rendered = Renderer(branding).render(message, "AZ", D("2026-06-15"))

    assert rendered.subject == ("EHC plan quality below Good: draft EHC plan for EHC/2026/Q01 (AZ) graded "
                                "Inadequate")
    for part in (rendered.text, rendered.html):
        assert "(AZ)" in part and "Inadequate" in part and "at least" in part and "Good" in part
        assert NO_G in part and "scored 1 of 4: Outcomes in E are SMART" in part
        assert "https://ehc.example.gov.uk/cases/EHC/2026/Q01" in part
        assert "Monday 15 June 2026" in part
    assert rendered.text.startswith("Dear A Okafor,\n")
    assert "<li>section G (health provision) is missing</li>" in rendered.html
