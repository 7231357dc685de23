"""Render a planned message into a subject, a plain-text part and an HTML part.

Messages carry only what the recipient needs to act: the case (or plan)
reference, the child's initials, what is due and when, and a link; a
school's termly notice lists plan references only. Never the child's
name, date of birth or the record itself. StrictUndefined makes a template
that asks for anything else fail loudly rather than print a blank.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from domain.reminders.messages import PLAN_KINDS, MessageKind, PlannedMessage
from domain.reminders.report_mail import ReportMessage
from domain.reminders.review_planner import TermNotice

ADVICE_KINDS = (MessageKind.ADVICE_REMINDER, MessageKind.ADVICE_ESCALATION)
_HEADLINES = {
    "alert/decision-due-soon": "Decision whether to assess due soon",
    "alert/no-draft-by-target-week": "No draft plan by the target week",
    "alert/representations-open": "Representation window open",
    "alert/final-plan-due-soon": "Final EHC plan due soon",
    "alert/statutory-date-missed": "Statutory date missed",
    "quality-alert/": "EHC plan quality below Good",
    "phase-transfer/countdown/": "Phase transfer deadline ahead",
    "phase-transfer/meeting-target-missed": "Phase transfer review meeting not held by the local target",
    "phase-transfer/deadline-missed": "Phase transfer deadline missed",
}


@dataclass(frozen=True)
class Branding:
    authority: str
    base_url: str
    mail_from: str
    brand_colour: str = "#1d70b8"

    def case_link(self, reference: str) -> str:
        return f"{self.base_url.rstrip('/')}/cases/{reference}"

    def review_link(self, plan_ref: str) -> str:
        """The plan's review page in the web app."""
        return f"{self.base_url.rstrip('/')}/reviews/{plan_ref}"


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    message_id: str


@dataclass(frozen=True)
class ReportFigures:
    """What the weekly report email says: headline counts and where the files are (no case, no names)."""

    as_of: date
    open_requests: int
    open_overdue: int
    plans_issued_rolling_12_months: int
    pct_within_20_weeks_excl_exceptions: float | None
    attachments: tuple[str, ...]  # file names
    saved_in: str  # the folder the files were written to
    quality_review: bool = False  # the report has its quality section
    # Plans in force (None: no plan stored, and the email says nothing of them): how many, and over the rolling
    # 12 months the shares of reviews held within the 12 months and of decisions within 4 weeks of the meeting.
    plans_in_force: int | None = None
    pct_reviews_within_12_months: float | None = None
    pct_decisions_within_4_weeks: float | None = None


def message_id_for(key: str, mail_from: str) -> str:
    """The same outbox key always gives the same Message-ID, so a re-send is recognisably one message."""
    domain = mail_from.rpartition("@")[2] or "ehc.invalid"
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:40]}.ehc@{domain}>"


def _share(percentage: float | None, none: str) -> str:
    return none if percentage is None else f"{percentage:.1f}%"


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


class Renderer:
    def __init__(self, branding: Branding) -> None:
        self.branding = branding
        self.env = Environment(
            loader=PackageLoader("notifications", "templates"),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
            trim_blocks=False,
            keep_trailing_newline=True,
            auto_reload=False,  # packaged templates: a stat per message was a tenth of the watch's time
        )

    def render(self, message: PlannedMessage, initials: str, as_of: date,
               advice_url: str | None = None) -> RenderedMessage:
        """``advice_url``: for a reminder or escalation about an advice request, the portal link to that request
        (required: the message says where to send the advice)."""
        kind = MessageKind(message.kind)
        if kind in ADVICE_KINDS and not advice_url:
            raise ValueError(f"{message.key}: a message about an advice request needs its portal link")
        return self._render(kind, message.key, {**self._context(message, initials, as_of), "advice_url": advice_url})

    def render_term_notice(self, notice: TermNotice) -> RenderedMessage:
        """A school's or setting's termly notice: its pupils' reviews falling in the term, by plan ref only."""
        reviews = [{"plan_ref": review.plan_ref, "meet_by_long": long_date(review.meet_by), "basis": review.basis,
                    "when": review.when, "link": self.branding.review_link(review.plan_ref)}
                   for review in notice.reviews]
        context = {
            "authority": self.branding.authority, "brand_colour": self.branding.brand_colour,
            "recipient_title": notice.recipient_title, "setting": notice.setting, "term": notice.term.name,
            "first_day_long": long_date(notice.term.first_day), "last_day_long": long_date(notice.term.last_day),
            "window_end_long": long_date(notice.window_end), "reviews": reviews,
            "overdue": sum(1 for review in notice.reviews if review.when != "in the term"),
            "reason": notice.reason,
        }
        return self._render(MessageKind.TERM_NOTICE, notice.key, context)

    def render_report(self, message: ReportMessage, figures: ReportFigures) -> RenderedMessage:
        """The weekly timeliness report's email: headline figures in the body, the files attached."""
        pct = figures.pct_within_20_weeks_excl_exceptions
        context = {
            "authority": self.branding.authority, "brand_colour": self.branding.brand_colour,
            "as_of_long": long_date(figures.as_of), "figures": figures,
            "pct": "no plans issued" if pct is None else f"{pct:.1f}%",
            "pct_reviews": _share(figures.pct_reviews_within_12_months, "no review due"),
            "pct_decisions": _share(figures.pct_decisions_within_4_weeks, "no decision made"),
        }
        return self._render(MessageKind(message.kind), message.key, context)

    def _render(self, kind: MessageKind, key: str, context: dict) -> RenderedMessage:
        """The kind's three templates; the subject on one line, and the Message-ID from the outbox key."""
        subject = " ".join(self.env.get_template(f"{kind.value}.subject.j2").render(context).split())
        context = {**context, "subject": subject}
        return RenderedMessage(
            subject=subject,
            text=self.env.get_template(f"{kind.value}.txt.j2").render(context),
            html=self.env.get_template(f"{kind.value}.html.j2").render(context),
            message_id=message_id_for(key, self.branding.mail_from),
        )

    def _context(self, message: PlannedMessage, initials: str, as_of: date) -> dict:
        # One date in a message about a request, the statutory one: "due", "overdue" and the days late are all
        # counted from it. The last working day before it only decides which day a reminder goes out (the reason
        # says so). A message about a plan names both, each labelled: a school plans its meeting around them.
        days_late = max((as_of - message.due_on).days, 0)
        headline_key = next((k for k in _HEADLINES if message.purpose.startswith(k)), None)
        rag = message.rag.value if message.rag else None
        about_plan = MessageKind(message.kind) in PLAN_KINDS
        return {
            "authority": self.branding.authority,
            "brand_colour": self.branding.brand_colour,
            "link": (self.branding.review_link(message.case_reference) if about_plan
                     else self.branding.case_link(message.case_reference)),
            "case_reference": message.case_reference,
            "initials": initials,
            "plan_named": f"EHC plan {message.case_reference}" + (f" ({initials})" if initials else ""),
            "last_working_day_long": long_date(message.last_working_day),
            "recipient_title": message.recipient_title,
            "what": message.what,
            "what_short": message.what.split(" (")[0],
            "due_long": long_date(message.due_on),
            "due_phrase": f"due {long_date(message.due_on)}",
            "overdue": as_of > message.due_on,
            "overdue_by": f"{days_late} day{'s' if days_late != 1 else ''}",
            "reason": message.reason,
            "escalation_title": message.escalation_title or message.recipient_title,
            "headline": _HEADLINES.get(headline_key, "Case alert") if headline_key else "Case alert",
            "rag": rag,
            "rag_word": f"[{rag.upper()}] " if rag else "",
            # quality alerts: the day the plan was reviewed, its grade, and the main reasons (rubric wording)
            "on_long": long_date(message.due_on),
            "grade": message.grade,
            "points": message.points,
        }
