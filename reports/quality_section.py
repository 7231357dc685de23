"""The weekly report's quality-review section, built from the plans the store has graded.

Reads each graded plan's latest grade and failing checks
(``store.quality.graded_plans``, through the App's read-only connection), lets ``domain.quality.trend`` count them
by month and by criterion, and words the result as a
``QualityReviewSection``: a table of grades by month and a table of the
most common failings, named by the rubric's titles. No case references,
no plan text: counts only.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from sqlalchemy import Connection

from domain.quality.rubric import Grade
from domain.quality.trend import MONTHS_SHOWN, CriterionRef, QualityTrend, month_end, months_back, quality_trend
from reports.weekly import QualityReviewSection, QualityTable
from store.quality import any_graded, graded_plans

GRADES_COLUMNS = ("Month plans came in", *(grade.value for grade in Grade), "Plans", "Good or better")
FAILINGS_COLUMNS = ("Criterion (rubric)", "Plans failing it", "Share of plans")


def quality_section(connection: Connection, as_of: date, criteria: Sequence[CriterionRef],
                    months: int = MONTHS_SHOWN) -> QualityReviewSection | None:
    """The section as of the end of ``as_of``, or None when no plan has been graded at all."""
    if not any_graded(connection):
        return None
    plans = graded_plans(connection, months_back(as_of, months - 1), as_of)
    return section_from(quality_trend(plans, criteria, as_of, months=months))


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}%"


def _month_label(first: date, last: date) -> str:
    """"November 2026", or "November 2026 (to 20 November)" for the month the report ends in."""
    return f"{first:%B %Y}" if last == month_end(first) else f"{first:%B %Y} (to {last.day} {last:%B})"


def section_from(trend: QualityTrend) -> QualityReviewSection:
    window = f"{trend.start:%-d %B %Y} to {trend.as_of:%-d %B %Y}"
    if trend.plans:
        summary = [f"{trend.plans} plan{'s' if trend.plans != 1 else ''} came in for review from {window}; "
                   f"{trend.good_or_better} ({_pct(trend.pct_good_or_better)}) graded Good or better."]
    else:
        summary = [f"No plans came in for review from {window}."]
    summary.append("Each plan is counted in the month it came in (draft and final plans separately), at its "
                   "latest grade: the automatic review's, or the reviewers' once they have scored it. A plan with "
                   "unquantified provision in F or no health section G is never graded Good.")
    if trend.failings:
        worst = trend.failings[0]
        summary.append(f"Most common failing: {worst.title} ({worst.plans} of {worst.of_plans} plans).")
    grades_rows = tuple(
        (_month_label(month.month, month.last_day), *(month.counts[grade] for grade in Grade), month.plans,
         _pct(month.pct_good_or_better))
        for month in trend.months)
    failings = QualityTable(
        caption=f"Most common failings, plans that came in from {window}",
        columns=FAILINGS_COLUMNS,
        rows=tuple((failing.title, failing.plans, _pct(failing.pct)) for failing in trend.failings),
        empty="No automatic check found fault with these plans." if trend.plans else "No plans to report on.",
    )
    return QualityReviewSection(heading="Quality of EHC plans", summary=tuple(summary),
                                caption=f"Grades of plans by the month they came in, {window}",
                                columns=GRADES_COLUMNS, rows=grades_rows, tables=(failings,))


def rubric_criteria(rubric) -> tuple[CriterionRef, ...]:
    """The rubric's criteria as the trend takes them (``domain.quality.Rubric``)."""
    return tuple(CriterionRef(c.id, c.title, c.check) for c in rubric.criteria)
