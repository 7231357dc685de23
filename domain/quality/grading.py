"""Grading a plan: run the rubric's checks, weigh the scores, apply the hard rule. Pure and deterministic.

Scores: each criterion 1 (inadequate) to 4 (outstanding); the weighted score
is the weighted mean over the criteria that have a score; the rubric's
thresholds turn it into one of the four Ofsted-style grades.

Hard rule (CoP 9.69 "provision must be detailed and specific and should
normally be quantified"; the joint Ofsted/CQC inspections' finding of
"limited contributions from health"): a plan with unquantified provision in
F, or without a health provision section G, is never graded better than
Requires improvement, whatever the rubric's weights, and the reason is given.

Ceiling: the automatic checks read words; they cannot tell a plan that is
truly outstanding from one written to please them. An automatic grade is
never better than Good, with the reason given (``ceiling_reason``); only a
grade that reviewers' scores went into (``ehc qa review``) may be Outstanding.
"""

from __future__ import annotations

from typing import Sequence

from pydantic import BaseModel, ConfigDict, Field

from domain.plan import PlanDocument, SectionId
from domain.quality.checks import CHECKS, CheckContext, Finding
from domain.quality.patterns import PLACEHOLDER, plan_items, provision_items
from domain.quality.rubric import Grade, Rubric


class CriterionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    criterion: str
    title: str
    weight: float
    score: int | None = Field(description="1-4; None when no automatic check scores it")
    findings: tuple[Finding, ...] = ()


class QualityReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    rubric: str
    criteria: tuple[CriterionResult, ...]
    weighted_score: float
    uncapped_grade: Grade
    grade: Grade
    cap_reasons: tuple[str, ...]

    @property
    def ceiling_reason(self) -> str | None:
        """Why an automatic grade is Good although its score would make it Outstanding."""
        return automatic_ceiling(self.uncapped_grade, self.grade, self.cap_reasons)

    @property
    def grade_reasons(self) -> tuple[str, ...]:
        """Everything that held the grade below the thresholds' grade: the hard rule's reasons, then the ceiling."""
        return self.cap_reasons + ((self.ceiling_reason,) if self.ceiling_reason else ())

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for result in self.criteria for f in result.findings)

    @property
    def failings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.ok)

    @property
    def scores(self) -> dict[str, int]:
        return {r.criterion: r.score for r in self.criteria if r.score is not None}


def hard_caps(plan: PlanDocument) -> tuple[str, ...]:
    """Why the plan may not be graded Good or better, whatever its scores (this module's docstring)."""
    reasons = []
    items = provision_items(plan_items(plan, SectionId.F, min_words=2))
    unquantified = [item for item in items if not item.quantified]
    if not items:
        reasons.append("section F has no provision to quantify (CoP 9.69)")
    elif unquantified:
        reasons.append(f"{len(unquantified)} of {len(items)} provision items in F are not quantified "
                       "(how often and for how long, CoP 9.69)")
    health = plan.section(SectionId.G)
    if health is None or health.is_empty:
        reasons.append("section G (health provision) is missing")
    elif all(PLACEHOLDER.search(p) for p in health.paragraphs):
        reasons.append("section G (health provision) holds only a placeholder")
    return tuple(reasons)


def weighted_score(scores: dict[str, float], rubric: Rubric) -> float:
    """Weighted mean of the criteria that have a score; 1.0 (the floor) when none has."""
    scored = [(c.weight, scores[c.id]) for c in rubric.criteria if c.id in scores]
    total = sum(weight for weight, _ in scored)
    return round(sum(weight * score for weight, score in scored) / total, 2) if total else 1.0


AUTOMATIC_CEILING = ("Outstanding needs a reviewer: the automatic checks grade a plan Good at most "
                     "(score it with `ehc qa review`)")


def automatic_ceiling(uncapped: Grade, grade: Grade, cap_reasons: Sequence[str]) -> str | None:
    """The ceiling's reason when it, not the hard rule, held an Outstanding score at Good."""
    return AUTOMATIC_CEILING if uncapped is Grade.OUTSTANDING and grade is Grade.GOOD and not cap_reasons else None


def grade_with_caps(score: float, rubric: Rubric, cap_reasons: Sequence[str], *,
                    reviewed: bool = False) -> tuple[Grade, Grade]:
    """(grade from the thresholds, grade after the hard rule and, unless reviewers scored it, the ceiling)."""
    uncapped = rubric.grade(score)
    if cap_reasons and uncapped.rank > Grade.REQUIRES_IMPROVEMENT.rank:
        return uncapped, Grade.REQUIRES_IMPROVEMENT
    if not reviewed and uncapped is Grade.OUTSTANDING:
        return uncapped, Grade.GOOD
    return uncapped, uncapped


def assess_plan(plan: PlanDocument, rubric: Rubric, context: CheckContext | None = None) -> QualityReport:
    """Run the rubric's automatic checks on ``plan``; deterministic: the same inputs give the same report."""
    context = context or CheckContext()
    results, ran = [], {}
    for criterion in rubric.criteria:
        if criterion.check is None:
            results.append(CriterionResult(criterion=criterion.id, title=criterion.title, weight=criterion.weight,
                                           score=None))
            continue
        if criterion.check not in ran:
            ran[criterion.check] = CHECKS[criterion.check](plan, context)
        result = ran[criterion.check]
        results.append(CriterionResult(criterion=criterion.id, title=criterion.title, weight=criterion.weight,
                                       score=result.score, findings=result.findings))
    scores = {r.criterion: r.score for r in results if r.score is not None}
    score = weighted_score(scores, rubric)
    caps = hard_caps(plan)
    uncapped, grade = grade_with_caps(score, rubric, caps)
    return QualityReport(rubric=rubric.key, criteria=tuple(results), weighted_score=score, uncapped_grade=uncapped,
                         grade=grade, cap_reasons=caps)
