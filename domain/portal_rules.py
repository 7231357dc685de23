"""What the portal tells contributors and families, as data with the law it comes from. Pure.

- what each agency is asked for: the advice and information the LA must seek under Reg 6(1)
  (https://www.legislation.gov.uk/uksi/2014/1530/regulation/6);
- which decisions a parent or young person may appeal to the First-tier Tribunal (Special Educational Needs
  and Disability), CFA 2014 s51(2) (https://www.legislation.gov.uk/ukpga/2014/6/section/51), after
  contacting a mediation adviser, s55 (https://www.legislation.gov.uk/ukpga/2014/6/section/55), and by when:
  the Tribunal Procedure (First-tier Tribunal) (Health, Education and Social Care Chamber) Rules 2008, rule 20
  (https://www.legislation.gov.uk/uksi/2008/2699/rule/20).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.events import Agency
from domain.timeline import Stage


@dataclass(frozen=True)
class AdviceAsked:
    what: str
    regulation: str


ADVICE_ASKED: dict[Agency, AdviceAsked] = {
    Agency.EDUCATION: AdviceAsked("educational advice and information about the child or young person", "6(1)(b)"),
    Agency.HEALTH: AdviceAsked("medical advice and information from a health care professional", "6(1)(c)"),
    Agency.EDUCATIONAL_PSYCHOLOGY: AdviceAsked("psychological advice and information from an educational "
                                               "psychologist", "6(1)(d)"),
    Agency.SOCIAL_CARE: AdviceAsked("advice and information in relation to social care", "6(1)(e)"),
    Agency.OTHER: AdviceAsked("advice and information the local authority thinks appropriate", "6(1)(f)"),
}


@dataclass(frozen=True)
class AppealRight:
    decision: str  # what the parent or young person may appeal, in plain words
    section: str   # CFA 2014


# The stages a case closes in with a decision that may be appealed (CFA 2014 s51(2)(a)-(c)).
APPEAL_RIGHTS: dict[Stage, AppealRight] = {
    Stage.NOT_ASSESSED: AppealRight("the decision not to carry out an EHC needs assessment", "s51(2)(a)"),
    Stage.NO_PLAN: AppealRight("the decision not to issue an EHC plan after the assessment", "s51(2)(b)"),
    Stage.ISSUED: AppealRight("the special educational needs and provision described in the EHC plan, and the "
                              "school or other institution named in it (or that none is named)", "s51(2)(c)"),
}
APPEAL_DEADLINE = ("2 months from the date of the decision letter, or 1 month from the date of the mediation "
                   "certificate, whichever is later")
APPEAL_DEADLINE_RULE = "Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008, rule 20"
# s55: before appealing, contact a mediation adviser (and then choose whether to go to mediation), unless the
# appeal is only about the school or institution named in the plan.
MEDIATION_SECTION = "s55"
