"""`/cases`: the caseload of the teams the signed-in person may see, filtered by a GET form (no JavaScript).

The query string holds only filters (stage, RAG, caseworker, days, page and sort): no personal data.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from domain.timeline import OPEN_STAGES, Stage
from ehc.services.access import case_scope
from ehc.services.caseload import caseload_page
from ehc.services.users import SignedIn
from ehc.web.routes.casework import DONE_ON_CASELOAD
from ehc.web.sessions import case_worker_or_manager
from ehc.web.templating import STAGE_NAMES, render
from store.caseload import SORTS, CaseloadFilter

router = APIRouter()

SORT_NAMES = {"next-date": "Next statutory date (soonest first)", "days-left": "Days left (most first)",
              "reference": "Reference", "received": "Date received (oldest first)"}
RAG_NAMES = {"red": "Red", "amber": "Amber", "green": "Green"}
DUE_WITHIN_MAX = 366


@router.get("/cases")
def caseload(request: Request, session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    app = request.app.state.app
    asked = request.query_params
    errors: list[tuple[str, str]] = []
    stage = asked.get("stage", "")
    if stage and stage not in STAGE_NAMES:
        errors.append(("stage", "Choose a stage from the list"))
    rag = asked.get("rag", "")
    if rag and rag not in RAG_NAMES:
        errors.append(("rag", "Choose red, amber or green"))
    sort = asked.get("sort", "next-date")
    if sort not in SORTS:
        errors.append(("sort", "Choose an order from the list"))
    due_within = asked.get("due_within", "").strip()
    due_within_days = None
    if due_within:
        if not due_within.isascii() or not due_within.isdigit() or int(due_within) > DUE_WITHIN_MAX:
            errors.append(("due_within", f"Days must be a whole number from 0 to {DUE_WITHIN_MAX}"))
        else:
            due_within_days = int(due_within)
    page_text = asked.get("page", "1")
    page = int(page_text) if page_text.isascii() and page_text.isdigit() and len(page_text) < 7 else 1
    mine = asked.get("mine") == "yes"
    caseworker = session.viewer.name if mine else (asked.get("caseworker") or None)
    overdue = asked.get("overdue") == "yes"

    filters = {"stage": stage, "rag": rag, "caseworker": asked.get("caseworker", ""), "mine": mine,
               "due_within": due_within, "overdue": overdue, "sort": sort}
    as_of = app.clock.today()
    if errors:
        result = None
    else:
        wanted = CaseloadFilter(teams=None, stages=(Stage(stage),) if stage else OPEN_STAGES, caseworker=caseworker,
                                rag=rag or None, due_within_days=due_within_days, overdue=overdue)
        result = caseload_page(app, session.viewer, as_of, wanted, sort=sort, page=page)
    return render(request, "caseload.html", {
        "scope_text": case_scope(session.viewer, app.settings).described, "errors": errors, "field_errors": dict(errors), "filters": filters, "result": result, "as_of": as_of,
        "stages": STAGE_NAMES, "open_stages": [s.value for s in OPEN_STAGES], "rags": RAG_NAMES,
        "sorts": SORT_NAMES, "page_link": lambda number: "/cases?" + urlencode(_query(filters, number)),
        "done": DONE_ON_CASELOAD.get(asked.get("done", "")),
    }, status_code=400 if errors else 200)


def _query(filters: dict, page: int) -> list[tuple[str, str]]:
    """The filters as a query string, leaving out what is not set."""
    pairs = [(name, str(value)) for name, value in filters.items()
             if value and name not in ("mine", "overdue") and not (name == "sort" and value == "next-date")]
    pairs += [(name, "yes") for name in ("mine", "overdue") if filters[name]]
    return pairs + ([("page", str(page))] if page > 1 else [])
