"""Reading a plan's text: the word lists (terms.py) compiled into patterns, and the helpers the checks share.

Pure. Patterns match case-insensitively at a word start unless said
otherwise; ``excerpt`` keeps a quoted finding short enough to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from domain.plan import PlanDocument, SectionId
from domain.quality import terms

QUOTE_LIMIT = 200


def compile_terms(patterns: Iterable[str], word_start: bool = True, word_end: bool = False) -> re.Pattern[str]:
    prefix, suffix = (r"\b" if word_start else ""), (r"\b" if word_end else "")
    return re.compile("|".join(f"(?:{prefix}{pattern}{suffix})" for pattern in patterns), re.IGNORECASE)


AREA_PATTERNS = {area: compile_terms(re.escape(t) for t in words) for area, words in terms.AREA_TERMS.items()}
FIRST_PERSON = re.compile(terms.FIRST_PERSON)
POSSESSIVE = re.compile(terms.POSSESSIVE, re.IGNORECASE)
QUOTED = re.compile(terms.QUOTED_WORDS)
REPORTED = re.compile(terms.REPORTED_SPEECH)
TIME_FRAME = compile_terms(terms.TIME_FRAME)
_NUMBER = r"(?:\d+(?:\.\d+)?|" + "|".join(terms.NUMBER_WORDS) + ")"
# A number with what it counts: "40 words", "8 out of 10", "three-part", "90%"; "improve 3" has none.
NUMBER_WITH_UNIT = re.compile(rf"(?<!year )(?<!stage )\b{_NUMBER}\s?(?:or (?:more|fewer|less|over) )?(?:{'|'.join(terms.UNITS)})(?![a-z])",
                              re.IGNORECASE)
FROM_TO = re.compile(rf"\bfrom\b[^.;]{{0,60}}?(?:{_NUMBER}|{'|'.join(terms.NAMED_LEVELS)})[^.;]{{0,60}}?\bto\b",
                     re.IGNORECASE)
NAMED_LEVEL = compile_terms(terms.NAMED_LEVELS, word_end=False)
OBSERVABLE = compile_terms(terms.OBSERVABLE_CONDITIONS, word_end=True)
BARE_NUMBER = re.compile(rf"\b{_NUMBER}\b", re.IGNORECASE)
AREA_LABEL = compile_terms(terms.AREA_LABELS, word_end=True)
GENERIC_WORDS = frozenset(terms.GENERIC_WORDS)
NEED_FILLER = frozenset(terms.NEED_FILLER_WORDS)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
WHO = compile_terms(terms.WHO, word_start=False)
HOW_OFTEN = compile_terms(terms.HOW_OFTEN)
HOW_LONG = compile_terms(terms.HOW_LONG)
VAGUE = compile_terms(terms.VAGUE_WORDING, word_end=True)
NO_NEEDS = compile_terms(terms.NO_NEEDS)
PLACEHOLDER = compile_terms(terms.PLACEHOLDER)
ADVICE_PATTERNS = {kind: compile_terms(re.escape(t) for t in words) for kind, words in terms.ADVICE_TERMS.items()}
DATE = compile_terms(terms.DATE_WRITTEN)
# An abbreviation standing bare: inside brackets, "speech and language therapy (SALT)", it is being spelt out.
JARGON_PATTERNS = {word: re.compile(rf"(?<![\w(]){re.escape(word)}(?![\w)])") for word in terms.JARGON}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘A-Z0-9])")


def excerpt(text: str, limit: int = QUOTE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if s.strip()]


def without_area_labels(text: str) -> str:
    """The text with the broad-area labels taken out: "cognition and learning" alone names no need."""
    return AREA_LABEL.sub(" ", text)


def areas_of(text: str) -> list[terms.BroadArea]:
    """The broad areas the text names a need in, by its own words, not by the area's label."""
    text = without_area_labels(text)
    return [area for area, pattern in AREA_PATTERNS.items() if pattern.search(text)]


def specific_words(text: str) -> list[str]:
    """The words of ``text`` that say something: not function words, not generic ones ("things", "views")."""
    return [w for w in _WORD.findall(text) if w.lower().strip("'’-") not in GENERIC_WORDS and len(w) > 1]


def _stem(word: str) -> str:
    """A crude stem: endings off, then the first five letters ("routines", "routine" -> "routi")."""
    word = word.lower().strip("'’-")
    for ending in ("ings", "ing", "ies", "es", "s", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            break
    return word[:5]


def need_words(text: str) -> set[str]:
    """Stems of the words a need or a provision may share: lower-case (names aside), 4+ letters, not filler."""
    text = without_area_labels(text)
    return {_stem(w) for w in _WORD.findall(text)
            if w[0].islower() and len(w) >= 4 and w.lower() not in NEED_FILLER and w.lower() not in GENERIC_WORDS}


def measure_of(outcome: str) -> tuple[str | None, str | None]:
    """(what the outcome measures, as found; None) or (None, a bare number found without what it counts).

    A measurable change names what changes and to what level: a number with a unit, a from-to change, a
    named level or score, or an observable behaviour under stated conditions. Time frames are taken out
    first ("Key Stage 2" is a time, not a measure).
    """
    text = TIME_FRAME.sub(" ", outcome)
    for pattern in (NUMBER_WITH_UNIT, FROM_TO, NAMED_LEVEL, OBSERVABLE):
        found = pattern.search(text)
        if found:
            return found.group(0).strip(), None
    bare = BARE_NUMBER.search(text)
    return None, bare.group(0) if bare else None


def states_no_needs(text: str) -> bool:
    return bool(NO_NEEDS.search(text))


def plan_items(plan: PlanDocument, section: SectionId, min_words: int = 4) -> list[str]:
    """The section's items: paragraphs long enough to say something; labels ending in ':' are not items."""
    found = plan.section(section)
    if found is None:
        return []
    return [p for p in found.paragraphs if len(p.split()) >= min_words and not p.rstrip().endswith(":")]


@dataclass(frozen=True)
class ProvisionItem:
    text: str
    who: str | None
    how_often: str | None
    how_long: str | None

    @property
    def quantified(self) -> bool:
        return bool(self.how_often and self.how_long)


def provision_items(paragraphs: Iterable[str]) -> list[ProvisionItem]:
    items = []
    for text in paragraphs:
        who, often, long = WHO.search(text), HOW_OFTEN.search(text), HOW_LONG.search(text)
        items.append(ProvisionItem(text, who and who.group(0), often and often.group(0), long and long.group(0)))
    return items


def vague_wording(paragraphs: Iterable[str]) -> list[tuple[str, str]]:
    """(phrase, paragraph) for each vague phrase found."""
    return [(match.group(0), p) for p in paragraphs for match in VAGUE.finditer(p)]


_MONTH_NUMBER = {name: n for n, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for name in names}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.? (\d{4})$", re.IGNORECASE)
_MONTH_DAY = re.compile(r"^([a-z]+) (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"^([a-z]+) (\d{4})$", re.IGNORECASE)


@dataclass(frozen=True)
class WrittenDate:
    """A date as a plan writes it: ``on`` the day, or the first of the month when only a month is given."""

    text: str
    on: date
    month_only: bool

    def matches(self, day: date) -> bool:
        return (self.on.year, self.on.month) == (day.year, day.month) if self.month_only else self.on == day


def _written_date(text: str) -> WrittenDate | None:
    """UK order for numeric dates (12/05/2026 is 12 May)."""
    try:
        if m := _ISO.match(text):
            return WrittenDate(text, date(int(m[1]), int(m[2]), int(m[3])), False)
        if m := _NUMERIC.match(text):
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return WrittenDate(text, date(year, int(m[2]), int(m[1])), False)
        if m := _DAY_MONTH.match(text):
            return WrittenDate(text, date(int(m[3]), _MONTH_NUMBER[m[2].lower()], int(m[1])), False)
        if m := _MONTH_DAY.match(text):
            return WrittenDate(text, date(int(m[3]), _MONTH_NUMBER[m[1].lower()], int(m[2])), False)
        if m := _MONTH_YEAR.match(text):
            return WrittenDate(text, date(int(m[2]), _MONTH_NUMBER[m[1].lower()], 1), True)
    except (KeyError, ValueError):
        return None
    return None


def dates_in(text: str) -> list[WrittenDate]:
    """The dates written in ``text`` that are real dates, in order."""
    return [found for m in DATE.finditer(text) if (found := _written_date(m.group(0))) is not None]
