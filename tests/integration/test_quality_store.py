"""Plan quality review against a real store (SQLite and PostgreSQL): ehc/services/plan_quality.py over store/quality.py.

The case: received Mon 2 Mar 2026; decision to assess Fri 10 Apr; advice asked
of the school and an educational psychologist Mon 13 Apr, received 1 May and
20 May; never asked of health or social care. Its draft plan is the poor plan
of the corpus, served Mon 15 Jun 2026.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from config.settings import Settings
from domain.events import AdviceReceived, AdviceRequested, Agency, Decision, DecisionOutcome
from domain.intake import NewRequest
from domain.quality.grading import AUTOMATIC_CEILING
from domain.quality.rubric import Grade
from ehc.bootstrap import bootstrap
from ehc.parse import FieldProblems
from ehc.imports.plan_file import PlanImportError
from ehc.services.plan_quality import attach_plan, automatic_review, quality_overview, record_review
from store.cases import CaseNotFound
from store.quality import NoPlanAttached

PLANS = Path(__file__).parents[1] / "fixtures" / "plans"
REF = "EHC/2026/QA1"
AT = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def app(database_url, tmp_path):
    app = bootstrap(Settings(database_url=database_url, state_dir=tmp_path / "state", actor="qa.tester"))
    with app.unit_of_work() as work:
        work.cases.add_request(NewRequest(reference=REF, received=date(2026, 3, 2)), "intake", AT)
        for event in (Decision(on=date(2026, 4, 10), outcome=DecisionOutcome.ASSESS),
                      AdviceRequested(on=date(2026, 4, 13), agency=Agency.EDUCATION, setting="URN-1"),
                      AdviceRequested(on=date(2026, 4, 13), agency=Agency.EDUCATIONAL_PSYCHOLOGY),
                      AdviceReceived(on=date(2026, 5, 1), agency=Agency.EDUCATION),
                      AdviceReceived(on=date(2026, 5, 20), agency=Agency.EDUCATIONAL_PSYCHOLOGY)):
            work.cases.record(REF, event, "caseworker", AT)
    yield app
    app.engine.dispose()


def test_attaching_a_plan_stores_it_once_for_the_case(app, count_rows):
    first = attach_plan(app, REF, "draft", PLANS / "poor.json", date(2026, 6, 15))
    again = attach_plan(app, REF, "draft", PLANS / "poor.json", date(2026, 6, 16))

    assert first == again
    assert count_rows("qa_plan_documents") == 1


def test_the_automatic_review_is_stored_once_and_cross_checks_k_with_the_cases_advice(app, count_rows):
    document = attach_plan(app, REF, "draft", PLANS / "poor.json", date(2026, 6, 15))

    first = automatic_review(app, REF, date(2026, 6, 15))
    again = automatic_review(app, REF, date(2026, 6, 16))

    assert (first.document_id, first.stage, first.grade, first.below_good, first.capped) == \
           (document, "draft", Grade.INADEQUATE, True, True)
    assert first.scores["k.advice"] == 1  # EP advice omitted; health and social care never requested
    assert first.created and not again.created
    assert again.model_dump(exclude={"created"}) == first.model_dump(exclude={"created"})
    assert (count_rows("qa_automatic_reviews"), count_rows("qa_grade_history")) == (1, 1)


def test_advice_received_after_as_of_is_not_yet_known_to_the_cross_check(app, engine):
    attach_plan(app, REF, "draft", PLANS / "poor.json", date(2026, 5, 10))

    automatic_review(app, REF, date(2026, 5, 10))  # the EP advice (20 May) had not arrived

    with engine.connect() as connection:
        findings = connection.execute(text("SELECT findings FROM qa_automatic_reviews")).scalar_one()
    messages = [f["message"] for f in (findings if isinstance(findings, list) else __import__("json").loads(findings))]
    assert not any("educational psychology advice received" in m for m in messages)
    assert "health advice was never requested (Reg 6(1)(c))" in messages


def test_the_summary_a_flow_keeps_holds_no_plan_text(app):
    attach_plan(app, REF, "draft", PLANS / "poor.json", date(2026, 6, 15))

    summary = automatic_review(app, REF, date(2026, 6, 15)).model_dump_json()

    assert "Jo" not in summary and "quiet space" not in summary


def test_the_final_plan_is_reviewed_after_the_draft(app):
    attach_plan(app, REF, "draft", PLANS / "poor.json", date(2026, 6, 15))
    draft = automatic_review(app, REF, date(2026, 6, 15))
    final = attach_plan(app, REF, "final", PLANS / "strong.json", date(2026, 7, 17))

    reviewed = automatic_review(app, REF, date(2026, 7, 17))

    assert (draft.grade, reviewed.document_id, reviewed.stage) == (Grade.INADEQUATE, final, "final")
    # Outstanding on its scores, but an automatic grade is Good at most: Outstanding needs a reviewer.
    assert (reviewed.grade, reviewed.uncapped_grade, reviewed.capped, reviewed.below_good) == \
           (Grade.GOOD, Grade.OUTSTANDING, False, False)
    assert reviewed.ceiling_reason == AUTOMATIC_CEILING
    # Health and social care never requested; K dates the school's and the EP's advice 12 and 18 May, the case
    # recorded them received on 1 and 20 May.
    assert (reviewed.scores["k.advice"], reviewed.failings) == (1, 4)


def test_reviewers_scores_can_make_the_current_grade_outstanding(app, engine):
    attach_plan(app, REF, "final", PLANS / "strong.json", date(2026, 7, 17))
    automatic = automatic_review(app, REF, date(2026, 7, 17))

    outcome = record_review(app, REF, "k.advice", 4, "Dates checked against the advice itself.", "R Patel")

    assert automatic.grade is Grade.GOOD
    assert (outcome.grade, outcome.weighted_score, outcome.grade_changed) == (Grade.OUTSTANDING, 4.0, True)
    with engine.connect() as connection:
        history = connection.execute(text("SELECT source, grade, reasons FROM qa_grade_history ORDER BY id")).all()
    assert [(source, grade) for source, grade, _ in history] == [("automatic", "Good"), ("reviewers", "Outstanding")]
    reasons = history[0][2] if isinstance(history[0][2], list) else __import__("json").loads(history[0][2])
    assert reasons == [AUTOMATIC_CEILING]


def test_two_reviewers_two_points_apart_trigger_moderation_until_they_agree(app, count_rows):
    attach_plan(app, REF, "final", PLANS / "typical.json", date(2026, 7, 17))
    automatic_review(app, REF, date(2026, 7, 17))

    first = record_review(app, REF, "a.voice", 4, "Alex's own words are there.", "R Patel")
    apart = record_review(app, REF, "a.voice", 2, "Mostly the parents' view.", "J Smith")
    agreed = record_review(app, REF, "a.voice", 3, "On reflection, fair.", "J Smith")

    assert (first.moderation_raised, apart.moderation_raised, agreed.moderation_raised) == (False, True, False)
    assert apart.open_moderation == ("a.voice",) and agreed.open_moderation == ()
    assert [row["moderation"] for row in quality_overview(app)] == [[]]
    assert count_rows("qa_moderations") == 2  # raised, then resolved
    assert count_rows("qa_reviewer_scores") == 3


def test_open_moderation_is_listed(app):
    attach_plan(app, REF, "final", PLANS / "typical.json", date(2026, 7, 17))
    record_review(app, REF, "e.smart", 1, "Outcomes vague.", "R Patel")
    record_review(app, REF, "e.smart", 3, "Two of three are SMART.", "J Smith")

    assert quality_overview(app)[0]["moderation"] == ["e.smart"]


def test_reviewer_scores_move_the_grade_but_never_past_the_hard_rule(app, engine):
    attach_plan(app, REF, "final", PLANS / "typical.json", date(2026, 7, 17))
    automatic_review(app, REF, date(2026, 7, 17))

    for criterion in ("a.voice", "e.smart", "f.quantified", "g.health", "k.advice", "plain-language"):
        outcome = record_review(app, REF, criterion, 4, "Excellent.", "R Patel")

    assert outcome.weighted_score == 4.0
    assert outcome.grade is Grade.REQUIRES_IMPROVEMENT  # F still has an unquantified item
    with engine.connect() as connection:
        history = connection.execute(text("SELECT source, grade FROM qa_grade_history ORDER BY id")).all()
    assert history[0] == ("automatic", "Requires improvement")
    assert {source for source, _ in history[1:]} == {"reviewers"}
    assert len(history) == 7  # every change of score appended


def test_grade_history_and_reviewer_scores_are_append_only(app, engine):
    attach_plan(app, REF, "final", PLANS / "typical.json", date(2026, 7, 17))
    automatic_review(app, REF, date(2026, 7, 17))
    record_review(app, REF, "a.voice", 4, "Good.", "R Patel")

    for statement in ("UPDATE qa_grade_history SET grade = 'Outstanding'", "DELETE FROM qa_grade_history",
                      "UPDATE qa_reviewer_scores SET score = 1", "DELETE FROM qa_reviewer_scores"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda app: attach_plan(app, "EHC/NOPE", "draft", PLANS / "poor.json", date(2026, 6, 15)), CaseNotFound,
     "no case with reference 'EHC/NOPE'"),
    (lambda app: attach_plan(app, REF, "second-draft", PLANS / "poor.json", date(2026, 6, 15)), FieldProblems,
     "^stage: 'second-draft' is not one of draft, final"),
    (lambda app: attach_plan(app, REF, "draft", PLANS / "missing.json", date(2026, 6, 15)), PlanImportError,
     "missing.json: No such file"),
    (lambda app: automatic_review(app, REF, date(2026, 6, 15)), NoPlanAttached, "has no plan attached"),
    (lambda app: record_review(app, REF, "a.voice", 3, "ok", "R Patel"), NoPlanAttached, "has no plan attached"),
], ids=["unknown case", "unknown stage", "missing file", "review without a plan", "reviewer without a plan"])
def test_refusals_name_the_problem_and_store_nothing(app, dump_tables, call, error, message):
    before = dump_tables()

    with pytest.raises(error, match=message.replace("(", r"\(")):
        call(app)

    assert dump_tables() == before


@pytest.mark.parametrize(("criterion", "score", "comment", "reviewer", "field", "problem"), [
    ("spelling", 3, "ok", "R", "criterion", "'spelling' is not in the rubric"),
    ("a.voice", 5, "ok", "R", "score", "5 is not 1, 2, 3 or 4"),
    ("a.voice", 0, "ok", "R", "score", "0 is not 1, 2, 3 or 4"),
    ("a.voice", 3, "  ", "R", "comment", "must be 1 to 2000 characters"),
    ("a.voice", 3, "ok", "", "reviewer", "must be 1 to 120 characters"),
])
def test_a_bad_reviewer_score_is_refused_naming_the_field_and_nothing_changes(app, dump_tables, criterion, score,
                                                                              comment, reviewer, field, problem):
    attach_plan(app, REF, "final", PLANS / "typical.json", date(2026, 7, 17))
    before = dump_tables()

    with pytest.raises(FieldProblems) as refused:
        record_review(app, REF, criterion, score, comment, reviewer)

    [(named, said)] = refused.value.problems
    assert named == field and said.startswith(problem)
    assert dump_tables() == before


QA_TABLES = {"qa_plan_documents", "qa_automatic_reviews", "qa_reviewer_scores", "qa_moderations", "qa_grade_history"}


def test_the_quality_migration_downgrades_alone_and_upgrades_again(empty_database_url):
    from alembic import command
    from sqlalchemy import inspect

    from store.db import _alembic_config, make_engine, upgrade

    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        config = _alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003_quality-1")
        left = set(inspect(engine).get_table_names())
        upgrade(engine)
        again = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()

    assert not left & QA_TABLES and "cases" in left
    assert QA_TABLES <= again
