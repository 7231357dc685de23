"""The plans-in-force side of the reports: every stored plan's review timeline, measured by the domain.

No SQL of its own: the plans are read through the plan repository
(``PlanStore.batches(in_force_only=False)``, since a ceased plan's reviews still
count in the periods they fell in), each plan's timeline is built by
``domain.plan_review`` as `ehc reviews` and the review pages build it, and
``domain.review_measures`` counts them, so the report cannot disagree with
them. One batch of plans and their events is in memory at a time.
"""

from __future__ import annotations

from datetime import date
from typing import Iterator

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from domain.calendar import WorkingCalendar
from domain.plan_review import ReviewSettings
from domain.review_measures import PlanSeen, PlansInForceMeasures, plans_in_force_measures
from domain.timeliness import Period
from store.plans import PlanStore

BATCH = 2000


def plans_seen(plans: PlanStore, period_end: date, as_of: date) -> Iterator[PlanSeen]:
    """Every stored plan with its timeline as of ``period_end`` and as of ``as_of`` (built once when they are
    the same day)."""
    for batch in plans.batches(in_force_only=False, size=BATCH):
        for record in batch:
            at_period_end = plans.timeline(record, period_end)
            at_as_of = at_period_end if as_of == period_end else plans.timeline(record, as_of)
            yield PlanSeen(record.plan, at_period_end, at_as_of)


def review_measures(connection: Connection, period: Period, as_of: date, calendar: WorkingCalendar,
                    settings: ReviewSettings) -> PlansInForceMeasures:
    """The period's review measures and ``as_of``'s phase-transfer cohorts, read on the report's connection."""
    with Session(bind=connection, autoflush=False) as session:
        plans = PlanStore(session, calendar, settings)
        return plans_in_force_measures(plans_seen(plans, period.end, as_of), period, as_of,
                                       settings.transfer_points, calendar)
