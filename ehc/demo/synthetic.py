"""A synthetic caseload that behaves like a real one: for demos and benchmarks.

Shapes follow the national picture (docs/RULES.md, "National figures"): about half of plans late, health
and social care advice late more often than school advice, a few exceptions,
some requests refused or withdrawn. Names are invented and stay in the store.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from domain.closures import SettingKind
from domain.events import (
    AdviceReceived, AdviceRequested, Agency, CaseEvent, ConsultationAnswered, ConsultationSent, Decision,
    DecisionOutcome, DraftServed, ExceptionEnded, ExceptionStarted, FinalIssued, NoPlanNotice, Received,
    RepresentationsReceived, Withdrawn,
)
from domain.intake import NewRequest
from domain.rules import Limb

GIVEN_NAMES = ("Amara", "Ben", "Chloe", "Dev", "Ellie", "Finn", "Grace", "Hassan", "Isla", "Jay", "Kai",
               "Leah", "Mo", "Nia", "Oscar", "Priya", "Reuben", "Sofia", "Tom", "Zara")
FAMILY_NAMES = ("Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones",
                "Khan", "Lewis", "Morgan", "Nowak", "Owen", "Patel", "Roberts", "Singh", "Taylor", "Walker")
CASEWORKERS = ("A Okafor", "B Hughes", "C Patel", "D Murphy", "E Wright", "F Nolan")
TEAMS = ("North", "South", "Preparation for Adulthood")
SETTINGS = ("URN-100101", "URN-100102", "URN-100103", "URN-140001", "URN-100104")

# Chance that each agency's advice comes back after its six weeks (Reg 8(1)).
LATE_ADVICE = {
    Agency.HEALTH: 0.40,
    Agency.SOCIAL_CARE: 0.35,
    Agency.EDUCATIONAL_PSYCHOLOGY: 0.25,
    Agency.EDUCATION: 0.10,
}
CONTRIBUTORS = {
    Agency.HEALTH: ("DCO-NORTH", "DCO-SOUTH"),
    Agency.SOCIAL_CARE: ("CSC-DISABLED-CHILDREN",),
    Agency.EDUCATIONAL_PSYCHOLOGY: ("EPS-1", "EPS-2"),
}


@dataclass(frozen=True)
class SyntheticContributor:
    code: str
    name: str
    agency: Agency


SYNTHETIC_CONTRIBUTORS = tuple(
    SyntheticContributor(code, f"{agency.value.replace('_', ' ').title()} ({code})", agency)
    for agency, codes in CONTRIBUTORS.items() for code in codes
)


def add_synthetic_contributors(store) -> None:
    """The contributor directory the synthetic caseload names, with made-up mailboxes (``store``: a CaseStore)."""
    for contributor in SYNTHETIC_CONTRIBUTORS:
        mailbox = contributor.code.lower()
        store.add_contributor(contributor.code, contributor.name, contributor.agency.value,
                              email=f"{mailbox}@contributors.example.org.uk",
                              escalation_email=f"{mailbox}.manager@contributors.example.org.uk")


def synthetic_caseload(count: int, as_of: date, weeks: int = 30, seed: int = 2014,
                       prefix: str = "EHC") -> list[tuple[NewRequest, list[CaseEvent]]]:
    """``count`` requests received over the ``weeks`` before ``as_of``, with what happened by then."""
    rng = random.Random(seed)
    cases = []
    for number in range(1, count + 1):
        received = as_of - timedelta(days=rng.randrange(weeks * 7))
        request = NewRequest(
            reference=f"{prefix}-{received.year}-{number:05d}", received=received,
            child_given_name=rng.choice(GIVEN_NAMES), child_family_name=rng.choice(FAMILY_NAMES),
            child_date_of_birth=received - timedelta(days=rng.randrange(3 * 365, 16 * 365)),
            caseworker=rng.choice(CASEWORKERS), team=rng.choice(TEAMS), setting=rng.choice(SETTINGS),
        )
        events = [event for event in _history(rng, request) if event.on <= as_of]
        cases.append((request, events))
    return cases


def _history(rng: random.Random, request: NewRequest) -> list[CaseEvent]:
    received = request.received
    events: list[CaseEvent] = [Received(on=received)]
    if rng.random() < 0.02:
        return events + [Withdrawn(on=received + timedelta(days=rng.randrange(5, 30)))]
    if rng.random() < 0.04:
        start = received + timedelta(days=rng.randrange(3, 24))
        limb = rng.choice((Limb.PERSONAL_CIRCUMSTANCES, Limb.ABSENT_FROM_AREA))
        events += [ExceptionStarted(on=start, limb=limb, evidence="synthetic: recorded by caseworker"),
                   ExceptionEnded(on=start + timedelta(days=rng.randrange(28, 50)), limb=limb)]
    decided = received + timedelta(days=rng.randrange(25, 42) if rng.random() < 0.8 else rng.randrange(43, 70))
    if rng.random() < 0.22:
        return events + [Decision(on=decided, outcome=DecisionOutcome.NOT_ASSESS)]
    events.append(Decision(on=decided, outcome=DecisionOutcome.ASSESS))

    asked = decided + timedelta(days=rng.randrange(1, 6))
    returns = []
    for agency, late_chance in LATE_ADVICE.items():
        contributor = rng.choice(CONTRIBUTORS[agency]) if agency in CONTRIBUTORS else None
        kind = SettingKind.SCHOOL if agency is Agency.EDUCATION else None
        setting = request.setting if agency is Agency.EDUCATION else None
        events.append(AdviceRequested(on=asked, agency=agency, contributor=contributor, setting=setting,
                                      setting_kind=kind))
        days = rng.randrange(43, 80) if rng.random() < late_chance else rng.randrange(14, 42)
        returned = asked + timedelta(days=days)
        returns.append(returned)
        events.append(AdviceReceived(on=returned, agency=agency, contributor=contributor))
        if agency is Agency.HEALTH and days > 42 and rng.random() < 0.2:
            events.append(ExceptionStarted(on=asked + timedelta(days=20), limb=Limb.ADVICE_MISSED_APPOINTMENT,
                                           advice=contributor, evidence="synthetic: clinic appointment missed"))
    if rng.random() < 0.04:
        return events + [NoPlanNotice(on=max(returns) + timedelta(days=rng.randrange(3, 14)))]
    draft = max(returns) + timedelta(days=rng.randrange(5, 25))
    events += [DraftServed(on=draft), ConsultationSent(on=draft, setting=request.setting or "named setting")]
    if rng.random() < 0.6:
        events.append(RepresentationsReceived(on=draft + timedelta(days=rng.randrange(3, 15))))
    answered = draft + timedelta(days=rng.randrange(7, 20))
    events.append(ConsultationAnswered(on=answered, setting=request.setting or "named setting"))
    events.append(FinalIssued(on=max(answered, draft + timedelta(days=rng.randrange(16, 35)))))
    return events
