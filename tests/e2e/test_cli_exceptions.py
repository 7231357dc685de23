"""Exceptions through the `ehc` CLI (SQLite and PostgreSQL).

The usual case is received Mon 2 Mar 2026 and decided Fri 10 Apr: the notice not to issue is due Mon 22 Jun
and the final plan Mon 20 Jul 2026. An absence from the area (10(4)(d)) must last 4 weeks, 28 days with both
ends counted.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.usefixtures("store_url")

REF = "EHC-EXC-1"
ONE_DAY = ("exception 10(4)(d) lasted 1 day (2026-03-10 to 2026-03-10): an absence must last at least 4 weeks "
           "(28 days) to qualify, so it excuses nothing")


def record(ehc, ref: str, event: str, on: str, *extra: str, expect: int = 0):
    return ehc("case", "record", ref, event, "--date", on, *extra, "--json", expect=expect)


def decided_case(ehc, ref: str = REF, *extra: str) -> None:
    ehc("request", "add", ref, "--received", "2026-03-02", *extra, "--json")
    record(ehc, ref, "decision", "2026-04-10", "--outcome", "assess")


def show(ehc, ref: str = REF, as_of: str = "2026-08-31") -> dict:
    return ehc("case", "show", ref, "--as-of", as_of, "--json").json


def test_advice_asked_of_a_school_contributor_without_an_agency_finds_the_summer_closure(ehc):
    # The LA's summer 2026: closed Wed 22 Jul, back Wed 2 Sep; its window is Wed 15 Jul to Wed 26 Aug.
    ehc("contributors", "add", "SCH1", "--name", "Oakfield Primary SENCo", "--agency", "education")
    decided_case(ehc, REF, "--setting", "URN-100001")

    record(ehc, REF, "advice-requested", "2026-07-20", "--contributor", "SCH1")

    timeline = show(ehc)["timeline"]
    assert [(a["key"], a["agency"]) for a in timeline["advice"]] == [("SCH1", "education")]
    assert [(e["limb"], e["start"], e["end"]) for e in timeline["exceptions"]] == [
        ("10(4)(a)", "2026-07-15", "2026-08-26")]
    assert timeline["exceptions_apply"] is True


def test_an_agency_that_contradicts_the_contributors_is_refused_naming_both(ehc, dump_tables):
    ehc("contributors", "add", "SCH1", "--name", "Oakfield Primary SENCo", "--agency", "education")
    decided_case(ehc)
    before = dump_tables()

    ran = record(ehc, REF, "advice-requested", "2026-04-13", "--contributor", "SCH1", "--agency", "health", expect=2)

    assert ran.json["error"] == ("--agency: health contradicts the agency of contributor SCH1, education "
                                 "(in the contributor directory)")
    assert dump_tables() == before


REFUSED_ENDS = [
    (["exception-started", "2026-05-10", "--limb", "10(4)(d)"], ["exception-ended", "2026-05-05", "--limb", "10(4)(d)"],
     "exception 10(4)(d) cannot end on 2026-05-05: that is before it started on 2026-05-10", "end before the start"),
    (["exception-started", "2026-05-05", "--limb", "8(2)(c)", "--advice", "health"],
     ["exception-ended", "2026-05-20", "--limb", "8(2)(c)"],
     "exception 8(2)(c) is open for advice request health: name the one it ends for with --advice KEY",
     "8(2)(c) ended without --advice"),
]


@pytest.mark.parametrize(("start", "end", "message", "reason"), REFUSED_ENDS, ids=[row[-1] for row in REFUSED_ENDS])
def test_an_exception_end_that_ends_nothing_is_refused_naming_the_conflict(ehc, dump_tables, start, end, message,
                                                                           reason):
    decided_case(ehc)
    record(ehc, REF, "advice-requested", "2026-04-13", "--agency", "health")
    record(ehc, REF, start[0], start[1], *start[2:])
    before = dump_tables()

    ran = record(ehc, REF, end[0], end[1], *end[2:], expect=2)

    assert ran.json["error"] == message
    assert dump_tables() == before
