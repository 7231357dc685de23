"""The contributor portal's and the parent's pages, and advice sent through the portal.

The links themselves (making, signing, opening and refusing them) are in ehc/services/portal_links.py.
Submitting advice (a file, or a declaration of no needs in the contributor's area) records
``advice-received`` for that request through the casework service the CLI uses, with the contributor's
code as the actor, and stores the document and marks the link used in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from domain.events import AdviceReceived, Agency
from domain.input_rules import control_character_problem
from domain.portal_rules import ADVICE_ASKED, APPEAL_RIGHTS, AdviceAsked, AppealRight
from domain.rules import LIMB_DESCRIPTIONS, Step
from domain.timeline import Deadline, Stage, Status
from ehc.bootstrap import App
from ehc.parse import FieldProblems
from ehc.services.access import Viewer, may_see_case
from ehc.services.advice_files import delete_stored, store_advice_file, stored_path
from ehc.services.case_page import CaseHidden
from ehc.services.casework import Recorded, record_event, show_case
from ehc.services.portal_links import LinkRefused, advice_of, advice_request, refuse
from store.portal import DocumentRecord, LinkRecord

NO_NEEDS_REASON_MAX = 2000


AGENCY_NAMES = {Agency.HEALTH: "Health", Agency.SOCIAL_CARE: "Social care",
                Agency.EDUCATIONAL_PSYCHOLOGY: "Educational psychology",
                Agency.EDUCATION: "Education (school or setting)", Agency.OTHER: "Other"}


class DocumentNotFound(LookupError):
    pass


# -- the contributor's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class ContributorPage:
    """Only what the contributor needs: no name, no date of birth, nothing of the case's other advice."""

    reference: str
    initials: str
    agency: str
    asked: AdviceAsked
    due: date  # Reg 8(1)
    received_on: date | None  # already recorded as received (by the caseworker, say)
    expires_at: datetime
    upload_limit_mb: int


def contributor_page(app: App, link: LinkRecord) -> ContributorPage:
    """The page of a link ``open_link`` let through."""
    record, timeline = show_case(app, link.case_reference, app.clock.today())
    advice = advice_request(timeline, link.advice_key)
    agency = Agency(advice.agency)
    return ContributorPage(record.reference, record.child_initials, AGENCY_NAMES[agency], ADVICE_ASKED[agency],
                           advice.statutory, advice.done_on, link.expires_at, app.settings.advice_upload_max_mb)


def submit_advice_file(app: App, link: LinkRecord, source: BinaryIO, filename: str,
                       client_address: str | None) -> Recorded:
    """Keep the file (AdviceFileRefused if it is not a PDF or DOCX, or is too large) and record the advice as
    received; the file is removed again if the submission is refused."""
    folder = app.settings.effective_advice_files_dir
    stored = store_advice_file(folder, source, filename, app.settings.advice_upload_max_mb * 1024 * 1024)
    try:
        return _submit(app, link, client_address, stored_name=stored.stored_name,
                       original_filename=stored.original_filename, content_type=stored.content_type,
                       size_bytes=stored.size_bytes, sha256=stored.sha256)
    except BaseException:
        delete_stored(folder, stored.stored_name)
        raise


def declare_no_needs(app: App, link: LinkRecord, reason: str, client_address: str | None) -> Recorded:
    """The contributor's declaration that there are no needs in their area, with why (required)."""
    reason = reason.strip()
    problem = ("Enter why there are no needs in your area" if not reason
               else f"Reason must be {NO_NEEDS_REASON_MAX} characters or fewer" if len(reason) > NO_NEEDS_REASON_MAX
               else control_character_problem(reason.replace("\r\n", "\n").replace("\n", " ")))
    if problem:
        raise FieldProblems.one("reason", problem)
    return _submit(app, link, client_address, no_needs_reason=reason)


def _submit(app: App, link: LinkRecord, client_address: str | None, **document) -> Recorded:
    """advice-received for the link's request, the document stored and the link used, in one transaction."""
    advice = advice_of(app, link)
    event = (AdviceReceived(on=app.clock.today(), contributor=advice.contributor) if advice.contributor
             else AdviceReceived(on=app.clock.today(), agency=Agency(advice.agency)))
    actor = advice.contributor or advice.key
    now = app.clock.now()

    def store_with_event(work) -> None:
        if not work.portal.use_link(link.id, now):
            raise LinkRefused("already used")
        work.portal.add_document(link.case_id, link.advice_key, uploaded_at=now, uploaded_by=actor, **document)

    try:
        return record_event(app, link.case_reference, event, actor, alongside=store_with_event)
    except LinkRefused as refused:  # another submission through the same link got there first
        refuse(app, refused.reason, link.case_reference, client_address, link)


# -- the parent's view -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParentStep:
    deadline: Deadline
    name: str   # the step as a parent reads it
    theirs: bool  # a step for the parent to take (the representations window), not the council's


@dataclass(frozen=True)
class AdviceArrival:
    agency: str
    due: date
    received_on: date | None


@dataclass(frozen=True)
class ParentPage:
    """One child's request as their parent reads it: no contributor's name or address, nothing of any other
    child."""

    reference: str
    initials: str
    received: date
    as_of: date
    stage: Stage
    week: int
    steps: list[ParentStep]
    advice: list[AdviceArrival]
    next_step: ParentStep | None
    next_advice_due: date | None  # the earliest advice still awaited, when that is what comes next
    appeal: AppealRight | None
    exceptions: list[str]  # why the law allows a date to pass (Reg 10(4) limbs, described)
    caseworker: str | None


# The statutory steps as a parent reads them, in the order they come.
PARENT_STEPS = {
    Step.DECISION_TO_ASSESS: "We tell you whether we will carry out an EHC needs assessment",
    Step.NO_PLAN_NOTICE: "We decide whether to issue an EHC plan, and tell you if we will not",
    Step.REPRESENTATIONS_CLOSE: "You send us your comments on the draft EHC plan",
    Step.FINAL_PLAN: "We issue the final EHC plan",
}


def parent_page(app: App, link: LinkRecord) -> ParentPage:
    today = app.clock.today()
    record, timeline = show_case(app, link.case_reference, today)
    steps = [ParentStep(timeline.deadlines[step], name, step is Step.REPRESENTATIONS_CLOSE)
             for step, name in PARENT_STEPS.items()
             if step in timeline.deadlines and timeline.deadlines[step].status is not Status.NOT_REQUIRED]
    pending = [step for step in steps if step.deadline.status in (Status.OPEN, Status.OVERDUE)]
    awaited = [advice.statutory for advice in timeline.advice if advice.status in (Status.OPEN, Status.OVERDUE)]
    next_step = min(pending, key=lambda step: step.deadline.statutory, default=None)
    next_advice = min(awaited, default=None)
    if next_step and next_advice and next_step.deadline.statutory <= next_advice:
        next_advice = None
    return ParentPage(
        reference=record.reference, initials=record.child_initials, received=timeline.received, as_of=today,
        stage=timeline.stage, week=timeline.week, steps=steps,
        advice=[AdviceArrival(AGENCY_NAMES[Agency(advice.agency)], advice.statutory, advice.done_on)
                for advice in timeline.advice],
        next_step=next_step, next_advice_due=next_advice, appeal=APPEAL_RIGHTS.get(timeline.stage),
        exceptions=sorted({LIMB_DESCRIPTIONS[exception.limb] for exception in timeline.exceptions
                           if exception.limb.is_case_exception}),
        caseworker=record.caseworker)


# -- the caseworker's side: documents on the case page ---------------------------------------------


def advice_documents(app: App, reference: str) -> dict[str, list[DocumentRecord]]:
    """The case's advice documents and declarations, by advice key (for a case page already allowed)."""
    with app.unit_of_work() as work:
        documents = work.portal.documents(reference)
    by_key: dict[str, list[DocumentRecord]] = {}
    for document in documents:
        by_key.setdefault(document.advice_key, []).append(document)
    return by_key


def advice_document(app: App, viewer: Viewer, reference: str, document_id: int) -> tuple[DocumentRecord, Path]:
    """An uploaded advice file for a viewer who may see the case: CaseNotFound, CaseHidden or DocumentNotFound
    otherwise. The opening is an audit entry."""
    with app.unit_of_work() as work:
        case = work.cases.get(reference)
        if not may_see_case(viewer, case.team, app.settings):
            raise CaseHidden(reference)
        document = work.portal.document(reference, document_id)
        if document is None or document.stored_name is None:
            raise DocumentNotFound(document_id)
        work.audit.record(app.clock.now(), "advice_document_opened", actor=viewer.username, subject=reference,
                          detail=f"advice document {document_id}")
    path = stored_path(app.settings.effective_advice_files_dir, document.stored_name)
    if not path.is_file():
        raise DocumentNotFound(document_id)
    return document, path

