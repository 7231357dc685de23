"""The statutory time limits of the EHC process, as data with their source.

Regulation numbers are the SEND Regulations 2014 (SI 2014/1530) unless
stated. Counting rule: "within N weeks of X" is due on X + 7N days and a step
done on or before that date is on time. "15 days beginning with day X" makes
X day 1, so the window's last day is X + 14.

Each limit below carries a link to its regulation on legislation.gov.uk
(regulation N of SI 2014/1530 is at .../uksi/2014/1530/regulation/N). The
rules, their exceptions and where each is encoded are explained in
docs/RULES.md ("Assessment timescales", "Where each limit lives in the code").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Step(StrEnum):
    DECISION_TO_ASSESS = "decision_to_assess"
    ADVICE = "advice"
    NO_PLAN_NOTICE = "no_plan_notice"
    REPRESENTATIONS_CLOSE = "representations_close"
    CONSULTATION_RESPONSE = "consultation_response"
    FINAL_PLAN = "final_plan"


class Anchor(StrEnum):
    """The event a time limit is counted from."""

    RECEIVED = "received"
    ADVICE_REQUESTED = "advice_requested"
    DRAFT_SERVED = "draft_served"
    CONSULTATION_SENT = "consultation_sent"


class Limb(StrEnum):
    """Exceptions to the time limits, by regulation limb (docs/RULES.md, "Exceptions").

    The Reg 10(4) limbs excuse Reg 10(1), and the same four circumstances
    excuse Reg 5(1) (by Reg 5(4)) and Reg 13(2) (by Reg 13(3)); the Reg 8(2)
    limbs excuse Reg 8(1):

    - Reg 10(4): https://www.legislation.gov.uk/uksi/2014/1530/regulation/10
    - Reg 5(4): https://www.legislation.gov.uk/uksi/2014/1530/regulation/5
    - Reg 13(3): https://www.legislation.gov.uk/uksi/2014/1530/regulation/13
    - Reg 8(2): https://www.legislation.gov.uk/uksi/2014/1530/regulation/8
    """

    SCHOOL_CLOSURE = "10(4)(a)"
    EARLY_YEARS_CLOSURE = "10(4)(b)"
    PERSONAL_CIRCUMSTANCES = "10(4)(c)"
    ABSENT_FROM_AREA = "10(4)(d)"
    ADVICE_EXCEPTIONAL_CIRCUMSTANCES = "8(2)(a)"
    ADVICE_ABSENT_FROM_AREA = "8(2)(b)"
    ADVICE_MISSED_APPOINTMENT = "8(2)(c)"

    @property
    def is_case_exception(self) -> bool:
        """Reg 10(4) limbs excuse the case's own timescales (also via 5(4), 13(3))."""
        return self.value.startswith("10(4)")


LIMB_DESCRIPTIONS: dict[Limb, str] = {
    Limb.SCHOOL_CLOSURE: "advice asked of a school or post-16 institution from one week before "
    "a closure of 4+ weeks until one week before it re-opens",
    Limb.EARLY_YEARS_CLOSURE: "advice asked of an early years provider from one week before "
    "a closure of 4+ weeks until one week before it re-opens",
    Limb.PERSONAL_CIRCUMSTANCES: "exceptional personal circumstances of the child, parent or young person",
    Limb.ABSENT_FROM_AREA: "child, parent or young person absent from the area for 4+ continuous weeks",
    Limb.ADVICE_EXCEPTIONAL_CIRCUMSTANCES: "exceptional circumstances affecting the child, parent or young person",
    Limb.ADVICE_ABSENT_FROM_AREA: "child, parent or young person absent from the area for 4+ continuous weeks",
    Limb.ADVICE_MISSED_APPOINTMENT: "an appointment for an examination or test was not kept",
}

# Reg 10(4)(d) and Reg 8(2)(b): the absence from the area must be "for a continuous period of not less than
# 4 weeks". A shorter absence is recorded but excuses nothing (docs/RULES.md, "An absence must last 4 weeks").
MINIMUM_DAYS: dict[Limb, int] = {
    Limb.ABSENT_FROM_AREA: 4 * 7,
    Limb.ADVICE_ABSENT_FROM_AREA: 4 * 7,
}

CASE_LIMBS = tuple(limb for limb in Limb if limb.is_case_exception)
ADVICE_LIMBS = tuple(limb for limb in Limb if not limb.is_case_exception)


@dataclass(frozen=True)
class TimeLimit:
    step: Step
    title: str
    anchor: Anchor
    days: int
    regulation: str
    statutory: bool
    exceptions: tuple[Limb, ...]

    def due(self, anchor_date: date) -> date:
        return anchor_date + timedelta(days=self.days)


# Reg 5(1), exceptions Reg 5(4): https://www.legislation.gov.uk/uksi/2014/1530/regulation/5
DECISION_TO_ASSESS = TimeLimit(
    Step.DECISION_TO_ASSESS, "Decision whether to assess, notified to parent/young person",
    Anchor.RECEIVED, 6 * 7, "5(1)", True, CASE_LIMBS,  # exceptions via Reg 5(4)
)
# Reg 8(1), exceptions Reg 8(2): https://www.legislation.gov.uk/uksi/2014/1530/regulation/8
ADVICE = TimeLimit(
    Step.ADVICE, "Advice returned", Anchor.ADVICE_REQUESTED, 6 * 7, "8(1)", True, ADVICE_LIMBS,
)
# Reg 10(1), exceptions Reg 10(4): https://www.legislation.gov.uk/uksi/2014/1530/regulation/10
NO_PLAN_NOTICE = TimeLimit(
    Step.NO_PLAN_NOTICE, "Notice that no EHC plan will be issued",
    Anchor.RECEIVED, 16 * 7, "10(1)", True, CASE_LIMBS,
)
# Reg 13(1)(a): https://www.legislation.gov.uk/uksi/2014/1530/regulation/13
REPRESENTATIONS_CLOSE = TimeLimit(
    # "at least 15 days beginning with the day the draft is served": a minimum,
    # so no exception can shorten it.
    Step.REPRESENTATIONS_CLOSE, "Parent/young person representations on the draft plan close",
    Anchor.DRAFT_SERVED, 15 - 1, "13(1)(a)", True, (),
)
# Guidance, not law: SEND Code of Practice 9.83,
# https://www.gov.uk/government/publications/send-code-of-practice-0-to-25 ; under CFA s39-s40,
# https://www.legislation.gov.uk/ukpga/2014/6/section/39 and .../section/40
CONSULTATION_RESPONSE = TimeLimit(
    # CFA s39-s40 with CoP 9.83: guidance, so a local target and never shown as statutory.
    Step.CONSULTATION_RESPONSE, "Setting consulted on naming responds (guidance)",
    Anchor.CONSULTATION_SENT, 15, "CoP 9.83", False, (),
)
# Reg 13(2), exceptions Reg 13(3) (= Reg 10(4)(a)-(d)): https://www.legislation.gov.uk/uksi/2014/1530/regulation/13
FINAL_PLAN = TimeLimit(
    Step.FINAL_PLAN, "Final EHC plan issued", Anchor.RECEIVED, 20 * 7, "13(2)", True, CASE_LIMBS,
)
