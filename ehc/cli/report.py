"""`ehc report ...`: the weekly timeliness report, the SEN2 timeliness figures and the plans in force's figures
for a period."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ehc.cli.common import JsonOption, as_of_day, emit, refusals
from ehc.parse import InputError, parse_date

report_app = typer.Typer(help="Timeliness reports (SEN2 definitions; annual reviews and phase transfers).",
                         no_args_is_help=True)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


@report_app.command("timeliness")
def report_timeliness(
    period_from: str = typer.Option(..., "--from", help="First day of the period (YYYY-MM-DD), included."),
    period_to: str = typer.Option(..., "--to", help="Last day of the period (YYYY-MM-DD), included."),
    json_output: bool = JsonOption,
) -> None:
    """Plans issued within 20 weeks (with and without exceptions), decisions within 6 weeks, notices not to issue
    within 16 weeks, open requests. Cases with mediation or a tribunal appeal are left out of the timeliness
    figures (the plans so left out are counted) but not of the open requests."""
    from ehc.bootstrap import bootstrap
    from ehc.services.reporting import timeliness_summary

    with refusals(json_output):
        start = parse_date("--from", period_from)
        end = parse_date("--to", period_to)
        data = timeliness_summary(bootstrap(), start, end)
        emit(json_output, data, "\n".join([
            f"Timeliness from {data['from']} to {data['to']} (both days included)",
            f"  new plans issued                      {data['plans_issued']:>7}",
            f"  within 20 weeks                       {data['plans_within_20_weeks']:>7}  "
            f"{_pct(data['pct_within_20_weeks'])}",
            f"  excluding exceptions: plans           {data['plans_issued_excl_exceptions']:>7}",
            f"  excluding exceptions: within 20 weeks {data['plans_within_20_weeks_excl_exceptions']:>7}  "
            f"{_pct(data['pct_within_20_weeks_excl_exceptions'])}",
            f"  decisions whether to assess           {data['decisions_made']:>7}",
            f"  decisions within 6 weeks              {data['decisions_within_6_weeks']:>7}  "
            f"{_pct(data['pct_decisions_within_6_weeks'])}",
            f"  notices not to issue a plan           {data['no_plan_notices']:>7}",
            f"  notices within 16 weeks               {data['no_plan_notices_within_16_weeks']:>7}  "
            f"{_pct(data['pct_no_plan_notices_within_16_weeks'])}",
            f"  plans left out: mediation or tribunal {data['plans_excluded_mediation_tribunal']:>7}",
            f"  open at the end of {data['to']}        {data['open_requests']:>7}",
            f"  of which overdue                      {data['open_overdue']:>7}",
        ]))


@report_app.command("reviews")
def report_reviews(
    period_from: str = typer.Option(..., "--from", help="First day of the period (YYYY-MM-DD), included."),
    period_to: str = typer.Option(..., "--to", help="Last day of the period (YYYY-MM-DD), included."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Day the phase-transfer cohorts are counted down "
                                                              "from (YYYY-MM-DD); default the --to day."),
    json_output: bool = JsonOption,
) -> None:
    """Plans in force: reviews held within the 12 months (counted in the period each fell due in), decisions
    within 4 weeks of the meeting, amended plans within 8 weeks of the proposals, each with those overdue at the
    end of the period; and this academic year's phase-transfer cohorts by school or setting, counted down."""
    from ehc.bootstrap import bootstrap
    from ehc.services.reporting import reviews_summary

    with refusals(json_output):
        start = parse_date("--from", period_from)
        end = parse_date("--to", period_to)
        day = parse_date("--as-of", as_of) if as_of else None
        data = reviews_summary(bootstrap(), start, end, day)
        emit(json_output, data, reviews_text(data))


def reviews_text(data: dict) -> str:
    """`ehc report reviews` for people: the measures, then each transfer's cohort by school or setting."""
    def measure(key: str) -> str:
        found = data[key]
        return f"{found['numerator']:>7} of {found['denominator']}  {_pct(found['percentage'])}"

    figures = [
        ("plans in force at the end", f"{data['plans_in_force']:>7}"),
        ("reviews held within the 12 months", measure("reviews_within_12_months")),
        ("reviews overdue, not held at the end", f"{data['reviews_overdue']:>7}"),
        ("decisions within 4 weeks of the meeting", measure("decisions_within_4_weeks")),
        ("decisions overdue at the end", f"{data['decisions_overdue']:>7}"),
        ("amended plans within 8 weeks of the proposals", measure("amended_plans_within_8_weeks")),
        ("amended plans overdue at the end", f"{data['amended_plans_overdue']:>7}"),
    ]
    lines = [f"Plans in force from {data['period']['from']} to {data['period']['to']} (both days included)",
             *(f"  {label:<46}{value}" for label, value in figures),
             f"Phase transfers as of {data['as_of']}:"]
    for cohort in data["phase_transfers"]:
        lines.append(f"  {cohort['transfer']} (September {cohort['transfer_year']}): last day {cohort['last_day']}, "
                     f"{cohort['days_to_last_day']} days; last working day {cohort['last_working_day']}, "
                     f"{cohort['days_to_last_working_day']} days")
        for row in [*cohort["by_setting"], {**cohort, "setting": "all"}] if cohort["children"] else []:
            lines.append(f"    {row['setting'] or 'no school or setting'}: {row['children']} in the cohort, "
                         f"{row['meeting_held']} met, {row['decision_made']} decided, {row['done']} done "
                         f"({row['done_late']} late), {row['outstanding']} outstanding, {row['overdue']} overdue")
    return "\n".join(lines)


@report_app.command("weekly")
def report_weekly(
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Last day the report covers (YYYY-MM-DD); "
                                                              "default today, Europe/London."),
    out: Path = typer.Option(..., "--out", help="Folder to write the HTML, CSV and XLSX files into."),
    email: bool = typer.Option(False, "--email/--no-email",
                               help="Also queue the report in the outbox for the policy's [reports] "
                                    "weekly_distribution (sent by `ehc outbox dispatch`); default: no email."),
    json_output: bool = JsonOption,
) -> None:
    """Write the weekly timeliness report: an HTML page with charts, a CSV of open cases and a workbook.

    With --email, queue it for the weekly distribution list too (once per day reported on and recipient);
    the scheduled weekly-timeliness-report flow always does.
    """
    from ehc.bootstrap import bootstrap
    from ehc.services.messages import queue_weekly_report_email
    from ehc.services.reporting import weekly_report

    with refusals(json_output):
        day = as_of_day(as_of)
        if out.exists() and not out.is_dir():
            raise InputError(f"--out: {out} is a file, not a folder")
        app_ = bootstrap()
        try:
            files = weekly_report(app_, day, out)
        except OSError as error:
            raise InputError(f"--out: cannot write there: {error.strerror or error}") from error
        queued = queue_weekly_report_email(app_, files, day) if email else None
        data = {**files.model_dump(mode="json"), "emails_queued": queued}
        lines = [
            f"Weekly timeliness report as of {day}:",
            f"  html  {files.html}", f"  csv   {files.csv}", f"  xlsx  {files.xlsx}",
            f"Open requests {files.open_requests}, overdue {files.open_overdue}; rolling 12 months: "
            f"{files.plans_issued_rolling_12_months} plans, "
            f"{_pct(files.pct_within_20_weeks_excl_exceptions_rolling_12_months)} within 20 weeks excluding exceptions",
        ]
        if files.plans_in_force is not None:
            lines.append(f"Plans in force {files.plans_in_force}; rolling 12 months: "
                         f"{_pct(files.pct_reviews_within_12_months_rolling_12_months)} of reviews held within the "
                         f"12 months, {_pct(files.pct_decisions_within_4_weeks_rolling_12_months)} of decisions "
                         f"within 4 weeks")
        if email:
            lines.append(f"Emails queued for the weekly distribution list: {queued} "
                         f"(already queued for {day} are not queued again; `ehc outbox dispatch` sends them)")
        emit(json_output, data, "\n".join(lines))
