"""Plans in force (docs/WEB.md, "Plans in force"): `/reviews`, the plans a person's teams may see, and
`/reviews/REF`, one plan with its reviews, with the forms to record a review event and to void one.

Thin over the services `ehc reviews` and `ehc review record` use (ehc/services/reviews.py, through the
access-checked reads of ehc/services/review_page.py), as the case pages are over casework: the web refuses
what the CLI refuses and stores what it stores, with the signed-in person's username as the actor. Access is
checked on every request, GET and POST alike, before anything is read or stored: a plan the person may not
see is answered as one that does not exist (404, an ``access_refused`` audit entry). The query string holds
only filters, and addresses only plan references: no personal data.
"""

from __future__ import annotations

from typing import Callable, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from domain.plan_events import RECORDABLE_PLAN_EVENTS
from domain.plan_review import PlanTimeline
from ehc.case_views import audit_trail
from ehc.parse import FIRST_YEAR, LAST_YEAR, FieldProblems, InputError, parse_reference
from ehc.services.access import case_scope
from ehc.services.review_page import PlanFilter, PlanHidden, next_date, plans_page, review_page, visible_plan
from ehc.services.reviews import record_review_event, review_event_from_options, void_review_event
from ehc.services.users import SignedIn
from ehc.web.event_forms import EventForm
from ehc.web.forms import Field, FormErrors, Option, date_from, entered_values
from ehc.web.review_forms import REVIEW_EVENT_FORMS, REVIEW_EVENT_FORMS_BY_SLUG, review_fields, review_options
from ehc.web.routes.caseload import DUE_WITHIN_MAX
from ehc.web.routes.casework import VOID_FIELDS, form_page, posted_form
from ehc.web.sessions import NotAllowed, case_worker_or_manager
from ehc.web.templating import govuk_date, render
from store.plans import PlanNotFound, PlanRecord

router = APIRouter()
T = TypeVar("T")

FILTER_TEXT_MAX = 100
STAGE_NAMES = {"awaiting_meeting": "Awaiting review meeting", "awaiting_decision": "Awaiting decision",
               "amending": "Amending the plan", "ceased": "Ceased"}
TRANSFER_NAMES = {"early_years_to_school": "Early years to school", "primary_to_secondary": "Primary to secondary",
                  "secondary_to_post16": "Secondary to post-16", "post16_to_post16": "Between post-16 institutions"}
OUTCOME_NAMES = {"maintain": "Maintain", "amend": "Amend", "cease": "Cease"}
CHOOSE_EVENT = Field("event", "What happened?", kind="radios", if_missing="Select what happened",
                     options=tuple(Option(form.slug, form.name, form.hint) for form in REVIEW_EVENT_FORMS.values()))
# The success banner the plan's page shows after a redirect here (``?done=``).
DONE = {"voided": "Event voided", **{form.slug: f"{form.name} recorded" for form in REVIEW_EVENT_FORMS.values()}}


# -- the list --------------------------------------------------------------------------------------------


@router.get("/reviews")
def plans_in_force(request: Request, session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    app = request.app.state.app
    asked = request.query_params
    errors: list[tuple[str, str]] = []
    due_within = asked.get("due_within", "").strip()
    if due_within and not (_digits(due_within) and int(due_within) <= DUE_WITHIN_MAX):
        errors.append(("due_within", f"Days must be a whole number from 0 to {DUE_WITHIN_MAX}"))
    phase_transfer = asked.get("phase_transfer", "").strip()
    if phase_transfer and not (_digits(phase_transfer) and len(phase_transfer) == 4
                               and FIRST_YEAR <= int(phase_transfer) <= LAST_YEAR):
        errors.append(("phase_transfer", "Enter the year of transfer as 4 digits, for example 2027"))
    texts = {}
    for name, label in (("school", "School or setting"), ("caseworker", "Caseworker")):
        texts[name] = asked.get(name, "").strip()
        if len(texts[name]) > FILTER_TEXT_MAX or not texts[name].isprintable():
            errors.append((name, f"{label} must be up to {FILTER_TEXT_MAX} characters, letters, digits and "
                                 f"punctuation only"))
            if not texts[name].isprintable():  # a control character is not written back into the page
                texts[name] = ""
    page_text = asked.get("page", "1")
    page = int(page_text) if _digits(page_text) and len(page_text) < 7 else 1
    mine = asked.get("mine") == "yes"
    overdue = asked.get("overdue") == "yes"
    filters = {"due_within": due_within, "phase_transfer": phase_transfer, **texts, "mine": mine,
               "overdue": overdue}
    as_of = app.clock.today()
    result = None
    if not errors:
        wanted = PlanFilter(due_within=int(due_within) if due_within else None, overdue=overdue,
                            phase_transfer=int(phase_transfer) if phase_transfer else None,
                            school=texts["school"] or None,
                            caseworker=session.viewer.name if mine else (texts["caseworker"] or None))
        result = plans_page(app, session.viewer, as_of, wanted, page=page)
    return render(request, "reviews.html", {
        # The plans follow the cases' access rule, whose words name cases.
        "scope_text": case_scope(session.viewer, app.settings).described.replace("cases", "plans"),
        "errors": errors, "field_errors": dict(errors), "filters": filters, "result": result, "as_of": as_of,
        "page_link": lambda number: "/reviews?" + urlencode(_query(filters, number)), **NAMES,
    }, status_code=400 if errors else 200)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _query(filters: dict, page: int) -> list[tuple[str, str]]:
    """The filters as a query string, leaving out what is not set."""
    pairs = [(name, str(value)) for name, value in filters.items() if value and name not in ("mine", "overdue")]
    pairs += [(name, "yes") for name in ("mine", "overdue") if filters[name]]
    return pairs + ([("page", str(page))] if page > 1 else [])


def year_group_name(group: str | None) -> str:
    if group is None:
        return "Past year 13"
    if group == "R":
        return "Reception"
    return f"Nursery ({group})" if group.startswith("N") else f"Year {group}"


def transfer_name(transfer: str) -> str:
    return TRANSFER_NAMES.get(transfer, transfer.replace("_", " ").replace("post16", "post-16").capitalize())


def regulation_name(regulation: str) -> str:
    """"CFA s44(1)" as it is; a regulation number as "Reg 20(3)"."""
    return regulation if regulation.startswith("CFA") else f"Reg {regulation}"


# What both pages call things; the templates are given these.
NAMES = {"stage_names": STAGE_NAMES, "outcome_names": OUTCOME_NAMES, "year_group_name": year_group_name,
         "transfer_name": transfer_name, "regulation_name": regulation_name}


# -- recording a review event ----------------------------------------------------------------------------


@router.get("/reviews/{plan_ref:path}/record")
def choose_event_page(request: Request, plan_ref: str, session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    record, _ = _visible(request, session, plan_ref)
    return _choose_form(request, record.plan_ref, {})


@router.post("/reviews/{plan_ref:path}/record")
def choose_event_submitted(request: Request, plan_ref: str, session: SignedIn = Depends(case_worker_or_manager),
                           form: FormData = Depends(posted_form)) -> Response:
    record, _ = _visible(request, session, plan_ref)
    entered = entered_values(form, (CHOOSE_EVENT,))
    if entered["event"] in REVIEW_EVENT_FORMS_BY_SLUG:
        return RedirectResponse(f"/reviews/{record.plan_ref}/record/{entered['event']}", status_code=303)
    errors = FormErrors((CHOOSE_EVENT,), entered)
    errors.add(FieldProblems.one("event", "select one of the events listed"))
    return _choose_form(request, record.plan_ref, entered, errors)


def _choose_form(request: Request, plan_ref: str, entered: dict, errors: FormErrors | None = None) -> Response:
    return form_page(request, heading="Record a review event", caption=f"Plan {plan_ref}", fields=(CHOOSE_EVENT,),
                      entered=entered, errors=errors, action=f"/reviews/{plan_ref}/record",
                      back=f"/reviews/{plan_ref}", back_text="Back to the plan", button="Continue")


@router.get("/reviews/{plan_ref:path}/record/{event}")
def event_page(request: Request, plan_ref: str, event: str,
               session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    record, _ = _visible(request, session, plan_ref)
    return _event_form(request, record.plan_ref, _event_form_named(event), {})


@router.post("/reviews/{plan_ref:path}/record/{event}")
def event_submitted(request: Request, plan_ref: str, event: str, session: SignedIn = Depends(case_worker_or_manager),
                    form: FormData = Depends(posted_form)) -> Response:
    app = request.app.state.app
    record, _ = _visible(request, session, plan_ref)
    event_form = _event_form_named(event)
    fields = review_fields(event_form)
    entered = entered_values(form, fields)
    errors = FormErrors(fields, entered, history_field="on", aliases=dict(event_form.aliases))
    on = errors.attempt(lambda: date_from(entered, fields[0]))
    options = review_options(event_form, entered, errors)
    # With the date refused, the other fields are still checked (on today), so every problem shows at once.
    new_event = errors.attempt(lambda: review_event_from_options(event_form.event_type, on or app.clock.today(),
                                                                 options))
    if not errors:
        errors.attempt(lambda: record_review_event(app, record.plan_ref, new_event, session.viewer.username))
    if errors:
        return _event_form(request, record.plan_ref, event_form, entered, errors)
    return RedirectResponse(f"/reviews/{record.plan_ref}?done={event_form.slug}", status_code=303)


def _event_form(request: Request, plan_ref: str, event_form: EventForm, entered: dict,
                errors: FormErrors | None = None) -> Response:
    return form_page(request, heading=event_form.name, caption=f"Plan {plan_ref}", fields=review_fields(event_form),
                      entered=entered, errors=errors, action=f"/reviews/{plan_ref}/record/{event_form.slug}",
                      back=f"/reviews/{plan_ref}/record", back_text="Back to the events", button="Record",
                      intro=(event_form.hint,))


def _event_form_named(event: str) -> EventForm:
    event_form = REVIEW_EVENT_FORMS_BY_SLUG.get(event.replace("_", "-"))
    if event_form is None:
        raise HTTPException(status_code=404)
    return event_form


# -- voiding one -----------------------------------------------------------------------------------------


@router.get("/reviews/{plan_ref:path}/events/{sequence}/void")
def void_page(request: Request, plan_ref: str, sequence: str,
              session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    record, _ = _visible(request, session, plan_ref)
    return _void_form(request, record, _sequence_in(record, sequence), {})


@router.post("/reviews/{plan_ref:path}/events/{sequence}/void")
def void_submitted(request: Request, plan_ref: str, sequence: str, session: SignedIn = Depends(case_worker_or_manager),
                   form: FormData = Depends(posted_form)) -> Response:
    app = request.app.state.app
    record, _ = _visible(request, session, plan_ref)
    number = _sequence_in(record, sequence)
    entered = entered_values(form, VOID_FIELDS)
    errors = FormErrors(VOID_FIELDS, entered)
    errors.attempt(lambda: void_review_event(app, record.plan_ref, number, entered["reason"],
                                             session.viewer.username))
    if errors:
        return _void_form(request, record, number, entered, errors)
    return RedirectResponse(f"/reviews/{record.plan_ref}?done=voided", status_code=303)


def _sequence_in(record: PlanRecord, sequence: str) -> int:
    """The event's sequence from the address; a number that is not one of the plan's events is a 404."""
    if not _digits(sequence) or not 1 <= int(sequence) <= len(record.audit):
        raise HTTPException(status_code=404)
    return int(sequence)


def _void_form(request: Request, record: PlanRecord, sequence: int, entered: dict,
               errors: FormErrors | None = None) -> Response:
    event = record.audit[sequence - 1]
    details = tuple((name.capitalize(), govuk_date(value) if name == "meeting" else OUTCOME_NAMES.get(value, value))
                    for name, value in event["details"].items())
    plan_ref = record.plan_ref
    return form_page(request, heading="Void a review event", caption=f"Plan {plan_ref}", fields=VOID_FIELDS,
                      entered=entered, errors=errors, action=f"/reviews/{plan_ref}/events/{sequence}/void",
                      back=f"/reviews/{plan_ref}", back_text="Back to the plan", button="Void event", warning=True,
                      intro=("The plan's reviews are then as if the event never happened. Its row stays in the "
                             "audit trail, marked as voided, beside the correction.",),
                      summary=(("Event", f"E{sequence} {_event_name(event['type'])}"),
                               ("Date", govuk_date(event["date"])), *details, ("Recorded by", event["actor"])))


def _event_name(event_type: str) -> str:
    form = REVIEW_EVENT_FORMS.get(event_type)
    return form.name if form else event_type.replace("_", " ").capitalize()


# -- the plan's page (last: its address takes the rest of the path, so the forms' are matched first) ----------


@router.get("/reviews/{plan_ref:path}")
def plan_page(request: Request, plan_ref: str, session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    app = request.app.state.app
    page = _access_checked(plan_ref, lambda checked: review_page(app, session.viewer, checked, app.clock.today()))
    return render(request, "review.html", {
        "page": page, "record": page.record, "timeline": page.timeline, "next": next_date(page.timeline),
        "trail": audit_trail(page.record), "voidable": RECORDABLE_PLAN_EVENTS, "event_name": _event_name,
        "done": DONE.get(request.query_params.get("done", "")), **NAMES,
    })


def _visible(request: Request, session: SignedIn, plan_ref: str) -> tuple[PlanRecord, PlanTimeline]:
    """The plan and its timeline as of today, if this person may see it; otherwise a 404 (recorded)."""
    app = request.app.state.app
    return _access_checked(plan_ref, lambda checked: visible_plan(app, session.viewer, checked, app.clock.today()))


def _access_checked(plan_ref: str, read: Callable[[str], T]) -> T:
    """``read(plan_ref)``, the reference checked first; a plan that does not exist, or that the person may not
    see, is a 404 (the second recorded as ``access_refused``)."""
    try:
        return read(parse_reference("plan_ref", plan_ref))
    except (PlanNotFound, InputError):
        raise HTTPException(status_code=404) from None
    except PlanHidden:
        raise NotAllowed(plan_ref, "a plan of a team this account may not see") from None
