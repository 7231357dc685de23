"""What the casework form tests do as a person in a browser does: open a form, fill it in, send it; and read
back what the page says (the error summary, a field's message, the success banner) and what the store holds."""

from __future__ import annotations

import html
import re
from datetime import date

from ehc.bootstrap import App
from ehc.case_views import case_json
from ehc.services.casework import add_request, show_case
from domain.intake import NewRequest
from tests.web.support import TODAY, form_token

SUMMARY_LINK = re.compile(r'<li><a href="(#[^"]*)">([^<]*)</a></li>')
BANNER = re.compile(r'govuk-notification-banner__heading">([^<]*)<')
# Tables whose rows are casework; sessions and the audit log change on a refusal by design (it is recorded).
NOT_CASEWORK = ("web_sessions", "audit_log")


def submit(client, path: str, fields: dict[str, str], *, with_token: bool = True):
    """Send the form at ``path`` with ``fields``, and its CSRF token as the page gave it."""
    data = {"csrf_token": form_token(client, path)} if with_token else {}
    return client.post(path, data={**data, **fields}, follow_redirects=False)


def date_typed(name: str, day: date | tuple[str, str, str] | None) -> dict[str, str]:
    """A GOV.UK date input's three boxes: a date, or exactly what was typed as (day, month, year)."""
    if day is None:
        return {}
    typed = (str(day.day), str(day.month), str(day.year)) if isinstance(day, date) else day
    return {f"{name}-{part}": value for part, value in zip(("day", "month", "year"), typed)}


def error_summary(page) -> list[tuple[str, str]]:
    """(link, message) for each problem in the page's error summary."""
    assert "There is a problem" in page.text, page.text[:3000]
    return [(anchor, html.unescape(message)) for anchor, message in SUMMARY_LINK.findall(page.text)]


def field_error(page, field: str) -> str:
    found = re.search(rf'<p id="{re.escape(field)}-error" class="govuk-error-message">'
                      r'<span class="govuk-visually-hidden">Error:</span> ([^<]*)</p>', page.text)
    assert found, f"no error message at {field}"
    return html.unescape(found.group(1))


def kept(page, name: str, value: str) -> bool:
    """Whether the form shows ``value`` as typed into (or chosen for) the field ``name`` again."""
    value = html.escape(value)
    return (f'name="{name}" type="text" value="{value}"' in page.text
            or f'name="{name}" type="radio" value="{value}" checked' in page.text
            or re.search(rf'name="{re.escape(name)}"[^>]*>{re.escape(value)}</textarea>', page.text) is not None)


def banner(page) -> str | None:
    found = BANNER.search(page.text)
    return html.unescape(found.group(1)) if found else None


def casework(dump_tables) -> dict:
    """Every stored row but sessions and the audit log: equal before and after means nothing was stored."""
    return {table: rows for table, rows in dump_tables().items() if table not in NOT_CASEWORK}


def new_case(app: App, reference: str, received: date, team: str = "North", **details) -> None:
    add_request(app, NewRequest(reference=reference, received=received, team=team, **details), "setup",
                hand_over_now=False)


def case_now(app: App, reference: str) -> dict:
    """The case as `ehc case show --json` gives it today."""
    return case_json(*show_case(app, reference, TODAY))
