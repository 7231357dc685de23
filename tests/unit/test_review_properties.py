"""Properties of the review timeline, year groups and phase transfers over random plans and histories, 2015-2035.

Years after the calendar's last known year (2027) are still computed from the
rules; these properties hold whatever the holidays.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.calendar import WorkingCalendar
from domain.plan_events import (
    AdviceCirculated, AmendedPlanIssued, MeetingHeld, MeetingNoticeSent, PlanCeased, ProposalsSent, ReportReceived,
    ReviewDecision, ReviewOutcome,
)
from domain.plan_review import PlanInForce, ReviewSettings, plan_timeline
from domain.review_rules import POST16_TRANSFER_MONTHS_BEFORE, ReviewStep, add_months, twelve_month_period_last_day
from domain.timeline import PENDING, Status
from domain.year_groups import (
    DEFAULT_TRANSFER_POINTS, YEAR_GROUPS, academic_year_of, next_transfer, post16_transfer, year_group_on,
)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIRST, LAST = date(2015, 1, 1), date(2035, 12, 31)
SETTINGS = ReviewSettings(DEFAULT_TRANSFER_POINTS)
NO_HOLIDAYS = WorkingCalendar(bank_holidays=frozenset(), first_known_year=2014, last_known_year=2040)

days = st.dates(FIRST, LAST)
year_groups = st.sampled_from(YEAR_GROUPS)


@st.composite
def plans_with_histories(draw):
    """(plan, events, as_of): a plan and a review history the fold accepts, in the order recorded."""
    issued = draw(days)
    plan = PlanInForce(plan_ref="PLAN/0001", issued=issued, last_review=None, year_group=draw(year_groups),
                       year_group_year=academic_year_of(issued), setting=draw(st.sampled_from([None, "URN-100001"])))
    events: list = []
    last = issued
    for _ in range(draw(st.integers(0, 3))):
        meeting = last + timedelta(days=draw(st.integers(1, 450)))

        def before_meeting() -> date:  # in the review's own period
            return max(last, meeting - timedelta(days=draw(st.integers(0, 30))))

        if draw(st.booleans()):
            events.append(MeetingNoticeSent(on=before_meeting(), meeting=meeting))
        if draw(st.booleans()):
            events.append(AdviceCirculated(on=before_meeting()))
        events.append(MeetingHeld(on=meeting))
        last = meeting
        if draw(st.booleans()):
            events.append(ReportReceived(on=meeting + timedelta(days=draw(st.integers(0, 30)))))
        if draw(st.booleans()):
            outcome = draw(st.sampled_from([ReviewOutcome.MAINTAIN, ReviewOutcome.AMEND]))
            decided = meeting + timedelta(days=draw(st.integers(0, 50)))
            events.append(ReviewDecision(on=decided, outcome=outcome))
            if outcome is ReviewOutcome.AMEND and draw(st.booleans()):
                events.append(ProposalsSent(on=decided + timedelta(days=draw(st.integers(0, 20)))))
                if draw(st.booleans()):
                    events.append(AmendedPlanIssued(on=events[-1].on + timedelta(days=draw(st.integers(0, 90)))))
    if draw(st.booleans()):
        latest = max((event.on for event in events), default=issued)
        events.append(PlanCeased(on=latest + timedelta(days=draw(st.integers(0, 60)))))
    as_of = issued + timedelta(days=draw(st.integers(0, 1500)))
    return plan, events, as_of


def every_deadline(timeline):
    return [deadline for review in timeline.reviews for deadline in review.deadlines.values()]


def statutory_view(timeline):
    return ([{step: (d.statutory, d.status, d.days_remaining) for step, d in review.deadlines.items()}
             for review in timeline.reviews],
            timeline.phase_transfer and (timeline.phase_transfer.transfer.last_day, timeline.phase_transfer.status),
            timeline.next_due, timeline.stage)


@PROPERTY
@given(days)
def test_the_12_month_period_ends_364_or_365_days_after_it_starts(start):
    last_day = twelve_month_period_last_day(start)
    assert 364 <= (last_day - start).days <= 365
    following = last_day + timedelta(days=1)  # the same date a year later, or 1 March after a 29 February
    assert (following.month, following.day) == ((start.month, start.day) if (start.month, start.day) != (2, 29)
                                                 else (3, 1))


@PROPERTY
@given(plans_with_histories())
def test_every_review_is_due_within_the_12_months_from_its_start(calendar, history):
    plan, events, as_of = history
    for review in plan_timeline(plan, events, calendar, as_of, SETTINGS).reviews:
        review_by = review.deadlines[ReviewStep.REVIEW_BY].statutory
        assert 364 <= (review_by - review.last).days <= 365


@PROPERTY
@given(plans_with_histories())
def test_bank_holidays_never_move_a_statutory_date_or_a_status(calendar, history):
    plan, events, as_of = history
    assert statutory_view(plan_timeline(plan, events, calendar, as_of, SETTINGS)) == statutory_view(
        plan_timeline(plan, events, NO_HOLIDAYS, as_of, SETTINGS))


@PROPERTY
@given(plans_with_histories())
def test_the_last_working_day_is_the_latest_working_day_not_after_the_statutory_date(calendar, history):
    plan, events, as_of = history
    timeline = plan_timeline(plan, events, calendar, as_of, SETTINGS)
    planned = [(d.statutory, d.last_working_day) for d in every_deadline(timeline)]
    if timeline.phase_transfer:
        planned.append((timeline.phase_transfer.transfer.last_day, timeline.phase_transfer.transfer.last_working_day))
    for statutory, last_working_day in planned:
        assert last_working_day <= statutory
        assert calendar.is_working_day(last_working_day)
        gap = (statutory - last_working_day).days
        assert not any(calendar.is_working_day(last_working_day + timedelta(days=n)) for n in range(1, gap + 1))
        assert gap <= 4  # the longest run of England's non-working days: Fri 25 to Mon 28 Dec 2026


@PROPERTY
@given(plans_with_histories())
def test_a_step_is_on_time_exactly_when_done_by_its_date_and_days_remaining_count_to_it(calendar, history):
    plan, events, as_of = history
    timeline = plan_timeline(plan, events, calendar, as_of, SETTINGS)
    for deadline in every_deadline(timeline):
        if deadline.done_on is not None:
            assert deadline.status is (Status.ON_TIME if deadline.done_on <= deadline.statutory else Status.LATE)
        if deadline.status in PENDING:
            assert deadline.days_remaining == (deadline.statutory - as_of).days
            assert (deadline.status is Status.OPEN) == (as_of <= deadline.statutory)
        else:
            assert deadline.days_remaining is None
    assert timeline.is_overdue == (any(d.status is Status.OVERDUE for d in every_deadline(timeline))
                                   or timeline.phase_transfer_overdue)


@PROPERTY
@given(year_groups, st.integers(2000, 2040), days, days)
def test_year_group_on_round_trips_across_academic_years(group, recorded_in, first, second):
    then = year_group_on(group, recorded_in, first)
    if then is not None:
        assert year_group_on(then, academic_year_of(first), second) == year_group_on(group, recorded_in, second)
    assert year_group_on(group, recorded_in, date(recorded_in, 9, 1)) == group
    assert year_group_on(group, recorded_in, date(recorded_in + 1, 8, 31)) == group


@PROPERTY
@given(year_groups, days)
def test_the_transfer_deadline_falls_in_the_year_the_child_is_in_the_group_transferring(calendar, group, as_of):
    transfer = next_transfer(group, as_of, DEFAULT_TRANSFER_POINTS, calendar)
    if transfer is None:
        assert group in ("12", "13")
        return
    point = next(point for point in DEFAULT_TRANSFER_POINTS if point.name == transfer.transfer)
    assert transfer.last_day == transfer.amend_before - timedelta(days=1)
    assert transfer.last_day.year == transfer.transfer_year > academic_year_of(as_of)
    assert year_group_on(group, academic_year_of(as_of), transfer.last_day) == point.from_group
    assert year_group_on(group, academic_year_of(as_of), date(transfer.transfer_year, 9, 1)) == point.to_group


@PROPERTY
@given(days)
def test_a_post16_move_is_dated_on_the_same_day_five_months_before_it_or_that_months_last_day(calendar, planned):
    last_day = post16_transfer("13", planned, calendar).last_day
    months = (planned.year * 12 + planned.month) - (last_day.year * 12 + last_day.month)
    month_end = (last_day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert (months, last_day.day) == (POST16_TRANSFER_MONTHS_BEFORE, min(planned.day, month_end.day))
    assert add_months(last_day, POST16_TRANSFER_MONTHS_BEFORE) <= planned
