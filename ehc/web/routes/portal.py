"""The contributor portal and the parent's view (docs/WEB.md, "The portal"): pages opened by a signed link, with
no sign-in.

- ``/portal/{REF}/advice/{TOKEN}``: one advice request; its contributor uploads the advice (PDF or DOCX) or
  declares no needs in their area, once.
- ``/portal/{REF}/parent/{TOKEN}``: where the child's request stands, in plain English.

A link that does not open (ehc/services/portal_links.py) gets the same plain page whatever the reason, with no
case data. The forms carry the pre-sign-in CSRF token (security.py); every page is ``no-store`` and sends no
referrer (the security headers), so the token in the address goes nowhere else.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from domain.casefile import EventRejected
from domain.portal_rules import APPEAL_DEADLINE, MEDIATION_SECTION
from ehc.parse import FieldProblems
from ehc.services.advice_files import AdviceFileRefused
from ehc.services.portal import contributor_page, declare_no_needs, parent_page, submit_advice_file
from ehc.services.portal_links import LinkRefused, Purpose, open_link
from ehc.web.sessions import client_address
from ehc.web.templating import render
from ehc.web.uploads import UploadTooLarge

router = APIRouter()

# A reference may hold "/" (domain/intake.py): the link quotes it, the server hands it back decoded, and the
# token, which never holds one, ends the match.
ADVICE_PAGE = "/portal/{reference:path}/advice/{token}"
PARENT_PAGE = "/portal/{reference:path}/parent/{token}"
ADVICE_FORM = re.compile(r"/portal/(?P<reference>.+)/advice/(?P<token>[^/]+)/(upload|no-needs)")


@router.get(ADVICE_PAGE)
def contributor(request: Request, reference: str, token: str) -> Response:
    try:
        link = open_link(request.app.state.app, reference, token, Purpose.ADVICE, client_address(request))
    except LinkRefused:
        return link_refused(request)
    return _contributor_form(request, link)


@router.post(ADVICE_PAGE + "/upload")
def upload(request: Request, reference: str, token: str, advice_file: UploadFile | None = File(None)) -> Response:
    app = request.app.state.app
    try:
        link = open_link(app, reference, token, Purpose.ADVICE, client_address(request))
    except LinkRefused:
        return link_refused(request)
    if advice_file is None or not advice_file.filename:
        return _contributor_form(request, link, errors=[("advice_file", "Select a file")], status_code=400)
    try:
        submit_advice_file(app, link, advice_file.file, advice_file.filename, client_address(request))
    except AdviceFileRefused as refusal:
        return _contributor_form(request, link, errors=[("advice_file", str(refusal))], status_code=400)
    except EventRejected as refusal:
        return _contributor_form(request, link, errors=[(None, _not_recorded(refusal))], status_code=409)
    except LinkRefused:
        return link_refused(request)
    return render(request, "portal/advice_received.html", {"reference": reference, "declared": False,
                                                           "contact": app.la.contact})


@router.post(ADVICE_PAGE + "/no-needs")
def no_needs(request: Request, reference: str, token: str, reason: str = Form("")) -> Response:
    app = request.app.state.app
    try:
        link = open_link(app, reference, token, Purpose.ADVICE, client_address(request))
    except LinkRefused:
        return link_refused(request)
    try:
        declare_no_needs(app, link, reason, client_address(request))
    except FieldProblems as problems:
        return _contributor_form(request, link, errors=list(problems.problems), reason=reason, status_code=400)
    except EventRejected as refusal:
        return _contributor_form(request, link, errors=[(None, _not_recorded(refusal))], reason=reason,
                                 status_code=409)
    except LinkRefused:
        return link_refused(request)
    return render(request, "portal/advice_received.html", {"reference": reference, "declared": True,
                                                           "contact": app.la.contact})


@router.get(PARENT_PAGE)
def parent(request: Request, reference: str, token: str) -> Response:
    app = request.app.state.app
    try:
        link = open_link(app, reference, token, Purpose.PARENT, client_address(request))
    except LinkRefused:
        return link_refused(request)
    return render(request, "portal/parent.html", {"page": parent_page(app, link), "contact": app.la.contact,
                                                  "appeal_deadline": APPEAL_DEADLINE,
                                                  "mediation_section": MEDIATION_SECTION})


async def upload_too_large(request: Request, error: UploadTooLarge) -> Response:
    """A portal form whose body passed the limit as it streamed in: the form again, saying so."""
    return await run_in_threadpool(_too_large, request)


def _too_large(request: Request) -> Response:
    app = request.app.state.app
    found = ADVICE_FORM.fullmatch(request.url.path)
    if found is None:
        return link_refused(request)
    try:
        link = open_link(app, found["reference"], found["token"], Purpose.ADVICE, client_address(request))
    except LinkRefused:
        return link_refused(request)
    limit = f"The selected file must be smaller than {app.settings.advice_upload_max_mb}MB"
    return _contributor_form(request, link, errors=[("advice_file", limit)], status_code=413)


def link_refused(request: Request) -> Response:
    """The same page for every link that does not open: nothing about the case, nor which check failed."""
    return render(request, "portal/link_refused.html", {"contact": request.app.state.app.la.contact}, 404)


def _contributor_form(request: Request, link, *, errors=(), reason: str = "", status_code: int = 200) -> Response:
    app = request.app.state.app
    field_errors = {}
    for field, message in errors:
        field_errors.setdefault(field, message)
    return render(request, "portal/contributor.html", {
        "page": contributor_page(app, link), "contact": app.la.contact, "errors": list(errors),
        "field_errors": field_errors, "reason": reason, "page_path": request.url.path.removesuffix("/upload")
        .removesuffix("/no-needs")}, status_code=status_code)


def _not_recorded(refusal: EventRejected) -> str:
    return f"Your advice could not be recorded: {refusal}. Contact us if you need to send it"
