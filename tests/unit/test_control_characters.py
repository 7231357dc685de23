"""Free text is refused for exactly the Unicode control characters (Cc, Cs) and the bidirectional controls."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from domain.input_rules import MULTILINE_ALLOWED, control_character_problem

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.mark.parametrize("allowed", [frozenset(), MULTILINE_ALLOWED], ids=["one line", "evidence"])
def test_every_code_point_is_judged_by_its_unicode_category(allowed):
    wrongly_judged = [
        hex(point) for point in range(sys.maxunicode + 1)
        if (control_character_problem(f"ab{chr(point)}", allowed) is not None) != (
            chr(point) not in allowed
            and (unicodedata.category(chr(point)) in ("Cc", "Cs") or chr(point) in BIDI))
    ]
    assert wrongly_judged == []


def test_the_problem_names_the_character_and_where_it_is():
    assert control_character_problem("Jo\x00e") == (
        "contains the control character U+0000 at position 3; type plain text")
    assert control_character_problem("line one\nline two", MULTILINE_ALLOWED) is None
