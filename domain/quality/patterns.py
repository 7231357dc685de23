"""Reading a plan's text: the word lists (terms.py) compiled into patterns, and the helpers the checks share.

Pure. Patterns match case-insensitively at a word start unless said
otherwise; ``excerpt`` keeps a quoted finding short enough to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
MEASURE = compile_terms(terms.MEASURE, word_start=False)
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


def areas_of(text: str) -> list[terms.BroadArea]:
    return [area for area, pattern in AREA_PATTERNS.items() if pattern.search(text)]


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
