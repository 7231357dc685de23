"""The web caseload: a page of the cases a person may see, with each one's dates from the domain.

SQL picks the page (store/caseload.py): filters, sort and count over the projections, within the teams the
viewer may see (ehc/services/access.py). Each case on the page is then folded by the domain, so what is
shown (the next statutory date and its last working day, days left, week of the 20, RAG) is what
`ehc case show` and `ehc cases` say, not a second calculation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.initials import initials
from domain.rag import RAG_STEPS, Rag, rag_of, rag_of_pending
from domain.timeline import OPEN_STAGES, Deadline, Stage
from ehc.bootstrap import App
from ehc.services.access import Viewer, case_scope
from store.caseload import SORTS, CaseloadFilter, RagBoundaries

PAGE_SIZE = 50
RAG_HORIZON_DAYS = 400  # no LA's RAG rule looks further ahead than this


@dataclass(frozen=True)
class CaseloadEntry:
    reference: str
    child_initials: str
    stage: Stage
    week: int
    next_due: Deadline | None
    rag: Rag | None
    caseworker: str | None


@dataclass(frozen=True)
class CaseloadPage:
    entries: list[CaseloadEntry]
    total: int
    page: int
    pages: int
    caseworkers: list[str]


def caseload_page(app: App, viewer: Viewer, as_of: date, wanted: CaseloadFilter, *, sort: str = "next-date",
                  page: int = 1) -> CaseloadPage:
    """Page ``page`` (from 1) of the cases answering ``wanted`` within the viewer's teams."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    scope = case_scope(viewer, app.settings)
    if not scope.sees_cases:
        return CaseloadPage([], 0, 1, 1, [])
    teams = None if scope.all_teams else scope.teams
    wanted = CaseloadFilter(teams=teams, stages=wanted.stages, caseworker=wanted.caseworker, rag=wanted.rag,
                            due_within_days=wanted.due_within_days, overdue=wanted.overdue)
    boundaries = rag_boundaries(app, as_of)
    with app.unit_of_work() as work:
        total = work.caseload.count(as_of, wanted, boundaries)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        rows = work.caseload.page(as_of, wanted, boundaries, sort=sort, offset=(page - 1) * PAGE_SIZE,
                                  limit=PAGE_SIZE)
        records = work.cases.get_many([row.reference for row in rows], audit=False)
        entries = []
        for record in records:
            timeline = work.cases.timeline(record.events, as_of)
            entries.append(CaseloadEntry(
                reference=record.reference, child_initials=initials(record.child_given_name, record.child_family_name),
                stage=timeline.stage, week=timeline.week, next_due=timeline.next_due,
                rag=rag_of(timeline, app.policy, app.calendar), caseworker=record.caseworker))
        caseworkers = work.caseload.caseworkers(teams)
    return CaseloadPage(entries, total, page, pages, caseworkers)


def rag_boundaries(app: App, as_of: date) -> dict[Stage, RagBoundaries]:
    """Per open stage, the dates where a watched statutory date stops being red and stops being amber on
    ``as_of``, found by asking the one RAG rule (domain/rag.py) about each day in turn: the rule is
    monotonic (a later date is never more urgent), so two boundaries describe it whole for SQL."""
    boundaries = {}
    for stage in OPEN_STAGES:
        step = RAG_STEPS[stage][0]
        red_before = amber_before = None
        for day in (as_of + timedelta(days=n) for n in range(RAG_HORIZON_DAYS)):
            colour = rag_of_pending(stage, [(step, day)], as_of, app.policy, app.calendar)
            if red_before is None and colour is not Rag.RED:
                red_before = day
            if colour is Rag.GREEN:
                amber_before = day
                break
        if red_before is None or amber_before is None:
            raise ValueError(f"the RAG rule for {stage} is not green within {RAG_HORIZON_DAYS} days of {as_of}")
        boundaries[stage] = RagBoundaries(red_before=red_before, amber_before=amber_before)
    return boundaries
