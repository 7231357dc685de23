"""What a CSV file's header row must be before any row is read (the caseload and contributor imports)."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

# What a spreadsheet saves instead of commas in some locales ("CSV" with semicolons) or as "Text (Tab delimited)".
OTHER_SEPARATORS = {";": "';'", "\t": "a tab"}
_TIMES = {2: "twice", 3: "three times"}


def header_problems(header: Sequence[str], required: Sequence[str], optional: Sequence[str]) -> list[str]:
    """Why the import cannot read the file by this header, or []: a column it reads named more than once
    (which of them would it take?), a file separated by something other than commas, a required column missing."""
    known = (*required, *optional)
    problems = [f"column {column!r} appears {_TIMES.get(count, f'{count} times')} in the header; keep one"
                for column, count in Counter(header).items() if count > 1 and column in known]
    if not set(header) & set(known):
        separator = next((name for mark, name in OTHER_SEPARATORS.items() if any(mark in cell for cell in header)),
                         None)
        if separator:
            return [f"the separator looks like {separator}, not a comma: save the file as comma-separated "
                    "values (CSV UTF-8)"]
    missing = [column for column in required if column not in header]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    return problems
