"""Termly notices to schools and settings (SEND Code of Practice 9.172) as tables of dates.

At least ``term_notice_days`` (14) before each term starts, each school or setting is told which of its pupils'
reviews fall in the term: those whose latest meeting day (the review date, or the phase transfer's meeting target
if earlier) is from the term's first day until the day before the next term starts, and those already overdue,
marked. The terms are the packaged LA file's, written out here.
"""

from __future__ import annotations

from datetime import date

import pytest

from config.policy import PACKAGED_POLICY, load_policy
from domain.plan_events import parse_plan_event
from domain.plan_review import PlanInForce, ReviewSettings, plan_timeline
from domain.reminders.messages import MessageKind
from domain.reminders.review_planner import TermReview, plan_term_notices, term_notice_due, term_review
from domain.terms import Term
from domain.year_groups import DEFAULT_TRANSFER_POINTS
from notifications.render import Branding, Renderer

D = date.fromisoformat
POLICY = load_policy(PACKAGED_POLICY)
SETTINGS = ReviewSettings(DEFAULT_TRANSFER_POINTS, transfer_meeting_weeks_before=12)
TERMS = (
    Term("Summer 2026", D("2026-04-13"), D("2026-07-21")),
    Term("Autumn 2026", D("2026-09-02"), D("2026-12-18")),
    Term("Spring 2027", D("2027-01-04"), D("2027-03-25")),
    Term("Summer 2027", D("2027-04-12"), D("2027-07-21")),
    Term("Autumn 2027", D("2027-09-01"), D("2027-12-17")),
)

NOTICE_DAYS = [
    # (days before the term, term, the day its notices go, why)
    (14, "Summer 2026", "2026-03-30", "Mon 13 Apr 2026 less 14 days: a Monday"),
    (14, "Autumn 2026", "2026-08-19", "Wed 2 Sep less 14 days: a Wednesday in the holiday"),
    (14, "Summer 2027", "2027-03-25", "Mon 29 Mar 2027 is Easter Monday and Fri 26 Mar Good Friday: Thu 25 Mar"),
    (16, "Spring 2027", "2026-12-18", "Mon 4 Jan 2027 less 16 days is Sat 19 Dec: the Friday before"),
    (16, "Summer 2026", "2026-03-27", "Mon 13 Apr 2026 less 16 days is Sat 28 Mar: the Friday before"),
]


@pytest.mark.parametrize("notice_days, term, notice_on, why", NOTICE_DAYS, ids=[row[-1] for row in NOTICE_DAYS])
def test_a_terms_notices_go_on_its_notice_day_or_the_working_day_before(calendar, notice_days, term, notice_on,
                                                                      why):
    due = term_notice_due(TERMS, D(notice_on), notice_days, calendar)
    assert (due.term.name, due.notice_on) == (term, D(notice_on))
    assert term_notice_due(TERMS, calendar.shift_working_days(D(notice_on), -1), notice_days, calendar) is None


WATCH_DAYS = [
    # (watch day, the term told that day or None, why) for Spring 2027, whose notice day is Mon 21 Dec 2026
    ("2026-12-18", None, "Fri before: too early"),
    ("2026-12-21", "Spring 2027", "the notice day"),
    ("2026-12-24", "Spring 2027", "a watch that missed the day still tells them, late"),
    ("2026-12-25", None, "Christmas Day: no watch"),
    ("2026-12-26", None, "a Saturday"),
    ("2026-12-29", "Spring 2027", "still before the term starts"),
    ("2027-01-04", None, "the term has started"),
]


@pytest.mark.parametrize("as_of, term, why", WATCH_DAYS, ids=[row[-1] for row in WATCH_DAYS])
def test_the_notices_go_from_the_notice_day_until_the_term_starts_on_working_days(calendar, as_of, term, why):
    due = term_notice_due(TERMS, D(as_of), 14, calendar)
    assert (due.term.name if due else None) == term
    if due:
        assert (due.notice_on, due.window_end) == (D("2026-12-21"), D("2027-04-11"))


def plan(ref: str, issued: str, year_group: str = "3", setting: str | None = "URN-140001") -> PlanInForce:
    return PlanInForce(plan_ref=ref, issued=D(issued), last_review=None, year_group=year_group, year_group_year=2026,
                       setting=setting, caseworker="A Okafor")


IN_SPRING_2027 = [
    # (plan, its review events, listed as (latest meeting day, basis, when) or None, why); told on Mon 21 Dec 2026
    (plan("P-1", "2026-02-15"), [], ("2027-02-14", "review date", "in the term"), "review date Sun 14 Feb"),
    (plan("P-2", "2026-04-06"), [], ("2027-04-05", "review date", "in the term"),
     "due Mon 5 Apr 2027 in the Easter holiday: held in the term before"),
    (plan("P-3", "2026-04-13"), [], None, "due Mon 12 Apr 2027, the first day of the summer term"),
    (plan("P-4", "2025-12-30"), [], ("2026-12-29", "review date", "before the term"),
     "due Tue 29 Dec 2026, in the Christmas holiday"),
    (plan("P-5", "2025-11-01"), [], ("2026-10-31", "review date", "overdue"), "due Sat 31 Oct 2026, not held"),
    (plan("P-6", "2026-04-01", year_group="6"), [], ("2026-11-22", "phase-transfer meeting target", "overdue"),
     "year 6: the local target Sun 22 Nov for 15 Feb 2027 is before its review date Wed 31 Mar 2027"),
    (plan("P-7", "2026-04-01", year_group="6"), [("meeting_held", "2026-10-20")], None,
     "year 6, met Tue 20 Oct for the transfer: its next review is in October 2027"),
    (plan("P-8", "2026-07-01", year_group="11"), [], ("2027-01-05", "phase-transfer meeting target", "in the term"),
     "year 11: the target Tue 5 Jan 2027 for 31 Mar, before its review date Wed 30 Jun"),
    (plan("P-9", "2026-02-15"), [("plan_ceased", "2026-11-30")], None, "ceased"),
]


@pytest.mark.parametrize("the_plan, events, listed, why", IN_SPRING_2027, ids=[row[-1] for row in IN_SPRING_2027])
def test_which_reviews_a_terms_notice_lists(calendar, the_plan, events, listed, why):
    as_of = D("2026-12-21")
    history = [parse_plan_event(kind, D(on), {}) for kind, on in events]
    found = term_review(plan_timeline(the_plan, history, calendar, as_of, SETTINGS),
                        term_notice_due(TERMS, as_of, 14, calendar), as_of)
    assert ((found.meet_by.isoformat(), found.basis, found.when) if found else None) == listed


def review(ref: str, meet_by: str, when: str = "in the term") -> TermReview:
    return TermReview(plan_ref=ref, meet_by=D(meet_by), basis="review date", when=when)


def test_one_notice_per_setting_and_term_listing_plan_refs_earliest_first(calendar):
    due = term_notice_due(TERMS, D("2026-12-21"), 14, calendar)
    notices = plan_term_notices({
        "URN-140001": [review("P-1", "2027-02-14"), review("P-5", "2026-10-31", "overdue")],
        "Riverside Primary": [review("P-2", "2027-04-05")],
        "Hillside Nursery": [],
    }, due, 14, POLICY)
    assert [(n.key, n.to_address, [r.plan_ref for r in n.reviews]) for n in notices] == [
        ("Riverside Primary/term-notice/setting:Riverside Primary/2027-01-04", "send.casework@example.gov.uk",
         ["P-2"]),
        ("URN-140001/term-notice/setting:URN-140001/2027-01-04", "senco@oakfield-academy.example.sch.uk",
         ["P-5", "P-1"]),
    ]
    notice = notices[1]
    assert (notice.kind, notice.case_reference, notice.due_on, notice.send_on) == (
        MessageKind.TERM_NOTICE, None, D("2027-01-04"), D("2026-12-21"))
    assert notice.reason == ("Spring 2027 starts Mon 2027-01-04: 2 review(s) of plans at URN-140001 fall in it "
                             "(1 overdue); schools are told at least 14 days before each term (SEND Code of "
                             "Practice 9.172), on Mon 2026-12-21")


def test_the_notice_lists_plan_refs_with_their_days_and_links_and_marks_the_overdue(calendar):
    due = term_notice_due(TERMS, D("2026-12-21"), 14, calendar)
    [notice] = plan_term_notices({"URN-140001": [review("P-1", "2027-02-14"), review("P-5", "2026-10-31", "overdue")]},
                                 due, 14, POLICY)
    out = Renderer(Branding(authority="Example Council", base_url="https://ehc.example.gov.uk",
                            mail_from="send@example.gov.uk")).render_term_notice(notice)
    assert out.subject == "Annual reviews in Spring 2027 at URN-140001: 2 EHC plans"
    text = " ".join(out.text.split())
    assert ("- EHC plan P-5: meeting by Saturday 31 October 2026 (review date), OVERDUE "
            "https://ehc.example.gov.uk/reviews/P-5 - EHC plan P-1: meeting by Sunday 14 February 2027 (review date) "
            "https://ehc.example.gov.uk/reviews/P-1") in text
    assert "(Monday 4 January 2027 to Thursday 25 March 2027)" in text and "s44(1)" in text
    assert '<a href="https://ehc.example.gov.uk/reviews/P-5">P-5</a>' in out.html and "OVERDUE" in out.html
    assert "SEND Code of Practice 9.172" in out.text and "SEND Code of Practice 9.172" in out.html
