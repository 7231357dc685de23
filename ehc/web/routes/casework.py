"""Casework forms (docs/WEB.md, "Casework forms"): intake, recording an event, voiding one, reassigning a case.

Each handler is thin over the service the CLI calls (ehc/services/casework.py: ``add_request``,
``event_from_options`` and ``record_event``, ``void_event``, ``reassign_case``), so the web refuses what the
CLI refuses, stores what it stores, hands the case to orchestration as it does, and records the signed-in person's
username as the actor. Access is checked on every request, GET and POST alike: a case the person may not see
is answered as one that does not exist (404, an ``access_refused`` audit entry) before anything is read or
stored. A refused form comes back (400) with the error summary and what was typed; an accepted one redirects
(303) to a page whose success banner says what was done (``?done=...``, nothing personal in the address).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from domain.intake import NewRequest
from domain.timeline import Timeline
from ehc.parse import REFERENCE_RULE, FieldProblems, InputError, field_problems, parse_reference
from ehc.services.access import Role, check_may_add_case, may_see_case
from ehc.services.case_page import CaseHidden, visible_case
from ehc.services.casework import add_request, event_from_options, reassign_case, record_event, void_event
from ehc.services.users import SignedIn
from ehc.web.event_forms import EVENT_FORMS, EVENT_FORMS_BY_SLUG, EventForm, event_options, for_case
from ehc.web.forms import Field, FormErrors, Option, date_from, entered_values
from ehc.web.sessions import NotAllowed, case_worker_or_manager
from ehc.web.templating import govuk_date, render
from store.cases import CaseNotFound, CaseRecord

router = APIRouter()

RECEIVED = Field("received", "Date the request was received", kind="date", hint="For example, 27 3 2026",
                 if_missing="Enter the date the request was received")
BORN = Field("child_date_of_birth", "Child's date of birth", kind="date", optional=True, hint="For example, 4 9 2015")
INTAKE_FIELDS = (
    Field("reference", "Case reference", hint=f"The authority's reference: {REFERENCE_RULE}.",
          if_missing="Enter the case reference", width="govuk-!-width-one-half"),
    RECEIVED,
    Field("child_given_name", "Child's given name", optional=True, width="govuk-!-width-one-half"),
    Field("child_family_name", "Child's family name", optional=True, width="govuk-!-width-one-half"),
    BORN,
    Field("caseworker", "Caseworker", optional=True, width="govuk-!-width-one-half",
          hint="As the caseload names them, for example A Okafor."),
    Field("team", "Team", optional=True, width="govuk-!-width-one-half",
          hint="The team whose caseload it joins. A caseworker adds cases to their own team."),
    Field("setting", "School or setting", optional=True, width="govuk-!-width-one-half",
          hint="The child's school or setting: its id in the authority's list of settings."),
)
CHOOSE_EVENT = Field("event", "What happened?", kind="radios", if_missing="Select what happened",
                     options=tuple(Option(form.slug, form.name, form.hint) for form in EVENT_FORMS.values()))
VOID_FIELDS = (Field("reason", "Why is this event void?", kind="textarea", if_missing="Enter why the event is void",
                     hint="For example, recorded on the wrong case. Kept in the audit trail with your username."),)
REASSIGN_LABELS = {"caseworker": "New caseworker", "team": "New team", "setting": "New school or setting"}
# The success banner a page shows after a redirect here (``?done=``).
DONE = {"added": "Request added", "voided": "Event voided", "reassigned": "Case reassigned",
        **{form.slug: f"{form.name} recorded" for form in EVENT_FORMS.values()}}
MOVED_AWAY = "reassigned-away"
DONE_ON_CASELOAD = {MOVED_AWAY: "Case reassigned. It is now with a team whose cases you do not see."}


async def posted_form(request: Request) -> FormData:
    """The POST's form, parsed once (protect_forms has already read it for its CSRF token)."""
    return await request.form()


# -- intake ------------------------------------------------------------------------------------------


@router.get("/cases/new")
def new_request_page(request: Request, session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    viewer = session.viewer
    suggested = {"team": viewer.team or "", "caseworker": viewer.name if viewer.role is Role.CASEWORKER else ""}
    return _intake_form(request, suggested)


@router.post("/cases/new")
def new_request_submitted(request: Request, session: SignedIn = Depends(case_worker_or_manager),
                          form: FormData = Depends(posted_form)) -> Response:
    app = request.app.state.app
    entered = entered_values(form, INTAKE_FIELDS)
    errors = FormErrors(INTAKE_FIELDS, entered)
    received = errors.attempt(lambda: date_from(entered, RECEIVED))
    born = errors.attempt(lambda: date_from(entered, BORN))
    texts = {field.name: entered[field.name] or None for field in INTAKE_FIELDS if field.kind == "text"}
    new_request = errors.attempt(lambda: _new_request(received, born, texts))
    errors.attempt(lambda: check_may_add_case(session.viewer, texts["team"], app.settings))
    if not errors:
        errors.attempt(lambda: add_request(app, new_request, session.viewer.username))
    if errors:
        return _intake_form(request, entered, errors)
    return RedirectResponse(f"/cases/{new_request.reference}?done=added", status_code=303)


def _new_request(received: date | None, born: date | None, texts: dict[str, str | None]) -> NewRequest:
    """The request as intake validates it; a date already refused is left out, so it is not refused twice."""
    dates = {name: day for name, day in (("received", received), ("child_date_of_birth", born)) if day is not None}
    try:
        return NewRequest(**texts, **dates)
    except ValidationError as error:
        raise FieldProblems(field_problems(error)) from error


def _intake_form(request: Request, entered: dict, errors: FormErrors | None = None) -> Response:
    return form_page(request, heading="Add a request for an EHC needs assessment", caption="Intake",
                      fields=INTAKE_FIELDS, entered=entered, errors=errors, action="/cases/new",
                      back="/cases", back_text="Back to caseload", button="Add request",
                      intro=("The 20 weeks start on the date the request was received.",))


# -- recording an event ------------------------------------------------------------------------------


@router.get("/cases/{reference:path}/record")
def choose_event_page(request: Request, reference: str,
                      session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    record, _ = _visible(request, session, reference)
    return _choose_form(request, record.reference, {})


@router.post("/cases/{reference:path}/record")
def choose_event_submitted(request: Request, reference: str, session: SignedIn = Depends(case_worker_or_manager),
                           form: FormData = Depends(posted_form)) -> Response:
    record, _ = _visible(request, session, reference)
    entered = entered_values(form, (CHOOSE_EVENT,))
    if entered["event"] in EVENT_FORMS_BY_SLUG:
        return RedirectResponse(f"/cases/{record.reference}/record/{entered['event']}", status_code=303)
    errors = FormErrors((CHOOSE_EVENT,), entered)
    errors.add(FieldProblems.one("event", "select one of the events listed"))
    return _choose_form(request, record.reference, entered, errors)


def _choose_form(request: Request, reference: str, entered: dict, errors: FormErrors | None = None) -> Response:
    return form_page(request, heading="Record an event", caption=f"Case {reference}", fields=(CHOOSE_EVENT,),
                      entered=entered, errors=errors, action=f"/cases/{reference}/record",
                      back=f"/cases/{reference}", back_text="Back to the case", button="Continue")


@router.get("/cases/{reference:path}/record/{event}")
def event_page(request: Request, reference: str, event: str,
               session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    record, timeline = _visible(request, session, reference)
    return _event_form(request, record, timeline, event, {})


@router.post("/cases/{reference:path}/record/{event}")
def event_submitted(request: Request, reference: str, event: str,
                    session: SignedIn = Depends(case_worker_or_manager),
                    form: FormData = Depends(posted_form)) -> Response:
    app = request.app.state.app
    record, timeline = _visible(request, session, reference)
    event_form = _event_form_named(event)
    fields = for_case(event_form, timeline)
    entered = entered_values(form, fields)
    errors = FormErrors(fields, entered, history_field="on", aliases=dict(event_form.aliases))
    on = errors.attempt(lambda: date_from(entered, fields[0]))
    options = event_options(event_form, entered, timeline)
    # With the date refused, the other fields are still checked (on today), so every problem shows at once.
    new_event = errors.attempt(lambda: event_from_options(app, record.reference, event_form.event_type,
                                                          on or app.clock.today(), options))
    if not errors:
        errors.attempt(lambda: record_event(app, record.reference, new_event, session.viewer.username))
    if errors:
        return _event_form(request, record, timeline, event, entered, errors)
    return RedirectResponse(f"/cases/{record.reference}?done={event_form.slug}", status_code=303)


def _event_form(request: Request, record: CaseRecord, timeline: Timeline, event: str, entered: dict,
                errors: FormErrors | None = None) -> Response:
    event_form = _event_form_named(event)
    fields = for_case(event_form, timeline)
    reference = record.reference
    return form_page(request, heading=event_form.name, caption=f"Case {reference}", fields=fields,
                      entered=entered, errors=errors, action=f"/cases/{reference}/record/{event_form.slug}",
                      back=f"/cases/{reference}/record", back_text="Back to the events", button="Record",
                      intro=(event_form.hint,))


def _event_form_named(event: str) -> EventForm:
    event_form = EVENT_FORMS_BY_SLUG.get(event.replace("_", "-"))
    if event_form is None:
        raise HTTPException(status_code=404)
    return event_form


# -- void and reassign -------------------------------------------------------------------------------


@router.get("/cases/{reference:path}/events/{sequence}/void")
def void_page(request: Request, reference: str, sequence: str,
              session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    record, _ = _visible(request, session, reference)
    return _void_form(request, record, _sequence_in(record, sequence), {})


@router.post("/cases/{reference:path}/events/{sequence}/void")
def void_submitted(request: Request, reference: str, sequence: str,
                   session: SignedIn = Depends(case_worker_or_manager),
                   form: FormData = Depends(posted_form)) -> Response:
    app = request.app.state.app
    record, _ = _visible(request, session, reference)
    number = _sequence_in(record, sequence)
    entered = entered_values(form, VOID_FIELDS)
    errors = FormErrors(VOID_FIELDS, entered)
    errors.attempt(lambda: void_event(app, record.reference, number, entered["reason"], session.viewer.username))
    if errors:
        return _void_form(request, record, number, entered, errors)
    return RedirectResponse(f"/cases/{record.reference}?done=voided", status_code=303)


def _sequence_in(record: CaseRecord, sequence: str) -> int:
    """The event's sequence from the address; a number that is not one of the case's events is a 404."""
    if not (sequence.isascii() and sequence.isdigit()) or not 1 <= int(sequence) <= len(record.audit):
        raise HTTPException(status_code=404)
    return int(sequence)


def _void_form(request: Request, record: CaseRecord, sequence: int, entered: dict,
               errors: FormErrors | None = None) -> Response:
    event = record.audit[sequence - 1]
    summary = (("Event", f"E{sequence} {event['type'].replace('_', ' ').capitalize()}"),
               ("Date", govuk_date(event["date"])),
               *((name.replace("_", " ").capitalize(), str(value)) for name, value in event["details"].items()),
               ("Recorded by", event["actor"]))
    reference = record.reference
    return form_page(request, heading="Void an event", caption=f"Case {reference}", fields=VOID_FIELDS,
                      entered=entered, errors=errors, action=f"/cases/{reference}/events/{sequence}/void",
                      back=f"/cases/{reference}", back_text="Back to the case", button="Void event", warning=True,
                      intro=("The case is then as if the event never happened. Its row stays in the audit "
                             "trail, marked as voided, beside the correction.",), summary=summary)


@router.get("/cases/{reference:path}/reassign")
def reassign_page(request: Request, reference: str, session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    record, _ = _visible(request, session, reference)
    return _reassign_form(request, record, {})


@router.post("/cases/{reference:path}/reassign")
def reassign_submitted(request: Request, reference: str, session: SignedIn = Depends(case_worker_or_manager),
                       form: FormData = Depends(posted_form)) -> Response:
    app = request.app.state.app
    record, _ = _visible(request, session, reference)
    fields = _reassign_fields(record)
    entered = entered_values(form, fields)
    errors = FormErrors(fields, entered)
    done = errors.attempt(lambda: reassign_case(app, record.reference, session.viewer.username,
                                                **{field.name: entered[field.name] or None for field in fields}))
    if errors:
        return _reassign_form(request, record, entered, errors)
    if not may_see_case(session.viewer, done.record.team, app.settings):
        return RedirectResponse(f"/cases?done={MOVED_AWAY}", status_code=303)
    return RedirectResponse(f"/cases/{record.reference}?done=reassigned", status_code=303)


def _reassign_fields(record: CaseRecord) -> tuple[Field, ...]:
    return tuple(Field(name, label, optional=True, width="govuk-!-width-one-half",
                       hint=f"Now: {getattr(record, name) or 'none'}. Leave it empty to keep it.")
                 for name, label in REASSIGN_LABELS.items())


def _reassign_form(request: Request, record: CaseRecord, entered: dict, errors: FormErrors | None = None) -> Response:
    reference = record.reference
    return form_page(request, heading="Reassign the case", caption=f"Case {reference}",
                      fields=_reassign_fields(record), entered=entered, errors=errors,
                      action=f"/cases/{reference}/reassign", back=f"/cases/{reference}",
                      back_text="Back to the case", button="Reassign",
                      intro=("Fill in what changes: at least one. No statutory date moves.",))


# -- shared ------------------------------------------------------------------------------------------


def _visible(request: Request, session: SignedIn, reference: str) -> tuple[CaseRecord, Timeline]:
    """The case and its timeline as of today, if this person may see it; otherwise a 404 (recorded)."""
    app = request.app.state.app
    try:
        return visible_case(app, session.viewer, parse_reference("reference", reference), app.clock.today())
    except (CaseNotFound, InputError):
        raise HTTPException(status_code=404) from None
    except CaseHidden:
        raise NotAllowed(reference, "a case of a team this account may not see") from None


def form_page(request: Request, *, heading: str, caption: str, fields, entered: dict, errors: FormErrors | None,
              action: str, back: str, back_text: str, button: str, intro=(), summary=(),
              warning: bool = False) -> Response:
    """A form on the GOV.UK pattern (form_page.html): the request pages' and the review pages' forms."""
    return render(request, "form_page.html", {
        "heading": heading, "caption": caption, "fields": fields, "entered": entered,
        "errors": errors.summary if errors else [], "field_errors": errors.at_field if errors else {},
        "action": action, "back": back, "back_text": back_text, "button": button, "intro": intro,
        "summary": summary, "warning": warning,
    }, status_code=400 if errors else 200)
