"""Plan quality review, composed: what `ehc qa` and the Prefect `quality-review` flow both call.

Each function is one unit of work on the case store. What they return to a
flow (``ReviewSummary``) holds ids, grades, scores and counts: never plan
text or names, since Prefect stores and shows task results.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel

from domain.quality.checks import CheckContext
from domain.quality.grading import (
    QualityReport, assess_plan, automatic_ceiling, grade_with_caps, hard_caps, weighted_score,
)
from domain.quality.moderation import combined_scores, needs_moderation
from domain.quality.rubric import Grade
from ehc.bootstrap import App
from ehc.parse import FieldProblems
from ehc.imports.plan_file import read_plan
from store.quality import STAGES, StoredPlan

MAX_COMMENT = 2000


class ReviewSummary(BaseModel):
    """The automatic review of a case's latest plan, as a flow may keep it: no plan text, no names."""

    reference: str
    document_id: int
    review_id: int
    stage: str
    reviewed_on: date  # the as_of the review was made on (a re-run returns the first review's)
    rubric: str
    grade: Grade
    uncapped_grade: Grade
    weighted_score: float
    below_good: bool  # the caseworker is to be alerted
    capped: bool  # the hard rule applies (unquantified provision in F, or no health section G): never Good
    cap_reasons: tuple[str, ...]
    ceiling_reason: str | None = None  # an Outstanding score held at Good: Outstanding needs a reviewer
    scores: dict[str, int]
    findings: int
    failings: int
    created: bool


class ReviewerOutcome(BaseModel):
    reference: str
    document_id: int
    criterion: str
    score: int
    reviewer: str
    moderation_raised: bool
    open_moderation: tuple[str, ...]
    grade: Grade
    weighted_score: float
    grade_changed: bool


def attach_plan(app: App, reference: str, stage: str, path: Path, received_on: date) -> int:
    """Store the plan in ``path`` (.json or .docx) as the case's draft or final plan; returns its id.

    Attaching the same plan again for the same stage stores nothing and returns the first id.
    """
    if stage not in STAGES:
        raise FieldProblems.one("stage", f"{stage!r} is not one of {', '.join(STAGES)}")
    plan = read_plan(path)
    with app.unit_of_work() as work:
        document_id, _ = work.quality.attach(reference, stage, plan, Path(path).suffix.lower().lstrip("."),
                                             received_on, app.actor, app.clock.now())
    return document_id


def automatic_review(app: App, reference: str, as_of: date) -> ReviewSummary:
    """Score the case's latest plan with the App's rubric and store the result and its grade.

    Idempotent: a document already scored under this rubric is not scored or stored again; the
    stored result is returned (``created`` False). K is cross-checked against the advice the case
    had requested and received by ``as_of``.
    """
    rubric = app.rubric
    with app.unit_of_work() as work:
        quality = work.quality
        document = quality.latest_plan(reference)
        existing = quality.automatic_review(document.id, rubric.key)
        if existing is not None:
            return _summary(document, existing, created=False)
        advice = quality.advice_on_file(document.case_id, as_of)
        report = assess_plan(document.plan, rubric, CheckContext(advice=advice))
        row, created = quality.store_automatic_review(document, report, as_of, app.actor, app.clock.now())
        return _summary(document, row, created)


def _summary(document: StoredPlan, row, created: bool) -> ReviewSummary:
    grade = Grade(row.grade)
    failings = sum(1 for finding in row.findings if not finding["ok"])
    return ReviewSummary(
        reference=document.reference, document_id=document.id, review_id=row.id, stage=document.stage,
        reviewed_on=row.as_of, rubric=row.rubric_key, grade=grade, uncapped_grade=Grade(row.uncapped_grade),
        weighted_score=row.weighted_score, below_good=grade.below_good, capped=bool(row.cap_reasons),
        cap_reasons=tuple(row.cap_reasons), scores=dict(row.scores), findings=len(row.findings), failings=failings,
        ceiling_reason=automatic_ceiling(Grade(row.uncapped_grade), grade, row.cap_reasons),
        created=created)


def score_plan_file(app: App, path: Path, reference: str | None, as_of: date) -> QualityReport:
    """Score a plan file without storing anything; with ``reference``, K is cross-checked with that case's advice."""
    plan = read_plan(path)
    advice = None
    if reference is not None:
        with app.unit_of_work() as work:
            advice = work.quality.advice_on_file(work.quality.case_id(reference), as_of)
    return assess_plan(plan, app.rubric, CheckContext(advice=advice))


def record_review(app: App, reference: str, criterion: str, score: int, comment: str, reviewer: str) -> ReviewerOutcome:
    """A reviewer's score (1-4) and comment on one criterion of the case's latest plan.

    Reviewers 2+ points apart on the criterion raise moderation (recorded; shown by `ehc qa list`);
    it is resolved when their latest scores come within 1. The plan's grade is recomputed from the
    reviewers' scores (their mean per criterion, the automatic score where nobody scored) with the
    hard rule still applied, and appended to the grade history when it changes. Unlike the automatic grade,
    this one may be Outstanding: a reviewer has scored the plan.
    """
    rubric = app.rubric
    if criterion not in {c.id for c in rubric.criteria}:
        raise FieldProblems.one("criterion", f"{criterion!r} is not in the rubric; one of "
                                             f"{', '.join(c.id for c in rubric.criteria)}")
    if not 1 <= score <= 4:
        raise FieldProblems.one("score", f"{score} is not 1, 2, 3 or 4")
    if not comment.strip() or len(comment) > MAX_COMMENT:
        raise FieldProblems.one("comment", f"must be 1 to {MAX_COMMENT} characters")
    if not reviewer.strip() or len(reviewer) > 120:
        raise FieldProblems.one("reviewer", "must be 1 to 120 characters")
    at = app.clock.now()
    with app.unit_of_work() as work:
        quality = work.quality
        document = quality.latest_plan(reference)
        quality.add_reviewer_score(document.id, criterion, score, comment.strip(), reviewer.strip(), at)
        reviewed = quality.reviewer_scores(document.id)
        status = quality.moderation_status(document.id)
        raised = needs_moderation(reviewed[criterion])
        if raised and status.get(criterion) != "raised":
            quality.record_moderation(document.id, criterion, "raised", reviewed[criterion], at)
            status[criterion] = "raised"
        elif not raised and status.get(criterion) == "raised":
            quality.record_moderation(document.id, criterion, "resolved", reviewed[criterion], at)
            status[criterion] = "resolved"
        automatic = quality.automatic_review(document.id, rubric.key)
        caps = list(automatic.cap_reasons) if automatic else list(hard_caps(document.plan))
        score_now = weighted_score(combined_scores(automatic.scores if automatic else {}, reviewed), rubric)
        _, grade = grade_with_caps(score_now, rubric, caps, reviewed=True)  # a reviewer has scored: may be Outstanding
        history = quality.grade_history(document.id)
        changed = not history or history[-1].grade != grade.value or history[-1].weighted_score != score_now
        if changed:
            quality.append_grade(document, "reviewers", score_now, grade.value, caps, reviewer.strip(), at)
        return ReviewerOutcome(
            reference=reference, document_id=document.id, criterion=criterion, score=score, reviewer=reviewer.strip(),
            moderation_raised=raised, open_moderation=tuple(sorted(c for c, s in status.items() if s == "raised")),
            grade=grade, weighted_score=score_now, grade_changed=changed)


def quality_overview(app: App) -> list[dict]:
    """Each case's latest plan: automatic and current grade, number of reviewers, criteria in moderation."""
    with app.unit_of_work() as work:
        rows = work.quality.overview()
    return [{"case_ref": row.reference, "document_id": row.document_id, "stage": row.stage,
             "received_on": row.received_on.isoformat(), "automatic_grade": row.automatic_grade,
             "automatic_score": row.automatic_score, "grade": row.grade, "weighted_score": row.weighted_score,
             "grade_source": row.grade_source, "reviewers": row.reviewers, "moderation": list(row.moderation)}
            for row in rows]


def latest_report(app: App, reference: str) -> dict:
    """The stored automatic review of the case's latest plan, findings included (for people, not for flows)."""
    with app.unit_of_work() as work:
        quality = work.quality
        document = quality.latest_plan(reference)
        row = quality.automatic_review(document.id, app.rubric.key)
        history = [{"grade": h.grade, "weighted_score": h.weighted_score, "source": h.source,
                    "recorded_by": h.recorded_by, "recorded_at": h.recorded_at.isoformat(), "reasons": h.reasons}
                   for h in quality.grade_history(document.id)]
        reviewed = quality.reviewer_scores(document.id)
    return {"case_ref": reference, "document_id": document.id, "stage": document.stage,
            "received_on": document.received_on.isoformat(),
            "automatic": None if row is None else {
                "rubric": row.rubric_key, "grade": row.grade, "uncapped_grade": row.uncapped_grade,
                "weighted_score": row.weighted_score, "cap_reasons": row.cap_reasons, "scores": row.scores,
                "findings": row.findings},
            "reviewer_scores": reviewed, "grade_history": history}


__all__ = ["ReviewSummary", "ReviewerOutcome", "attach_plan", "automatic_review", "score_plan_file", "record_review",
           "quality_overview", "latest_report"]
