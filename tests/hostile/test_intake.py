"""`ehc request add` under hostile input: each bad value refused, naming the option, and nothing stored.

On SQLite and PostgreSQL (the ``database_url`` fixture behind ``store_env``).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile.conftest import FUZZ
from hostile.strategies import FORMULAS, bad_case_dates, bad_free_text, with_control_character

EXISTING = "HOST-1"
GOOD = ("--received", "2026-03-02", "--child-given-name", "Ada", "--child-family-name", "Lovelace",
        "--child-date-of-birth", "2016-01-02", "--caseworker", "A Okafor", "--team", "North", "--setting", "URN-100001")
TEXT_LIMITS = {"--child-given-name": 200, "--child-family-name": 200, "--caseworker": 120, "--team": 120,
               "--setting": 120}


def with_option(option: str, value: str) -> tuple[str, ...]:
    """The good arguments with one option's value replaced."""
    args = list(GOOD)
    args[args.index(option) + 1] = value
    return tuple(args)


@pytest.fixture
def baseline(ehc, snapshot) -> dict:
    """A store holding one case, as it stands before any hostile command."""
    ehc("request", "add", EXISTING, *GOOD)
    return snapshot()


@FUZZ
@given(received=bad_case_dates())
def test_an_impossible_or_malformed_received_date_is_refused(refused, baseline, received):
    message = refused("request", "add", "HOST-2", *with_option("--received", received), before=baseline)

    assert message.startswith("--received: ")
    assert "date" in message or "years" in message or "before 2014-09-01" in message or "after 2099" in message


def _acceptable_birth_date(text: str, received: date) -> bool:
    if not text.strip():
        return True  # the date of birth is optional: blank means not given
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return False
    return text.strip()[:4].isascii() and len(text.strip()) == 10 and 1900 <= day.year and day <= received


@FUZZ
@given(birth=st.one_of(bad_case_dates(), st.dates(date(2026, 3, 3), date(2099, 12, 31)).map(str)))
def test_a_birth_date_that_is_impossible_or_after_the_request_is_refused(refused, baseline, birth):
    if _acceptable_birth_date(birth, date(2026, 3, 2)):
        return  # e.g. 2013-08-31: a real birth date, just not a possible request date
    message = refused("request", "add", "HOST-2", *with_option("--child-date-of-birth", birth), before=baseline)

    assert message.startswith("--child-date-of-birth: ")


@FUZZ
@given(option=st.sampled_from(sorted(TEXT_LIMITS)), data=st.data())
def test_free_text_too_long_or_with_control_characters_is_refused_naming_the_option(refused, baseline, option, data):
    value = data.draw(bad_free_text(TEXT_LIMITS[option]), label="value")

    message = refused("request", "add", "HOST-2", *with_option(option, value), before=baseline)

    assert message.startswith(f"{option}: ")
    if len(value) > TEXT_LIMITS[option]:
        assert f"at most {TEXT_LIMITS[option]} characters" in message
    else:
        assert "control character" in message
    assert len(message) < 200  # the value itself is never echoed back at length


@FUZZ
@given(reference=st.one_of(
    st.sampled_from(FORMULAS + ("", " ", "-A1", ".hidden", "../../etc/passwd", "A B", "A" * 41, "Ä1", "A1;DROP")),
    with_control_character(max_size=10),
    st.text(max_size=45).filter(lambda t: not t.strip() or not t.strip().isascii() or len(t.strip()) > 40),
))
def test_a_reference_outside_the_pattern_is_refused(refused, baseline, reference):
    message = refused("request", "add", *GOOD, "--", reference, before=baseline)  # "--": "-A1" is not an option

    assert message == ("REFERENCE: is not a case reference "
                       "(letters, digits and / _ . -, up to 40, starting with a letter or digit)")


def test_a_ten_thousand_character_name_is_refused_naming_the_field_and_the_limit(refused, baseline):
    message = refused("request", "add", "HOST-2", *with_option("--child-family-name", "x" * 10_000), before=baseline)

    assert message == "--child-family-name: String should have at most 200 characters"


def test_a_reference_already_stored_is_refused(refused, baseline):
    message = refused("request", "add", EXISTING, *GOOD, before=baseline)

    assert EXISTING in message and "already" in message


@pytest.mark.parametrize("received", ["2026-02-30", "31/04/2026", "yesterday", "99999-01-01", "9999-12-30",
                                      "0001-01-03", "2013-08-31"])
def test_the_dates_people_actually_mistype_get_a_message_saying_what_is_wrong(refused, baseline, received):
    message = refused("request", "add", "HOST-2", *with_option("--received", received), before=baseline)

    expected = {
        "2026-02-30": "--received: '2026-02-30' is not a date on the calendar (expected YYYY-MM-DD)",
        "31/04/2026": "--received: '31/04/2026' is not a date (expected YYYY-MM-DD)",
        "yesterday": "--received: 'yesterday' is not a date (expected YYYY-MM-DD)",
        "99999-01-01": "--received: '99999-01-01' is not a date (expected YYYY-MM-DD)",
        "9999-12-30": "--received: '9999-12-30' is outside the years 1900 to 2099",
        "0001-01-03": "--received: '0001-01-03' is outside the years 1900 to 2099",
        "2013-08-31": "--received: 2013-08-31 is before 2014-09-01, when EHC needs assessments began "
                      "(Children and Families Act 2014, Part 3)",
    }
    assert message == expected[received]


def test_leading_and_trailing_whitespace_and_line_breaks_in_names_are_tidied_not_stored(ehc):
    """A cell pasted with a trailing tab or an Alt+Enter line break is the text a person sees."""
    ehc("request", "add", "HOST-3", *with_option("--team", "\tNorth\nand East\r\n"))

    assert ehc("case", "show", "HOST-3", "--json").json["team"] == "North and East"
