"""Plans written to game the automatic checks, and sound plans worded differently (tests/fixtures/plans/gamed-*.json,
sound-*.json): each with its expected grade and the findings that must appear.

The checks judge substance, not words: a plan of keywords (the child's "views" that say nothing, outcomes that
"improve 3", provision that "delivers cognition and learning") must not pass, and a sound plan must not lose marks
for saying "by the summer half-term of Year 7", "every six months" or "does not need provision under section 2".
No automatic grade is Outstanding: that needs a reviewer.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config.rubric import PACKAGED_RUBRIC, load_rubric
from domain.quality.checks import AdviceOnFile, CheckContext
from domain.quality.grading import AUTOMATIC_CEILING, QualityReport, assess_plan
from domain.quality.rubric import Grade
from ehc.imports.plan_file import read_plan

PLANS = Path(__file__).parents[1] / "fixtures" / "plans"
RUBRIC = load_rubric(PACKAGED_RUBRIC)


def report_for(name: str, advice=None) -> QualityReport:
    return assess_plan(read_plan(PLANS / f"{name}.json"), RUBRIC, CheckContext(advice=advice))


def seen(report: QualityReport) -> set[tuple[str, bool, str | None, str, str | None]]:
    return {(f.check, f.ok, f.section, f.message, f.quote) for f in report.findings}


# (plan, expected grade, weighted score, findings that must appear: (check, ok, section, message, quote or None))
CORPUS = [
    # The keyword plan of issue 13, graded Outstanding (3.82) before the checks judged substance.
    ("gamed-keywords", Grade.REQUIRES_IMPROVEMENT, 2.41, [
        ("child_voice", False, "A", "the child's words (first person) say nothing specific about them", "I like things."),
        ("child_voice", False, "A", "the child's words ('my') say nothing specific about them", "My views."),
        ("smart_outcomes", False, "E", "outcome is not SMART: the number '3' does not say what changes or to what level",
         "By the end of Key Stage 2, Sam will improve 3."),
        ("provision_quantified", False, "F", "provision does not name the need it meets",
         "A teaching assistant will deliver cognition and learning daily for 15 minutes."),
        ("needs_matched", False, "B", "no need in B-D could be placed in one of the four broad areas", None),
    ]),
    # Every broad-area label, as needs and as provision, and numbers with nothing to count.
    ("gamed-labels", Grade.REQUIRES_IMPROVEMENT, 2.41, [
        ("child_voice", False, "A", "the child's words (first person) say nothing specific about them", "I am happy."),
        ("smart_outcomes", False, "E", "outcome is not SMART: the number '4' does not say what changes or to what level",
         "By July 2027, Ava will make progress 4."),
        ("provision_quantified", False, "F", "provision does not name the need it meets",
         "An adult will deliver sensory and/or physical daily for 10 minutes."),
        ("needs_matched", False, "B", "no need in B-D could be placed in one of the four broad areas", None),
    ]),
    # Real needs, provision for one of them, and "no need" said of a health need C describes.
    ("gamed-unmet-needs", Grade.REQUIRES_IMPROVEMENT, 2.76, [
        ("needs_matched", False, "B", "communication and interaction need in B has no matching provision in F-H",
         "Noah has a severe speech and language disorder and cannot yet put two words together."),
        ("needs_matched", False, "B", "social, emotional and mental health need in B has no matching provision in F-H",
         "Noah has frequent meltdowns when routines change."),
        ("needs_matched", False, "C", "need in C has no provision in F-H that names it",
         "Noah has epilepsy, managed with medication."),
        ("health_provision", False, "G", "says there is no health provision, but section C describes needs",
         "Noah does not need health provision. / C: Noah has epilepsy, managed with medication."),
        ("smart_outcomes", False, "E", "outcome is not SMART: the number '5' does not say what changes or to what level",
         "By the end of Year 4, Noah will improve 5."),
    ]),
    # Named school periods, word numbers, intervals and explicit "no need" statements.
    ("sound-school-periods", Grade.GOOD, 4.0, [
        ("smart_outcomes", True, "E", "SMART: time frame 'By the summer half-term of Year 7', measure '95%'",
         "By the summer half-term of Year 7, Mia will read a page of a Year 6 book aloud with 95% accuracy."),
        ("smart_outcomes", True, "E", "SMART: time frame 'Before she starts Year 8', measure '3 lessons'",
         "Before she starts Year 8, Mia will ask a named adult for help when she is stuck in at least 3 lessons a "
         "week, without prompts."),
        ("smart_outcomes", True, "E", "SMART: time frame 'By the end of the spring term', measure 'on her own'",
         "By the end of the spring term, Mia will move between lessons on her own, using the quiet route she has "
         "practised."),
        ("smart_outcomes", True, "E", "SMART: time frame 'Within 12 weeks', measure 'two-step'",
         "Within 12 weeks of starting at Greenway Academy, Mia will follow two-step spoken instructions in class "
         "without adult prompts."),
        ("smart_outcomes", True, "E", "SMART: time frame 'By July 2027', measure '40 of the 50 Year'",
         "By July 2027, Mia will spell 40 of the 50 Year 5 and 6 statutory words correctly."),
        ("social_care_provision", True, "H1", "states explicitly that there are no social care needs",
         "Mia does not need provision under section 2 of the Chronically Sick and Disabled Persons Act 1970."),
        ("health_provision", True, "G", "states explicitly that there are no health needs",
         "Mia does not need health provision: there are no health needs related to her special educational needs."),
    ]),
    # The child's voice in reported speech and quotation; "every six months", "once every two weeks", "fifteen".
    ("sound-reported-speech", Grade.GOOD, 4.0, [
        ("child_voice", True, "A", "the child's own voice (reported speech)",
         "Leo told us he likes dinosaurs, playing in the sand tray and singing songs with his grandad."),
        ("child_voice", True, "A", "the child's own voice (first person)",
         "When we asked about school, Leo said “the carpet is too loud and I want to sit by the window”."),
        ("smart_outcomes", True, "E", "SMART: time frame 'By the end of Year 3', measure 'five or more words'",
         "By the end of Year 3, Leo will use sentences of five or more words to tell an adult about his weekend."),
        ("health_provision", True, "G", "reflects health advice ('physiotherap')",
         "The children's physiotherapy service will review Leo's hypermobility every six months for 30 minutes and "
         "give school a written exercise plan, as set out in the health advice of 3 March 2026."),
    ]),
]


@pytest.mark.parametrize(("name", "grade", "weighted", "must_appear"), CORPUS, ids=[row[0] for row in CORPUS])
def test_each_gamed_or_sound_plan_gets_its_expected_grade_and_findings(name, grade, weighted, must_appear):
    report = report_for(name)

    assert (report.grade, report.weighted_score) == (grade, weighted)
    missing = [finding for finding in must_appear if finding not in seen(report)]
    assert missing == []
    assert all(f.quote or f.looked_for for f in report.findings)  # each finding cites text or says what it sought


def test_the_keyword_plan_is_below_good_and_the_sound_plans_are_good_but_not_outstanding():
    assert report_for("gamed-keywords").grade.below_good
    for name in ("sound-school-periods", "sound-reported-speech"):
        report = report_for(name)
        assert report.failings == ()
        assert (report.uncapped_grade, report.grade, report.ceiling_reason) == \
               (Grade.OUTSTANDING, Grade.GOOD, AUTOMATIC_CEILING)


def test_the_sound_plan_cross_checked_with_its_case_finds_a_k_date_that_differs_from_the_record():
    # Health advice recorded received 5 March; K dates it 3 March. The school's is recorded as K has it.
    advice = (AdviceOnFile("education", date(2026, 2, 2), date(2026, 2, 27)),
              AdviceOnFile("educational_psychology", date(2026, 2, 2), date(2026, 3, 2)),
              AdviceOnFile("health", date(2026, 2, 2), date(2026, 3, 5)),
              AdviceOnFile("social_care", date(2026, 2, 2), date(2026, 3, 6)))

    report = report_for("sound-reported-speech", advice)

    k = [(f.ok, f.message, f.quote) for f in report.findings if f.check == "advice_listed" and f.message.startswith("K ")]
    assert k == [
        (False, "K dates the health advice 3 March 2026; the case recorded it received on 2026-03-05",
         "Health advice from the children's physiotherapy service, 3 March 2026"),
        (True, "K dates the social care advice as the case records it (2026-03-06)",
         "Social care advice from the children with disabilities team, 6 March 2026"),
        (True, "K dates the educational psychology advice as the case records it (2026-03-02)",
         "Educational psychology advice, 2 March 2026"),
        (True, "K dates the educational (school/setting) advice as the case records it (2026-02-27)",
         "Educational advice from St Anne's Infant School, 27 February 2026"),
    ]
    assert report.scores["k.advice"] == 3
