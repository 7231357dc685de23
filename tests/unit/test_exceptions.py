"""Exceptions (Reg 10(4), reused by 5(4) and 13(3); Reg 8(2) for advice).

Exceptions never move a statutory date: they mark the case, excuse lateness and
give a separately labelled, non-statutory adjusted target. Reg 10(4)(a)/(b)
closures run from one week before a 4+ week closure until one week before the
setting re-opens.

Case used throughout: received Mon 2 Mar 2026, decision to assess Fri 10 Apr
(due Mon 13 Apr), no-plan notice due Mon 22 Jun, final plan due Mon 20 Jul.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import config.la
from config.la import LaConfigError, load_la_config
from domain.casefile import EventRejected, fold_with
from domain.closures import Closure, ClosureCalendar, SettingKind
from domain.events import (
    AdviceRequested, Agency, Decision, DecisionOutcome, DraftServed, ExceptionEnded, ExceptionStarted, FinalIssued,
    Received,
)
from domain.rules import Limb, Step
from domain.timeline import Status, timeline_for

from .conftest import LA_SUMMER_2026, TRUST_SCHOOL, TRUST_SUMMER_2026

D = date.fromisoformat
CASE = [Received(on=D("2026-03-02")), Decision(on=D("2026-04-10"), outcome=DecisionOutcome.ASSESS),
        AdviceRequested(on=D("2026-04-14"), agency=Agency.HEALTH),
        AdviceRequested(on=D("2026-04-14"), agency=Agency.EDUCATION, setting="Oakfield Primary",
                        setting_kind=SettingKind.SCHOOL)]
AS_OF = D("2026-06-10")
# 10(4)(c) from Fri 1 May to Thu 14 May 2026: 14 days, both ends included.
FOURTEEN_DAYS = [ExceptionStarted(on=D("2026-05-01"), limb=Limb.PERSONAL_CIRCUMSTANCES),
                 ExceptionEnded(on=D("2026-05-14"), limb=Limb.PERSONAL_CIRCUMSTANCES)]


def started(on: str, limb: Limb, advice: str | None = None) -> ExceptionStarted:
    return ExceptionStarted(on=D(on), limb=limb, advice=advice, evidence="caseworker note")


def ended(on: str, limb: Limb, advice: str | None = None) -> ExceptionEnded:
    return ExceptionEnded(on=D(on), limb=limb, advice=advice)


def dates_of(timeline):
    """Everything date-like the caseworker plans to, for before/after comparisons."""
    return (
        {step: (d.statutory, d.last_working_day, d.status, d.days_remaining) for step, d in timeline.deadlines.items()},
        [(a.key, a.statutory, a.last_working_day, a.status, a.days_remaining) for a in timeline.advice],
    )


# --- Reg 10(4) never moves a statutory date ------------------------------------------------------

@pytest.mark.parametrize(("exception", "reason"), [
    ([started("2026-05-01", Limb.PERSONAL_CIRCUMSTANCES), ended("2026-05-14", Limb.PERSONAL_CIRCUMSTANCES)],
     "10(4)(c) Fri 1 May to Thu 14 May"),
    ([started("2026-03-10", Limb.ABSENT_FROM_AREA)], "10(4)(d) from Tue 10 Mar, still going"),
    ([started("2026-04-20", Limb.SCHOOL_CLOSURE), ended("2026-05-31", Limb.SCHOOL_CLOSURE)],
     "10(4)(a) recorded by hand, Mon 20 Apr to Sun 31 May"),
], ids=["10(4)(c) Fri 1 May to Thu 14 May", "10(4)(d) from Tue 10 Mar, still going",
        "10(4)(a) recorded by hand, Mon 20 Apr to Sun 31 May"])
def test_a_reg_10_4_exception_marks_the_case_and_leaves_every_statutory_date_alone(calendar, exception, reason):
    without = timeline_for(CASE, calendar, as_of=AS_OF)
    with_exception = timeline_for([*CASE, *exception], calendar, as_of=AS_OF)
    assert (without.exceptions_apply, with_exception.exceptions_apply) == (False, True)
    assert dates_of(with_exception) == dates_of(without)
    assert with_exception.deadlines[Step.FINAL_PLAN].statutory == D("2026-07-20")


def test_an_exception_attaches_to_pending_case_steps_but_not_to_a_step_already_done(calendar):
    events = [*CASE, *FOURTEEN_DAYS]
    deadlines = timeline_for(events, calendar, as_of=AS_OF).deadlines
    assert {step: d.exceptions for step, d in deadlines.items()} == {
        Step.DECISION_TO_ASSESS: (),  # decided Fri 10 Apr, before the exception began
        Step.NO_PLAN_NOTICE: (Limb.PERSONAL_CIRCUMSTANCES,),
        Step.FINAL_PLAN: (Limb.PERSONAL_CIRCUMSTANCES,),
    }


def test_an_exception_dated_after_as_of_is_not_yet_known(calendar):
    events = [*CASE, started("2026-06-11", Limb.PERSONAL_CIRCUMSTANCES)]  # Thu, the day after as_of
    timeline = timeline_for(events, calendar, as_of=AS_OF)
    assert not timeline.exceptions_apply and timeline.exceptions == ()


# --- the adjusted target: statutory + merged exception days, non-statutory -----------------------

ADJUSTED = [
    ([("2026-05-01", "2026-05-14", Limb.PERSONAL_CIRCUMSTANCES)], 14,
     "Fri 1 May to Thu 14 May, both ends included: 14 days"),
    ([("2026-05-01", "2026-05-01", Limb.PERSONAL_CIRCUMSTANCES)], 1, "a single day, Fri 1 May: 1 day"),
    ([("2026-05-01", "2026-05-14", Limb.PERSONAL_CIRCUMSTANCES), ("2026-05-10", "2026-05-20", Limb.ABSENT_FROM_AREA)],
     14, "1-14 May and an absence 10-20 May, 11 days, which does not qualify: 14 days"),
    ([("2026-05-01", "2026-05-14", Limb.PERSONAL_CIRCUMSTANCES), ("2026-05-10", "2026-06-09", Limb.ABSENT_FROM_AREA)],
     40, "overlapping 1-14 May and an absence 10 May-9 Jun count once: 1 May-9 Jun, 40 days"),
    ([("2026-05-01", "2026-05-31", Limb.ABSENT_FROM_AREA), ("2026-05-10", "2026-05-15", Limb.PERSONAL_CIRCUMSTANCES)],
     31, "10-15 May inside 1-31 May adds nothing: 31 days"),
    ([("2026-05-01", "2026-05-14", Limb.PERSONAL_CIRCUMSTANCES), ("2026-05-15", "2026-05-20", Limb.ABSENT_FROM_AREA)],
     14, "1-14 May and an absence 15-20 May, 6 days, which does not qualify: 14 days"),
    ([("2026-04-17", "2026-05-14", Limb.ABSENT_FROM_AREA), ("2026-05-15", "2026-05-20", Limb.PERSONAL_CIRCUMSTANCES)],
     34, "back to back, an absence 17 Apr-14 May (exactly 28 days) and 15-20 May: 34 days"),
    ([("2026-05-01", "2026-05-14", Limb.PERSONAL_CIRCUMSTANCES), ("2026-06-01", "2026-06-07", Limb.ABSENT_FROM_AREA)],
     14, "1-14 May and an absence 1-7 Jun, 7 days, which does not qualify: 14 days"),
    ([("2026-05-01", "2026-05-14", Limb.PERSONAL_CIRCUMSTANCES),
      ("2026-06-01", "2026-06-07", Limb.PERSONAL_CIRCUMSTANCES)], 21, "apart, 1-14 May and 1-7 Jun: 14 + 7 = 21 days"),
]


@pytest.mark.parametrize(("spans", "extra_days", "reason"), ADJUSTED, ids=[row[-1] for row in ADJUSTED])
def test_the_adjusted_target_adds_the_merged_exception_days_and_is_labelled_non_statutory(
        calendar, spans, extra_days, reason):
    events = [*CASE]
    for first, last, limb in spans:
        events += [started(first, limb), ended(last, limb)]
    timeline = timeline_for(events, calendar, as_of=AS_OF)
    assert {t.step: t.target for t in timeline.adjusted_targets} == {
        Step.NO_PLAN_NOTICE: date.fromordinal(D("2026-06-22").toordinal() + extra_days),
        Step.FINAL_PLAN: date.fromordinal(D("2026-07-20").toordinal() + extra_days),
    }
    assert all(t.statutory is False and "non-statutory" in t.basis for t in timeline.adjusted_targets)
    assert all(f"{extra_days} days" in t.basis for t in timeline.adjusted_targets)


def test_fourteen_days_of_exception_move_the_final_target_from_20_jul_to_3_aug(calendar):
    events = [*CASE, *FOURTEEN_DAYS]
    timeline = timeline_for(events, calendar, as_of=AS_OF)
    targets = {t.step: t.target for t in timeline.adjusted_targets}
    assert targets[Step.FINAL_PLAN] == D("2026-08-03")  # Mon 20 Jul + 14 = Mon 3 Aug
    assert targets[Step.NO_PLAN_NOTICE] == D("2026-07-06")  # Mon 22 Jun + 14 = Mon 6 Jul
    assert timeline.deadlines[Step.FINAL_PLAN].statutory == D("2026-07-20")


def test_an_open_ended_exception_gives_no_adjusted_target(calendar):
    timeline = timeline_for([*CASE, started("2026-05-01", Limb.ABSENT_FROM_AREA)], calendar, as_of=AS_OF)
    assert [(t.step, t.target, t.statutory) for t in timeline.adjusted_targets] == [
        (Step.NO_PLAN_NOTICE, None, False), (Step.FINAL_PLAN, None, False)]
    assert all("no end date" in t.basis and "10(4)(d)" in t.basis for t in timeline.adjusted_targets)


def test_a_late_final_plan_keeps_its_adjusted_target_and_its_late_status(calendar):
    events = [*CASE, *FOURTEEN_DAYS,
              DraftServed(on=D("2026-06-29")), FinalIssued(on=D("2026-07-31"))]  # Fri 31 Jul: 11 days late
    timeline = timeline_for(events, calendar, as_of=D("2026-08-10"))
    assert timeline.deadlines[Step.FINAL_PLAN].status is Status.LATE  # an exception excuses, never re-dates
    assert {t.step: t.target for t in timeline.adjusted_targets} == {Step.FINAL_PLAN: D("2026-08-03")}


def test_no_adjusted_target_without_an_exception(calendar):
    assert timeline_for(CASE, calendar, as_of=AS_OF).adjusted_targets == ()


# --- an absence must last 4 weeks (Reg 10(4)(d), Reg 8(2)(b)) ----------------------------------

ABSENCES = [
    ("2026-05-01", "2026-05-01", "2026-06-10", False, "ended the day it began: 1 day"),
    ("2026-05-01", "2026-05-27", "2026-06-10", False, "Fri 1 May to Wed 27 May: 27 days"),
    ("2026-05-01", "2026-05-28", "2026-06-10", True, "Fri 1 May to Thu 28 May: 28 days, exactly 4 weeks"),
    ("2026-05-01", None, "2026-05-27", False, "open from Fri 1 May, as of Wed 27 May: 27 days so far"),
    ("2026-05-01", None, "2026-05-28", True, "open from Fri 1 May, as of Thu 28 May: 28 days so far"),
]


@pytest.mark.parametrize(("first", "last", "as_of", "qualifies", "reason"), ABSENCES, ids=[row[-1] for row in ABSENCES])
def test_an_absence_from_the_area_excuses_a_step_only_once_it_has_lasted_28_days(
        calendar, first, last, as_of, qualifies, reason):
    events = [*CASE, started(first, Limb.ABSENT_FROM_AREA), *([ended(last, Limb.ABSENT_FROM_AREA)] if last else [])]
    timeline = timeline_for(events, calendar, as_of=D(as_of))
    (absence,) = timeline.exceptions
    assert absence.qualifies is qualifies
    assert timeline.exceptions_apply is qualifies
    assert timeline.deadlines[Step.FINAL_PLAN].exceptions == ((Limb.ABSENT_FROM_AREA,) if qualifies else ())
    assert (Step.FINAL_PLAN in {t.step for t in timeline.adjusted_targets}) is qualifies
    assert absence.steps == ((Step.NO_PLAN_NOTICE, Step.FINAL_PLAN) if qualifies else ())


def test_an_absence_ended_after_one_day_says_why_it_excuses_nothing(calendar):
    events = [*CASE, started("2026-03-10", Limb.ABSENT_FROM_AREA), ended("2026-03-10", Limb.ABSENT_FROM_AREA)]
    (absence,) = timeline_for(events, calendar, as_of=AS_OF).exceptions
    assert absence.not_qualifying_because == (
        "exception 10(4)(d) lasted 1 day (2026-03-10 to 2026-03-10): an absence must last at least 4 weeks "
        "(28 days) to qualify, so it excuses nothing")


def test_an_open_absence_says_from_which_day_it_would_qualify(calendar):
    events = [*CASE, started("2026-05-01", Limb.ABSENT_FROM_AREA)]
    (absence,) = timeline_for(events, calendar, as_of=D("2026-05-10")).exceptions
    assert absence.not_qualifying_because == (
        "exception 10(4)(d) has lasted 10 days so far (from 2026-05-01, still open on 2026-05-10): an absence must "
        "last at least 4 weeks (28 days) to qualify; it excuses nothing unless it goes on to 2026-05-28")


@pytest.mark.parametrize(("limb", "last", "qualifies"), [
    (Limb.PERSONAL_CIRCUMSTANCES, "2026-05-01", True),
    (Limb.SCHOOL_CLOSURE, "2026-05-01", True),
    (Limb.ABSENT_FROM_AREA, "2026-05-01", False),
], ids=["10(4)(c) for a day", "10(4)(a) recorded for a day", "10(4)(d) for a day"])
def test_only_an_absence_has_a_minimum_length(calendar, limb, last, qualifies):
    events = [*CASE, started("2026-05-01", limb), ended(last, limb)]
    assert timeline_for(events, calendar, as_of=AS_OF).exceptions_apply is qualifies


ADVICE_ABSENCES = [
    ("2026-04-20", "2026-05-01", (), "Mon 20 Apr to Fri 1 May: 12 days"),
    ("2026-04-20", "2026-05-17", (Limb.ADVICE_ABSENT_FROM_AREA,), "Mon 20 Apr to Sun 17 May: 28 days"),
]


@pytest.mark.parametrize(("first", "last", "limbs", "reason"), ADVICE_ABSENCES,
                         ids=[row[-1] for row in ADVICE_ABSENCES])
def test_an_absence_under_reg_8_2_b_excuses_advice_only_once_it_has_lasted_28_days(
        calendar, first, last, limbs, reason):
    events = [*CASE, started(first, Limb.ADVICE_ABSENT_FROM_AREA, advice="health"),
              ended(last, Limb.ADVICE_ABSENT_FROM_AREA, advice="health")]
    timeline = timeline_for(events, calendar, as_of=AS_OF)
    assert {a.key: a.exceptions for a in timeline.advice} == {"health": limbs, "education": ()}


# --- which steps an exception excuses: those whose statutory period it overlaps -----------------

# Decided Fri 10 Apr (due Mon 13 Apr); notice due Mon 22 Jun; final plan due Mon 20 Jul.
STEPS_EXCUSED = [
    ("2026-05-01", "2026-05-14", (Step.NO_PLAN_NOTICE, Step.FINAL_PLAN), "Fri 1 May to Thu 14 May"),
    ("2026-06-22", "2026-07-05", (Step.NO_PLAN_NOTICE, Step.FINAL_PLAN), "from Mon 22 Jun, the notice's date"),
    ("2026-06-23", "2026-07-06", (Step.FINAL_PLAN,), "from Tue 23 Jun, the day after the notice's date"),
    ("2026-07-20", "2026-08-02", (Step.FINAL_PLAN,), "from Mon 20 Jul, the final plan's date"),
    ("2026-07-21", "2026-08-03", (), "from Tue 21 Jul, the day after the final plan's date"),
    ("2026-08-10", "2026-08-23", (), "Mon 10 Aug to Sun 23 Aug, three weeks after the final plan's date"),
]


@pytest.mark.parametrize(("first", "last", "steps", "reason"), STEPS_EXCUSED, ids=[row[-1] for row in STEPS_EXCUSED])
def test_an_exception_excuses_only_the_steps_whose_statutory_period_it_overlaps(calendar, first, last, steps, reason):
    events = [*CASE, started(first, Limb.PERSONAL_CIRCUMSTANCES), ended(last, Limb.PERSONAL_CIRCUMSTANCES)]
    timeline = timeline_for(events, calendar, as_of=D("2026-08-31"))
    (exception,) = timeline.exceptions
    assert exception.steps == steps
    assert {step for step, d in timeline.deadlines.items() if d.exceptions} == set(steps)
    assert {t.step for t in timeline.adjusted_targets} == set(steps)
    assert timeline.exceptions_apply is bool(steps)


def test_an_exception_from_10_august_gives_a_final_plan_due_20_july_no_adjusted_target(calendar):
    events = [*CASE, started("2026-08-10", Limb.PERSONAL_CIRCUMSTANCES),
              ended("2026-08-23", Limb.PERSONAL_CIRCUMSTANCES)]
    timeline = timeline_for(events, calendar, as_of=D("2026-08-31"))
    assert timeline.deadlines[Step.FINAL_PLAN].status is Status.OVERDUE
    assert timeline.adjusted_targets == ()
    assert not timeline.exceptions_apply


def test_advice_asked_of_a_school_in_july_excuses_the_final_plan_but_not_an_april_decision_made_late(calendar):
    # Received Mon 2 Mar: decision due Mon 13 Apr, made late on Mon 20 Jul; the school is asked the same day, in
    # the window of the summer closure (Wed 15 Jul to Wed 26 Aug); the final plan is due Mon 20 Jul.
    events = [Received(on=D("2026-03-02")), Decision(on=D("2026-07-20"), outcome=DecisionOutcome.ASSESS),
              AdviceRequested(on=D("2026-07-20"), agency=Agency.EDUCATION, setting="Oakfield Primary",
                              setting_kind=SettingKind.SCHOOL)]
    closures = ClosureCalendar(defaults={SettingKind.SCHOOL: (SUMMER_42,)})
    timeline = timeline_for(events, calendar, as_of=D("2026-08-31"), closures=closures)
    (closure,) = timeline.exceptions
    assert closure.steps == (Step.FINAL_PLAN,)
    assert timeline.deadlines[Step.DECISION_TO_ASSESS].status is Status.LATE
    assert timeline.deadlines[Step.DECISION_TO_ASSESS].exceptions == ()
    assert [t.step for t in timeline.adjusted_targets] == [Step.FINAL_PLAN]


def test_a_reg_8_2_exception_that_begins_after_the_advice_was_due_excuses_nothing(calendar):
    # Health was asked Tue 14 Apr: due Tue 26 May.
    on_time = timeline_for([*CASE, started("2026-05-26", Limb.ADVICE_MISSED_APPOINTMENT, advice="health")],
                           calendar, as_of=AS_OF)
    late = timeline_for([*CASE, started("2026-05-27", Limb.ADVICE_MISSED_APPOINTMENT, advice="health")],
                        calendar, as_of=AS_OF)
    assert {a.key: a.exceptions for a in on_time.advice}["health"] == (Limb.ADVICE_MISSED_APPOINTMENT,)
    assert {a.key: a.exceptions for a in late.advice}["health"] == ()
    assert [(e.steps, e.advice_requests) for e in on_time.exceptions] == [((Step.ADVICE,), ("health",))]
    assert [(e.steps, e.advice_requests) for e in late.exceptions] == [((), ())]


# --- ending an exception: refusals that name the real conflict ----------------------------------

WITH_HEALTH_APPOINTMENT = [*CASE, started("2026-05-05", Limb.ADVICE_MISSED_APPOINTMENT, advice="health")]
BAD_ENDS = [
    ([*CASE, started("2026-05-10", Limb.ABSENT_FROM_AREA)], ended("2026-05-05", Limb.ABSENT_FROM_AREA),
     "exception 10(4)(d) cannot end on 2026-05-05: that is before it started on 2026-05-10",
     "ended before it started"),
    (WITH_HEALTH_APPOINTMENT, ended("2026-05-20", Limb.ADVICE_MISSED_APPOINTMENT),
     "exception 8(2)(c) is open for advice request health: name the one it ends for with --advice KEY",
     "8(2)(c) ended without naming the advice"),
    ([*WITH_HEALTH_APPOINTMENT, started("2026-05-06", Limb.ADVICE_MISSED_APPOINTMENT, advice="education")],
     ended("2026-05-20", Limb.ADVICE_MISSED_APPOINTMENT),
     "exception 8(2)(c) is open for advice requests health, education: name the one it ends for with --advice KEY",
     "8(2)(c) open for two requests, ended without naming either"),
    (WITH_HEALTH_APPOINTMENT, ended("2026-05-20", Limb.ADVICE_MISSED_APPOINTMENT, advice="education"),
     "exception 8(2)(c) is open for advice request health, not for advice request education",
     "8(2)(c) ended for another request"),
    ([*CASE, *FOURTEEN_DAYS], ended("2026-05-20", Limb.PERSONAL_CIRCUMSTANCES),
     "there is no open exception 10(4)(c) to end on 2026-05-20: it already ended on 2026-05-14", "ended twice"),
    (CASE, ended("2026-05-20", Limb.PERSONAL_CIRCUMSTANCES), "there is no open exception 10(4)(c) to end",
     "never started"),
]


@pytest.mark.parametrize(("history", "end", "message", "reason"), BAD_ENDS, ids=[row[-1] for row in BAD_ENDS])
def test_an_exception_end_that_ends_nothing_is_refused_naming_the_conflict(history, end, message, reason):
    with pytest.raises(EventRejected) as refused:
        fold_with(history, end)
    assert str(refused.value) == message


# --- Reg 8(2): exceptions for one piece of advice ------------------------------------------------

def test_a_reg_8_2_exception_attaches_to_the_advice_it_names_and_not_to_the_case(calendar):
    events = [*CASE, started("2026-05-05", Limb.ADVICE_MISSED_APPOINTMENT, advice="health")]
    timeline = timeline_for(events, calendar, as_of=AS_OF)
    assert {a.key: a.exceptions for a in timeline.advice} == {
        "health": (Limb.ADVICE_MISSED_APPOINTMENT,), "education": ()}
    assert not timeline.exceptions_apply
    assert all(d.exceptions == () for d in timeline.deadlines.values())
    assert timeline.adjusted_targets == ()
    assert dates_of(timeline) == dates_of(timeline_for(CASE, calendar, as_of=AS_OF))


def test_a_reg_8_2_exception_naming_no_request_covers_the_requests_whose_six_weeks_it_overlaps(calendar):
    events = [*CASE, started("2026-04-20", Limb.ADVICE_ABSENT_FROM_AREA),
              ended("2026-05-20", Limb.ADVICE_ABSENT_FROM_AREA),
              AdviceRequested(on=D("2026-06-01"), agency=Agency.SOCIAL_CARE)]  # asked after the absence ended
    timeline = timeline_for(events, calendar, as_of=AS_OF)
    assert {a.key: a.exceptions for a in timeline.advice} == {
        "health": (Limb.ADVICE_ABSENT_FROM_AREA,), "education": (Limb.ADVICE_ABSENT_FROM_AREA,), "social_care": ()}
    assert not timeline.exceptions_apply


# --- Reg 10(4)(a)/(b) found from closure data ----------------------------------------------------

def test_a_closure_window_runs_from_a_week_before_closing_to_a_week_before_reopening_both_included():
    # Closed Wed 22 Jul, re-opens Wed 2 Sep 2026.
    assert LA_SUMMER_2026.length_days == 42 and LA_SUMMER_2026.is_long
    assert LA_SUMMER_2026.exception_window == (D("2026-07-15"), D("2026-08-26"))


def test_a_closure_that_reopens_on_or_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="re-opens"):
        Closure(D("2026-07-22"), D("2026-07-22"), "no days")


def advice_to_a_setting(on: date, kind: SettingKind = SettingKind.SCHOOL, setting: str = "Oakfield Primary") -> list:
    return [Received(on=D("2026-05-01")), Decision(on=D("2026-06-05"), outcome=DecisionOutcome.ASSESS),
            AdviceRequested(on=on, agency=Agency.EDUCATION, setting=setting, setting_kind=kind)]


def timeline_with_closure(calendar, closure: Closure, requested: str, kind: SettingKind = SettingKind.SCHOOL):
    closures = ClosureCalendar(defaults={kind: (closure,)})
    return timeline_for(advice_to_a_setting(D(requested), kind), calendar, as_of=D("2026-10-01"), closures=closures)


SUMMER_42 = Closure(D("2026-07-22"), D("2026-09-02"), "closed Wed 22 Jul, back Wed 2 Sep: 42 days")
SUMMER_28 = Closure(D("2026-07-22"), D("2026-08-19"), "closed Wed 22 Jul, back Wed 19 Aug: 28 days")
SUMMER_27 = Closure(D("2026-07-22"), D("2026-08-18"), "closed Wed 22 Jul, back Tue 18 Aug: 27 days")

DETECTION = [
    (SUMMER_42, "2026-07-14", False, "42 days, asked Tue 14 Jul = F-8: before the window"),
    (SUMMER_42, "2026-07-15", True, "42 days, asked Wed 15 Jul = F-7: first day of the window"),
    (SUMMER_42, "2026-07-22", True, "42 days, asked Wed 22 Jul = F: the first day closed"),
    (SUMMER_42, "2026-08-25", True, "42 days, asked Tue 25 Aug = R-8"),
    (SUMMER_42, "2026-08-26", True, "42 days, asked Wed 26 Aug = R-7: a week before re-opening, the last day"),
    (SUMMER_42, "2026-08-27", False, "42 days, asked Thu 27 Aug = R-6: after the window"),
    (SUMMER_28, "2026-07-14", False, "28 days, asked Tue 14 Jul = F-8"),
    (SUMMER_28, "2026-07-15", True, "28 days (exactly 4 weeks), asked Wed 15 Jul = F-7"),
    (SUMMER_28, "2026-08-11", True, "28 days, asked Tue 11 Aug = R-8"),
    (SUMMER_28, "2026-08-12", True, "28 days, asked Wed 12 Aug = R-7: the last day"),
    (SUMMER_28, "2026-08-13", False, "28 days, asked Thu 13 Aug = R-6"),
    (SUMMER_27, "2026-07-15", False, "27 days never triggers: asked Wed 15 Jul = F-7"),
    (SUMMER_27, "2026-07-22", False, "27 days never triggers: asked Wed 22 Jul = F"),
    (SUMMER_27, "2026-08-10", False, "27 days never triggers: asked Mon 10 Aug = R-8"),
]


@pytest.mark.parametrize(("closure", "requested", "found", "reason"), DETECTION, ids=[row[-1] for row in DETECTION])
def test_advice_asked_of_a_school_during_a_long_closure_window_is_a_reg_10_4_a_exception(
        calendar, closure, requested, found, reason):
    timeline = timeline_with_closure(calendar, closure, requested)
    assert timeline.exceptions_apply is found
    if found:
        (exception,) = timeline.exceptions
        first, last = closure.exception_window
        assert (exception.limb, exception.start, exception.end, exception.detected_from_closures) == (
            Limb.SCHOOL_CLOSURE, first, last, True)
        assert requested in exception.evidence and str(closure.first_day) in exception.evidence
    else:
        assert timeline.exceptions == ()


@pytest.mark.parametrize(("kind", "limb", "reason"), [
    (SettingKind.SCHOOL, Limb.SCHOOL_CLOSURE, "a school: 10(4)(a)"),
    (SettingKind.POST16, Limb.SCHOOL_CLOSURE, "a post-16 institution: 10(4)(a)"),
    (SettingKind.EARLY_YEARS, Limb.EARLY_YEARS_CLOSURE, "an early years provider: 10(4)(b)"),
], ids=["a school: 10(4)(a)", "a post-16 institution: 10(4)(a)", "an early years provider: 10(4)(b)"])
def test_the_closure_limb_follows_the_kind_of_setting(calendar, kind, limb, reason):
    timeline = timeline_with_closure(calendar, SUMMER_42, "2026-07-20", kind)  # Mon 20 Jul, inside the window
    assert [e.limb for e in timeline.exceptions] == [limb]
    assert timeline.exceptions_apply


def test_a_detected_closure_exception_does_not_move_any_statutory_date(calendar):
    events = advice_to_a_setting(D("2026-07-20"))
    with_closures = timeline_for(events, calendar, as_of=D("2026-08-01"),
                                 closures=ClosureCalendar(defaults={SettingKind.SCHOOL: (SUMMER_42,)}))
    without = timeline_for(events, calendar, as_of=D("2026-08-01"))
    assert with_closures.exceptions_apply and not without.exceptions_apply
    assert dates_of(with_closures) == dates_of(without)


def test_advice_asked_of_health_during_the_summer_is_not_a_closure_exception(calendar, closures):
    events = [Received(on=D("2026-05-01")), Decision(on=D("2026-06-05"), outcome=DecisionOutcome.ASSESS),
              AdviceRequested(on=D("2026-07-20"), agency=Agency.HEALTH)]
    assert not timeline_for(events, calendar, as_of=D("2026-08-01"), closures=closures).exceptions_apply


OVERRIDES = [
    (TRUST_SCHOOL, "2026-07-10", D("2026-07-08"), "trust school, Fri 10 Jul: in its own window (from Wed 8 Jul)"),
    ("Oakfield Primary", "2026-07-10", None, "LA school, Fri 10 Jul: LA window starts Wed 15 Jul"),
    (TRUST_SCHOOL, "2026-08-24", None, "trust school, Mon 24 Aug: its window ended Thu 20 Aug"),
    ("Oakfield Primary", "2026-08-24", D("2026-07-15"), "LA school, Mon 24 Aug: LA window runs to Wed 26 Aug"),
]


@pytest.mark.parametrize(("setting", "requested", "window_start", "reason"), OVERRIDES,
                         ids=[row[-1] for row in OVERRIDES])
def test_a_per_setting_override_replaces_the_la_default_for_that_setting_only(
        calendar, closures, setting, requested, window_start, reason):
    events = advice_to_a_setting(D(requested), setting=setting)
    timeline = timeline_for(events, calendar, as_of=D("2026-10-01"), closures=closures)
    assert [e.start for e in timeline.exceptions] == ([window_start] if window_start else [])


def test_the_closure_calendar_gives_an_overridden_setting_only_its_own_closures(closures):
    assert closures.closures_for(SettingKind.SCHOOL, TRUST_SCHOOL) == (TRUST_SUMMER_2026,)
    assert LA_SUMMER_2026 in closures.closures_for(SettingKind.SCHOOL, "Oakfield Primary")
    assert LA_SUMMER_2026 in closures.closures_for(SettingKind.EARLY_YEARS)


def test_a_short_easter_closure_is_never_an_exception(closures):
    # LA Easter 2026: closed Sat 28 Mar, back Mon 13 Apr (16 days).
    for day in ("2026-03-21", "2026-03-28", "2026-04-05"):
        assert closures.closure_exception(SettingKind.SCHOOL, "Oakfield Primary", D(day)) is None


# --- LA configuration ----------------------------------------------------------------------------

GOOD_AUTHORITY = '[authority]\nname = "Test Borough"\nbank_holidays_known_until = 2027\n'

BAD_CONFIG = [
    ('[authority]\nname = "Test Borough"\nbank_holidays_known_until = "soon"\n',
     "authority.bank_holidays_known_until", "known-until year is not a number"),
    ('[authority]\nname = ""\nbank_holidays_known_until = 2027\n', "authority.name", "empty authority name"),
    ('[authority]\nname = "Test Borough"\n', "authority.bank_holidays_known_until", "known-until year missing"),
    ('[authority]\nname = "Test Borough"\nbank_holidays_known_until = 2027\nholidays = "ENG"\n',
     "authority.holidays", "an unknown field"),
    (GOOD_AUTHORITY + '[[closures]]\nfirst_day = 2026-07-22\nreopens = 2026-07-01\n',
     "closures.0", "a closure that re-opens before it starts"),
    (GOOD_AUTHORITY + '[[closures]]\nfirst_day = 2026-07-22\nreopens = "September"\n',
     "closures.0.reopens", "a re-opening that is not a date"),
    (GOOD_AUTHORITY + '[[closures]]\nfirst_day = 2026-07-22\nreopens = 2026-09-02\napplies_to = ["nursery"]\n',
     "closures.0.applies_to.0", "an unknown kind of setting"),
    (GOOD_AUTHORITY + '[settings.URN-1]\nkind = "academy"\n', "settings.URN-1.kind", "an unknown setting kind"),
    ('[authority\nname = "Test Borough"\n', "default.toml", "not TOML at all"),
]


@pytest.mark.parametrize(("text", "named", "reason"), BAD_CONFIG, ids=[row[-1] for row in BAD_CONFIG])
def test_a_bad_la_config_file_is_refused_naming_the_field(tmp_path, text, named, reason):
    path = tmp_path / "default.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LaConfigError, match=str(path)) as refused:
        load_la_config(path)
    assert named in str(refused.value)


def test_a_missing_la_config_file_is_refused(tmp_path):
    with pytest.raises(LaConfigError, match="missing.toml"):
        load_la_config(tmp_path / "missing.toml")


def test_the_packaged_la_config_loads_with_its_trust_override():
    la = load_la_config(Path(config.la.__file__).parent / "la" / "default.toml")
    assert la.authority.bank_holidays_known_until == 2027
    assert la.setting_kind("URN-140001") is SettingKind.SCHOOL
    assert la.setting_kind("not a configured setting") is None
    calendar = la.closure_calendar()
    (trust_summer,) = calendar.closures_for(SettingKind.SCHOOL, "URN-140001")
    assert (trust_summer.first_day, trust_summer.reopens) == (D("2026-07-15"), D("2026-08-27"))
    # Fri 10 Jul 2026 is in the trust's window (from Wed 8 Jul) but not the LA's (from Wed 15 Jul).
    assert calendar.closure_exception(SettingKind.SCHOOL, "URN-140001", D("2026-07-10")) == trust_summer
    assert calendar.closure_exception(SettingKind.SCHOOL, "Oakfield Primary", D("2026-07-10")) is None
    la_summer = calendar.closure_exception(SettingKind.EARLY_YEARS, None, D("2026-07-15"))
    assert (la_summer.first_day, la_summer.reopens) == (D("2026-07-22"), D("2026-09-02"))
