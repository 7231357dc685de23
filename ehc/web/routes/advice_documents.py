"""`/cases/{reference}/advice/{document_id}`: an advice file a contributor uploaded, for a caseworker or manager
whose team may see the case, always as a download (never shown inline: the browser is told not to guess its
type, and the file is served as what its content was checked to be)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse

from ehc.services.case_page import CaseHidden
from ehc.services.portal import DocumentNotFound, advice_document
from ehc.services.users import SignedIn
from ehc.web.sessions import NotAllowed, case_worker_or_manager
from store.cases import CaseNotFound

router = APIRouter()


@router.get("/cases/{reference:path}/advice/{document_id:int}")
def download(request: Request, reference: str, document_id: int,
             session: SignedIn = Depends(case_worker_or_manager)) -> FileResponse:
    app = request.app.state.app
    try:
        document, path = advice_document(app, session.viewer, reference, document_id)
    except (CaseNotFound, DocumentNotFound):
        raise HTTPException(status_code=404) from None
    except CaseHidden:
        raise NotAllowed(reference, "an advice document of a case of a team this account may not see") from None
    return FileResponse(path, media_type=document.content_type, filename=document.original_filename,
                        content_disposition_type="attachment")
