"""The timeliness report's jobs: what both `ehc report ...` and the scheduled flow call.

Each takes the App (the composition root) and dates passed in by its caller;
none asks the App's clock anything but when the HTML page was produced, to stamp it.
They return figures and file paths only: no personal data.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from domain.timeliness import Period, decisions_in, notices_in, plans_in, timeliness_contract
from ehc.bootstrap import App
from ehc.parse import FieldProblems
from reports import queries
from reports.quality_section import quality_section, rubric_criteria
from reports.weekly import QualityReviewSection, gather_weekly, write_weekly


def timeliness_summary(app: App, period_from: date, period_to: date) -> dict:
    """The `ehc report timeliness --json` object for [period_from, period_to], both days included."""
    if period_from > period_to:
        raise FieldProblems.one("period_from", f"{period_from} is after period_to {period_to}",
                                mentions=["period_to"])
    period = Period("requested period", period_from, period_to)
    with app.read_connection() as connection:
        events = queries.event_days(connection, period_from, period_to, limbs=False)
        plans, decisions = plans_in(period, events.plans), decisions_in(period, events.decisions)
        notices = notices_in(period, events.notices)
        open_at_end = queries.open_tally(connection, period_to)
    return timeliness_contract(period, plans, decisions, open_at_end, notices)


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


def weekly_report(app: App, as_of: date, out_dir: Path,
                  quality_review: QualityReviewSection | None = None) -> WeeklyReportFiles:
    """Write the weekly report as of the end of ``as_of`` into ``out_dir``: HTML, CSV of open cases, XLSX.

    The quality-review section (grades by month, the most common failings)
    is built from the store once any plan has been graded; until then it is
    left out. ``quality_review``, when given, is shown instead.
    """
    with app.read_connection() as connection:
        report = gather_weekly(connection, as_of, app.la.authority.name, app.policy, app.calendar)
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
    )
