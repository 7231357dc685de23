"""The weekly report's page from figures in hand: the quality-review slot, the plans in force, escaping, the England
line."""

from __future__ import annotations

import re
from datetime import date

import pytest
from jinja2 import UndefinedError

from config.calendar import england_calendar
from config.policy import PACKAGED_POLICY, load_policy
from domain.timeliness import (
    AdviceDay, OnTimeTally, OpenRequest, PlanDay, PlanIssued, PlanTally, england_figure, measures_for, open_caseload,
    plans_in, report_periods, trend_weeks,
)
from reports.weekly import QualityReviewSection, TrendPoint, WeeklyReport, _environment, render_html

AS_OF = date(2026, 11, 20)
POLICY = load_policy(PACKAGED_POLICY)


def a_report(contributor: str = "DCO-NORTH") -> WeeklyReport:
    plans = [PlanDay(date(2026, 11, 18), PlanTally.of([PlanIssued(date(2026, 7, 1), date(2026, 11, 18))])),
             PlanDay(date(2026, 11, 2), PlanTally.of([PlanIssued(date(2026, 8, 1), date(2026, 11, 2))]))]
    advice = [AdviceDay(date(2026, 11, 17), "health", contributor, OnTimeTally(3, 2))]
    periods = tuple(measures_for(period, plans, [], advice, []) for period in report_periods(AS_OF))
    trend = tuple(TrendPoint(week.end, plans_in(week, plans)) for week in trend_weeks(AS_OF))
    caseload = open_caseload([OpenRequest("REF-1", date(2026, 10, 1), owner="AO")], AS_OF, POLICY,
                             england_calendar(2027))
    return WeeklyReport("Example Borough Council", AS_OF, periods, trend, caseload, england_figure(2026))


def test_without_a_quality_review_the_section_is_left_out():
    html = render_html(a_report())

    assert 'id="quality-review"' not in html
    assert "Quality of EHC plans" not in html


def test_a_quality_review_given_to_the_report_appears_in_its_own_section_with_a_proper_table():
    section = QualityReviewSection(heading="Quality of EHC plans", summary=("12 plans reviewed this week.",),
                                   columns=("Section", "Plans scored Good or better"),
                                   rows=(("E Outcomes", 7), ("F Provision", None)))

    html = render_html(a_report(), quality_review=section)

    block = html[html.index('id="quality-review"'):]
    assert "12 plans reviewed this week." in block
    assert '<th scope="col">Plans scored Good or better</th>' in block
    assert '<th scope="row">E Outcomes</th><td>7</td>' in block
    assert '<th scope="row">F Provision</th><td>–</td>' in block


def test_text_from_the_store_is_escaped_not_run():
    html = render_html(a_report(contributor="<script>alert(1)</script>"))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_england_figure_is_drawn_and_cited():
    html = render_html(a_report())

    assert "England 2024: 46.4%" in html
    assert "Education, health and care plans" in html
    assert re.search(r'<line [^>]*stroke="#d4351c" stroke-width="2"/>', html)  # the England line


def test_a_template_naming_something_the_report_lacks_fails_loudly():
    template = _environment().from_string("{{ report.no_such_thing }}")

    with pytest.raises(UndefinedError):
        template.render()


def test_the_quality_section_built_from_reviews_words_an_empty_failings_table_and_escapes_titles():
    from domain.quality.rubric import Grade
    from domain.quality.trend import CriterionRef, GradedPlan, quality_trend
    from reports.quality_section import section_from

    clean = quality_trend([GradedPlan(1, date(2026, 11, 2), Grade.OUTSTANDING)], [], AS_OF)
    failing = quality_trend([GradedPlan(1, date(2026, 11, 2), Grade.INADEQUATE, frozenset({"smart_outcomes"}))],
                            [CriterionRef("e.smart", "Outcomes <b>SMART</b>", "smart_outcomes")], AS_OF)

    clean_html = render_html(a_report(), quality_review=section_from(clean))
    failing_html = render_html(a_report(), quality_review=section_from(failing))

    assert "<h3>Most common failings, plans that came in from 1 June 2026 to 20 November 2026</h3>" in clean_html
    assert "<p>No automatic check found fault with these plans.</p>" in clean_html
    assert '<th scope="row">Outcomes &lt;b&gt;SMART&lt;/b&gt;</th><td>1</td><td>100.0%</td>' in failing_html
    assert "Most common failing: Outcomes &lt;b&gt;SMART&lt;/b&gt; (1 of 1 plans)." in failing_html


def test_the_plans_in_force_section_counts_down_to_the_last_day_and_escapes_school_names():
    from dataclasses import replace

    from domain.review_measures import CohortProgress, CohortTransfer, PlansInForceMeasures, ReviewTally, WithinLimit
    from domain.year_groups import DEFAULT_TRANSFER_POINTS, next_transfer

    def cohort(point, as_of: date, by_setting=()) -> CohortTransfer:
        return CohortTransfer(next_transfer(point.from_group, as_of, DEFAULT_TRANSFER_POINTS, england_calendar(2027)),
                              as_of, by_setting)

    early_years, primary, post16 = DEFAULT_TRANSFER_POINTS
    as_of = date(2027, 2, 16)  # Tue 16 Feb 2027: the last day, Sun 14 Feb, has passed; 30 Mar is ahead
    plans = PlansInForceMeasures(
        report_periods(AS_OF)[-1], as_of, plans_stored=3,
        tally=ReviewTally(plans_in_force=3, reviews=WithinLimit(3, 2), reviews_overdue=1),
        cohorts=(cohort(early_years, as_of),
                 cohort(primary, as_of, (("<i>Oak</i> Primary", CohortProgress(children=1, outstanding=1, overdue=1)),
                                         (None, CohortProgress(children=1, done=1)))),
                 cohort(post16, date(2027, 3, 30))))

    html = render_html(replace(a_report(), plans_in_force=plans))

    section = html[html.index('id="plans-in-force"'):html.index("</section>", html.index('id="plans-in-force"'))]
    assert "Reviews held within the 12 months (CFA s44(1))</th><td class=\"app-num\">2 of 3 (66.7%)</td>" \
           "<td class=\"app-num\">1</td>" in section
    assert ("Primary to secondary, transfer in September 2027: last day Sun 14 February 2027 (2 days ago), "
            "last working day Fri 12 February 2027 (4 days ago)") in section
    assert "Secondary to post-16, transfer in September 2027: last day Tue 30 March 2027 (today)" in section
    assert "&lt;i&gt;Oak&lt;/i&gt; Primary" in section and "<i>Oak" not in section
    assert '<th scope="row">No school or setting</th>' in section
    assert "No children in this transfer's cohort." in section  # early years to school
