"""Reminders, escalations and stage alerts as tables of dates (domain/reminders/ with the packaged policy).

The policy is config/policy/default.toml: health reminders at request, -10, -3, 0,
+1 and +5 working days from the due day; escalations at +1 (contributor's
escalation contact), +5 (DCO/DMO) and +10 (director). Each row was worked out by
hand from the England bank holidays and checked with ``date.weekday()``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from config.policy import PACKAGED_POLICY, load_policy
from domain.events import AdviceReceived, AdviceRequested, Agency, Decision, DraftServed, Received
from domain.rag import Rag, rag_of
from domain.reminders.delivery import is_sending_time, next_sending_time, retry_time
from domain.reminders.messages import MessageKind
from domain.reminders.planner import CaseForReminders, ContributorEntry, plan_messages
from domain.timeline import timeline_for

D = date.fromisoformat
POLICY = load_policy(PACKAGED_POLICY)
DIRECTORY = {
    "DCO-N": ContributorEntry(code="DCO-N", name="Dr P Shah", agency=Agency.HEALTH,
                              email="p.shah@nhs.example.uk", escalation_email="lead@nhs.example.uk"),
}


def ids(rows):
    return [row[-1] for row in rows]


def health_advice_case(received: date, requested: date, extra=()) -> list:
    return [Received(on=received), Decision(on=received + timedelta(days=21), outcome="assess"),
            AdviceRequested(on=requested, agency=Agency.HEALTH, contributor="DCO-N"), *extra]


def first_planned(events, calendar, start: date, end: date, caseworker="A Okafor") -> dict[str, date]:
    """Run the planner every day from start to end; each message key with the first day it was planned."""
    found: dict[str, date] = {}
    day = start
    while day <= end:
        timeline = timeline_for(events, calendar, day)
        case = CaseForReminders(reference="EHC-1", caseworker=caseworker, timeline=timeline)
        for message in plan_messages(case, DIRECTORY, POLICY, calendar, day):
            found.setdefault(message.key, day)
        day += timedelta(days=1)
    return found


def advice_sends(found: dict[str, date]) -> dict[str, str]:
    """{"reminder -3": "2026-04-02", "escalation +5 role:dco_dmo": ...} for the advice messages."""
    out = {}
    for key, day in found.items():
        parts = key.split("/")
        if not parts[1].startswith("advice-"):
            continue
        _case, kind, _code, step, recipient, _due = parts
        if kind == "advice-reminder":
            out[f"reminder {step}"] = day.isoformat()
        elif kind == "advice-escalation":
            out[f"escalation {step} {recipient}"] = day.isoformat()
    return out


SCHEDULES = [
    (
        # Due Thu 9 Apr 2026; Good Friday 3 Apr and Easter Monday 6 Apr are not working days.
        "2026-01-29", "2026-02-26",
        {"reminder request": "2026-02-26",      # Thu, the day of the request
         "reminder -10": "2026-03-24",          # Tue: 10 working days back, skipping 3 and 6 Apr
         "reminder -3": "2026-04-02",           # Thu before Good Friday (8, 7, then 2 Apr)
         "reminder +0": "2026-04-09",
         "reminder +1": "2026-04-10",
         "reminder +5": "2026-04-16",
         "escalation +1 escalation:DCO-N": "2026-04-10",
         "escalation +5 role:dco_dmo": "2026-04-16",
         "escalation +10 role:director": "2026-04-23"},
        "Easter 2026: due Thu 9 Apr, -3 falls before Good Friday",
    ),
    (
        # Due Mon 30 Mar 2026, so +1..+5 run into Easter: Tue 31, Wed 1, Thu 2, (Fri 3, Mon 6 off), Tue 7, Wed 8.
        "2026-01-19", "2026-02-16",
        {"reminder request": "2026-02-16",
         "reminder -10": "2026-03-16",
         "reminder -3": "2026-03-25",
         "reminder +0": "2026-03-30",
         "reminder +1": "2026-03-31",
         "reminder +5": "2026-04-08",
         "escalation +1 escalation:DCO-N": "2026-03-31",
         "escalation +5 role:dco_dmo": "2026-04-08",
         "escalation +10 role:director": "2026-04-15"},
        "Easter 2026: +5 from Mon 30 Mar skips Good Friday and Easter Monday",
    ),
    (
        # Due Thu 24 Dec 2026; Christmas Fri 25, Boxing Day Sat 26 -> substitute Mon 28 Dec.
        "2026-10-01", "2026-11-12",
        {"reminder request": "2026-11-12",
         "reminder -10": "2026-12-10",
         "reminder -3": "2026-12-21",
         "reminder +0": "2026-12-24",
         "reminder +1": "2026-12-29",           # Tue: Fri 25 and the substitute Mon 28 are bank holidays
         "reminder +5": "2027-01-05",           # 29, 30, 31 Dec, (Fri 1 Jan off), Mon 4, Tue 5 Jan
         "escalation +1 escalation:DCO-N": "2026-12-29",
         "escalation +5 role:dco_dmo": "2027-01-05",
         "escalation +10 role:director": "2027-01-12"},
        "Christmas 2026: Boxing Day substitute Mon 28 Dec",
    ),
    (
        # Due Thu 16 Dec 2027; 25 and 26 Dec 2027 fall on Sat and Sun -> substitutes Mon 27 and Tue 28 Dec.
        "2027-10-07", "2027-11-04",
        {"reminder request": "2027-11-04",
         "reminder -10": "2027-12-02",
         "reminder -3": "2027-12-13",
         "reminder +0": "2027-12-16",
         "reminder +1": "2027-12-17",
         "reminder +5": "2027-12-23",
         "escalation +1 escalation:DCO-N": "2027-12-17",
         "escalation +5 role:dco_dmo": "2027-12-23",
         "escalation +10 role:director": "2028-01-04"},  # 24, 29, 30, 31 Dec, Tue 4 Jan (Mon 3 Jan is New Year's sub)
        "Christmas 2027: substitute days Mon 27 and Tue 28 Dec",
    ),
]


@pytest.mark.parametrize("received, requested, expected, why", SCHEDULES, ids=ids(SCHEDULES))
def test_reminders_and_escalations_go_out_on_these_working_days(calendar, received, requested, expected, why):
    events = health_advice_case(D(received), D(requested))
    found = first_planned(events, calendar, D(requested) - timedelta(days=1), D(requested) + timedelta(days=70))
    assert advice_sends(found) == expected


@pytest.mark.parametrize("day, why", [
    ("2026-04-03", "Good Friday"), ("2026-04-04", "Saturday"), ("2026-04-05", "Easter Day"),
    ("2026-04-06", "Easter Monday"), ("2026-12-25", "Christmas Day"), ("2026-12-28", "Boxing Day substitute"),
    ("2027-12-27", "Christmas substitute 2027"), ("2027-12-28", "Boxing Day substitute 2027"),
], ids=lambda value: value)
def test_nothing_is_planned_on_a_weekend_or_bank_holiday(calendar, day, why):
    events = health_advice_case(D("2026-01-29"), D("2026-02-26"))  # overdue throughout: everything would fire
    case = CaseForReminders(reference="EHC-1", caseworker="A Okafor", timeline=timeline_for(events, calendar, D(day)))
    assert plan_messages(case, DIRECTORY, POLICY, calendar, D(day)) == []


def test_received_advice_stops_reminders_and_escalations(calendar):
    events = health_advice_case(D("2026-01-29"), D("2026-02-26"), [AdviceReceived(on=D("2026-04-08"), contributor="DCO-N")])
    found = first_planned(events, calendar, D("2026-04-08"), D("2026-05-01"))
    assert advice_sends(found) == {}


def test_a_missed_reminder_day_is_caught_up_within_three_working_days_and_not_after(calendar):
    events = health_advice_case(D("2026-01-29"), D("2026-02-26"))
    def planned_on(day):
        case = CaseForReminders(reference="EHC-1", caseworker=None, timeline=timeline_for(events, calendar, D(day)))
        return {m.purpose for m in plan_messages(case, DIRECTORY, POLICY, calendar, D(day))
                if m.kind is MessageKind.ADVICE_REMINDER}
    # -10 was Tue 24 Mar; the watch next runs on Fri 27 Mar (3 working days later): still sent.
    assert planned_on("2026-03-27") == {"advice-reminder/DCO-N/-10"}
    # Mon 30 Mar is 4 working days late: stale, nothing until -3 on Thu 2 Apr.
    assert planned_on("2026-03-30") == set()



FIRST_WATCH = [
    # (the first day a watch runs, the one escalation it plans, how overdue it says the advice is) for health
    # advice due Thu 9 Apr 2026, whose rungs fall on +1 Fri 10 Apr (escalation contact), +5 Thu 16 Apr (DCO/DMO)
    # and +10 Thu 23 Apr (director)
    ("2026-04-10", "advice-escalation/DCO-N/+1 escalation:DCO-N", "1 day", "rung +1 on its own day"),
    ("2026-04-15", "advice-escalation/DCO-N/+1 escalation:DCO-N", "6 days", "+1 is still the highest rung due"),
    ("2026-04-16", "advice-escalation/DCO-N/+5 role:dco_dmo", "7 days", "+5: the escalation contact passed over"),
    ("2026-04-23", "advice-escalation/DCO-N/+10 role:director", "14 days", "+10: only the director"),
    ("2026-11-30", "advice-escalation/DCO-N/+10 role:director", "235 days", "months later, as after an import"),
]


@pytest.mark.parametrize("as_of, expected, overdue, why", FIRST_WATCH, ids=ids(FIRST_WATCH))
def test_a_first_watch_after_rungs_have_passed_escalates_only_to_the_highest_rung_due(calendar, as_of, expected,
                                                                                       overdue, why):
    events = health_advice_case(D("2026-01-29"), D("2026-02-26"))
    case = CaseForReminders(reference="EHC-1", caseworker=None, timeline=timeline_for(events, calendar, D(as_of)))
    escalations = [m for m in plan_messages(case, DIRECTORY, POLICY, calendar, D(as_of))
                   if m.kind is MessageKind.ADVICE_ESCALATION]
    assert [f"{m.purpose} {m.recipient}" for m in escalations] == [expected]
    assert f"({overdue} overdue)" in escalations[0].reason


def test_the_highest_rung_says_who_was_passed_over(calendar):
    events = health_advice_case(D("2026-01-29"), D("2026-02-26"))
    case = CaseForReminders(reference="EHC-1", caseworker=None,
                            timeline=timeline_for(events, calendar, D("2026-11-30")))
    [escalation] = [m for m in plan_messages(case, DIRECTORY, POLICY, calendar, D("2026-11-30"))
                    if m.kind is MessageKind.ADVICE_ESCALATION]
    assert escalation.reason == (
        "health advice due (statutory date Thu 2026-04-09, last working day Thu 2026-04-09) not received "
        "10 working days after it was due (235 days overdue): escalation to the Director of Children's Services; "
        "the highest rung due, so the contributor's escalation contact and the Designated Clinical/Medical Officer "
        "are not told now")

ALERTS = [
    # (received, extra events, as_of, expected alert purposes)
    ("2026-03-02", [], "2026-04-06", set(), "Easter Monday: nothing"),
    ("2026-03-02", [], "2026-04-02", {"alert/decision-due-soon"}, "decision due Mon 13 Apr: Thu 2 Apr is 5 working days before (Easter)"),
    ("2026-03-02", [], "2026-04-01", set(), "Wed 1 Apr is 6 working days before 13 Apr"),
    ("2026-03-02", [], "2026-04-14", {"alert/statutory-date-missed/decision_to_assess"}, "decision missed"),
    ("2026-03-02", [Decision(on=D("2026-04-01"), outcome="assess")], "2026-06-08", {"alert/no-draft-by-target-week"},
     "week 14 ended Sun 7 Jun with no draft"),
    ("2026-03-02", [Decision(on=D("2026-04-01"), outcome="assess")], "2026-06-05", set(), "still week 14"),
    ("2026-03-02", [Decision(on=D("2026-04-01"), outcome="assess"), DraftServed(on=D("2026-06-01"))], "2026-06-08",
     {"alert/representations-open"}, "draft served Mon 1 Jun: window open until 15 Jun"),
    ("2026-03-02", [Decision(on=D("2026-04-01"), outcome="assess"), DraftServed(on=D("2026-06-01"))], "2026-07-06",
     {"alert/final-plan-due-soon"}, "final plan due Mon 20 Jul: 10 working days before is Mon 6 Jul"),
]


@pytest.mark.parametrize("received, extra, as_of, expected, why", ALERTS, ids=ids(ALERTS))
def test_stage_alerts_for_the_caseworker(calendar, received, extra, as_of, expected, why):
    events = [Received(on=D(received)), *extra]
    case = CaseForReminders(reference="EHC-9", caseworker="A Okafor", timeline=timeline_for(events, calendar, D(as_of)))
    messages = plan_messages(case, DIRECTORY, POLICY, calendar, D(as_of))
    assert {m.purpose for m in messages} == expected
    for message in messages:
        if message.recipient.startswith("caseworker:"):
            assert message.to_address == "a.okafor@example.gov.uk"


def test_each_message_key_names_case_purpose_recipient_and_due_date(calendar):
    events = health_advice_case(D("2026-01-29"), D("2026-02-26"))
    case = CaseForReminders(reference="EHC-1", caseworker="B Singh", timeline=timeline_for(events, calendar, D("2026-04-16")))
    messages = plan_messages(case, DIRECTORY, POLICY, calendar, D("2026-04-16"))
    keys = {m.key for m in messages}
    assert "EHC-1/advice-escalation/DCO-N/+5/role:dco_dmo/2026-04-09" in keys
    assert "EHC-1/advice-reminder/DCO-N/+5/contributor:DCO-N/2026-04-09" in keys
    assert len(keys) == len(messages)
    escalation = next(m for m in messages if m.recipient == "role:dco_dmo")
    assert escalation.to_address == "dco@example-icb.nhs.uk"
    assert escalation.reason.startswith("health advice due (statutory date Thu 2026-04-09, last working day "
                                        "Thu 2026-04-09) not received 5 working days after")


RAG = [
    ("2026-03-02", "2026-03-16", Rag.GREEN, "decision due 13 Apr: 20 working days away"),
    ("2026-03-02", "2026-03-30", Rag.AMBER, "10 working days before 13 Apr (Easter in between)"),
    ("2026-03-02", "2026-04-08", Rag.RED, "3 working days before"),
    ("2026-03-02", "2026-04-14", Rag.RED, "missed"),
]


@pytest.mark.parametrize("received, as_of, expected, why", RAG, ids=ids(RAG))
def test_rag_of_a_case_awaiting_its_decision(calendar, received, as_of, expected, why):
    timeline = timeline_for([Received(on=D(received))], calendar, D(as_of))
    assert rag_of(timeline, POLICY, calendar) is expected


UTC = timezone.utc
SENDING = [
    # (moment in UTC, next sending moment in UTC, why) with quiet hours 18:00-08:00 Europe/London
    ("2026-03-27T18:30", "2026-03-30T07:00", "Fri evening GMT -> Mon 08:00 BST, across the 29 Mar clock change"),
    ("2026-03-29T09:00", "2026-03-30T07:00", "Sun 29 Mar, the day the clocks go forward -> Mon 08:00 BST"),
    ("2026-03-30T06:30", "2026-03-30T07:00", "Mon 07:30 BST is quiet -> 08:00 BST"),
    ("2026-03-30T07:30", "2026-03-30T07:30", "Mon 08:30 BST is a sending time"),
    ("2026-03-27T17:59", "2026-03-27T17:59", "Fri 17:59 GMT, the last minute before quiet hours"),
    ("2026-10-23T17:30", "2026-10-26T08:00", "Fri 18:30 BST -> Mon 08:00 GMT, across the 25 Oct clock change"),
    ("2026-10-25T07:30", "2026-10-26T08:00", "Sun 25 Oct, the day the clocks go back"),
    ("2026-10-26T07:30", "2026-10-26T08:00", "Mon 07:30 GMT is quiet"),
    ("2026-04-02T17:30", "2026-04-07T07:00", "Thu 18:30 BST before Good Friday -> Tue after Easter Monday"),
    ("2027-12-24T18:00", "2027-12-29T08:00", "Fri 24 Dec 2027 evening -> Wed 29 Dec (27, 28 Dec substitutes)"),
]


@pytest.mark.parametrize("moment, expected, why", SENDING, ids=ids(SENDING))
def test_quiet_hours_weekends_and_bank_holidays_hold_messages_back(calendar, moment, expected, why):
    at = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    opens = next_sending_time(at, POLICY.delivery, calendar)
    assert opens.astimezone(UTC) == datetime.fromisoformat(expected).replace(tzinfo=UTC)
    assert is_sending_time(opens, POLICY.delivery, calendar)
    assert is_sending_time(at, POLICY.delivery, calendar) == (moment == expected)


def test_retries_back_off_then_wait_for_the_next_sending_time(calendar):
    failed_at = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)  # Tue 10:00 BST
    waits = [retry_time(failed_at, attempt, POLICY.delivery, calendar) - failed_at for attempt in (1, 2, 3, 4, 5)]
    assert waits == [timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4),
                     timedelta(hours=4)]
    late = datetime(2026, 5, 15, 16, 30, tzinfo=UTC)  # Fri 17:30 BST: 4 hours on is Friday night
    assert retry_time(late, 4, POLICY.delivery, calendar) == datetime(2026, 5, 18, 7, 0, tzinfo=UTC)
