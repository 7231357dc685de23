"""The record-a-review-event forms: one for each event `ehc review record` takes
(domain.plan_events.RECORDABLE_PLAN_EVENTS, which a test keeps them in step with).

Built as the request's event forms are (ehc/web/event_forms.py ``EventForm``, drawn by form_page.html): each
form's fields are named as the options ``review_event_from_options`` takes (ehc/services/reviews.py), so the
web records a review event exactly as the CLI does and a refusal lands at the field it names.
"""

from __future__ import annotations

from functools import partial
from typing import Mapping

from ehc.web.event_forms import EventForm
from ehc.web.forms import Field, FormErrors, Option, date_from

MEETING = Field("meeting", "Date of the review meeting", kind="date", hint="The day it will be held. For example, "
                "18 1 2027", if_missing="Enter the date of the review meeting")
OUTCOME = Field("outcome", "Decision", kind="radios", if_missing="Select the decision", options=(
    Option("maintain", "Maintain the plan", "Keep the plan as it is"),
    Option("amend", "Amend the plan", "Send the proposed amendments with the decision (Reg 22)"),
    Option("cease", "Cease the plan", "Then record the notice to cease, with the right of appeal"),
))

REVIEW_EVENT_FORMS: dict[str, EventForm] = {form.event_type: form for form in (
    EventForm("meeting_notice_sent", "Notice of the review meeting", "Reg 20(3): at least 2 weeks before the "
              "meeting", "Date the notice was sent", (MEETING,),
              aliases=(("", "meeting"),)),  # "the meeting is before the notice" names no field: it is the meeting's
    EventForm("advice_circulated", "Advice and information circulated", "Reg 20(4): at least 2 weeks before the "
              "meeting", "Date the advice was circulated"),
    EventForm("meeting_held", "Review meeting held", "CFA s44(1): the plan is reviewed, and the next 12 months start "
              "with this day", "Date of the review meeting"),
    EventForm("report_received", "Report of the meeting", "Reg 20(8): sent within 2 weeks of the meeting",
              "Date the report was sent"),
    EventForm("decision", "Decision after the review", "Reg 20(10): maintain, amend or cease, notified within "
              "4 weeks of the meeting", "Date the decision was notified", (OUTCOME,)),
    EventForm("proposals_sent", "Proposed amendments sent", "Reg 22(2): the family has at least 15 days to reply; "
              "the amended plan within 8 weeks", "Date the proposals were sent"),
    EventForm("amended_plan_issued", "Amended plan issued", "Reg 22(3): within 8 weeks of the proposals",
              "Date the amended plan was issued"),
    EventForm("plan_ceased", "Plan ceased", "CFA s45: the notice to cease, with the right of appeal within "
              "2 months", "Date of the notice to cease"),
)}
REVIEW_EVENT_FORMS_BY_SLUG = {form.slug: form for form in REVIEW_EVENT_FORMS.values()}


def review_fields(form: EventForm) -> tuple[Field, ...]:
    """The form's fields, the date it happened first."""
    return (form.date_field, *form.fields)


def review_options(form: EventForm, entered: Mapping[str, str], errors: FormErrors) -> dict[str, object]:
    """The form's fields as the options ``review_event_from_options`` takes: a date field read as a date (a
    refusal added to ``errors``), an empty field not given."""
    options: dict[str, object] = {}
    for field in form.fields:
        if field.kind == "date":
            options[field.name] = errors.attempt(partial(date_from, entered, field))
        else:
            options[field.name] = entered.get(field.name) or None
    return options
