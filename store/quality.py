"""The plan quality repository: plan documents, automatic reviews, reviewer scores, moderation, grade history.

Works in the caller's transaction (one unit of work per command or task).
Reviewer scores, moderation and grade history are append-only (database
triggers refuse UPDATE and DELETE): the current state is the latest row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from domain.plan import PlanDocument
from domain.quality.checks import AdviceOnFile
from domain.quality.grading import QualityReport
from domain.quality.rubric import Grade
from domain.quality.trend import GradedPlan
from store.cases import CaseNotFound
from store.models import (
    AdviceRequest, AutomaticReviewRow, Case, GradeHistoryRow, ModerationRow, PlanDocumentRow, ReviewerScoreRow,
)

STAGES = ("draft", "final")


class NoPlanAttached(LookupError):
    def __init__(self, reference: str) -> None:
        super().__init__(f"case {reference!r} has no plan attached (attach one with `ehc qa attach`)")


@dataclass(frozen=True)
class StoredPlan:
    id: int
    case_id: int
    reference: str
    stage: str
    received_on: date
    plan: PlanDocument


@dataclass(frozen=True)
class OverviewRow:
    reference: str
    document_id: int
    stage: str
    received_on: date
    automatic_grade: str | None
    automatic_score: float | None
    grade: str | None
    weighted_score: float | None
    grade_source: str | None
    reviewers: int
    moderation: tuple[str, ...]


def content_hash(plan: PlanDocument) -> str:
    canonical = json.dumps(plan.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class QualityStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- plan documents ------------------------------------------------------------------------

    def case_id(self, reference: str) -> int:
        found = self._session.scalar(select(Case.id).where(Case.reference == reference))
        if found is None:
            raise CaseNotFound(reference)
        return found

    def attach(self, reference: str, stage: str, plan: PlanDocument, source_format: str, received_on: date,
               actor: str, attached_at: datetime) -> tuple[int, bool]:
        """Store the plan for the case; (id, True) if new, (existing id, False) if this exact plan is already there."""
        if stage not in STAGES:
            raise ValueError(f"stage: {stage!r} is not one of {', '.join(STAGES)}")
        case_id = self.case_id(reference)
        digest = content_hash(plan)
        existing = self._document_id(case_id, stage, digest)
        if existing is not None:
            return existing, False
        row = PlanDocumentRow(case_id=case_id, stage=stage, received_on=received_on,
                              content=plan.model_dump(mode="json"), content_sha256=digest,
                              source_format=source_format, attached_by=actor, attached_at=attached_at)
        # A concurrent attach of the same plan fails on the unique key and its transaction rolls back; a retry
        # then finds this row. (No SAVEPOINT: pysqlite would end the outer transaction with it.)
        self._session.add(row)
        self._session.flush()
        return row.id, True

    def _document_id(self, case_id: int, stage: str, digest: str) -> int | None:
        return self._session.scalar(select(PlanDocumentRow.id).where(
            PlanDocumentRow.case_id == case_id, PlanDocumentRow.stage == stage,
            PlanDocumentRow.content_sha256 == digest))

    def latest_plan(self, reference: str) -> StoredPlan:
        """The case's most recent plan: the latest received, a final before a draft received the same day."""
        case_id = self.case_id(reference)
        row = self._session.scalar(
            select(PlanDocumentRow).where(PlanDocumentRow.case_id == case_id)
            .order_by(PlanDocumentRow.received_on.desc(), (PlanDocumentRow.stage == "final").desc(),
                      PlanDocumentRow.id.desc()).limit(1))
        if row is None:
            raise NoPlanAttached(reference)
        return StoredPlan(row.id, case_id, reference, row.stage, row.received_on,
                          PlanDocument.model_validate(row.content))

    def advice_on_file(self, case_id: int, as_of: date) -> tuple[AdviceOnFile, ...]:
        """The case's advice requests as known on ``as_of`` (later requests and receipts are not yet known)."""
        rows = self._session.execute(
            select(AdviceRequest.agency, AdviceRequest.requested_on, AdviceRequest.received_on)
            .where(AdviceRequest.case_id == case_id, AdviceRequest.requested_on <= as_of)
            .order_by(AdviceRequest.requested_on, AdviceRequest.id)).all()
        return tuple(AdviceOnFile(agency, requested, received if received and received <= as_of else None)
                     for agency, requested, received in rows)

    # -- automatic reviews ---------------------------------------------------------------------

    def automatic_review(self, document_id: int, rubric_key: str) -> AutomaticReviewRow | None:
        return self._session.scalar(select(AutomaticReviewRow).where(
            AutomaticReviewRow.document_id == document_id, AutomaticReviewRow.rubric_key == rubric_key))

    def store_automatic_review(self, document: StoredPlan, report: QualityReport, as_of: date, actor: str,
                               at: datetime) -> tuple[AutomaticReviewRow, bool]:
        """Store the report and its grade; (row, False) without writing if this rubric already scored the document."""
        existing = self.automatic_review(document.id, report.rubric)
        if existing is not None:
            return existing, False
        row = AutomaticReviewRow(
            document_id=document.id, rubric_key=report.rubric, as_of=as_of, scores=report.scores,
            findings=[finding.model_dump(mode="json") for finding in report.findings],
            weighted_score=report.weighted_score, uncapped_grade=report.uncapped_grade.value,
            grade=report.grade.value, cap_reasons=list(report.cap_reasons), created_at=at)
        self._session.add(row)
        self._session.flush()  # a concurrent run that stored it first makes this fail on the unique key: nothing kept
        self.append_grade(document, "automatic", report.weighted_score, report.grade.value,
                          list(report.grade_reasons), actor, at)
        return row, True

    # -- reviewers and moderation --------------------------------------------------------------

    def add_reviewer_score(self, document_id: int, criterion: str, score: int, comment: str, reviewer: str,
                           at: datetime) -> int:
        row = ReviewerScoreRow(document_id=document_id, criterion=criterion, score=score, comment=comment,
                               reviewer=reviewer, recorded_at=at)
        self._session.add(row)
        self._session.flush()
        return row.id

    def reviewer_scores(self, document_id: int) -> dict[str, dict[str, int]]:
        """{criterion: {reviewer: their latest score}}."""
        latest: dict[str, dict[str, int]] = {}
        rows = self._session.execute(
            select(ReviewerScoreRow.criterion, ReviewerScoreRow.reviewer, ReviewerScoreRow.score)
            .where(ReviewerScoreRow.document_id == document_id).order_by(ReviewerScoreRow.id))
        for criterion, reviewer, score in rows:
            latest.setdefault(criterion, {})[reviewer] = score
        return latest

    def moderation_status(self, document_id: int) -> dict[str, str]:
        """{criterion: 'raised' | 'resolved'} from the latest moderation row of each criterion."""
        status: dict[str, str] = {}
        rows = self._session.execute(select(ModerationRow.criterion, ModerationRow.status)
                                    .where(ModerationRow.document_id == document_id).order_by(ModerationRow.id))
        for criterion, state in rows:
            status[criterion] = state
        return status

    def record_moderation(self, document_id: int, criterion: str, status: str, scores: dict[str, int],
                          at: datetime) -> None:
        self._session.add(ModerationRow(document_id=document_id, criterion=criterion, status=status, scores=scores,
                                       recorded_at=at))
        self._session.flush()

    # -- grades --------------------------------------------------------------------------------

    def append_grade(self, document: StoredPlan, source: str, weighted_score: float, grade: str, reasons: list[str],
                     actor: str, at: datetime) -> None:
        self._session.add(GradeHistoryRow(document_id=document.id, case_id=document.case_id, source=source,
                                         weighted_score=weighted_score, grade=grade, reasons=reasons,
                                         recorded_by=actor, recorded_at=at))
        self._session.flush()

    def grade_history(self, document_id: int) -> list[GradeHistoryRow]:
        return list(self._session.scalars(select(GradeHistoryRow).where(GradeHistoryRow.document_id == document_id)
                                         .order_by(GradeHistoryRow.id)))

    def overview(self) -> list[OverviewRow]:
        """Each case's latest plan with its automatic and current grade, reviewers and open moderation."""
        ranked = (select(PlanDocumentRow.id, func.row_number().over(
            partition_by=PlanDocumentRow.case_id,
            order_by=(PlanDocumentRow.received_on.desc(), (PlanDocumentRow.stage == "final").desc(),
                      PlanDocumentRow.id.desc())).label("rank")).subquery())
        documents = self._session.execute(
            select(PlanDocumentRow.id, Case.reference, PlanDocumentRow.stage, PlanDocumentRow.received_on)
            .join(Case, Case.id == PlanDocumentRow.case_id)
            .join(ranked, ranked.c.id == PlanDocumentRow.id).where(ranked.c.rank == 1)
            .order_by(Case.reference)).all()
        rows = []
        for document_id, reference, stage, received_on in documents:
            automatic = self._session.scalar(select(AutomaticReviewRow).where(
                AutomaticReviewRow.document_id == document_id).order_by(AutomaticReviewRow.id.desc()).limit(1))
            latest = self._session.scalar(select(GradeHistoryRow).where(GradeHistoryRow.document_id == document_id)
                                         .order_by(GradeHistoryRow.id.desc()).limit(1))
            reviewers = self._session.scalar(select(func.count(func.distinct(ReviewerScoreRow.reviewer)))
                                            .where(ReviewerScoreRow.document_id == document_id))
            moderation = tuple(sorted(c for c, s in self.moderation_status(document_id).items() if s == "raised"))
            rows.append(OverviewRow(
                reference, document_id, stage, received_on,
                automatic.grade if automatic else None, automatic.weighted_score if automatic else None,
                latest.grade if latest else None, latest.weighted_score if latest else None,
                latest.source if latest else None, reviewers or 0, moderation))
        return rows


def any_graded(connection) -> bool:
    """Has quality review graded any plan yet? Until it has, the weekly report has no quality section.
    ``connection`` is a SQLAlchemy Connection or Session."""
    return bool(connection.execute(select(exists().where(GradeHistoryRow.id.isnot(None)))).scalar())


def graded_plans(connection, start: date, end: date) -> list[GradedPlan]:
    """Each plan document received from ``start`` to ``end`` (both included) that has a grade: its latest
    grade and the automatic checks with a failing finding in its latest automatic review (for the weekly report).

    Two grouped subqueries pick each document's latest grade and latest review
    by id (both tables are append-only, so the highest id is the latest); the
    findings come back as JSON and only their check names and outcomes are kept.
    ``connection`` is a SQLAlchemy Connection or Session.
    """
    latest_grade = (select(GradeHistoryRow.document_id, func.max(GradeHistoryRow.id).label("id"))
                    .group_by(GradeHistoryRow.document_id).subquery())
    latest_review = (select(AutomaticReviewRow.document_id, func.max(AutomaticReviewRow.id).label("id"))
                     .group_by(AutomaticReviewRow.document_id).subquery())
    query = (
        select(PlanDocumentRow.id, PlanDocumentRow.received_on, GradeHistoryRow.grade, AutomaticReviewRow.findings)
        .join(latest_grade, latest_grade.c.document_id == PlanDocumentRow.id)
        .join(GradeHistoryRow, GradeHistoryRow.id == latest_grade.c.id)
        .outerjoin(latest_review, latest_review.c.document_id == PlanDocumentRow.id)
        .outerjoin(AutomaticReviewRow, AutomaticReviewRow.id == latest_review.c.id)
        .where(PlanDocumentRow.received_on >= start, PlanDocumentRow.received_on <= end)
        .order_by(PlanDocumentRow.id)
    )
    return [GradedPlan(document_id, received_on, Grade(grade),
                       frozenset(finding["check"] for finding in findings or () if not finding.get("ok", True)))
            for document_id, received_on, grade, findings in connection.execute(query)]
