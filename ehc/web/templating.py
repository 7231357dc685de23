"""The pages' templates (templates/, GOV.UK Frontend markup) and the filters they share.

``render`` gives every page what the layout needs: the person signed in, the CSRF token for its forms
(security.py), the service's and the authority's names.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ehc.clock import LONDON

TEMPLATES = Path(__file__).parent / "templates"
SERVICE_NAME = "EHC timelines"
# How pages name each stage (domain.timeline.Stage).
STAGE_NAMES = {
    "awaiting_decision": "Awaiting decision", "assessment": "Assessment", "draft": "Draft plan",
    "issued": "Plan issued", "no_plan": "Notice not to issue", "not_assessed": "Not assessed",
    "withdrawn": "Withdrawn",
}
# How pages name each status of a statutory step (domain.timeline.Status).
STATUS_NAMES = {
    "done_on_time": "Done on time", "done_late": "Done late", "open": "Open", "overdue": "Overdue",
    "not_required": "Not required", "closed": "Closed",
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def govuk_date(day: date | datetime | str | None) -> str:
    """A date as the GOV.UK style guide writes it: "19 January 2027" (no leading zero, month in words).

    A moment is written as its date in London; text is read as an ISO date (what the case views hold)."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = datetime.fromisoformat(day) if "T" in day else date.fromisoformat(day)
    if isinstance(day, datetime):
        day = day.astimezone(LONDON).date() if day.tzinfo else day.date()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def govuk_time(moment: datetime | str | None) -> str:
    """A moment as "19 January 2027, 2:05pm", London time (the style guide's 12-hour clock)."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(LONDON) if moment.tzinfo else moment
    hour = local.hour % 12 or 12
    return f"{govuk_date(local.date())}, {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def days_left(days: int | None) -> str:
    """Days remaining as a person says them: "12 days", "1 day", "due today", "3 days overdue"."""
    if days is None:
        return ""
    if days == 0:
        return "due today"
    count = abs(days)
    words = f"{count} day{'s' if count != 1 else ''}"
    return words if days > 0 else f"{words} overdue"


def navigation_for(viewer) -> tuple[tuple[str, str], ...]:
    """The service navigation's links (path, label) for a role: an admin's pages are about accounts only."""
    from ehc.services.access import Role

    if viewer.role is Role.ADMIN:
        return (("/admin/users", "Users"),)
    return (("/cases", "Caseload"), ("/reviews", "Reviews"), ("/team", "Team"))


def build_environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["govuk_date"] = govuk_date
    environment.filters["govuk_time"] = govuk_time
    environment.filters["stage_name"] = lambda stage: STAGE_NAMES.get(str(stage), str(stage))
    environment.filters["status_name"] = lambda status: STATUS_NAMES.get(str(status), str(status))
    environment.filters["days_left"] = days_left
    environment.globals["service_name"] = SERVICE_NAME
    return environment


def render(request: Request, template: str, context: dict | None = None, status_code: int = 200) -> HTMLResponse:
    from ehc.web.security import CSRF_FIELD, form_token, set_form_cookie
    from ehc.web.sessions import current_session

    state = request.app.state
    csrf_token, new_form_cookie = form_token(request)
    signed_in = current_session(request)
    page = state.templates.get_template(template).render({
        "request_path": request.url.path,
        "viewer": signed_in.viewer if signed_in else None,
        "navigation": navigation_for(signed_in.viewer) if signed_in else (),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token,
        "authority": state.app.la.authority.name,
        **(context or {}),
    })
    response = HTMLResponse(page, status_code=status_code)
    set_form_cookie(request, response, new_form_cookie)
    return response
