"""The statutory time limits for plans in force: annual reviews, amendments, phase transfers, ceasing.

As data with their source, like domain/rules.py for the request. Regulation
numbers are the SEND Regulations 2014 (SI 2014/1530) unless stated; each is
at https://www.legislation.gov.uk/uksi/2014/1530/regulation/N. docs/RULES.md
("Plans in force") explains them and how each date is counted.

Counting: "within N weeks of X" is due on X + 7N days; "at least two weeks
before the meeting" is due on the meeting date less 14 days. A 12-month
period starting with a date (CFA 2014 s44(1)) ends the day before the same
date a year later, and on 28 February when the period starts on 29 February.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class ReviewStep(StrEnum):
    """The dates of one review, as the contract of `ehc review timeline --json` names them."""

    REVIEW_BY = "review_by"
    MEETING_NOTICE_BY = "meeting_notice_by"
    ADVICE_CIRCULATED_BY = "advice_circulated_by"
    REPORT_BY = "report_by"
    DECISION_BY = "decision_by"
    AMENDED_PLAN_BY = "amended_plan_by"


class Counted(StrEnum):
    """What a limit is counted from."""

    LAST_REVIEW = "last_review"   # the plan's issue date, then the date it was last reviewed
    MEETING = "meeting"           # the review meeting (held, or planned once its notice is given)
    PROPOSALS = "proposals"       # the day the proposed amendments were sent


@dataclass(frozen=True)
class ReviewLimit:
    step: ReviewStep
    title: str
    counted_from: Counted
    days: int                 # added to the date counted from; negative for "at least N days before"
    regulation: str           # for a child or young person attending a school or other institution
    regulation_not_in_school: str  # Reg 21 when they attend none

    def due(self, counted_from: date) -> date:
        if self.step is ReviewStep.REVIEW_BY:
            return twelve_month_period_last_day(counted_from)
        return counted_from + timedelta(days=self.days)

    def regulation_for(self, in_school: bool) -> str:
        return self.regulation if in_school else self.regulation_not_in_school


def twelve_month_period_last_day(start: date) -> date:
    """The last day of the 12-month period starting with ``start`` (CFA 2014 s44(1))."""
    try:
        same_day_next_year = start.replace(year=start.year + 1)
    except ValueError:  # 29 February, and the next year has none: the period ends on 28 February
        return date(start.year + 1, 2, 28)
    return same_day_next_year - timedelta(days=1)


# CFA 2014 s44(1): https://www.legislation.gov.uk/ukpga/2014/6/section/44
REVIEW_BY = ReviewLimit(ReviewStep.REVIEW_BY, "Plan reviewed (review meeting held)", Counted.LAST_REVIEW, 0,
                        "CFA s44(1)", "CFA s44(1)")
# Reg 20(3) / 21(3): "at least two weeks' notice of the date of the meeting must be given"
MEETING_NOTICE_BY = ReviewLimit(ReviewStep.MEETING_NOTICE_BY, "Notice of the review meeting given",
                                Counted.MEETING, -14, "20(3)", "21(3)")
# Reg 20(4) / 21(4): advice and information circulated "at least two weeks in advance of the review meeting"
ADVICE_CIRCULATED_BY = ReviewLimit(ReviewStep.ADVICE_CIRCULATED_BY, "Advice and information circulated",
                                   Counted.MEETING, -14, "20(4)", "21(4)")
# Reg 20(7)-(8) / 21(7): the report of the meeting, within two weeks of it
REPORT_BY = ReviewLimit(ReviewStep.REPORT_BY, "Report of the review meeting sent", Counted.MEETING, 14,
                        "20(8)", "21(7)")
# Reg 20(10) / 21(8): the LA decides to maintain, amend or cease, and notifies, within four weeks of the meeting
DECISION_BY = ReviewLimit(ReviewStep.DECISION_BY, "Decision to maintain, amend or cease notified",
                          Counted.MEETING, 28, "20(10)", "21(8)")
# Reg 22(3): the amended plan within eight weeks of sending the proposed amendments. Since R (L, M, P) v Devon CC
# [2022] EWHC 493 (Admin) the proposals go with the 4-week decision, so at most 12 weeks after the meeting.
AMENDED_PLAN_BY = ReviewLimit(ReviewStep.AMENDED_PLAN_BY, "Amended plan issued", Counted.PROPOSALS, 56,
                              "22(3)", "22(3)")

REVIEW_LIMITS: dict[ReviewStep, ReviewLimit] = {
    limit.step: limit for limit in (REVIEW_BY, MEETING_NOTICE_BY, ADVICE_CIRCULATED_BY, REPORT_BY, DECISION_BY,
                                    AMENDED_PLAN_BY)}

# Reg 22(2): the parent or young person has at least 15 days to make representations on the proposed amendments
# (15 days beginning with the day they are sent: the window's last day is the 15th).
REPRESENTATIONS_DAYS = 15
# Appeal against a decision to cease (CFA s45 and s51(2)(f); notice with the right of appeal, Reg 31(2)-(3)):
# two months from the notice (Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008 r20(1)(a); Reg 33 for
# the later date after mediation).
CEASE_APPEAL_MONTHS = 2
# Reg 18(2): a young person moving between post-16 institutions at another time: at least five months before.
POST16_TRANSFER_MONTHS_BEFORE = 5
# SEND Code of Practice 9.178 (guidance, not law): a plan of a child under 5 reviewed every 3 to 6 months.
UNDER_FIVES_REVIEW_MONTHS = 6
# SEND Code of Practice 9.172 (guidance): schools told at least two weeks before each term which reviews fall in it.
TERM_NOTICE_DAYS = 14


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (earlier when negative), or that month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    for candidate in range(day.day, 27, -1):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    return date(year, month + 1, day.day)
