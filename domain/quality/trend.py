"""The weekly report's quality section: grades over time and the most common failings.

Pure: the plans the store has graded go in (one row per plan document, with
its latest grade and the automatic checks that found fault with it), a
table per month and a ranking of failings come out.

- A plan counts in the calendar month it came in for review (its
  ``received_on``: the day of the draft or final plan), so a month's row
  answers "how good were the plans we produced that month?". A draft and
  the final of the same case are two plans.
- Its grade is its latest: the automatic grade, or the reviewers' once
  they have scored (the grade history's last entry).
- A failing is a criterion of the rubric whose automatic check has at
  least one failing finding on the plan (the findings `ehc qa show
  --failings` lists). Each plan counts once per criterion, however many
  findings it has there, so the ranking says how many plans fall short on
  each criterion.

Percentages are rounded to one decimal place, like the timeliness
measures; a share of nothing is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Sequence

from domain.quality.rubric import Grade
from domain.timeliness import percentage

MONTHS_SHOWN = 6
FAILINGS_SHOWN = 5


@dataclass(frozen=True)
class GradedPlan:
    """One plan document as the report sees it: no text, no names."""

    document_id: int
    received_on: date
    grade: Grade
    failing_checks: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CriterionRef:
    """A rubric criterion: its id, its title (the report's wording) and the automatic check that scores it."""

    id: str
    title: str
    check: str | None


@dataclass(frozen=True)
class MonthGrades:
    month: date  # the first day of the month
    last_day: date  # the month's last day counted: its end, or as_of in the current month
    counts: dict[Grade, int]

    @property
    def plans(self) -> int:
        return sum(self.counts.values())

    @property
    def good_or_better(self) -> int:
        return sum(count for grade, count in self.counts.items() if not grade.below_good)

    @property
    def pct_good_or_better(self) -> float | None:
        return percentage(self.good_or_better, self.plans)


@dataclass(frozen=True)
class Failing:
    criterion_id: str
    title: str
    plans: int  # plans with at least one failing finding on this criterion
    of_plans: int  # plans in the window

    @property
    def pct(self) -> float | None:
        return percentage(self.plans, self.of_plans)


@dataclass(frozen=True)
class QualityTrend:
    start: date  # first day of the window (the first month's first day)
    as_of: date
    months: tuple[MonthGrades, ...]
    failings: tuple[Failing, ...]

    @property
    def plans(self) -> int:
        return sum(month.plans for month in self.months)

    @property
    def good_or_better(self) -> int:
        return sum(month.good_or_better for month in self.months)

    @property
    def pct_good_or_better(self) -> float | None:
        return percentage(self.good_or_better, self.plans)


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_back(day: date, count: int) -> date:
    """The first day of the month ``count`` months before ``day``'s month."""
    index = day.year * 12 + (day.month - 1) - count
    return date(index // 12, index % 12 + 1, 1)


def month_end(first: date) -> date:
    return months_back(first, -1) - timedelta(days=1)


def quality_trend(plans: Iterable[GradedPlan], criteria: Sequence[CriterionRef], as_of: date,
                  months: int = MONTHS_SHOWN, top: int = FAILINGS_SHOWN) -> QualityTrend:
    """Grades by month for the ``months`` calendar months up to and including ``as_of``'s, and the
    ``top`` criteria most often failed by the plans of those months (most plans first; ties in rubric order).

    Plans received after ``as_of`` are not yet known and are left out, as
    are plans from before the window. Every month of the window gets a row,
    with zeros when no plan came in.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    firsts = [months_back(as_of, back) for back in range(months - 1, -1, -1)]
    start = firsts[0]
    counts = {first: {grade: 0 for grade in Grade} for first in firsts}
    failed: dict[str, int] = {}
    in_window = 0
    for plan in plans:
        if not start <= plan.received_on <= as_of:
            continue
        in_window += 1
        counts[month_start(plan.received_on)][plan.grade] += 1
        for check in plan.failing_checks:
            failed[check] = failed.get(check, 0) + 1
    rows = tuple(MonthGrades(first, min(month_end(first), as_of), counts[first]) for first in firsts)
    ranked = [Failing(c.id, c.title, failed[c.check], in_window)
              for c in criteria if c.check is not None and failed.get(c.check)]
    # A check no criterion of the rubric names (a plan scored under an older rubric) is still a failing.
    named = {c.check for c in criteria}
    ranked += [Failing(check, check.replace("_", " "), plans_failed, in_window)
               for check, plans_failed in sorted(failed.items()) if check not in named]
    ranked.sort(key=lambda failing: -failing.plans)  # stable: rubric order among equals
    return QualityTrend(start, as_of, rows, tuple(ranked[:top]))
