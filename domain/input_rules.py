"""What any typed-in text or date must satisfy before it reaches a case.

Free text (names, caseworker, team, setting, contributor codes, evidence)
ends up in the case store, the audit trail and the weekly report's CSV and
XLSX files. Control characters have no business there: a NUL byte is refused
by PostgreSQL mid-write, and an escape or a bidirectional override changes
what a terminal or a spreadsheet shows. A line break or tab inside a one-line
field (Alt+Enter in a spreadsheet cell) is read as the space it looks like.
Dates must lie where the statute and the date arithmetic make sense: EHC
needs assessments began with Part 3 of the Children and Families Act 2014 on
1 September 2014, and a far-future date would overflow the deadline arithmetic.

What pydantic finds wrong with any input (typed, imported or an LA's own
configuration file) is put into words here, once: ``validation_problems``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Callable, Iterable, Mapping

from pydantic import AfterValidator, ValidationError

FIRST_CASE_DAY = date(2014, 9, 1)  # CFA 2014 Part 3 in force: no EHC request can be older
LAST_CASE_DAY = date(2099, 12, 31)  # keeps every statutory date (received + up to a year or so) in range
MULTILINE_ALLOWED = frozenset("\t\n\r")  # free-form evidence may run over several lines
# A line break inside a spreadsheet cell (Alt+Enter) or a pasted tab is a space to whoever typed it.
_LINE_BREAKS_AND_TABS = re.compile(r"[\t\n\r\v\f]+")
# Bidirectional overrides and isolates can make text display as something else ("Trojan Source");
# other format characters (zero-width joiners in Persian or Indic names) are ordinary writing.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# Cc (the C0 and C1 controls: NUL, tab, CR, ESC...), Cs (a lone surrogate, which cannot even be stored as
# UTF-8) and the bidirectional controls, as one character class: a regex scan, not a loop per character.
_OTHER_CONTROLS = r"\x7f-\x9f\ud800-\udfff" + "".join(sorted(_BIDI_CONTROLS))
_UNFIT = {frozenset(): re.compile(rf"[\x00-\x1f{_OTHER_CONTROLS}]"),
          MULTILINE_ALLOWED: re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHER_CONTROLS}]")}  # tab, LF, CR allowed


def control_character_problem(text: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """Why ``text`` is unfit to store (its first control character and where), or None."""
    found = _UNFIT[allowed].search(text)
    if found is None:
        return None
    return (f"contains the control character U+{ord(found.group()):04X} at position {found.start() + 1}; "
            "type plain text")


def _plain(text: str) -> str:
    """One line of text: breaks and tabs become a space (after the ends are stripped); other controls refused."""
    text = _LINE_BREAKS_AND_TABS.sub(" ", text)
    problem = control_character_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def _plain_multiline(text: str) -> str:
    problem = control_character_problem(text, MULTILINE_ALLOWED)
    if problem:
        raise ValueError(problem)
    return text


def case_day_problem(day: date) -> str | None:
    """Why ``day`` cannot be a date in an EHC case (request received, event happened), or None."""
    if day < FIRST_CASE_DAY:
        return (f"{day} is before {FIRST_CASE_DAY}, when EHC needs assessments began "
                "(Children and Families Act 2014, Part 3)")
    if day > LAST_CASE_DAY:
        return f"{day} is after {LAST_CASE_DAY}; check the year"
    return None


def _case_day(day: date) -> date:
    problem = case_day_problem(day)
    if problem:
        raise ValueError(problem)
    return day


# Validators to put after a field's length constraints, so a 10,000-character paste is refused for its length.
PLAIN_TEXT = AfterValidator(_plain)
MULTILINE_TEXT = AfterValidator(_plain_multiline)
CaseDay = Annotated[date, AfterValidator(_case_day)]


# -- pydantic's validation errors in words ---------------------------------------------------------------

Location = tuple[str | int, ...]
Problem = Mapping[str, Any]  # one of pydantic's ``ValidationError.errors()``


def dotted(location: Location) -> str:
    """The place as pydantic gives it, joined by dots: "agencies.health.escalations.1.to"."""
    return ".".join(str(part) for part in location)


def _no_rewording(problem: Problem) -> str | None:
    return None


def validation_problems(error: ValidationError, *, where: Callable[[Location], str] = dotted,
                        reword: Callable[[Problem], str | None] = _no_rewording) -> list[tuple[str, str]]:
    """(where, what) for each problem pydantic found, in its order, the same one once.

    ``where`` names the place ("" for the input as a whole); the branch of a
    union that pydantic tried is left out of it, as it names nothing the
    person wrote. ``what`` is pydantic's message without its "Value error, "
    prefix (a validator's own words follow it), unless ``reword`` words the
    problem in the caller's terms (a pattern as what it stands for).
    """
    problems = []
    for problem in error.errors():
        location = tuple(part for part in problem["loc"] if not _is_union_branch(part))
        problems.append((where(location), reword(problem) or problem["msg"].removeprefix("Value error, ")))
    return list(dict.fromkeys(problems))


def describe_problems(problems: Iterable[tuple[str, str]], whole: str = "") -> str:
    """"where: what; where: what" on one line; ``whole`` names a problem with the input as a whole."""
    return "; ".join(f"{where or whole}: {what}" if where or whole else what for where, what in problems)


def _is_union_branch(part: str | int) -> bool:
    # How pydantic names the member of a union it tried: "literal['request']", "constrained-int", "int",
    # "function-after[...]".
    return isinstance(part, str) and (part.startswith(("literal[", "constrained-", "function-"))
                                      or part in ("int", "str", "float", "bool", "none"))
