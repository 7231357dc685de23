"""People appear in messages and reports as initials only (domain/initials.py): one rule for the child's names
in a message and a caseworker's name in the weekly report (which shows a name with no initials to take, such
as a code, as typed)."""

from __future__ import annotations

import pytest

from domain.initials import caseworker_label, initials


@pytest.mark.parametrize(("names", "expected"), [
    (("A Okafor",), "AO"),
    (("caseworker.alice",), "CA"),          # a login: the full stop parts the words
    (("Mary-Jane O'Neil",), "MO"),          # a hyphen joins: one initial for a double-barrelled name
    (("Amelia", "Zebedee-Jones"), "AZ"),    # a child's given and family names
    ((" ada ", "lovelace"), "AL"),          # padded and lower case
    (("Ada", None), "A"),
    (("  ",), "-"),
    ((None, None), "-"),
    (("(none)", "42"), "-"),                 # words that do not start with a letter add nothing
], ids=lambda value: repr(value))
def test_people_appear_only_as_their_initials(names, expected):
    assert initials(*names) == expected


@pytest.mark.parametrize(("caseworker", "shown"), [
    ("A Okafor", "AO"),
    ("caseworker.alice", "CA"),
    ("-2+3", "-2+3"),                        # no initials to take: as typed (the exports neutralise formulas)
    ('=HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")'),
    ("1042", "1042"),                        # a staff number
], ids=lambda value: repr(value))
def test_a_report_names_a_caseworker_by_initials_or_as_typed_when_there_are_none(caseworker, shown):
    assert caseworker_label(caseworker) == shown
