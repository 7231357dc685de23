"""The weekly timeliness report: gathered from SQL aggregates, measured by the domain, written as files.

``gather_weekly`` reads the store (a handful of grouped queries and one
streamed list of open requests; with the LA's review settings, the plans in
force too, through ``review_queries``); ``write_weekly`` writes the HTML page,
the CSV of open cases and the managers' workbook. Cases appear by reference
and caseworker initials only; plans in force as counts by school or setting.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Font
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection

from domain.calendar import WorkingCalendar
from domain.plan_review import ReviewSettings
from domain.rag import RAG_STEPS, Rag
from domain.reminders.policy import ReminderPolicy
from domain.review_measures import CohortTransfer, PlansInForceMeasures
from domain.rules import Step
from domain.timeline import OPEN_STAGES, Stage
from domain.timeliness import (
    ENGLAND_SOURCE, WEEK_BANDS, EnglandFigure, OpenCaseload, PeriodMeasures, PlanTally, england_figure, measures_for,
    open_caseload, plans_in, report_periods, trend_weeks,
)
from reports import charts, queries, review_queries
from reports.spreadsheet_safety import csv_row, xlsx_cell, xlsx_row

TREND_WEEKS = 26
STAGE_NAMES = {
    Stage.AWAITING_DECISION: "Awaiting decision",
    Stage.ASSESSMENT: "Assessment",
    Stage.DRAFT: "Draft plan",
}
STAGE_COLOURS = {
    STAGE_NAMES[Stage.AWAITING_DECISION]: charts.MID_GREY,
    STAGE_NAMES[Stage.ASSESSMENT]: charts.BLUE,
    STAGE_NAMES[Stage.DRAFT]: charts.DARK_BLUE,
}
# How the page names the statutory dates a stage's RAG watches (domain.rag.RAG_STEPS).
WATCHED_DATES = {
    Step.DECISION_TO_ASSESS: "the decision whether to assess",
    Step.ADVICE: "advice",
    Step.NO_PLAN_NOTICE: "the notice not to issue a plan",
    Step.FINAL_PLAN: "the final plan",
}
OPEN_CASE_COLUMNS = ("case_ref", "owner", "stage", "week", "received", "next_step", "next_due", "regulation",
                     "days_remaining", "rag", "overdue", "exceptions_apply")


Cell = str | int | float | None


class QualityTable(BaseModel):
    """One more table of the quality section, with its own caption."""

    model_config = ConfigDict(frozen=True)

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()
    empty: str = "None."  # shown instead of the table when it has no rows


class QualityReviewSection(BaseModel):
    """What quality review hands the report: a heading, a few lines, one table and any further tables.

    The report shows it in its own marked section; with none given, the
    section is left out entirely. ``reports/quality_section.py`` builds it
    from the store's reviews (grades over time, the most common failings).
    """

    model_config = ConfigDict(frozen=True)

    heading: str = "Quality of EHC plans"
    summary: tuple[str, ...] = ()
    caption: str | None = None  # the first table's; the heading when not given
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    tables: tuple[QualityTable, ...] = ()


@dataclass(frozen=True)
class TrendPoint:
    week_end: date
    plans: PlanTally


@dataclass(frozen=True)
class WeeklyReport:
    authority: str
    as_of: date
    periods: tuple[PeriodMeasures, ...]
    trend: tuple[TrendPoint, ...]
    open: OpenCaseload
    england: EnglandFigure | None
    plans_in_force: PlansInForceMeasures | None = None  # the rolling 12 months; None when no plan is stored


def gather_weekly(connection: Connection, as_of: date, authority: str, policy: ReminderPolicy,
                  calendar: WorkingCalendar, review_settings: ReviewSettings | None = None) -> WeeklyReport:
    """Everything the report shows, as of the end of ``as_of``; open cases coloured by the policy's RAG rule.

    With ``review_settings``, the plans in force for the rolling 12 months and this academic year's
    phase-transfer cohorts (left out when no plan is stored).
    """
    periods = report_periods(as_of)
    weeks = trend_weeks(as_of, TREND_WEEKS)
    start = min([period.start for period in periods] + [weeks[0].start])
    events = queries.event_days(connection, start, as_of)
    advice_days = queries.advice_days(connection, start, as_of)
    measures = tuple(measures_for(period, events.plans, events.decisions, advice_days, events.exceptions,
                                  events.notices) for period in periods)
    trend = tuple(TrendPoint(week.end, plans_in(week, events.plans)) for week in weeks)
    caseload = open_caseload(queries.open_requests(connection, as_of), as_of, policy, calendar)
    plans = None
    if review_settings is not None:
        plans = review_queries.review_measures(connection, periods[-1], as_of, calendar, review_settings)
    return WeeklyReport(authority, as_of, measures, trend, caseload, england_figure(as_of.year),
                        plans if plans is not None and plans.plans_stored else None)


# -- writing -----------------------------------------------------------------------------------------------

def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def agency_label(agency: str) -> str:
    """``educational_psychology`` -> ``Educational psychology``."""
    return agency.replace("_", " ").capitalize()


def rag_rule_lines(caseload: OpenCaseload) -> list[str]:
    """The RAG rule the open cases were coloured by, one line per stage, in the policy's numbers."""
    def joined(steps: tuple[Step, ...]) -> str:
        words = [WATCHED_DATES[step] for step in steps]
        return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"

    return [f"{STAGE_NAMES[stage]}: {joined(RAG_STEPS[stage])} is due within {rule.red_within_working_days} "
            f"working days (red) or {rule.amber_within_working_days} (amber)"
            for stage, rule in caseload.rag_rules.items()]


def transfer_label(transfer: str) -> str:
    """``secondary_to_post16`` -> ``Secondary to post-16``."""
    return transfer.replace("_", " ").replace("post16", "post-16").capitalize()


def countdown(days: int) -> str:
    """Days to a last day as the page says them: ahead, today, or passed."""
    if days == 0:
        return "today"
    if days > 0:
        return f"in {days} day{'s' if days != 1 else ''}"
    return f"{-days} day{'s' if days != -1 else ''} ago"


def _pct(value: float | None) -> str:
    return "no plans" if value is None else f"{value:.1f}%"


def render_html(report: WeeklyReport, quality_review: QualityReviewSection | None = None,
                generated_at: datetime | None = None) -> str:
    env = _environment()
    env.filters["pct"] = lambda value: "–" if value is None else f"{value:.1f}%"
    env.filters["agency"] = agency_label
    env.filters["transfer"] = transfer_label
    env.filters["countdown"] = countdown
    week_ends = [point.week_end for point in report.trend]
    england = report.england.pct_within_20_weeks_excl_exceptions if report.england else None
    trend = charts.trend_chart(
        week_ends,
        {"Excluding exceptions": [point.plans.pct_within_20_weeks_excl_exceptions for point in report.trend],
         "Including exceptions": [point.plans.pct_within_20_weeks for point in report.trend]},
        england,
        f"England {report.england.year}: {england}%" if report.england else None,
    )
    stages = [STAGE_NAMES[stage] for stage in OPEN_STAGES]
    by_week = charts.stacked_columns(
        list(WEEK_BANDS),
        {STAGE_NAMES[stage]: [report.open.by_week_and_stage[band][stage] for band in WEEK_BANDS]
         for stage in OPEN_STAGES},
        STAGE_COLOURS,
        width=760,  # 22 columns: room for the "21-52" and "53+" labels
    )
    rolling = report.periods[-1]
    advice = charts.percent_bars([
        (agency_label(agency), tally.pct_within_6_weeks,
         f"{_pct(tally.pct_within_6_weeks)} of {tally.done}")
        for agency, tally in rolling.advice_by_agency.items()
    ])
    template = env.get_template("weekly.html.j2")
    return template.render(
        report=report, trend=trend, by_week=by_week, advice=advice, stages=stages, stage_names=STAGE_NAMES,
        week_bands=WEEK_BANDS, rags=list(Rag), open_stages=list(OPEN_STAGES), rolling=rolling,
        colours={"red": charts.RED, "amber": charts.ORANGE, "green": charts.GREEN, "grey": charts.GREY,
                 "text": charts.TEXT, "mid_grey": charts.MID_GREY, "blue": charts.BLUE,
                 "dark_blue": charts.DARK_BLUE},
        rag_rules=rag_rule_lines(report.open), england_source=ENGLAND_SOURCE,
        plans=report.plans_in_force, quality_review=quality_review,
        generated_at=(generated_at.strftime("%d %B %Y %H:%M UTC") if generated_at else None),
    )


def open_case_rows(report: WeeklyReport) -> list[tuple]:
    return [
        (case.reference, case.owner or "", case.stage.value, case.week, case.received.isoformat(), case.next_step,
         case.next_due.isoformat(), case.regulation, case.days_remaining, case.rag.value,
         "yes" if case.overdue else "no", "yes" if case.exceptions_apply else "no")
        for case in report.open.cases
    ]


def write_csv(report: WeeklyReport, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OPEN_CASE_COLUMNS)
        writer.writerows(csv_row(row) for row in open_case_rows(report))  # formula-like text shown, never run


def _measure_rows(report: WeeklyReport) -> list[tuple]:
    rows: list[tuple] = [("measure", *(str(measures.period.name) for measures in report.periods))]
    rows.append(("from", *(m.period.start.isoformat() for m in report.periods)))
    rows.append(("to", *(m.period.end.isoformat() for m in report.periods)))
    rows += [
        ("plans issued", *(m.plans.plans for m in report.periods)),
        ("within 20 weeks", *(m.plans.within_20_weeks for m in report.periods)),
        ("% within 20 weeks", *(m.plans.pct_within_20_weeks for m in report.periods)),
        ("plans issued, excluding exceptions", *(m.plans.plans_excl_exceptions for m in report.periods)),
        ("within 20 weeks, excluding exceptions", *(m.plans.within_20_weeks_excl_exceptions for m in report.periods)),
        ("% within 20 weeks, excluding exceptions",
         *(m.plans.pct_within_20_weeks_excl_exceptions for m in report.periods)),
        ("average weeks to issue", *(m.plans.average_weeks_to_issue for m in report.periods)),
        ("over 20 weeks, within a year", *(m.plans.over_20_weeks_within_a_year for m in report.periods)),
        ("over a year", *(m.plans.over_a_year for m in report.periods)),
        ("decisions made", *(m.decisions.done for m in report.periods)),
        ("decisions within 6 weeks", *(m.decisions.within_6_weeks for m in report.periods)),
        ("% decisions within 6 weeks", *(m.decisions.pct_within_6_weeks for m in report.periods)),
        ("notices not to issue a plan", *(m.notices.notices for m in report.periods)),
        ("notices within 16 weeks", *(m.notices.within_16_weeks for m in report.periods)),
        ("% notices within 16 weeks", *(m.notices.pct_within_16_weeks for m in report.periods)),
        ("plans left out: mediation or tribunal", *(m.plans.excluded_mediation_tribunal for m in report.periods)),
    ]
    limbs = sorted({limb for m in report.periods for limb in m.exceptions_by_limb})
    rows += [(f"plans with exception {limb}", *(m.exceptions_by_limb.get(limb, 0) for m in report.periods))
             for limb in limbs]
    if report.england:
        rows.append((f"England {report.england.year}, % within 20 weeks excluding exceptions",
                     *(report.england.pct_within_20_weeks_excl_exceptions for _ in report.periods)))
    return rows


PLANS_IN_FORCE_COLUMNS = ("measure", "numerator", "denominator", "percentage")
COHORT_COLUMNS = ("transfer", "transfer year", "last day", "last working day", "days to the last day",
                  "school or setting", "children", "meeting held", "decision made", "done", "done late",
                  "outstanding", "overdue")


def plans_in_force_rows(plans: PlansInForceMeasures) -> list[tuple]:
    """The "Plans in force" sheet: the period's measures, then each transfer's cohort by school or setting."""
    tally = plans.tally
    rows: list[tuple] = [
        ("from", plans.period.start.isoformat()), ("to", plans.period.end.isoformat()),
        ("plans in force at the end", tally.plans_in_force),
    ]
    for name, measure, overdue_name, overdue in (
            ("reviews held within the 12 months", tally.reviews,
             "reviews overdue, not held at the end", tally.reviews_overdue),
            ("decisions within 4 weeks of the meeting", tally.decisions,
             "decisions overdue at the end", tally.decisions_overdue),
            ("amended plans within 8 weeks of the proposals", tally.amended_plans,
             "amended plans overdue at the end", tally.amended_plans_overdue)):
        rows += [(name, measure.within, measure.counted, measure.percentage), (overdue_name, overdue)]
    rows += [(), COHORT_COLUMNS]
    for cohort in plans.cohorts:
        rows += [(*_cohort_columns(cohort), setting if setting is not None else NO_SETTING,
                  *progress.as_contract().values()) for setting, progress in cohort.by_setting]
        rows.append((*_cohort_columns(cohort), "all", *cohort.total.as_contract().values()))
    return rows


NO_SETTING = "no school or setting"


def _cohort_columns(cohort: CohortTransfer) -> tuple:
    return (transfer_label(cohort.transfer.transfer), cohort.transfer.transfer_year,
            cohort.transfer.last_day.isoformat(), cohort.transfer.last_working_day.isoformat(),
            cohort.days_to_last_day)


def write_workbook(report: WeeklyReport, path: Path, quality_review: QualityReviewSection | None = None) -> None:
    """A workbook for managers: measures by period, the trend, advice, open cases by stage and the open cases;
    with plans in force, a "Plans in force" sheet; with a quality-review section, a "Quality" sheet of its tables
    too."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title: str, header: tuple, rows) -> None:
        ws = book.create_sheet(title)
        cells = []
        for value in header:
            cell = xlsx_cell(ws, value)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        for row in rows:  # every text cell a string, never a formula, whoever typed it
            ws.append(xlsx_row(ws, row))

    measures = _measure_rows(report)
    sheet("Measures", measures[0], measures[1:] + [("source of the England figure", ENGLAND_SOURCE)])
    sheet("Trend", ("week ending", "plans issued", "within 20 weeks", "% within 20 weeks",
                    "plans excluding exceptions", "within 20 weeks excluding exceptions",
                    "% within 20 weeks excluding exceptions"),
          [(p.week_end.isoformat(), p.plans.plans, p.plans.within_20_weeks, p.plans.pct_within_20_weeks,
            p.plans.plans_excl_exceptions, p.plans.within_20_weeks_excl_exceptions,
            p.plans.pct_within_20_weeks_excl_exceptions) for p in report.trend])
    advice_rows = [(str(m.period.name), "agency", key, t.done, t.within_6_weeks, t.pct_within_6_weeks)
                   for m in report.periods for key, t in m.advice_by_agency.items()]
    advice_rows += [(str(m.period.name), "contributor", key, t.done, t.within_6_weeks, t.pct_within_6_weeks)
                    for m in report.periods for key, t in m.advice_by_contributor.items()]
    sheet("Advice", ("period", "by", "agency or contributor", "advice returned", "within 6 weeks",
                     "% within 6 weeks"), advice_rows)
    sheet("Open by stage", ("stage", *(rag.value for rag in Rag), "total"),
          [(STAGE_NAMES[stage], *counts.values(), sum(counts.values()))
           for stage, counts in report.open.by_stage_and_rag.items()])
    sheet("Open by owner", ("owner (initials)", *(rag.value for rag in Rag), "total"),
          [(owner, *counts.values(), sum(counts.values())) for owner, counts in report.open.by_owner.items()])
    sheet("Open cases", OPEN_CASE_COLUMNS, open_case_rows(report))
    if report.plans_in_force is not None:
        sheet("Plans in force", PLANS_IN_FORCE_COLUMNS, plans_in_force_rows(report.plans_in_force))
    if quality_review is not None:
        tables = [QualityTable(caption=quality_review.caption or quality_review.heading,
                               columns=quality_review.columns, rows=quality_review.rows),
                  *quality_review.tables]
        rows: list[tuple] = []
        for table in (t for t in tables if t.columns):
            rows += [(table.caption,), table.columns, *(table.rows or ((table.empty,),)), ()]
        sheet("Quality", (quality_review.heading,), [(line,) for line in quality_review.summary] + [()] + rows)
    book.save(path)


@dataclass(frozen=True)
class WrittenFiles:
    html: Path
    csv: Path
    xlsx: Path


def write_weekly(report: WeeklyReport, out_dir: Path, quality_review: QualityReviewSection | None = None,
                 generated_at: datetime | None = None) -> WrittenFiles:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"timeliness-{report.as_of.isoformat()}"
    files = WrittenFiles(out_dir / f"{stem}.html", out_dir / f"{stem}-open-cases.csv", out_dir / f"{stem}.xlsx")
    files.html.write_text(render_html(report, quality_review, generated_at), encoding="utf-8")
    write_csv(report, files.csv)
    write_workbook(report, files.xlsx, quality_review)
    return files
