"""One case as the web app shows it: what `ehc case show` shows, plus its messages and plan quality.

The case and its timeline come from ``show_case`` and ``case_json`` (ehc/case_views.py), as for the CLI;
the messages from the outbox (``list_outbox``); the quality review from ``latest_report``. Nothing here
works a date out again. Access is checked first: a case the viewer may not see is ``CaseHidden``, which the
web app answers exactly as a reference that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.rag import Rag, rag_of
from domain.timeline import Timeline
from ehc.bootstrap import App
from ehc.case_views import case_json
from ehc.services.access import Viewer, may_see_case
from ehc.services.casework import show_case
from ehc.services.messages import OutboxEntry, list_outbox
from ehc.services.plan_quality import latest_report
from store.cases import CaseRecord
from store.quality import NoPlanAttached

ADVICE_MESSAGE_KINDS = ("advice_reminder", "advice_escalation")


class CaseHidden(LookupError):
    """The case exists but this viewer may not see it; shown exactly as a reference that does not exist."""


@dataclass(frozen=True)
class CasePage:
    record: CaseRecord
    timeline: Timeline
    case: dict  # case_json: the `ehc case show --json` contract
    rag: Rag | None
    messages: list[OutboxEntry]
    advice_messages: dict[str, list[OutboxEntry]]  # by advice request key: its reminders and escalations
    quality: dict | None  # latest_report, or None with no plan attached


def visible_case(app: App, viewer: Viewer, reference: str, as_of: date) -> tuple[CaseRecord, Timeline]:
    """The case and its timeline, as ``show_case`` gives them, for a viewer who may see it.

    CaseNotFound (store.cases) for an unknown reference; CaseHidden for one of a team the viewer may not see."""
    record, timeline = show_case(app, reference, as_of)
    if not may_see_case(viewer, record.team, app.settings):
        raise CaseHidden(reference)
    return record, timeline


def case_page(app: App, viewer: Viewer, reference: str, as_of: date) -> CasePage:
    """CaseNotFound (store.cases) for an unknown reference; CaseHidden for one of a team the viewer may not see."""
    record, timeline = visible_case(app, viewer, reference, as_of)
    messages = list_outbox(app, case_reference=reference).messages
    advice_messages: dict[str, list[OutboxEntry]] = {}
    for message in messages:
        if message.kind in ADVICE_MESSAGE_KINDS:
            # The planner names an advice message's purpose "advice-reminder/{key}/..." (domain/reminders/planner.py).
            advice_messages.setdefault(message.purpose.split("/")[1], []).append(message)
    try:
        quality = latest_report(app, reference)
    except NoPlanAttached:
        quality = None
    return CasePage(record, timeline, case_json(record, timeline), rag_of(timeline, app.policy, app.calendar),
                    messages, advice_messages, quality)

