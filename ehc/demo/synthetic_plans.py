"""Synthetic plans in force for the demo and the benchmarks: no real child, reproducible from a seed.

The plans of the synthetic caseload's issued requests (their case reference and final plan date), and plans
made before the product (no case reference) with last reviews spread over the past year, so that some
reviews are overdue, some due within weeks and a phase-transfer cohort (years N2, 6 and 11) is under way.
Rows are what `ehc import plans` reads: plan_ref, case_ref, issued, last_review, year_group, setting,
caseworker, team.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Sequence

from domain.events import CaseEvent, FinalIssued
from domain.intake import NewRequest
from domain.year_groups import YEAR_GROUPS
from ehc.demo.synthetic import CASEWORKERS, SETTINGS, TEAMS

PLAN_COLUMNS = ("plan_ref", "case_ref", "issued", "last_review", "year_group", "setting", "caseworker", "team")
# One plan in four is in a year group that transfers at the end of this academic year (N2, 6, 11).
TRANSFER_GROUPS = ("N2", "6", "11")


def synthetic_plans(caseload: Sequence[tuple[NewRequest, Sequence[CaseEvent]]], count: int, as_of: date,
                    seed: int = 15, prefix: str = "PLAN") -> list[dict[str, str]]:
    """Plans for the caseload's issued requests, then ``count`` plans made before the product."""
    rng = random.Random(seed)
    rows = []
    for request, events in caseload:
        issued = next((event.on for event in events if isinstance(event, FinalIssued)), None)
        if issued is not None and issued <= as_of:
            rows.append(_row(rng, f"{prefix}-{request.reference}", request.reference, issued, None, request))
    for number in range(1, count + 1):
        # Last reviewed between 13 and 1 months ago: the oldest are overdue, the newest not due for months.
        last_review = as_of - timedelta(days=rng.randint(30, 395))
        issued = last_review - timedelta(days=365 * rng.randint(1, 5) + rng.randint(0, 60))
        rows.append(_row(rng, f"{prefix}-{number:06d}", None, issued, last_review, None))
    return rows


def _row(rng: random.Random, plan_ref: str, case_ref: str | None, issued: date, last_review: date | None,
         request: NewRequest | None) -> dict[str, str]:
    year_group = rng.choice(TRANSFER_GROUPS) if rng.random() < 0.25 else rng.choice(YEAR_GROUPS)
    return {
        "plan_ref": plan_ref, "case_ref": case_ref or "", "issued": issued.isoformat(),
        "last_review": last_review.isoformat() if last_review else "", "year_group": year_group,
        "setting": (request.setting if request and request.setting else rng.choice(SETTINGS)),
        "caseworker": request.caseworker if request and request.caseworker else rng.choice(CASEWORKERS),
        "team": request.team if request and request.team else rng.choice(TEAMS),
    }
