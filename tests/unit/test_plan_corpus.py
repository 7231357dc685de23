"""The synthetic plan corpus (tests/fixtures/plans): strong, typical and poor, as JSON and as Word documents.

Each plan's expected findings are written out here; the same plan read from
JSON and from each DOCX layout must give the same text, scores and grade.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from config.rubric import PACKAGED_RUBRIC, load_rubric
from domain.plan import SectionId
from domain.quality.checks import AdviceOnFile, CheckContext
from domain.quality.grading import AUTOMATIC_CEILING, QualityReport, assess_plan
from domain.quality.rubric import Grade
from ehc.imports.plan_file import read_plan

PLANS = Path(__file__).parents[1] / "fixtures" / "plans"
_spec = importlib.util.spec_from_file_location("plan_fixtures_make_docx", PLANS / "make_docx.py")
make_docx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_docx)


@pytest.fixture(scope="module")
def rubric():
    return load_rubric(PACKAGED_RUBRIC)


@pytest.fixture(scope="module")
def docx_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plans")
    for name in make_docx.PLANS:
        for layout in make_docx.LAYOUTS:
            make_docx.write_docx(name, layout, out / f"{name}-{layout}.docx")
    return out


def report_for(name: str, rubric, advice=None) -> QualityReport:
    return assess_plan(read_plan(PLANS / f"{name}.json"), rubric, CheckContext(advice=advice))


def failing(report: QualityReport, criterion: str) -> list[tuple[str | None, str, str | None]]:
    """(section, message, quote) of each failing finding of one criterion."""
    result = next(r for r in report.criteria if r.criterion == criterion)
    return [(f.section, f.message, f.quote) for f in result.findings if not f.ok]


# -- grades and scores, plan by plan ---------------------------------------------------------------

@pytest.mark.parametrize(("name", "weighted", "uncapped", "grade", "scores"), [
    # Outstanding on the weights, but an automatic grade is Good at most: Outstanding needs a reviewer.
    ("strong", 4.0, Grade.OUTSTANDING, Grade.GOOD,
     {"structure": 4, "a.voice": 4, "golden-thread": 4, "e.smart": 4, "f.quantified": 4, "g.health": 4,
      "h.social-care": 4, "k.advice": 4, "plain-language": 4}),
    # Good on the weights, but one unquantified provision item holds it at Requires improvement.
    ("typical", 3.06, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT,
     {"structure": 4, "a.voice": 3, "golden-thread": 4, "e.smart": 2, "f.quantified": 2, "g.health": 3,
      "h.social-care": 4, "k.advice": 3, "plain-language": 3}),
    ("poor", 1.35, Grade.INADEQUATE, Grade.INADEQUATE,
     {"structure": 3, "a.voice": 1, "golden-thread": 1, "e.smart": 1, "f.quantified": 1, "g.health": 1,
      "h.social-care": 1, "k.advice": 3, "plain-language": 3}),
], ids=["strong", "typical", "poor"])
def test_each_plan_in_the_corpus_gets_its_expected_scores_and_grade(rubric, name, weighted, uncapped, grade, scores):
    report = report_for(name, rubric)

    assert report.scores == scores
    assert (report.weighted_score, report.uncapped_grade, report.grade) == (weighted, uncapped, grade)


def test_the_strong_plan_has_no_failing_and_cites_the_childs_words(rubric):
    report = report_for("strong", rubric)

    assert report.cap_reasons == ()
    assert report.ceiling_reason == AUTOMATIC_CEILING
    assert report.failings == ()
    voice = [f.quote for f in next(r for r in report.criteria if r.criterion == "a.voice").findings
             if f.message.startswith("the child's own voice")]
    assert "I like building with Lego and drawing trains." in voice
    assert 'Sam told us: "I want to be an engineer when I grow up and build bridges."' in voice


def test_the_typical_plan_is_held_below_good_by_its_one_vague_unquantified_provision_item(rubric):
    report = report_for("typical", rubric)

    assert report.cap_reasons == ("1 of 3 provision items in F are not quantified (how often and for how long, CoP 9.69)",)
    assert failing(report, "f.quantified") == [
        ("F", "provision not quantified", "Regular access to a quiet space as required."),
        ("F", "vague wording 'Regular'", "Regular access to a quiet space as required."),
        ("F", "vague wording 'access to'", "Regular access to a quiet space as required."),
        ("F", "vague wording 'as required'", "Regular access to a quiet space as required."),
    ]
    assert failing(report, "e.smart") == [("E", "outcome is not SMART", "Alex will improve his handwriting.")]
    assert failing(report, "k.advice") == [("K", "advice listed without a date", "EP advice")]
    assert failing(report, "g.health") == [
        ("G", "health provision not quantified", "An occupational therapist will provide a programme of exercises "
                                                  "for school staff to follow, following the paediatrician's advice.")]


def test_the_poor_plan_fails_every_criterion_the_inspectors_name(rubric):
    report = report_for("poor", rubric)

    assert report.cap_reasons == (
        "4 of 4 provision items in F are not quantified (how often and for how long, CoP 9.69)",
        "section G (health provision) is missing",
    )
    assert failing(report, "structure") == [("G", "section G (Health provision) is missing or empty", None)]
    assert failing(report, "a.voice") == [("A", "section A does not carry the child's own voice", None)]
    assert [(s, m) for s, m, _ in failing(report, "golden-thread")] == [
        ("B", "cognition and learning need in B has no matching provision in F-H"),
        ("B", "social, emotional and mental health need in B has no matching provision in F-H"),
        ("C", "social, emotional and mental health need in C has no matching provision in F-H"),
        ("C", "sensory and/or physical need in C has no matching provision in F-H"),
        # The golden thread now follows needs outside the four areas' words too: D's need has only "TBC" in H.
        ("D", "need in D has no provision in F-H that names it"),
    ]
    assert [q for _, _, q in failing(report, "e.smart")] == [
        "Jo will make progress in reading.", "Jo will be happier at school.", "Jo will develop social skills."]
    assert [m for _, m, _ in failing(report, "f.quantified")] == [
        "provision not quantified"] * 4 + [
        "vague wording 'access to'", "vague wording 'as required'", "vague wording 'Regular'",
        "vague wording 'Opportunities for'"]
    assert failing(report, "g.health") == [("G", "section G (Health provision) is missing or empty", None)]
    assert failing(report, "h.social-care") == [
        ("H1", "a placeholder where provision should be", "TBC"),
        ("H2", "a placeholder where provision should be", "TBC")]
    assert failing(report, "k.advice") == [("K", "advice listed without a date", "School report")]


def test_the_poor_plan_cross_checked_with_its_case_finds_advice_omitted_and_never_requested(rubric):
    # The case asked the school and an educational psychologist; it never asked health or social care.
    advice = (AdviceOnFile("education", date(2026, 4, 13), date(2026, 5, 1)),
              AdviceOnFile("educational_psychology", date(2026, 4, 13), date(2026, 5, 20)))

    report = report_for("poor", rubric, advice)

    assert [m for _, m, _ in failing(report, "k.advice")] == [
        "advice listed without a date",
        "K omits the educational psychology advice received on 2026-05-20",
        "health advice was never requested (Reg 6(1)(c))",
        "social care advice was never requested (Reg 6(1)(e))",
    ]
    assert report.scores["k.advice"] == 1


# -- the same plans as Word documents --------------------------------------------------------------

@pytest.mark.parametrize("layout", ["headings", "bold", "table"])
@pytest.mark.parametrize("name", ["strong", "typical", "poor"])
def test_a_word_plan_reads_as_the_same_sections_and_scores_as_its_json(rubric, docx_dir, name, layout):
    from_json = read_plan(PLANS / f"{name}.json")
    from_docx = read_plan(docx_dir / f"{name}-{layout}.docx")

    assert {s: sec.paragraphs for s, sec in from_docx.sections.items()} == \
           {s: sec.paragraphs for s, sec in from_json.sections.items()}
    assert assess_plan(from_docx, rubric).scores == assess_plan(from_json, rubric).scores


def test_the_poor_word_plan_imports_without_section_g_and_is_graded_for_it(rubric, docx_dir):
    plan = read_plan(docx_dir / "poor-bold.docx")

    assert plan.missing == (SectionId.G,)
    assert "section G (health provision) is missing" in assess_plan(plan, rubric).cap_reasons
