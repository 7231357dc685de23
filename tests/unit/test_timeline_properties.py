"""Properties of the timeline over random, valid case histories received 2015-2035.

Years after the calendar's last known year (2027) warn by design, so the
coverage warning is silenced here; the dates themselves are still rule-based.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.closures import Closure, ClosureCalendar, SettingKind
from domain.events import (
    AdviceReceived, AdviceRequested, Agency, ConsultationAnswered, ConsultationSent, Decision, DecisionOutcome,
    DraftServed, ExceptionEnded, ExceptionStarted, FinalIssued, NoPlanNotice, Received, RepresentationsReceived,
    Withdrawn,
)
from domain.casefile import fold
from domain.rules import CASE_LIMBS, Limb, Step
from domain.timeline import (
    PENDING, Status, build_timeline, case_exceptions_apply, next_statutory_date, stage_of, timeline_for,
)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FIRST_RECEIVED, LAST_RECEIVED = date(2015, 1, 1), date(2035, 12, 31)
CASE_DAYS = {Step.DECISION_TO_ASSESS: 42, Step.NO_PLAN_NOTICE: 112, Step.FINAL_PLAN: 140}


@st.composite
def histories(draw):
    """(events, closing date or None, as_of): a history the case file accepts, in recorded order."""
    received = draw(st.dates(FIRST_RECEIVED, LAST_RECEIVED))
    events: list = [Received(on=received)]
    day = received

    def later(most: int) -> date:
        nonlocal day
        day += timedelta(days=draw(st.integers(0, most)))
        return day

    closed_on = None
    decision = draw(st.sampled_from(["none", "assess", "not_assess"]))
    if decision == "not_assess":
        events.append(Decision(on=later(80), outcome=DecisionOutcome.NOT_ASSESS))
        closed_on = day
    elif decision == "assess":
        events.append(Decision(on=later(80), outcome=DecisionOutcome.ASSESS))
        agencies = draw(st.lists(st.sampled_from(list(Agency)), unique=True, max_size=4))
        for agency in agencies:
            kind = draw(st.sampled_from([None, *SettingKind])) if agency is Agency.EDUCATION else None
            events.append(AdviceRequested(on=later(10), agency=agency, setting="Setting A" if kind else None,
                                          setting_kind=kind))
        for agency in agencies:
            if draw(st.booleans()):
                events.append(AdviceReceived(on=later(40), agency=agency))
        drafted = draw(st.booleans())
        if drafted:
            events.append(DraftServed(on=later(60)))
            if draw(st.booleans()):
                events.append(RepresentationsReceived(on=later(20)))
        if draw(st.booleans()):
            events.append(ConsultationSent(on=later(10), setting="Setting B"))
            if draw(st.booleans()):
                events.append(ConsultationAnswered(on=later(25), setting="Setting B"))
        ending = draw(st.sampled_from(["open", "final", "no_plan", "withdrawn"]))
        if ending != "open":
            kind = {"final": FinalIssued, "no_plan": NoPlanNotice, "withdrawn": Withdrawn}[ending]
            events.append(kind(on=later(60)))
            closed_on = day
    elif draw(st.booleans()):
        events.append(Withdrawn(on=later(60)))
        closed_on = day
    as_of = received + timedelta(days=draw(st.integers(0, 400)))
    return events, closed_on, as_of


@st.composite
def histories_with_case_exceptions(draw):
    """A history, and Reg 10(4) exceptions (random limbs and dates) that it also accepts."""
    events, closed_on, as_of = draw(histories())
    received = events[0].on
    latest_start = closed_on or received + timedelta(days=400)
    if isinstance(events[-1], Decision) and closed_on:
        # A decision sorts before other events of its day, so a refusal to assess on day X
        # closes the case before anything else dated X.
        latest_start -= timedelta(days=1)
        assume(latest_start >= received)
    exceptions = []
    for limb in draw(st.lists(st.sampled_from(CASE_LIMBS), unique=True, min_size=1, max_size=4)):
        start = draw(st.dates(received, latest_start))
        exceptions.append(ExceptionStarted(on=start, limb=limb))
        if draw(st.booleans()):
            exceptions.append(ExceptionEnded(on=start + timedelta(days=draw(st.integers(0, 120))), limb=limb))
    # Recorded straight after the request: on a day shared with other events they are applied first.
    return events, [events[0], *exceptions, *events[1:]], as_of


def every_deadline(timeline):
    return [*timeline.deadlines.values(), *timeline.advice]


def statutory_view(timeline):
    return (
        {step: (d.statutory, d.last_working_day, d.status, d.days_remaining) for step, d in timeline.deadlines.items()},
        [(a.key, a.statutory, a.last_working_day, a.status, a.days_remaining) for a in timeline.advice],
        [(c.setting, c.target, c.status) for c in timeline.consultations],
    )


@PROPERTY
@given(histories())
def test_every_statutory_date_is_on_or_after_the_day_received(calendar, history):
    events, _, as_of = history
    timeline = timeline_for(events, calendar, as_of)
    received = events[0].on
    assert all(d.statutory >= received for d in every_deadline(timeline))
    assert all(c.target >= received for c in timeline.consultations)
    assert {step: (timeline.deadlines[step].statutory - received).days for step in CASE_DAYS} == CASE_DAYS


@PROPERTY
@given(histories_with_case_exceptions())
def test_adding_reg_10_4_exceptions_never_changes_a_statutory_date(calendar, history):
    plain, with_exceptions, as_of = history
    before = timeline_for(plain, calendar, as_of)
    after = timeline_for(with_exceptions, calendar, as_of)
    assert statutory_view(after) == statutory_view(before)
    assert after.exceptions_apply == any(excuses_the_20_weeks(e, with_exceptions, as_of)
                                         for e in with_exceptions if isinstance(e, ExceptionStarted))


def excuses_the_20_weeks(start: ExceptionStarted, events, as_of) -> bool:
    """Known by as_of, begun by the final plan's statutory date, and an absence only once it lasted 28 days."""
    received = events[0].on
    end = next((e.on for e in events if isinstance(e, ExceptionEnded) and e.limb is start.limb and e.on <= as_of),
               as_of)
    lasted = (end - start.on).days + 1
    return start.on <= min(as_of, received + timedelta(days=140)) and (
        start.limb is not Limb.ABSENT_FROM_AREA or lasted >= 28)


@PROPERTY
@given(histories_with_case_exceptions())
def test_adjusted_targets_are_never_statutory_and_never_before_the_statutory_date(calendar, history):
    _, events, as_of = history
    timeline = timeline_for(events, calendar, as_of)
    for target in timeline.adjusted_targets:
        assert target.statutory is False
        assert target.target is None or target.target > timeline.deadlines[target.step].statutory


@PROPERTY
@given(histories(), st.dates(date(2015, 1, 1), date(2036, 12, 31)), st.integers(28, 60))
def test_closure_data_never_changes_a_statutory_date(calendar, history, first_day, length):
    events, _, as_of = history
    summer = Closure(first_day, first_day + timedelta(days=length))
    closures = ClosureCalendar(defaults={kind: (summer,) for kind in SettingKind})
    assert statutory_view(timeline_for(events, calendar, as_of, closures)) == statutory_view(
        timeline_for(events, calendar, as_of))


@PROPERTY
@given(histories())
def test_the_last_working_day_is_the_latest_working_day_not_after_the_statutory_date(calendar, history):
    events, _, as_of = history
    timeline = timeline_for(events, calendar, as_of)
    planned = [(d.statutory, d.last_working_day) for d in every_deadline(timeline)]
    planned += [(c.target, c.last_working_day) for c in timeline.consultations]
    for statutory, last_working_day in planned:
        assert last_working_day <= statutory
        assert calendar.is_working_day(last_working_day)
        gap = (statutory - last_working_day).days
        # Everything after it up to the statutory date is a weekend or bank holiday; the longest
        # such run in England is four days (e.g. Fri 25 Dec 2026 to Mon 28 Dec 2026).
        assert not any(calendar.is_working_day(last_working_day + timedelta(days=n)) for n in range(1, gap + 1))
        assert gap <= 4


@PROPERTY
@given(histories())
def test_days_remaining_counts_calendar_days_to_the_statutory_date_while_pending(calendar, history):
    events, _, as_of = history
    timeline = timeline_for(events, calendar, as_of)
    for deadline in every_deadline(timeline):
        if deadline.status in PENDING:
            assert deadline.days_remaining == (deadline.statutory - as_of).days
            assert (deadline.status is Status.OPEN) == (as_of <= deadline.statutory)
        else:
            assert deadline.days_remaining is None


@PROPERTY
@given(histories())
def test_a_step_is_done_on_time_exactly_when_done_by_its_statutory_date(calendar, history):
    events, _, as_of = history
    for deadline in every_deadline(timeline_for(events, calendar, as_of)):
        if deadline.done_on is not None:
            expected = Status.ON_TIME if deadline.done_on <= deadline.statutory else Status.LATE
            assert deadline.status is expected


@PROPERTY
@given(histories(), st.booleans())
def test_the_store_projection_shortcut_agrees_with_the_full_timeline(calendar, history, with_exceptions):
    """The import projects a million histories with next_statutory_date; the screens use build_timeline."""
    events, _, as_of = history
    if with_exceptions:
        received = events[0].on
        events = [*events, ExceptionStarted(on=received, limb=Limb.PERSONAL_CIRCUMSTANCES)]
    closures = ClosureCalendar(defaults={kind: (Closure(events[0].on, events[0].on + timedelta(days=60)),)
                                         for kind in SettingKind})
    # The day asked about, and the days either side of a representation window closing (draft + 15 days).
    for day in {as_of, *(event.on + timedelta(days=days) for event in events for days in (14, 15, 16))}:
        case = fold([event for event in events if event.on <= day or event.type == "received"])
        timeline = build_timeline(case, calendar, day, closures)

        assert next_statutory_date(case, day) == (timeline.next_due.statutory if timeline.next_due else None)
        assert case_exceptions_apply(case, closures, day) == timeline.exceptions_apply
        assert stage_of(case) == timeline.stage
