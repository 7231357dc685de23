"""What a reminder or escalation says about its date: one date in the body, the statutory one, named as what it is;
both dates, each labelled, in its reason ("why") line.

Health advice asked of DCO-N on Fri 20 Feb 2026 has its statutory date on
Fri 3 Apr 2026 (Reg 8(1): 42 days), Good Friday; the last working day before
it is Thu 2 Apr. The policy's working-day offsets count from Thu 2 Apr (that
is when each message goes out), but every message says "Friday 3 April 2026"
and counts the days overdue from it; Thursday 2 April appears only in the "why"
line, labelled ("last working day Thu 2026-04-02").
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from config.policy import PACKAGED_POLICY, load_policy
from domain.events import AdviceRequested, Agency, Decision, Received
from domain.reminders.messages import MessageKind
from domain.reminders.planner import CaseForReminders, ContributorEntry, plan_messages
from domain.timeline import timeline_for
from notifications.render import Branding, Renderer

D = date.fromisoformat
POLICY = load_policy(PACKAGED_POLICY)
DIRECTORY = {"DCO-N": ContributorEntry(code="DCO-N", name="Dr P Shah", agency=Agency.HEALTH,
                                       email="p.shah@nhs.example.uk", escalation_email="lead@nhs.example.uk")}
EVENTS = [Received(on=D("2026-01-05")), Decision(on=D("2026-02-02"), outcome="assess"),
          AdviceRequested(on=D("2026-02-20"), agency=Agency.HEALTH, contributor="DCO-N")]
RENDERER = Renderer(Branding(authority="Example Council", base_url="https://ehc.example.gov.uk",
                             mail_from="send@example.gov.uk"))
LAST_WORKING_DAY = "Thursday 2 April 2026"

SUBJECT = "health advice from DCO-N for EHC needs assessment EHC-1 (AZ)"
WORDING = [
    # (watch day, purpose, subject, what the text and HTML bodies both say)
    ("2026-03-30", "advice-reminder/DCO-N/-3", f"Reminder: {SUBJECT} due Friday 3 April 2026",
     "is due on Friday 3 April 2026, its statutory date"),
    ("2026-04-02", "advice-reminder/DCO-N/+0", f"Reminder: {SUBJECT} due Friday 3 April 2026",
     "is due on Friday 3 April 2026, its statutory date"),
    ("2026-04-07", "advice-reminder/DCO-N/+1", f"Overdue: {SUBJECT} due Friday 3 April 2026",
     "Its statutory date was Friday 3 April 2026; it is 4 days overdue"),
    ("2026-04-07", "advice-escalation/DCO-N/+1", f"Escalation: {SUBJECT} 4 days overdue",
     "Its statutory date was Friday 3 April 2026; it is 4 days overdue"),
    ("2026-12-09", "advice-escalation/DCO-N/+10", f"Escalation: {SUBJECT} 250 days overdue",
     "Its statutory date was Friday 3 April 2026; it is 250 days overdue"),
]


def rendered(calendar, as_of: date, purpose: str):
    case = CaseForReminders(reference="EHC-1", caseworker="A Okafor", timeline=timeline_for(EVENTS, calendar, as_of))
    [message] = [m for m in plan_messages(case, DIRECTORY, POLICY, calendar, as_of) if m.purpose == purpose]
    return message, RENDERER.render(message, "AZ", as_of, advice_url="http://localhost:8000/portal/EHC-1/advice/TOKEN")


@pytest.mark.parametrize("as_of, purpose, subject, says", WORDING, ids=[f"{row[0]} {row[1]}" for row in WORDING])
def test_a_message_names_the_statutory_date_and_counts_the_days_overdue_from_it(calendar, as_of, purpose, subject,
                                                                                says):
    message, out = rendered(calendar, D(as_of), purpose)
    assert (message.due_on, message.last_working_day) == (D("2026-04-03"), D("2026-04-02"))
    assert out.subject == subject
    for body in (out.text, out.html.replace("<strong>", "").replace("</strong>", "")):
        body = " ".join(body.split())
        assert says in body and LAST_WORKING_DAY not in body and "was due on" not in body, body
    if message.kind is MessageKind.ADVICE_ESCALATION:
        late = (D(as_of) - D("2026-04-03")).days
        assert f"({late} days overdue)" in message.reason  # the outbox's "why" counts as the message does


# The "why" line of a reminder names both dates, each labelled: the working-day offsets count from the last working
# day on or before the statutory date, so a -3 reminder goes 3 working days before that day, not before the date.
BEFORE_THE_DATE = [
    # (advice asked, statutory date (+42 days), last working day, the -3 reminder's day, why)
    ("2027-01-03", "Sun 2027-02-14", "Fri 2027-02-12", "2027-02-09", "a Sunday: Thu 11, Wed 10, Tue 9 Feb"),
    ("2026-04-13", "Mon 2026-05-25", "Fri 2026-05-22", "2026-05-19", "the spring bank holiday: Thu 21 to Tue 19 May"),
    ("2026-11-13", "Fri 2026-12-25", "Thu 2026-12-24", "2026-12-21", "Christmas Day: Wed 23 to Mon 21 Dec"),
    ("2026-11-16", "Mon 2026-12-28", "Thu 2026-12-24", "2026-12-21", "the Boxing Day substitute: back over 25 Dec"),
    ("2026-02-26", "Thu 2026-04-09", "Thu 2026-04-09", "2026-04-02", "a working day: both dates named all the same"),
]


@pytest.mark.parametrize("asked, statutory, last_working_day, reminded, why", BEFORE_THE_DATE,
                         ids=[row[-1] for row in BEFORE_THE_DATE])
def test_a_reminder_before_the_date_counts_from_the_last_working_day_and_names_both(calendar, asked, statutory,
                                                                                   last_working_day, reminded, why):
    asked_on = D(asked)
    events = [Received(on=asked_on - timedelta(days=28)), Decision(on=asked_on, outcome="assess"),
              AdviceRequested(on=asked_on, agency=Agency.HEALTH, contributor="DCO-N")]

    def reminders_on(day: date) -> list:
        case = CaseForReminders(reference="EHC-1", caseworker=None, timeline=timeline_for(events, calendar, day))
        return [m for m in plan_messages(case, DIRECTORY, POLICY, calendar, day)
                if m.purpose == "advice-reminder/DCO-N/-3"]

    [message] = reminders_on(D(reminded))
    assert message.send_on == D(reminded)
    assert message.reason == (f"3 working days before health advice due (statutory date {statutory}, "
                              f"last working day {last_working_day})")
    assert reminders_on(calendar.shift_working_days(D(reminded), -1)) == []  # not a working day earlier
