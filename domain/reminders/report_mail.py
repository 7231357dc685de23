"""Who gets the weekly timeliness report by email, keyed so that it is queued once per week and recipient.

Pure: the LA's policy (``[reports] weekly_distribution``: roles from
``[roles]`` or email addresses) and the report's ``as_of`` go in; one
planned message per distinct address comes out. The outbox key names the
report's day and the recipient, so re-running the weekly report for the
same day queues nothing new, while a new week's report is a new message.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.reminders.messages import MessageKind, message_key
from domain.reminders.policy import ReminderPolicy

# The outbox key's first part, where a case's messages have the case reference: this message is about the service.
SERVICE = "service"
WEEKLY_REPORT_PURPOSE = "weekly-report"


class ReportMessage(BaseModel):
    """One email of the weekly report: to whom, under which key and why (no case, no names)."""

    model_config = ConfigDict(frozen=True)

    key: str
    kind: MessageKind = MessageKind.WEEKLY_REPORT
    case_reference: None = None  # about the service, not a case
    purpose: str
    recipient: str  # as the policy names it: "role:send_manager" or an address
    channel: Literal["email"] = "email"
    to_address: str
    as_of: date  # the last day the report covers
    subject_ref: str  # which report: "weekly-report/2026-11-23"
    due_on: date  # the report's day, which the key names too
    send_on: date
    reason: str


def recipient_address(recipient: str, policy: ReminderPolicy) -> str:
    """``role:NAME`` -> that role's address (the policy has checked it exists); an address stays as it is."""
    if recipient.startswith("role:"):
        return policy.roles[recipient.removeprefix("role:")]
    return recipient


def plan_weekly_report_mail(as_of: date, policy: ReminderPolicy) -> list[ReportMessage]:
    """One message per address on the weekly distribution list, in the list's order.

    Two entries that come to the same address (a role and its address written
    out) make one message: nobody gets the report twice.
    """
    messages: list[ReportMessage] = []
    seen: set[str] = set()
    for recipient in policy.reports.weekly_distribution:
        address = recipient_address(recipient, policy)
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        messages.append(ReportMessage(
            key=message_key(SERVICE, WEEKLY_REPORT_PURPOSE, recipient, as_of), purpose=WEEKLY_REPORT_PURPOSE,
            recipient=recipient, to_address=address, as_of=as_of, subject_ref=f"{WEEKLY_REPORT_PURPOSE}/{as_of}",
            due_on=as_of, send_on=as_of, reason=f"the weekly timeliness report to the end of {as_of.isoformat()}"))
    return messages
