"""Which reminders, escalations and stage alerts are due on a day, and why. Pure: no I/O, no clock.

Input is a case's timeline (domain.timeline), the contributor directory
entries its advice requests name, the LA's policy (domain.reminders.policy)
and the working calendar; output is a list of planned messages, each with a
key that is unique per case, purpose, recipient and due date, so writing
them to the outbox twice (a re-run, two watches at once) stores each once.

Nothing is planned for a weekend or an England bank holiday: the next
working day's run catches up, within the policy's catch-up allowance.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from domain.calendar import WorkingCalendar
from domain.events import Agency
from domain.reminders.messages import MessageKind, PlannedMessage, day_label, message_key
from domain.rag import rag_of
from domain.reminders.policy import ReminderPolicy
from domain.rules import Step
from domain.timeline import AdviceDeadline, Deadline, Stage, Status, Timeline

AGENCY_LABELS: dict[str, str] = {
    Agency.HEALTH: "health", Agency.SOCIAL_CARE: "social care",
    Agency.EDUCATIONAL_PSYCHOLOGY: "educational psychology", Agency.EDUCATION: "education", Agency.OTHER: "other",
}
STEP_LABELS: dict[Step, str] = {
    Step.DECISION_TO_ASSESS: "decision whether to assess (Reg 5(1))",
    Step.NO_PLAN_NOTICE: "notice that no plan will be issued (Reg 10(1))",
    Step.REPRESENTATIONS_CLOSE: "representations on the draft plan close (Reg 13(1)(a))",
    Step.FINAL_PLAN: "final EHC plan (Reg 13(2))",
}


NO_DRAFT = "no_draft"


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True)


class ContributorEntry(_Data):
    """One advice giver from the contributor directory."""

    code: str
    name: str
    agency: Agency
    team: str | None = None
    email: str | None = None
    escalation_email: str | None = None


class CaseForReminders(_Data):
    """What the planner needs of a case: never the child's name."""

    reference: str
    caseworker: str | None
    timeline: Timeline


class Dated(Protocol):
    """A statutory date with the last working day on or before it: a request's or a review's deadline."""

    @property
    def statutory(self) -> date: ...
    @property
    def last_working_day(self) -> date: ...


def due_label(deadline: Dated) -> str:
    """Both dates, each named, even when they are the same day: the working-day offsets count from the last
    working day, so a reminder's reason says which day that is as well as the date the law sets."""
    return f"statutory date {day_label(deadline.statutory)}, last working day {day_label(deadline.last_working_day)}"


# -- the planner --------------------------------------------------------------------------------

def plan_messages(
    case: CaseForReminders,
    contributors: dict[str, ContributorEntry],
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    as_of: date,
) -> list[PlannedMessage]:
    """Every message due on ``as_of`` for one case; none on a weekend or bank holiday, none for a closed case."""
    timeline = case.timeline
    if not calendar.is_working_day(as_of) or not timeline.stage.is_open:
        return []
    planner = _Planner(case, contributors, policy, calendar, as_of)
    for advice in timeline.advice:
        if advice.status in (Status.OPEN, Status.OVERDUE):
            planner.advice_reminder(advice)
            planner.advice_escalations(advice)
    planner.stage_alerts()
    return sorted(planner.messages.values(), key=lambda m: (m.case_reference, m.send_on, m.key))


class _Planner:
    def __init__(self, case: CaseForReminders, contributors: dict[str, ContributorEntry], policy: ReminderPolicy,
                 calendar: WorkingCalendar, as_of: date) -> None:
        self.case = case
        self.contributors = contributors
        self.policy = policy
        self.calendar = calendar
        self.as_of = as_of
        self.rag = rag_of(case.timeline, policy, calendar)
        self.messages: dict[str, PlannedMessage] = {}

    # -- advice ------------------------------------------------------------------------------

    def advice_reminder(self, advice: AdviceDeadline) -> None:
        """The latest reminder step reached, if no more than the catch-up allowance ago: older ones are stale."""
        policy = self.policy.agencies[Agency(advice.agency)]
        steps = []
        for step in policy.reminders:
            if step == "request":
                send_on = self._on_or_after(advice.requested)
            else:
                send_on = self.calendar.shift_working_days(advice.last_working_day, step)
            steps.append((send_on, step))
        reached = [(send_on, step) for send_on, step in steps if send_on <= self.as_of]
        if not reached:
            return
        send_on, step = max(reached, key=lambda pair: (pair[0], pair[1] != "request"))
        if self.calendar.shift_working_days(send_on, self.policy.delivery.catch_up_working_days) < self.as_of:
            return
        what = self._advice_what(advice)
        reason = f"{_step_words(step, advice)} {AGENCY_LABELS[advice.agency]} advice due ({due_label(advice)})"
        step_name = "request" if step == "request" else f"{step:+d}"
        self._add(
            kind=MessageKind.ADVICE_REMINDER, purpose=f"advice-reminder/{advice.key}/{step_name}",
            recipient_spec="contributor", advice=advice, deadline=advice, what=what, send_on=send_on,
            reason=reason, subject_ref=advice.key,
        )

    def advice_escalations(self, advice: AdviceDeadline) -> None:
        """The highest rung reached, and only that one: a watch that first finds the advice late after several
        rungs' days have passed (the first watch after an import, or after days without one) tells the person
        now due, not everyone up the ladder on the same morning. A daily watch reaches each rung on its own day;
        each rung keeps its own key, so a re-run queues nothing new."""
        if advice.exceptions:
            return  # a Reg 8(2) exception excuses the delay: remind, but do not escalate
        policy = self.policy.agencies[Agency(advice.agency)]
        reached = [(rung, send_on) for rung in policy.escalations
                   if (send_on := self.calendar.shift_working_days(advice.last_working_day, rung.after)) <= self.as_of]
        if not reached:
            return
        rung, send_on = reached[-1]
        late = (self.as_of - advice.statutory).days
        passed_over = (f"; the highest rung due, so {_joined([earlier.title for earlier, _ in reached[:-1]])} "
                       f"{'is' if len(reached) == 2 else 'are'} not told now" if len(reached) > 1 else "")
        reason = (f"{AGENCY_LABELS[advice.agency]} advice due ({due_label(advice)}) not received "
                  f"{rung.after} working day{'s' if rung.after != 1 else ''} after it was due "
                  f"({late} day{'s' if late != 1 else ''} overdue): escalation to {rung.title}{passed_over}")
        self._add(
            kind=MessageKind.ADVICE_ESCALATION, purpose=f"advice-escalation/{advice.key}/+{rung.after}",
            recipient_spec=rung.to, advice=advice, deadline=advice, what=self._advice_what(advice),
            send_on=send_on, reason=reason, subject_ref=advice.key, escalation_title=rung.title,
        )

    def _advice_what(self, advice: AdviceDeadline) -> str:
        source = f" from {advice.contributor}" if advice.contributor else ""
        return f"{AGENCY_LABELS[advice.agency]} advice{source} (Reg {advice.regulation})"

    # -- stage risk --------------------------------------------------------------------------

    def stage_alerts(self) -> None:
        timeline, alerts, as_of = self.case.timeline, self.policy.alerts, self.as_of
        decision = timeline.deadlines[Step.DECISION_TO_ASSESS]
        if decision.status is Status.OPEN and self.calendar.within_working_days(
                as_of, decision.last_working_day, alerts.decision_due_soon.within_working_days):
            self._alert("decision-due-soon", alerts.decision_due_soon.to, decision,
                        f"decision whether to assess due ({due_label(decision)}): within "
                        f"{alerts.decision_due_soon.within_working_days} working days")

        final = timeline.deadlines[Step.FINAL_PLAN]
        if timeline.stage is Stage.ASSESSMENT:
            target = timeline.received + timedelta(days=7 * alerts.no_draft_by_week.week)
            if as_of >= target and final.status in (Status.OPEN, Status.OVERDUE):
                self._alert("no-draft-by-target-week", alerts.no_draft_by_week.to, final,
                            f"no draft plan by the local target of week {alerts.no_draft_by_week.week} "
                            f"(ended {day_label(target - timedelta(days=1))}); final plan due ({due_label(final)})",
                            subject_ref=NO_DRAFT)

        window = timeline.deadlines.get(Step.REPRESENTATIONS_CLOSE)
        if window is not None and window.status is Status.OPEN:
            self._alert("representations-open", alerts.representations_open.to, window,
                        f"representation window on the draft plan open; it closes: {due_label(window)}")

        if final.status is Status.OPEN and self.calendar.within_working_days(
                as_of, final.last_working_day, alerts.final_plan_due_soon.within_working_days):
            self._alert("final-plan-due-soon", alerts.final_plan_due_soon.to, final,
                        f"final EHC plan due ({due_label(final)}): within "
                        f"{alerts.final_plan_due_soon.within_working_days} working days")

        for deadline in timeline.pending:
            if deadline.status is not Status.OVERDUE:
                continue
            name = deadline.key if isinstance(deadline, AdviceDeadline) else deadline.step.value
            label = (f"{AGENCY_LABELS[deadline.agency]} advice from {deadline.key}"
                     if isinstance(deadline, AdviceDeadline) else STEP_LABELS[deadline.step])
            excused = f"; exception {', '.join(deadline.exceptions)} applies" if deadline.exceptions else ""
            self._alert(f"statutory-date-missed/{name}", alerts.statutory_date_missed.to, deadline,
                        f"statutory date missed: {label} was due ({due_label(deadline)}){excused}",
                        subject_ref=name)

    def _alert(self, purpose: str, recipients: tuple[str, ...], deadline: Deadline, reason: str,
               subject_ref: str | None = None) -> None:
        what = (self._advice_what(deadline) if isinstance(deadline, AdviceDeadline)
                else STEP_LABELS.get(deadline.step, deadline.title))
        for spec in recipients:
            self._add(kind=MessageKind.STAGE_ALERT, purpose=f"alert/{purpose}", recipient_spec=spec, advice=None,
                      deadline=deadline, what=what, send_on=self.as_of, reason=reason,
                      subject_ref=subject_ref or deadline.step.value)

    # -- recipients and assembly -------------------------------------------------------------

    def _add(self, *, kind: MessageKind, purpose: str, recipient_spec: str, advice: AdviceDeadline | None,
             deadline: Deadline, what: str, send_on: date, reason: str, subject_ref: str,
             escalation_title: str | None = None) -> None:
        recipient, title, address, channel = self._resolve(recipient_spec, advice)
        if escalation_title and recipient_spec.startswith("role:"):
            title = escalation_title.removeprefix("the ")
        key = message_key(self.case.reference, purpose, recipient, deadline.statutory)
        self.messages[key] = PlannedMessage(
            key=key, case_reference=self.case.reference, kind=kind, purpose=purpose, recipient=recipient,
            recipient_title=title, channel=channel, to_address=address, what=what, due_on=deadline.statutory,
            last_working_day=deadline.last_working_day, send_on=send_on, reason=reason, subject_ref=subject_ref,
            rag=self.rag, escalation_title=escalation_title,
        )

    def _resolve(self, spec: str, advice: AdviceDeadline | None) -> tuple[str, str, str | None, str]:
        """(recipient id for the key and audit, how to address them, email address or None, channel)."""
        if spec in ("contributor", "contributor_escalation"):
            code = advice.contributor if advice else None
            entry = self.contributors.get(code) if code else None
            if spec == "contributor":
                title = entry.name if entry else f"{AGENCY_LABELS[advice.agency] if advice else ''} advice giver"
                return f"contributor:{advice.key if advice else '-'}", title, entry.email if entry else None, "email"
            title = f"manager of {entry.name}" if entry else "contributor's escalation contact"
            return (f"escalation:{advice.key if advice else '-'}", title,
                    entry.escalation_email if entry else None, "email")
        if spec == "caseworker":
            return (*caseworker_recipient(self.case.caseworker, self.policy), "email")
        if spec == "channel":
            return "channel:webhook", "casework channel", None, "webhook"
        role = spec.removeprefix("role:")
        return spec, role.replace("_", " "), self.policy.roles[role], "email"

    def _on_or_after(self, day: date) -> date:
        return day if self.calendar.is_working_day(day) else self.calendar.shift_working_days(day, 1)


def caseworker_recipient(caseworker: str | None, policy: ReminderPolicy) -> tuple[str, str, str | None]:
    """(recipient id, how to address them, address): the policy's [caseworkers] entry, else role casework_team."""
    address = policy.caseworkers.get(caseworker) if caseworker else None
    if address is None:
        address = policy.roles.get("casework_team")
    return f"caseworker:{caseworker or 'unassigned'}", caseworker or "casework team", address


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _step_words(step: int | str, advice: AdviceDeadline) -> str:
    if step == "request":
        return f"advice requested {day_label(advice.requested)}:"
    if step == 0:
        return "due today:"
    count = abs(int(step))
    unit = "working day" if count == 1 else "working days"
    return f"{count} {unit} {'before' if int(step) < 0 else 'after'}"


def still_relevant(kind: MessageKind | str, subject_ref: str, timeline: Timeline) -> str | None:
    """Why a queued message should no longer be sent (the case moved on), or None when it still should."""
    if not timeline.stage.is_open:
        return f"case closed ({timeline.stage.value})"
    if subject_ref == NO_DRAFT:
        return None if timeline.stage is Stage.ASSESSMENT else "draft plan served"
    if kind in (MessageKind.ADVICE_REMINDER, MessageKind.ADVICE_ESCALATION) or subject_ref not in tuple(Step):
        advice = next((a for a in timeline.advice if a.key == subject_ref), None)
        if advice is not None:
            return None if advice.status in (Status.OPEN, Status.OVERDUE) else f"advice {advice.status.value}"
    deadline = timeline.deadlines.get(subject_ref) if subject_ref in tuple(Step) else None
    if deadline is not None and deadline.status not in (Status.OPEN, Status.OVERDUE):
        return f"{deadline.step.value} {deadline.status.value}"
    return None
