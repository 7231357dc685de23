"""Load and validate an LA's reminder and escalation policy (config/policy/*.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from config.la import LaConfigError
from domain.reminders.policy import DISTRIBUTION, EMAIL, RECIPIENT, ReminderPolicy

PACKAGED_POLICY = Path(__file__).parent / "policy" / "default.toml"


class PolicyError(LaConfigError):
    """The policy file is unreadable or invalid; the message names the file and the key."""


def load_policy(path: Path) -> ReminderPolicy:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PolicyError(f"{path}: {error}") from error
    try:
        return ReminderPolicy.model_validate(raw)
    except ValidationError as error:
        raise PolicyError(f"{path}: {describe(error)}") from error


def describe(error: ValidationError) -> str:
    problems = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"] if not _is_union_branch(part))
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "string_pattern_mismatch":
            message = f"{problem['input']!r} is not {_PATTERN_WORDS.get(problem['ctx']['pattern'], 'valid')}"
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(dict.fromkeys(problems))


_PATTERN_WORDS = {
    EMAIL.pattern: "an email address",
    RECIPIENT.pattern: "a recipient (contributor, contributor_escalation, caseworker, channel or role:NAME)",
    r"^[a-z0-9_]+$": "a role name (lower case letters, digits and _)",
    DISTRIBUTION.pattern: "a role:NAME or an email address",
}


def _is_union_branch(part) -> bool:
    # pydantic names the branch of an int | "request" union it tried, e.g. "literal['request']" or "constrained-int".
    return isinstance(part, str) and (part.startswith("literal[") or part in ("int", "constrained-int"))
