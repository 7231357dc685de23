"""Load and validate an LA's reminder and escalation policy (config/policy/*.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from config.la import LaConfigError
from domain.input_rules import Problem, describe_problems, validation_problems
from domain.reminders.policy import DISTRIBUTION, EMAIL, RECIPIENT, REVIEW_RECIPIENT, ReminderPolicy

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
        problems = validation_problems(error, reword=_in_policy_words)
        raise PolicyError(f"{path}: {describe_problems(problems)}") from error


def _in_policy_words(problem: Problem) -> str | None:
    """A pattern the value does not match, as what it stands for, not the regular expression."""
    if problem["type"] == "string_pattern_mismatch":
        return f"{problem['input']!r} is not {_PATTERN_WORDS.get(problem['ctx']['pattern'], 'valid')}"
    return None


_PATTERN_WORDS = {
    EMAIL.pattern: "an email address",
    RECIPIENT.pattern: "a recipient (contributor, contributor_escalation, caseworker, channel or role:NAME)",
    REVIEW_RECIPIENT.pattern: "a recipient of review messages (setting, caseworker, channel or role:NAME)",
    r"^[a-z0-9_]+$": "a role name (lower case letters, digits and _)",
    DISTRIBUTION.pattern: "a role:NAME or an email address",
}
