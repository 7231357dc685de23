"""The report's SQL aggregates on SQLite and PostgreSQL, against hand-computed tables and the domain's fold.

The 20-week, 6-week and one-year tests are written twice: in SQL (reports/queries.py, one spelling per
database) and in Python (domain/timeliness.py). These tests hold the two to the same answers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from config.policy import PACKAGED_POLICY, load_policy
from domain.casefile import fold
from domain.events import (
    AdviceReceived, AdviceRequested, Agency, Decision, DecisionOutcome, DraftServed, EventVoided,
    ExceptionEnded, ExceptionStarted, FinalIssued, Mediation, NoPlanNotice, Received, Tribunal, Withdrawn,
)
from domain.intake import NewRequest
from domain.rag import rag_of
from domain.rules import Limb
from domain.timeline import OPEN_STAGES, timeline_for
from domain.timeliness import (
    CLOSURE_DETECTED, NoPlanNoticeGiven, NoticeTally, OnTimeTally, OpenTally, Period, PlanIssued, PlanTally,
    advice_in, decisions_in, exceptions_in, is_open_overdue, notices_in, plans_in, view_open_request,
)
from ehc.demo.synthetic import SYNTHETIC_CONTRIBUTORS, synthetic_caseload
from reports import queries

D = date.fromisoformat
ASSESS, NOT_ASSESS = DecisionOutcome.ASSESS, DecisionOutcome.NOT_ASSESS
RECORDED = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
POLICY = load_policy(PACKAGED_POLICY)


def seed(unit_of_work, cases):
    """cases: (reference, [events]) with the first event the receipt."""
    with unit_of_work() as store:
        store.import_caseload([(NewRequest(reference=ref, received=events[0].on, caseworker="A Okafor"), events)
                               for ref, events in cases], "test", RECORDED)


def issued(received: str, final: str, decided: str | None = None, exception: Limb | None = None) -> list:
    events = [Received(on=D(received)), Decision(on=D(decided) if decided else D(received) + timedelta(days=30),
                                                 outcome=ASSESS)]
    if exception:
        events.append(ExceptionStarted(on=D(received) + timedelta(days=1), limb=exception))
    return events + [FinalIssued(on=D(final))]


# received, final issued, Reg 10(4) exception, why
PLANS = [
    ("P-ON-DAY-140", "2026-01-05", "2026-05-25", None),  # Mon 5 Jan -> Mon 25 May: within
    ("P-DAY-147", "2026-01-05", "2026-06-01", None),  # late, on the period's last day
    ("P-EXC-LATE", "2025-12-01", "2026-05-01", Limb.PERSONAL_CIRCUMSTANCES),  # day 151, excepted, first day
    ("P-EXC-WITHIN", "2026-01-12", "2026-05-01", Limb.ABSENT_FROM_AREA),  # day 109, excepted
    ("P-ANNIVERSARY", "2025-05-01", "2026-05-01", None),  # 365 days: over 20 weeks, within a year
    ("P-OVER-A-YEAR", "2025-04-30", "2026-05-01", None),  # 366 days: over a year
    ("P-DAY-BEFORE", "2026-01-01", "2026-04-30", None),  # outside the period
    ("P-DAY-AFTER", "2026-01-01", "2026-06-02", None),  # outside the period
]
LEAP_PLANS = [
    ("L-LEAP-ANNIV", "2024-02-29", "2025-02-28", None),  # anniversary of 29 Feb 2024 is 28 Feb 2025: within a year
    ("L-LEAP-OVER", "2024-02-29", "2025-03-01", None),  # over a year
    ("L-ACROSS-140", "2024-01-15", "2024-06-03", None),  # day 140 across 29 Feb 2024: within
    ("L-ACROSS-141", "2024-01-15", "2024-06-04", None),  # day 141: late
]


def test_plans_issued_are_tallied_per_day_as_sen2_counts_them(unit_of_work, case_database):
    seed(unit_of_work, [(ref, issued(received, final, exception=limb)) for ref, received, final, limb in PLANS])
    period = Period("May 2026 and 1 June", D("2026-05-01"), D("2026-06-01"))

    with case_database.read_connection() as connection:
        days = queries.plan_days(connection, period.start, period.end)

    assert [row.day for row in days] == [D("2026-05-01"), D("2026-05-25"), D("2026-06-01")]
    assert plans_in(period, days) == PlanTally(
        plans=6, within_20_weeks=2, plans_excl_exceptions=4, within_20_weeks_excl_exceptions=1,
        days_to_issue=140 + 147 + 151 + 109 + 365 + 366, over_20_weeks_within_a_year=3, over_a_year=1)


def test_leap_years_are_counted_the_same_in_sql_as_in_the_domain(unit_of_work, case_database):
    seed(unit_of_work, [(ref, issued(received, final)) for ref, received, final, _ in LEAP_PLANS])

    with case_database.read_connection() as connection:
        days = queries.plan_days(connection, D("2024-01-01"), D("2025-12-31"))

    expected = PlanTally.of(PlanIssued(D(received), D(final)) for _, received, final, _ in LEAP_PLANS)
    assert plans_in(Period("all", D("2024-01-01"), D("2025-12-31")), days) == expected
    assert (expected.within_20_weeks, expected.over_20_weeks_within_a_year, expected.over_a_year) == (1, 2, 1)


def test_exceptions_by_limb_count_plans_with_each_recorded_limb(unit_of_work, case_database):
    seed(unit_of_work, [(ref, issued(received, final, exception=limb)) for ref, received, final, limb in PLANS])
    period = Period("May 2026", D("2026-05-01"), D("2026-05-31"))

    with case_database.read_connection() as connection:
        found = exceptions_in(period, queries.exception_days(connection, period.start, period.end))

    assert found == {"10(4)(a)": 0, "10(4)(b)": 0, "10(4)(c)": 1, "10(4)(d)": 1}


def plan_with(received: str, final: str, *exceptions: tuple[Limb, str, str | None]) -> list:
    """A plan issued on ``final`` with exceptions (limb, first day, last day or None while open)."""
    events = issued(received, final)
    for limb, first, last in exceptions:
        events[-1:-1] = [ExceptionStarted(on=D(first), limb=limb),
                         *([ExceptionEnded(on=D(last), limb=limb)] if last else [])]
    return events


# Received Mon 5 Jan 2026: the final plan is due Mon 25 May (day 140); each plan is issued in June.
EXCUSING = [
    ("X-ABSENT-1-DAY", plan_with("2026-01-05", "2026-06-01", (Limb.ABSENT_FROM_AREA, "2026-02-10", "2026-02-10")),
     None, "an absence of 1 day excuses nothing"),
    ("X-ABSENT-28", plan_with("2026-01-05", "2026-06-02", (Limb.ABSENT_FROM_AREA, "2026-02-10", "2026-03-09")),
     {"10(4)(d)"}, "an absence of 28 days excuses the plan"),
    ("X-ABSENT-OPEN", plan_with("2026-01-05", "2026-06-03", (Limb.ABSENT_FROM_AREA, "2026-05-20", None)),
     None, "an absence open from Wed 20 May has lasted 15 days when the plan is issued: it excuses nothing"),
    ("X-BOTH", plan_with("2026-01-05", "2026-06-04", (Limb.PERSONAL_CIRCUMSTANCES, "2026-02-10", "2026-02-20"),
                         (Limb.ABSENT_FROM_AREA, "2026-03-10", "2026-03-10")),
     {"10(4)(c)"}, "10(4)(c) excuses it, the 1-day absence does not"),
    ("X-AFTER-DUE", plan_with("2026-01-05", "2026-06-05", (Limb.PERSONAL_CIRCUMSTANCES, "2026-05-26", "2026-06-01")),
     None, "10(4)(c) from Tue 26 May, the day after the plan was due, excuses nothing"),
    ("X-ON-DUE", plan_with("2026-01-05", "2026-06-08", (Limb.PERSONAL_CIRCUMSTANCES, "2026-05-25", "2026-06-01")),
     {"10(4)(c)"}, "10(4)(c) from Mon 25 May, the day the plan was due"),
]


def test_only_exceptions_that_excuse_the_final_plan_take_it_out_of_the_count_and_into_the_limbs(
        unit_of_work, case_database, engine):
    seed(unit_of_work, [(ref, events) for ref, events, _, _ in EXCUSING])

    with case_database.read_connection() as connection:
        days = queries.event_days(connection, JUNE.start, JUNE.end)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT reference, exceptions_apply FROM cases"))
        flags = {ref: bool(flag) for ref, flag in rows}

    excused = {ref: limbs for ref, _, limbs, _ in EXCUSING if limbs}
    assert flags == {ref: ref in excused for ref, _, _, _ in EXCUSING}
    assert plans_in(JUNE, days.plans).plans_excl_exceptions == len(EXCUSING) - len(excused)
    by_limb = {limb: sum(limb in limbs for limbs in excused.values()) for limb in ("10(4)(c)", "10(4)(d)")}
    assert exceptions_in(JUNE, days.exceptions) == {"10(4)(a)": 0, "10(4)(b)": 0, **by_limb}


DECISIONS = [
    ("D-DAY-42", "2026-03-02", "2026-04-13", ASSESS),  # within, on the period's first day
    ("D-DAY-43", "2026-03-02", "2026-04-14", NOT_ASSESS),  # late; either outcome counts
    ("D-LAST-DAY", "2026-04-01", "2026-04-30", ASSESS),  # within, on the period's last day
    ("D-BEFORE", "2026-03-01", "2026-04-12", ASSESS),  # the day before the period
    ("D-AFTER", "2026-03-20", "2026-05-01", ASSESS),  # the day after the period
]


def test_decisions_are_counted_by_decision_date_and_within_6_weeks_on_or_before_day_42(unit_of_work, case_database):
    seed(unit_of_work, [(ref, [Received(on=D(received)), Decision(on=D(decided), outcome=outcome)])
                        for ref, received, decided, outcome in DECISIONS])
    period = Period("13-30 April 2026", D("2026-04-13"), D("2026-04-30"))

    with case_database.read_connection() as connection:
        tally = decisions_in(period, queries.decision_days(connection, period.start, period.end))

    assert tally == OnTimeTally(done=3, within_6_weeks=2)


# --- mediation and tribunal: left out of plans, decisions and notices, not of the open requests -------------

def appealed(events: list, *appeals) -> list:
    return [*events, *appeals]


JUNE = Period("June 2026", D("2026-06-01"), D("2026-06-30"))
APPEAL_CASES = [
    # reference, events; in June 2026 (both ends included)
    ("A-PLAN", issued("2026-01-05", "2026-05-25"), "plan day 140, within, no appeal: before June, not counted"),
    ("A-PLAN-JUNE", issued("2026-02-02", "2026-06-22"), "plan day 140: within, counted"),
    ("A-PLAN-LATE", issued("2026-01-05", "2026-06-01"), "plan day 147 on June's first day: late, counted"),
    ("A-PLAN-MED", appealed(issued("2026-02-09", "2026-06-29"), Mediation(on=D("2026-06-30"))),
     "plan day 140, mediation the next day: left out, counted apart"),
    ("A-PLAN-TRIB", appealed(issued("2025-12-01", "2026-06-30", exception=Limb.PERSONAL_CIRCUMSTANCES),
                             Tribunal(on=D("2026-10-05"))),
     "plan day 211 with a 10(4)(c) exception, tribunal months later: left out of both counts and of the limbs"),
    ("A-DEC-TRIB", [Received(on=D("2026-04-20")), Decision(on=D("2026-06-01"), outcome=NOT_ASSESS),
                    Tribunal(on=D("2026-09-01"))], "refused on day 42, tribunal: left out"),
    ("A-DEC", [Received(on=D("2026-04-20")), Decision(on=D("2026-06-02"), outcome=NOT_ASSESS)],
     "refused on day 43: late, counted"),
    ("A-NOTICE", [Received(on=D("2026-03-02")), Decision(on=D("2026-04-10"), outcome=ASSESS),
                  NoPlanNotice(on=D("2026-06-22"))], "notice day 112: within 16 weeks"),
    ("A-NOTICE-LATE", [Received(on=D("2026-03-02")), Decision(on=D("2026-04-10"), outcome=ASSESS),
                       NoPlanNotice(on=D("2026-06-23"))], "notice day 113: late"),
    ("A-NOTICE-MED", [Received(on=D("2026-03-03")), Decision(on=D("2026-04-10"), outcome=ASSESS),
                      NoPlanNotice(on=D("2026-06-23")), Mediation(on=D("2026-07-20"))],
     "notice day 112, then mediation: left out"),
    ("A-OPEN-MED", [Received(on=D("2026-01-05")), Decision(on=D("2026-02-10"), outcome=ASSESS),
                    Mediation(on=D("2026-03-01"))], "assessing past 140 days with mediation: open and overdue"),
    ("A-OPEN-TRIB", [Received(on=D("2026-06-01")), Tribunal(on=D("2026-06-10"))],
     "undecided on day 30, tribunal recorded: open, not overdue"),
]


def test_cases_with_mediation_or_a_tribunal_are_left_out_of_plans_decisions_and_notices_in_sql(unit_of_work,
                                                                                             case_database):
    seed(unit_of_work, [(ref, events) for ref, events, _ in APPEAL_CASES])

    with case_database.read_connection() as connection:
        days = queries.event_days(connection, JUNE.start, JUNE.end)
        tally = queries.open_tally(connection, JUNE.end)

    assert plans_in(JUNE, days.plans) == PlanTally(
        plans=2, within_20_weeks=1, plans_excl_exceptions=2, within_20_weeks_excl_exceptions=1,
        days_to_issue=140 + 147, over_20_weeks_within_a_year=1, over_a_year=0, excluded_mediation_tribunal=2)
    assert decisions_in(JUNE, days.decisions) == OnTimeTally(done=1, within_6_weeks=0)
    assert notices_in(JUNE, days.notices) == NoticeTally(notices=2, within_16_weeks=1)
    assert exceptions_in(JUNE, days.exceptions) == {"10(4)(a)": 0, "10(4)(b)": 0, "10(4)(c)": 0, "10(4)(d)": 0}
    assert tally == OpenTally(requests=2, overdue=1)  # A-OPEN-MED (overdue) and A-OPEN-TRIB


TO = D("2026-06-30")
OPEN_CASES = [
    # reference, events, open at the end of 30 Jun 2026, overdue (contract)
    ("O-UNDECIDED-42", [Received(on=TO - timedelta(days=42))], True, False),
    ("O-UNDECIDED-43", [Received(on=TO - timedelta(days=43))], True, True),
    ("O-ASSESS-140", [Received(on=TO - timedelta(days=140)), Decision(on=TO - timedelta(days=100), outcome=ASSESS)],
     True, False),
    ("O-ASSESS-141", [Received(on=TO - timedelta(days=141)), Decision(on=TO - timedelta(days=100), outcome=ASSESS)],
     True, True),
    ("O-DECIDED-AFTER", [Received(on=TO - timedelta(days=50)), Decision(on=TO + timedelta(days=1), outcome=ASSESS)],
     True, True),  # decided the day after: still undecided at the end of `to`, and past 42 days
    ("O-ISSUED-AFTER", issued("2026-01-05", "2026-07-01"), True, True),  # closed the next day: open at `to`
    ("C-ISSUED-ON-TO", issued("2026-01-05", "2026-06-30"), False, False),
    ("C-NOT-ASSESSED", [Received(on=D("2026-05-01")), Decision(on=TO, outcome=NOT_ASSESS)], False, False),
    ("C-WITHDRAWN", [Received(on=D("2026-05-01")), Withdrawn(on=D("2026-06-01"))], False, False),
    ("C-NO-PLAN", [Received(on=D("2026-01-05")), Decision(on=D("2026-02-01"), outcome=ASSESS),
                   NoPlanNotice(on=D("2026-04-01"))], False, False),
    ("X-RECEIVED-AFTER", [Received(on=TO + timedelta(days=1))], False, False),
    ("O-RECEIVED-ON-TO", [Received(on=TO)], True, False),
]


def test_requests_open_at_the_end_of_the_period_and_the_overdue_ones(unit_of_work, case_database, calendar):
    seed(unit_of_work, [(ref, events) for ref, events, _, _ in OPEN_CASES])

    with case_database.read_connection() as connection:
        tally = queries.open_tally(connection, TO)
        listed = {request.reference: request for request in queries.open_requests(connection, TO)}

    expected_open = {ref for ref, _, is_open, _ in OPEN_CASES if is_open}
    assert set(listed) == expected_open
    assert tally == OpenTally(requests=len(expected_open), overdue=sum(late for *_, late in OPEN_CASES))
    assert {ref for ref, request in listed.items() if view_open_request(request, TO, POLICY, calendar).overdue} == {
        ref for ref, _, _, late in OPEN_CASES if late}
    assert {request.owner for request in listed.values()} == {"AO"}


def test_open_requests_carry_what_had_happened_by_then_only(unit_of_work, case_database):
    events = [Received(on=D("2026-03-02")), Decision(on=D("2026-04-01"), outcome=ASSESS),
              AdviceRequested(on=D("2026-04-02"), agency=Agency.HEALTH),
              AdviceRequested(on=D("2026-04-09"), agency=Agency.SOCIAL_CARE),
              AdviceReceived(on=D("2026-05-01"), agency=Agency.HEALTH),
              DraftServed(on=D("2026-06-20"))]
    seed(unit_of_work, [("ADVICE", events)])

    with case_database.read_connection() as connection:
        (before,) = queries.open_requests(connection, D("2026-04-20"))
        (after,) = queries.open_requests(connection, D("2026-06-25"))

    assert (before.decided_to_assess, before.draft_served, before.next_advice_due) == (
        D("2026-04-01"), None, D("2026-05-14"))  # health's advice (due 14 May) not yet back on 20 April
    assert (after.draft_served, after.next_advice_due) == (D("2026-06-20"), D("2026-05-21"))


# --- the SQL agrees with the domain's fold on a realistic caseload ---------------------------------------

AS_OF = D("2026-11-20")


def with_appeals(cases):
    """Every sixth decided case goes to mediation and every sixth (offset by three) to tribunal, after its last
    event (no later than AS_OF): open and closed cases, plans, refusals and notices among them."""
    out = []
    for number, (request, events) in enumerate(cases):
        decided = any(isinstance(event, Decision) for event in events)
        last = max(event.on for event in events)
        if decided and number % 6 == 0:
            events = [*events, Mediation(on=min(last + timedelta(days=number % 40), AS_OF))]
        elif decided and number % 6 == 3:
            events = [*events, Tribunal(on=min(last + timedelta(days=number % 90), AS_OF))]
        out.append((request, events))
    return out


@pytest.fixture
def synthetic_store(unit_of_work):
    cases = with_appeals(synthetic_caseload(600, AS_OF, weeks=70, seed=11))
    with unit_of_work() as store:
        for contributor in SYNTHETIC_CONTRIBUTORS:
            store.add_contributor(contributor.code, contributor.name, contributor.agency.value)
    with unit_of_work() as store:
        store.import_caseload(cases, "test", RECORDED)
    return cases


@pytest.mark.parametrize(("start", "end"), [("2025-11-21", "2026-11-20"), ("2026-07-01", "2026-07-31"),
                                            ("2026-11-14", "2026-11-20")],
                         ids=["rolling 12 months", "July 2026 (summer closures)", "the report week"])
def test_sql_aggregates_equal_the_domain_fold_of_every_case(synthetic_store, case_database, calendar, closures, start,
                                                            end):
    period = Period("checked", D(start), D(end))
    plans, decisions, notices, advice, limbs = [], [], [], [], {}
    open_expected = {}
    for request, events in synthetic_store:
        case = fold(events)
        timeline = timeline_for(events, calendar, AS_OF, closures)
        appealed = case.mediation_or_tribunal
        if case.final_issued and case.final_issued in period:
            plans.append(PlanIssued(case.received, case.final_issued, timeline.exceptions_apply, appealed))
            for limb in {e.limb.value for e in case.exceptions if e.limb.is_case_exception} or (
                    {CLOSURE_DETECTED} if timeline.exceptions_apply else set()):
                if not appealed:
                    limbs[limb] = limbs.get(limb, 0) + 1
        if case.decision and case.decision.on in period and not appealed:
            decisions.append(case.decision.on <= case.received + timedelta(days=42))
        if case.no_plan_notice and case.no_plan_notice in period:
            notices.append(NoPlanNoticeGiven(case.received, case.no_plan_notice, appealed))
        advice += [(record.agency.value, record.received_on <= record.requested_on + timedelta(days=42))
                   for record in case.advice.values() if record.received_on and record.received_on in period]
        at_end = timeline_for(events, calendar, period.end, closures)
        if request.received <= period.end and at_end.stage in OPEN_STAGES:
            open_expected[request.reference] = at_end

    with case_database.read_connection() as connection:
        sql_plans = plans_in(period, queries.plan_days(connection, period.start, period.end))
        sql_notices = notices_in(period, queries.notice_days(connection, period.start, period.end))
        sql_decisions = decisions_in(period, queries.decision_days(connection, period.start, period.end))
        sql_advice = advice_in(period, queries.advice_days(connection, period.start, period.end), "agency")
        sql_limbs = exceptions_in(period, queries.exception_days(connection, period.start, period.end))
        sql_open = queries.open_tally(connection, period.end)
        listed = list(queries.open_requests(connection, period.end))

    assert sql_plans == PlanTally.of(plans)
    assert sql_plans.plans > 0
    assert sql_notices == NoticeTally.of(notices)
    if period.end - period.start > timedelta(days=300):  # the rolling 12 months has some of each
        assert sql_plans.excluded_mediation_tribunal > 0 and sql_notices.notices > 0
        assert any(fold(events).mediation_or_tribunal for request, events in synthetic_store
                   if request.reference in open_expected)  # and some still open: counted among open requests
    assert sql_decisions == OnTimeTally(len(decisions), sum(decisions))
    assert {agency: (t.done, t.within_6_weeks) for agency, t in sql_advice.items()} == {
        agency: (sum(1 for a, _ in advice if a == agency), sum(1 for a, ok in advice if a == agency and ok))
        for agency in {a for a, _ in advice}}
    assert {limb: n for limb, n in sql_limbs.items() if n} == limbs
    assert sql_open == OpenTally(len(open_expected), sum(
        is_open_overdue(t.received, t.deadlines["decision_to_assess"].done_on
                        if t.stage.value != "awaiting_decision" else None, period.end)
        for t in open_expected.values()))
    assert {request.reference for request in listed} == set(open_expected)
    for request in listed:
        view = view_open_request(request, period.end, POLICY, calendar)
        timeline = open_expected[request.reference]
        assert (view.stage.value, view.next_due) == (timeline.stage.value, timeline.next_due.statutory)
        assert view.rag is rag_of(timeline, POLICY, calendar)


def test_a_voided_event_counts_nowhere_in_the_report_and_its_case_is_as_if_it_never_happened(
        unit_of_work, case_database):
    """A final plan recorded by mistake and voided leaves its case open (and overdue); a decision voided and
    recorded again on its real day counts once, on that day."""
    seed(unit_of_work, [
        ("V-FINAL", [Received(on=D("2026-01-05")), Decision(on=D("2026-02-10"), outcome=ASSESS),
                     DraftServed(on=D("2026-05-01")), FinalIssued(on=D("2026-05-20"))]),
        ("V-DECISION", [Received(on=D("2026-04-01")), Decision(on=D("2026-05-04"), outcome=ASSESS)]),
    ])
    with unit_of_work() as store:
        store.record("V-FINAL", EventVoided(on=D("2026-05-21"), sequence=4, voided_type="final_issued",
                                            voided_on=D("2026-05-20"), reason="recorded on the wrong case"),
                     "test", RECORDED)
        store.record("V-DECISION", EventVoided(on=D("2026-05-22"), sequence=2, voided_type="decision",
                                               voided_on=D("2026-05-04"), reason="mistyped: it was the 14th"),
                     "test", RECORDED)
        store.record("V-DECISION", Decision(on=D("2026-05-14"), outcome=ASSESS), "test", RECORDED)
    period = Period("May 2026 and 1 June", D("2026-05-01"), D("2026-06-01"))

    with case_database.read_connection() as connection:
        days = queries.event_days(connection, period.start, period.end)
        open_at_end = queries.open_tally(connection, period.end)
        listed = [request.reference for request in queries.open_requests(connection, period.end)]

    assert plans_in(period, days.plans).plans == 0
    assert [(row.day, row.tally.done) for row in days.decisions] == [(D("2026-05-14"), 1)]
    assert open_at_end == OpenTally(requests=2, overdue=1)  # V-FINAL is past day 140 with no plan
    assert listed == ["V-DECISION", "V-FINAL"]
