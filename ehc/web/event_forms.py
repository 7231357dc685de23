"""The record-an-event forms: one for each event `ehc case record` takes (domain.events.RECORDABLE_EVENT_TYPES).

Each form's fields are named as the options ``event_from_options`` takes (ehc/services/casework.py), so the
web records an event exactly as the CLI does and a refusal lands at the field it names. The one exception is
advice received: the person picks the advice request (by its key, as `ehc case show --json` lists it) and
``event_options`` names it to the service by its contributor or its agency, as `--contributor`/`--agency` do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

from domain.closures import SettingKind
from domain.events import Agency
from domain.rules import LIMB_DESCRIPTIONS, Limb
from domain.timeline import Timeline
from ehc.web.forms import Field, Option
from ehc.web.templating import govuk_date

AGENCY_NAMES = {Agency.HEALTH: "Health", Agency.SOCIAL_CARE: "Social care",
                Agency.EDUCATIONAL_PSYCHOLOGY: "Educational psychology",
                Agency.EDUCATION: "Education (the school or setting)", Agency.OTHER: "Other"}
SETTING_KIND_NAMES = {SettingKind.SCHOOL: "School", SettingKind.POST16: "Post-16 institution",
                      SettingKind.EARLY_YEARS: "Early years provider"}
# Radios whose choices are the case's own advice requests (``Field.choices_from``, filled in by ``for_case``).
OUTSTANDING_ADVICE = "outstanding advice"
EVERY_ADVICE_REQUEST = "every advice request"


@dataclass(frozen=True)
class EventForm:
    event_type: str
    name: str  # as the choice of event and the form's heading say it
    hint: str  # under the choice
    date_label: str
    fields: tuple[Field, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # a service's field -> the form's field that carries it

    @property
    def slug(self) -> str:
        """As the CLI names the event, and the form's address ends: ``advice-requested``."""
        return self.event_type.replace("_", "-")

    @property
    def date_field(self) -> Field:
        return Field("on", self.date_label, kind="date", hint="For example, 27 3 2026",
                     if_missing=f"Enter the {self.date_label[0].lower()}{self.date_label[1:]}")


def _agency_field() -> Field:
    return Field("agency", "Agency", kind="radios", optional=True,
                 hint="Leave it unselected when you give a contributor: their agency is used.",
                 options=tuple(Option(agency.value, AGENCY_NAMES[agency]) for agency in Agency))


def _limb_field() -> Field:
    return Field("limb", "Exception", kind="radios", if_missing="Select the exception",
                 options=tuple(Option(limb.value, f"Reg {limb.value}", _sentence(LIMB_DESCRIPTIONS[limb]))
                               for limb in Limb))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _advice_for_exception() -> Field:
    return Field("advice", "Advice request it excuses", kind="radios", optional=True,
                 choices_from=EVERY_ADVICE_REQUEST,
                 hint="Only for a Reg 8(2) exception, which excuses one advice request. A Reg 10(4) exception is "
                      "for the whole case.")


def _setting_field(label: str) -> Field:
    return Field("setting", label, hint="Its id in the authority's list of settings.",
                 if_missing=f"Enter the {label[0].lower()}{label[1:]}")


def _appeal_hint(what: str) -> str:
    return (f"{what}. It can follow any decision, also after the case closed. The case then leaves the SEN2 "
            "timeliness measures; no statutory date moves.")


EVENT_FORMS: dict[str, EventForm] = {form.event_type: form for form in (
    EventForm("decision", "Decision whether to assess", "Reg 5(1): within 6 weeks of the request",
              "Date of the decision", (
                  Field("outcome", "Decision", kind="radios", if_missing="Select the decision", options=(
                      Option("assess", "Assess", "Carry out an EHC needs assessment"),
                      Option("not_assess", "Do not assess", "The case closes"))),)),
    EventForm("advice_requested", "Advice requested", "Reg 6: the adviser has 6 weeks (Reg 8(1))",
              "Date the advice was requested", (
                  Field("contributor", "Contributor's code", optional=True, width="govuk-!-width-one-half",
                        hint="As the contributor directory lists them, for example DCO-NORTH. Leave it empty to "
                             "ask an agency, and then select it below."),
                  _agency_field(),
                  Field("setting", "School or setting", optional=True,
                        hint="For education advice: its id. Leave it empty for the child's own setting."),
                  Field("setting_kind", "Kind of setting", kind="radios", optional=True,
                        hint="For education advice. Leave it unselected to use the authority's list of settings.",
                        options=tuple(Option(kind.value, SETTING_KIND_NAMES[kind]) for kind in SettingKind)),
              )),
    EventForm("advice_received", "Advice received", "An advice request answered", "Date the advice was received", (
        Field("advice", "Advice request", kind="radios", if_missing="Select the advice request that was answered",
              choices_from=OUTSTANDING_ADVICE),
    ), aliases=(("contributor", "advice"), ("agency", "advice"))),
    EventForm("draft_served", "Draft plan served", "Reg 13(1)(a): the family's 15 days start",
              "Date the draft plan was served"),
    EventForm("representations_received", "Representations received", "The family's response to the draft",
              "Date the representations were received"),
    EventForm("consultation_sent", "Setting consulted", "A school or college asked to be named in the plan",
              "Date the setting was consulted", (_setting_field("Setting consulted"),)),
    EventForm("consultation_answered", "Consultation answered", "A consulted setting replied",
              "Date the setting answered", (_setting_field("Setting that answered"),)),
    EventForm("final_issued", "Final plan issued", "Reg 13(2): within 20 weeks of the request",
              "Date the final plan was issued"),
    EventForm("no_plan_notice", "Notice not to issue a plan", "Reg 10(1): within 16 weeks of the request",
              "Date of the notice"),
    EventForm("withdrawn", "Request withdrawn", "The case closes", "Date the request was withdrawn"),
    EventForm("exception_started", "Exception started", "Reg 10(4) for the case, or Reg 8(2) for one advice request",
              "Date the exception started", (
                  _limb_field(), _advice_for_exception(),
                  Field("evidence", "Evidence", kind="textarea", optional=True,
                        hint="What shows the exception applies. Kept in the audit trail."),
              )),
    EventForm("exception_ended", "Exception ended", "An exception recorded earlier no longer applies",
              "Date the exception ended", (_limb_field(), _advice_for_exception())),
    EventForm("mediation", "Mediation", _appeal_hint("Mediation (Children and Families Act 2014 s52-s55)"),
              "Date of the mediation"),
    EventForm("tribunal", "Tribunal appeal", _appeal_hint("An appeal to the First-tier Tribunal (CFA s51)"),
              "Date of the appeal"),
)}
EVENT_FORMS_BY_SLUG = {form.slug: form for form in EVENT_FORMS.values()}


def for_case(form: EventForm, timeline: Timeline) -> tuple[Field, ...]:
    """The form's fields, the date first, with the case's advice requests as the choices where a field asks
    for one: those still waiting for advice, or every one (and "none") for an exception."""
    def advice_option(advice) -> Option:
        agency = AGENCY_NAMES.get(advice.agency, advice.agency)
        return Option(advice.key, f"{agency}: {advice.contributor}" if advice.contributor else agency,
                      f"Requested {govuk_date(advice.requested)}")

    fields = [form.date_field]
    for field in form.fields:
        if field.choices_from == OUTSTANDING_ADVICE:
            field = replace(field, options=tuple(advice_option(advice) for advice in timeline.advice
                                                 if advice.done_on is None))
        elif field.choices_from == EVERY_ADVICE_REQUEST:
            field = replace(field, options=(Option("", "None: not for one advice request"),
                                            *(advice_option(advice) for advice in timeline.advice)))
        fields.append(field)
    return tuple(fields)


def event_options(form: EventForm, entered: Mapping[str, str], timeline: Timeline) -> dict[str, str | None]:
    """The form's fields as the options ``event_from_options`` takes (an empty field is not given)."""
    options = {field.name: entered.get(field.name) or None for field in form.fields}
    if form.event_type == "advice_received":
        key = options.pop("advice")
        asked = next((advice for advice in timeline.advice if advice.key == key), None)
        by_agency = asked.contributor is None if asked else key in tuple(Agency)
        options["agency" if by_agency else "contributor"] = key
    return options
