"""The reports' jobs: what both `ehc report ...` and the scheduled flow call.

Each takes the App (the composition root) and dates passed in by its caller;
none asks the App's clock anything but when the HTML page was produced, to stamp it.
They return figures and file paths only: no personal data.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from domain.review_measures import reviews_contract
from domain.timeliness import Period, decisions_in, notices_in, plans_in, timeliness_contract
from ehc.bootstrap import App
from ehc.parse import FieldProblems
from reports import queries, review_queries
from reports.quality_section import quality_section, rubric_criteria
from reports.weekly import QualityReviewSection, WeeklyReport, gather_weekly, write_weekly


def requested_period(period_from: date, period_to: date) -> Period:
    """[period_from, period_to], both days included; FieldProblems naming ``period_from`` when it is after."""
    if period_from > period_to:
        raise FieldProblems.one("period_from", f"{period_from} is after period_to {period_to}",
                                mentions=["period_to"])
    return Period("requested period", period_from, period_to)


def timeliness_summary(app: App, period_from: date, period_to: date) -> dict:
    """The `ehc report timeliness --json` object for [period_from, period_to], both days included."""
    period = requested_period(period_from, period_to)
    with app.read_connection() as connection:
        events = queries.event_days(connection, period_from, period_to, limbs=False)
        plans, decisions = plans_in(period, events.plans), decisions_in(period, events.decisions)
        notices = notices_in(period, events.notices)
        open_at_end = queries.open_tally(connection, period_to)
    return timeliness_contract(period, plans, decisions, open_at_end, notices)


def reviews_summary(app: App, period_from: date, period_to: date, as_of: date | None = None) -> dict:
    """The `ehc report reviews --json` object: the plans in force's measures for [period_from, period_to] (the
    plans as they stood at the end of ``period_to``) and the phase-transfer cohorts as of ``as_of`` (default
    ``period_to``)."""
    period = requested_period(period_from, period_to)
    with app.read_connection() as connection:
        measures = review_queries.review_measures(connection, period, as_of or period_to, app.calendar,
                                                  app.review_settings)
    return reviews_contract(measures)


class WeeklyReportFiles(BaseModel):
    """Where the weekly report was written, with a few headline counts (no personal data)."""

    model_config = ConfigDict(frozen=True)

    as_of: date
    html: Path
    csv: Path
    xlsx: Path
    open_requests: int
    open_overdue: int
    plans_issued_rolling_12_months: int
    pct_within_20_weeks_excl_exceptions_rolling_12_months: float | None
    quality_review: bool = False  # the report has its quality-review section (some plan has been graded)
    # The plans in force section (None when no plan is stored), rolling 12 months: reviews held within the 12
    # months, decisions within 4 weeks of the meeting.
    plans_in_force: int | None = None
    pct_reviews_within_12_months_rolling_12_months: float | None = None
    pct_decisions_within_4_weeks_rolling_12_months: float | None = None


def weekly_report(app: App, as_of: date, out_dir: Path,
                  quality_review: QualityReviewSection | None = None) -> WeeklyReportFiles:
    """Write the weekly report as of the end of ``as_of`` into ``out_dir``: HTML, CSV of open cases, XLSX.

    Once any plan in force is stored, the report has its plans-in-force section too (the rolling 12 months'
    reviews, decisions and amended plans; this academic year's phase-transfer cohorts by school).

    The quality-review section (grades by month, the most common failings)
    is built from the store once any plan has been graded; until then it is
    left out. ``quality_review``, when given, is shown instead.
    """
    with app.read_connection() as connection:
        report = gather_weekly(connection, as_of, app.la.authority.name, app.policy, app.calendar,
                               app.review_settings)
        if quality_review is None:
            quality_review = quality_section(connection, as_of, rubric_criteria(app.rubric))
    files = write_weekly(report, out_dir, quality_review, generated_at=app.clock.now())
    rolling = report.periods[-1].plans
    tally = report.open.tally
    return WeeklyReportFiles(
        as_of=as_of, html=files.html, csv=files.csv, xlsx=files.xlsx,
        open_requests=tally.requests, open_overdue=tally.overdue,
        plans_issued_rolling_12_months=rolling.plans,
        pct_within_20_weeks_excl_exceptions_rolling_12_months=rolling.pct_within_20_weeks_excl_exceptions,
        quality_review=quality_review is not None,
        **_plans_in_force_figures(report),
    )


def _plans_in_force_figures(report: WeeklyReport) -> dict:
    plans = report.plans_in_force
    if plans is None:
        return {}
    return {"plans_in_force": plans.tally.plans_in_force,
            "pct_reviews_within_12_months_rolling_12_months": plans.tally.reviews.percentage,
            "pct_decisions_within_4_weeks_rolling_12_months": plans.tally.decisions.percentage}
