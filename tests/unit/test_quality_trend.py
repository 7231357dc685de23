"""The weekly report's quality section: grades by month and the most common failings, against hand-counted tables."""

from __future__ import annotations

from datetime import date

import pytest

from domain.quality.rubric import Grade
from domain.quality.trend import CriterionRef, GradedPlan, month_end, months_back, quality_trend

D = date.fromisoformat
O, G, RI, I = Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE

CRITERIA = (
    CriterionRef("structure", "Every section A-K is present", "sections_present"),
    CriterionRef("e.smart", "Outcomes in E are SMART", "smart_outcomes"),
    CriterionRef("f.quantified", "Provision in F is quantified", "provision_quantified"),
    CriterionRef("g.health", "Health provision in G", "health_provision"),
    CriterionRef("reviewer-only", "Reviewers' judgement of the whole plan", None),
)

AS_OF = D("2026-11-20")  # Friday: the window is Jun 2026 to 20 Nov 2026

PLANS = [
    # id, received on, latest grade, checks with a failing finding
    (1, "2026-05-31", I, {"provision_quantified"}),                      # before the window: left out
    (2, "2026-06-01", G, set()),                                        # the window's first day
    (3, "2026-06-30", RI, {"smart_outcomes", "provision_quantified"}),
    (4, "2026-09-15", I, {"sections_present", "provision_quantified", "health_provision"}),
    (5, "2026-09-15", O, set()),
    (6, "2026-11-02", RI, {"smart_outcomes", "provision_quantified"}),
    (7, "2026-11-20", G, {"smart_outcomes"}),                           # as_of itself: counted
    (8, "2026-11-21", I, {"health_provision"}),                        # after as_of: not yet known
]


def graded(rows=PLANS):
    return [GradedPlan(id_, D(on), grade, frozenset(checks)) for id_, on, grade, checks in rows]


def test_grades_by_month_count_each_plan_in_the_month_it_came_in_up_to_as_of():
    trend = quality_trend(graded(), CRITERIA, AS_OF)

    table = [(m.month.isoformat(), m.last_day.isoformat(), m.counts[O], m.counts[G], m.counts[RI], m.counts[I],
              m.plans, m.pct_good_or_better) for m in trend.months]
    assert table == [
        # month,      last day counted, O, G, RI, I, plans, % Good or better
        ("2026-06-01", "2026-06-30", 0, 1, 1, 0, 2, 50.0),
        ("2026-07-01", "2026-07-31", 0, 0, 0, 0, 0, None),
        ("2026-08-01", "2026-08-31", 0, 0, 0, 0, 0, None),
        ("2026-09-01", "2026-09-30", 1, 0, 0, 1, 2, 50.0),
        ("2026-10-01", "2026-10-31", 0, 0, 0, 0, 0, None),
        ("2026-11-01", "2026-11-20", 0, 1, 1, 0, 2, 50.0),
    ]
    assert (trend.start, trend.plans, trend.good_or_better, trend.pct_good_or_better) == (D("2026-06-01"), 6, 3, 50.0)


def test_the_most_common_failings_count_plans_per_criterion_most_first_ties_in_rubric_order():
    trend = quality_trend(graded(), CRITERIA, AS_OF)

    assert [(f.criterion_id, f.plans, f.of_plans, f.pct) for f in trend.failings] == [
        ("e.smart", 3, 6, 50.0),        # plans 3, 6, 7
        ("f.quantified", 3, 6, 50.0),   # plans 3, 4, 6 (plan 1 is before the window); after e.smart in the rubric
        ("structure", 1, 6, 16.7),      # plan 4
        ("g.health", 1, 6, 16.7),       # plan 4 (plan 8 is after as_of)
    ]


def test_ties_keep_the_rubric_order_and_the_list_is_cut_at_top():
    trend = quality_trend(graded(), CRITERIA, AS_OF, top=2)

    # e.smart and f.quantified both fail 3 of the 6 plans; e.smart comes first in the rubric.
    assert [(f.criterion_id, f.title, f.plans) for f in trend.failings] == [
        ("e.smart", "Outcomes in E are SMART", 3), ("f.quantified", "Provision in F is quantified", 3)]


def test_a_plan_with_many_findings_on_one_criterion_counts_once_and_reviewer_only_criteria_never_fail():
    trend = quality_trend(graded([(1, "2026-11-03", I, {"provision_quantified"})]), CRITERIA, AS_OF)

    assert [(f.criterion_id, f.plans, f.of_plans, f.pct) for f in trend.failings] == [("f.quantified", 1, 1, 100.0)]


def test_a_check_the_current_rubric_does_not_name_is_still_reported_by_its_name():
    trend = quality_trend(graded([(1, "2026-11-03", RI, {"plain_language"})]), CRITERIA, AS_OF)

    assert [(f.criterion_id, f.title, f.plans) for f in trend.failings] == [("plain_language", "plain language", 1)]


def test_with_no_plans_in_the_window_every_month_is_zero_and_there_are_no_failings():
    trend = quality_trend(graded([(1, "2025-01-10", I, {"smart_outcomes"})]), CRITERIA, AS_OF)

    assert [m.plans for m in trend.months] == [0] * 6
    assert (trend.plans, trend.pct_good_or_better, trend.failings) == (0, None, ())


@pytest.mark.parametrize("day, back, first, last", [
    ("2026-11-20", 5, "2026-06-01", "2026-06-30"),
    ("2026-02-10", 2, "2025-12-01", "2025-12-31"),   # across the new year
    ("2024-03-31", 1, "2024-02-01", "2024-02-29"),   # a leap February
    ("2026-01-31", 0, "2026-01-01", "2026-01-31"),
])
def test_months_back_and_month_end(day, back, first, last):
    assert months_back(D(day), back) == D(first)
    assert month_end(D(first)) == D(last)
