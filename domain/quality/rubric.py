"""The LA's plan quality rubric as validated data, and the four grades it maps a weighted score to.

The rubric is data (config/rubric/*.toml, loaded by config/rubric.py): its
criteria, their weights, which automatic check (checks.py) scores each, and
the thresholds of the four Ofsted-style grades (docs/RULES.md, "What makes a
good plan").
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.plan import SectionId
from domain.quality.checks import CHECKS


class Grade(StrEnum):
    OUTSTANDING = "Outstanding"
    GOOD = "Good"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    INADEQUATE = "Inadequate"

    @property
    def rank(self) -> int:
        """4 for Outstanding down to 1 for Inadequate."""
        return 4 - list(Grade).index(self)

    @property
    def below_good(self) -> bool:
        return self.rank < Grade.GOOD.rank


class Criterion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]{0,59}$")
    title: str = Field(min_length=1)
    sections: tuple[SectionId, ...] = Field(min_length=1)
    weight: float = Field(gt=0, le=100)
    check: str | None = Field(default=None, description="the automatic check that scores it; none: reviewers only")
    guidance: str = ""

    @field_validator("check")
    @classmethod
    def _known_check(cls, value: str | None) -> str | None:
        if value is not None and value not in CHECKS:
            raise ValueError(f"{value!r} is not an automatic check; known: {', '.join(CHECKS)}")
        return value


class Thresholds(BaseModel):
    """The lowest weighted score (1-4) for each grade; anything lower than requires_improvement is Inadequate."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outstanding: float = Field(ge=1, le=4)
    good: float = Field(ge=1, le=4)
    requires_improvement: float = Field(ge=1, le=4)

    @model_validator(mode="after")
    def _descending(self) -> Thresholds:
        if not self.outstanding > self.good > self.requires_improvement:
            raise ValueError("must fall: outstanding > good > requires_improvement")
        return self


class Rubric(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    version: str = Field(min_length=1, max_length=40)
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    thresholds: Thresholds
    fingerprint: str = Field(default="", description="hash of the file it came from, set by the loader")

    @model_validator(mode="after")
    def _unique_ids(self) -> Rubric:
        ids = [criterion.id for criterion in self.criteria]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"criterion ids must be unique: {', '.join(duplicates)} repeated")
        return self

    @property
    def key(self) -> str:
        """Identifies this exact rubric in stored reviews (re-scoring with it is idempotent)."""
        return f"{self.version}:{self.fingerprint}" if self.fingerprint else self.version

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def grade(self, weighted_score: float) -> Grade:
        t = self.thresholds
        return (Grade.OUTSTANDING if weighted_score >= t.outstanding else Grade.GOOD if weighted_score >= t.good
                else Grade.REQUIRES_IMPROVEMENT if weighted_score >= t.requires_improvement else Grade.INADEQUATE)
