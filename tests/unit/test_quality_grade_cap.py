"""The hard rule: a plan with unquantified provision, or no health section, is never graded Good or better.

Held whatever the rubric's weights and thresholds (CoP 9.69; the joint
Ofsted/CQC finding of "limited contributions from health").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from config.rubric import PACKAGED_RUBRIC, load_rubric
from domain.plan import PlanDocument
from domain.quality.grading import AUTOMATIC_CEILING, assess_plan, grade_with_caps
from domain.quality.rubric import Grade, Rubric, Thresholds

STRONG = json.loads((Path(__file__).parents[1] / "fixtures" / "plans" / "strong.json").read_text())["sections"]
STRONG = {key: value["paragraphs"] if isinstance(value, dict) else value for key, value in STRONG.items()}
RUBRIC = load_rubric(PACKAGED_RUBRIC)

UNQUANTIFIED = [
    "Access to a quiet room as required.",
    "Regular support from an adult.",
    "Opportunities for small group work.",
    "A teaching assistant will support her in lessons.",
    "Speech and language therapy weekly.",
    "Sessions of 30 minutes with a specialist teacher.",
]
NO_HEALTH = ["missing", "empty", "placeholder"]


def strong_with(f: list[str] | None = None, g: str | None = None) -> PlanDocument:
    sections = dict(STRONG)
    if f is not None:
        sections["F"] = f
    if g == "missing":
        del sections["G"]
    elif g == "empty":
        sections["G"] = []
    elif g == "placeholder":
        sections["G"] = ["Health advice to follow (TBC)."]
    return PlanDocument.from_texts(sections)


def test_the_strong_plan_itself_scores_outstanding_but_its_automatic_grade_is_good_until_a_reviewer_scores_it():
    report = assess_plan(strong_with(), RUBRIC)

    assert (report.uncapped_grade, report.grade) == (Grade.OUTSTANDING, Grade.GOOD)
    assert report.cap_reasons == ()  # not the hard rule: the ceiling, with its own reason
    assert report.ceiling_reason == AUTOMATIC_CEILING
    assert report.grade_reasons == (AUTOMATIC_CEILING,)


def test_grades_reviewers_scored_may_be_outstanding():
    assert grade_with_caps(3.9, RUBRIC, [], reviewed=True) == (Grade.OUTSTANDING, Grade.OUTSTANDING)
    assert grade_with_caps(3.9, RUBRIC, []) == (Grade.OUTSTANDING, Grade.GOOD)
    assert grade_with_caps(3.9, RUBRIC, ["section G (health provision) is missing"], reviewed=True) == \
        (Grade.OUTSTANDING, Grade.REQUIRES_IMPROVEMENT)


@pytest.mark.parametrize(("plan", "reason"), [
    (strong_with(f=STRONG["F"] + ["Access to a quiet room as required."]),
     "1 of 6 provision items in F are not quantified (how often and for how long, CoP 9.69)"),
    (strong_with(g="missing"), "section G (health provision) is missing"),
    (strong_with(g="empty"), "section G (health provision) is missing"),
    (strong_with(g="placeholder"), "section G (health provision) holds only a placeholder"),
], ids=["one vague item among five good ones", "G missing", "G empty", "G only TBC"])
def test_an_otherwise_strong_plan_is_held_at_requires_improvement_with_the_reason(plan, reason):
    report = assess_plan(plan, RUBRIC)

    assert report.uncapped_grade in (Grade.OUTSTANDING, Grade.GOOD)
    assert report.grade is Grade.REQUIRES_IMPROVEMENT
    assert reason in report.cap_reasons


def test_a_plan_with_no_provision_in_f_gives_that_as_the_reason():
    report = assess_plan(strong_with(f=[]), RUBRIC)

    assert report.grade.rank <= Grade.REQUIRES_IMPROVEMENT.rank
    assert report.cap_reasons == ("section F has no provision to quantify (CoP 9.69)",)


@st.composite
def rubrics(draw) -> Rubric:
    """The default criteria with any weights, and any valid thresholds."""
    criteria = tuple(c.model_copy(update={"weight": draw(st.integers(1, 20))}) for c in RUBRIC.criteria)
    low = draw(st.floats(1.0, 3.0))
    good = draw(st.floats(low + 0.01, 3.9))
    top = draw(st.floats(good + 0.01, 4.0))
    return RUBRIC.model_copy(update={"criteria": criteria,
                                     "thresholds": Thresholds(outstanding=top, good=good, requires_improvement=low)})


@st.composite
def flawed_plans(draw) -> PlanDocument:
    """The strong plan with some of its provision made vague, or its health section taken away, or both."""
    kept = draw(st.lists(st.sampled_from(STRONG["F"]), max_size=5, unique=True))
    vague = draw(st.lists(st.sampled_from(UNQUANTIFIED), max_size=3, unique=True))
    health = draw(st.sampled_from([None, *NO_HEALTH]))
    if not vague and health is None:
        vague = [draw(st.sampled_from(UNQUANTIFIED))]
    f = draw(st.permutations(kept + vague))
    return strong_with(f=f, g=health)


@settings(max_examples=200, deadline=None)
@given(plan=flawed_plans(), rubric=rubrics())
def test_unquantified_provision_or_no_health_section_is_never_good_under_any_rubric(plan, rubric):
    report = assess_plan(plan, rubric)

    assert report.grade.rank <= Grade.REQUIRES_IMPROVEMENT.rank
    assert report.cap_reasons


@settings(max_examples=50, deadline=None)
@given(rubric=rubrics())
def test_the_cap_never_raises_a_grade(rubric):
    report = assess_plan(strong_with(f=["Support as required."], g="missing"), rubric)

    assert report.grade.rank <= report.uncapped_grade.rank


@settings(max_examples=100, deadline=None)
@given(rubric=rubrics())
def test_no_automatic_grade_is_ever_outstanding_under_any_rubric(rubric):
    report = assess_plan(strong_with(), rubric)

    assert report.grade is not Grade.OUTSTANDING
    assert report.ceiling_reason == (AUTOMATIC_CEILING if report.uncapped_grade is Grade.OUTSTANDING else None)
