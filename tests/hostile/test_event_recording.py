"""`ehc case record` under hostile input: impossible events are refused by name and nothing is appended.

The case is received 2026-03-02, decided (assess) 2026-04-01, has advice asked
of EP-1 on 2026-04-02 and a draft served 2026-06-01. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.closures import SettingKind
from domain.events import Agency, EVENT_TYPES
from domain.rules import Limb
from hostile.conftest import FUZZ
from hostile.strategies import bad_case_dates, days, too_long, with_control_character

REF = "HOST-1"
RECEIVED, DECIDED, DRAFT = date(2026, 3, 2), date(2026, 4, 1), date(2026, 6, 1)
EVENTS = sorted(event.replace("_", "-") for event in EVENT_TYPES if event != "received")
VALID_OPTIONS = {  # enough for each event type to be well formed, so only the hostile part is wrong
    "decision": ("--outcome", "assess"), "advice-requested": ("--contributor", "EP-2"),
    "advice-received": ("--contributor", "EP-1"), "consultation-sent": ("--setting", "URN-1"),
    "consultation-answered": ("--setting", "URN-1"), "exception-started": ("--limb", "10(4)(c)"),
    "exception-ended": ("--limb", "10(4)(c)"),
}


def event_args(event: str, on: date | str, *extra: str) -> tuple[str, ...]:
    return ("case", "record", REF, event, "--date", str(on), *VALID_OPTIONS.get(event, ()), *extra)


@pytest.fixture
def baseline(ehc, snapshot) -> dict:
    ehc("contributors", "add", "EP-1", "--name", "Educational psychology", "--agency", "educational_psychology")
    ehc("contributors", "add", "EP-2", "--name", "Second EP", "--agency", "educational_psychology")
    ehc("request", "add", REF, "--received", str(RECEIVED), "--caseworker", "A Okafor")
    ehc("case", "record", REF, "decision", "--date", str(DECIDED), "--outcome", "assess")
    ehc("case", "record", REF, "advice-requested", "--date", "2026-04-02", "--contributor", "EP-1")
    ehc("case", "record", REF, "draft-served", "--date", str(DRAFT))
    return snapshot()


@FUZZ
@given(event=st.sampled_from(EVENTS), on=bad_case_dates())
def test_a_bad_date_is_refused_naming_the_date_option(refused, baseline, event, on):
    message = refused(*event_args(event, on), before=baseline)

    assert message.startswith("--date: ")


# Each: (arguments, what the message must contain). Every one is impossible given the case's history.
OUT_OF_ORDER = st.one_of(
    st.tuples(st.sampled_from(EVENTS), days(RECEIVED, -4000, -1)).map(
        lambda p: (event_args(p[0], p[1]), "before the request was received")),
    days(DECIDED, 0, (DRAFT - DECIDED).days - 1).map(  # a final plan dated before the draft was served
        lambda d: (event_args("final-issued", d), str(d))),
    days(RECEIVED, 0, (DRAFT - RECEIVED).days - 1).map(  # representations on a draft not yet served
        lambda d: (event_args("representations-received", d), "draft plan served first")),
    days(RECEIVED, 0, 400).map(lambda d: (event_args("decision", d), "already recorded")),
    days(DECIDED, 0, 400).map(lambda d: (event_args("draft-served", d), "already served")),
    days(DRAFT, 0, 400).map(
        lambda d: (event_args("advice-requested", d, "--contributor", "EP-1"), "already requested")),
    days(RECEIVED, 0, 400).map(lambda d: (event_args("advice-received", d, "--contributor", "EP-2"), "no advice")),
    days(RECEIVED, 0, 400).map(lambda d: (event_args("exception-ended", d), "no open exception")),
    days(RECEIVED, 0, 400).map(lambda d: (event_args("consultation-answered", d), "never consulted")),
)


@FUZZ
@given(case=OUT_OF_ORDER)
def test_an_event_out_of_order_with_the_case_history_is_refused(refused, baseline, case):
    args, expected = case

    message = refused(*args, before=baseline)

    assert expected in message


def _not_one_of(values) -> st.SearchStrategy[str]:
    """Any text but the allowed values, and not "": an empty optional option counts as not given."""
    return st.text(min_size=1, max_size=30).filter(lambda t: t not in tuple(values))


WRONG_VALUES = st.one_of(
    _not_one_of(("assess", "not_assess")).map(lambda v: ("decision", ("--outcome", v), "--outcome")),
    _not_one_of(tuple(Agency)).map(lambda v: ("advice-requested", ("--contributor", "EP-2", "--agency", v),
                                                "--agency")),
    _not_one_of(tuple(Limb)).map(lambda v: ("exception-started", ("--limb", v), "--limb")),
    _not_one_of(tuple(SettingKind)).map(
        lambda v: ("advice-requested", ("--agency", "education", "--setting", "URN-9", "--setting-kind", v),
                   "--setting-kind")),
    st.one_of(too_long(120), with_control_character()).map(
        lambda v: ("advice-received", ("--contributor", v), "--contributor")),
    st.one_of(too_long(120), with_control_character()).map(
        lambda v: ("consultation-sent", ("--setting", v), "--setting")),
    st.one_of(too_long(2000), with_control_character().filter(lambda t: not set(t) & set("\t\n\r"))).map(
        lambda v: ("exception-started", ("--limb", "10(4)(c)", "--evidence", v), "--evidence")),
)


@FUZZ
@given(case=WRONG_VALUES)
def test_an_option_of_the_wrong_kind_is_refused_naming_the_option(refused, baseline, case):
    event, options, option = case

    message = refused("case", "record", REF, event, "--date", "2026-06-10", *options, before=baseline)

    assert option in message
    assert len(message) < 400  # a 10,000-character value is named by its length, not echoed


@FUZZ
@given(reference=st.one_of(with_control_character(max_size=10), too_long(40),
                           st.sampled_from(['=HYPERLINK("http://x","y")', "A B", "", "-1+1"])))
def test_a_reference_that_cannot_exist_is_refused_before_the_store_is_asked(refused, baseline, reference):
    message = refused("case", "record", "--date", "2026-06-10", "--", reference, "draft-served", before=baseline)

    assert message.startswith("REFERENCE: ")


def test_an_unknown_event_or_case_is_refused(refused, baseline):
    assert refused("case", "record", REF, "plan-shredded", "--date", "2026-06-10", before=baseline).startswith(
        "EVENT: 'plan-shredded' is not one of")
    assert refused(*event_args("final-issued", "2026-07-01")[:2], "HOST-404", "final-issued", "--date",
                   "2026-07-01", before=baseline) == "no case with reference 'HOST-404'"
