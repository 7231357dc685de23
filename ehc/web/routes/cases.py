"""`/cases/{reference}`: one case, for a caseworker or manager whose team may see it.

A reference the viewer may not see gets the same 404 page as one that does not exist, so typing references
into the address bar says nothing about which cases exist; the refusal is an audit entry (``access_refused``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from domain.events import RECORDABLE_EVENT_TYPES
from ehc.case_views import audit_trail
from ehc.services.case_page import CaseHidden, case_page
from ehc.services.portal import advice_documents
from ehc.services.users import SignedIn
from ehc.web.routes.casework import DONE
from ehc.web.sessions import NotAllowed, case_worker_or_manager
from ehc.web.templating import render
from ehc.web.timeline_bar import timeline_bar
from store.cases import CaseNotFound

router = APIRouter()


@router.get("/cases/{reference:path}")
def case(request: Request, reference: str, session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    app = request.app.state.app
    try:
        page = case_page(app, session.viewer, reference, app.clock.today())
    except CaseNotFound:
        raise HTTPException(status_code=404) from None
    except CaseHidden:
        raise NotAllowed(reference, "a case of a team this account may not see") from None
    trail = audit_trail(page.record)
    return render(request, "case.html", {"page": page, "bar": timeline_bar(page.timeline, trail), "trail": trail,
                                         "advice_documents": advice_documents(app, reference),
                                         "done": DONE.get(request.query_params.get("done", "")),
                                         "voidable": RECORDABLE_EVENT_TYPES})
