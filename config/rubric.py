"""Load and validate an LA's plan quality rubric (config/rubric/*.toml) into the domain's Rubric."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from pydantic import ValidationError

from domain.input_rules import describe_problems, validation_problems
from domain.quality.rubric import Rubric

PACKAGED_RUBRIC = Path(__file__).parent / "rubric" / "default.toml"


class RubricError(ValueError):
    """The rubric file is unreadable or invalid; the message names the file and the key."""


def _key(location: tuple, raw: dict) -> str:
    """'criteria[2] (f.quantified).weight' rather than 'criteria.2.weight'."""
    parts: list[str] = []
    for index, part in enumerate(location):
        if isinstance(part, int) and parts:
            parts[-1] += f"[{part}]"
            if location[:index] == ("criteria",):
                try:
                    parts[-1] += f" ({raw['criteria'][part]['id']})"
                except (KeyError, IndexError, TypeError):
                    pass
        else:
            parts.append(str(part))
    return ".".join(parts)


def load_rubric(path: Path) -> Rubric:
    try:
        content = Path(path).read_bytes()
        raw = tomllib.loads(content.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RubricError(f"{path}: {error}") from error
    raw["fingerprint"] = hashlib.sha256(content).hexdigest()[:12]
    try:
        return Rubric.model_validate(raw)
    except ValidationError as error:
        problems = validation_problems(error, where=lambda location: _key(location, raw))
        raise RubricError(f"{path}: {describe_problems(problems, whole='rubric')}") from error
