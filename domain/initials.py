"""A person shown by initials where their name must not appear. Pure.

Messages name the child by initials, and reports name caseworkers by theirs
(docs/ARCHITECTURE.md, "Personal data"); both come from here.
"""

from __future__ import annotations

import re

NO_INITIALS = "-"
# Words are separated by spaces and full stops (a login such as "caseworker.alice"). A hyphen joins: a
# double-barrelled name ("Zebedee-Jones") has one initial.
_WORD_BREAK = re.compile(r"[\s.]+")


def initials(*names: str | None) -> str:
    """The first letter of each word of the names given, upper-cased; "-" when there is none.

    ("Amelia", "Zebedee-Jones") -> "AZ"; "A Okafor" -> "AO"; "caseworker.alice" -> "CA"; (None, "  ") -> "-".
    A word that does not start with a letter ("O'Neil" does; "(none)" does not) adds nothing.
    """
    letters = [word[0].upper() for name in names if name for word in _WORD_BREAK.split(name)
               if word and word[0].isalpha()]
    return "".join(letters) or NO_INITIALS


def caseworker_label(caseworker: str) -> str:
    """How a report names a caseworker: by initials; a name with none to take (a code such as "-2+3", which
    names nobody) as written, so that it is not shown as "-" like every other name without initials."""
    found = initials(caseworker)
    return caseworker if found == NO_INITIALS else found
