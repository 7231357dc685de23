"""RAG: the red, amber or green of an open case, decided once, by the LA's rule. Pure: no clock.

RAG is local practice, not law: the law fixes the statutory dates, and how
near one of them a case may come before it is flagged is the LA's choice,
kept in its reminder policy (``[rag.*]`` in config/policy/*.toml, one rule
per open stage). The same rule colours the weekly report's open cases, the
stage alerts and reminders (the RAG a message carries) and ``ehc cases``
(docs/RULES.md, "RAG, reminders and escalations").

The rule, for a case open at the end of ``as_of``:

- each open stage watches the statutory dates the LA must meet at that
  stage (``RAG_STEPS``): the decision while awaiting it (Reg 5(1)); advice,
  the notice not to issue and the final plan during assessment (Reg 8(1),
  10(1), 13(2)); the final plan once a draft is served (Reg 13(2)). The
  representation window on a draft (Reg 13(1)(a)) is the family's time,
  not a risk to the LA, so it colours nothing;
- red when the last working day on or before the earliest watched date has
  passed (so has the date, or it falls on a weekend or holiday after it), or
  is no more than the stage's ``red_within_working_days`` away;
- amber when it is no more than ``amber_within_working_days`` away;
- green otherwise, and green when the stage watches no pending date;
- a closed case has no RAG (None).

Working days, not calendar days, because they are the days people can act
on: five calendar days over Easter leave one working day.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Iterable

from domain.calendar import WorkingCalendar
from domain.reminders.policy import ReminderPolicy
from domain.rules import Step
from domain.timeline import Stage, Timeline


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


# Which statutory dates each open stage's RAG watches; the earliest pending one decides.
RAG_STEPS: dict[Stage, tuple[Step, ...]] = {
    Stage.AWAITING_DECISION: (Step.DECISION_TO_ASSESS,),
    Stage.ASSESSMENT: (Step.ADVICE, Step.NO_PLAN_NOTICE, Step.FINAL_PLAN),
    Stage.DRAFT: (Step.FINAL_PLAN,),  # the representation window is the family's, not a risk to the LA
}


def rag_of(timeline: Timeline, policy: ReminderPolicy, calendar: WorkingCalendar) -> Rag | None:
    """The case's RAG as of its timeline's ``as_of``; None once it is closed."""
    pending = ((deadline.step, deadline.statutory) for deadline in timeline.pending)
    return rag_of_pending(timeline.stage, pending, timeline.as_of, policy, calendar)


def rag_of_pending(stage: Stage, pending: Iterable[tuple[Step, date]], as_of: date, policy: ReminderPolicy,
                   calendar: WorkingCalendar) -> Rag | None:
    """The rule itself, from the stage and its pending statutory dates (step, date): what the weekly report
    knows of a case without folding its history. None for a closed stage."""
    rule = policy.rag.get(stage)
    if rule is None or not stage.is_open:
        return None
    watched = [due for step, due in pending if step in RAG_STEPS[stage]]
    if not watched:
        return Rag.GREEN
    last_working_day = calendar.last_working_day_on_or_before(min(watched))
    # Gone by: the date has passed, or falls on a weekend or holiday after the last day anyone could act on it.
    if last_working_day < as_of or calendar.within_working_days(as_of, last_working_day, rule.red_within_working_days):
        return Rag.RED
    if calendar.within_working_days(as_of, last_working_day, rule.amber_within_working_days):
        return Rag.AMBER
    return Rag.GREEN
