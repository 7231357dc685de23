"""`ehc qa` end to end against a real store (SQLite and PostgreSQL): score, attach, review, list, show.

The case EHC/2026/Q01 was received Mon 2 Mar 2026; the school's advice was
asked for on Mon 13 Apr and came back Fri 1 May; health and social care were
never asked. Its draft plan, served Mon 15 Jun 2026, is the corpus's typical plan.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

on_each_database = pytest.mark.usefixtures("store_url")

PLANS = Path(__file__).parents[1] / "fixtures" / "plans"
REF = "EHC/2026/Q01"


def make_docx():
    spec = importlib.util.spec_from_file_location("plan_fixtures_make_docx", PLANS / "make_docx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def a_case(ehc) -> None:
    ehc("request", "add", REF, "--received", "2026-03-02", "--json")
    ehc("case", "record", REF, "decision", "--date", "2026-04-10", "--outcome", "assess", "--json")
    ehc("case", "record", REF, "advice-requested", "--date", "2026-04-13", "--agency", "education",
        "--setting", "URN-1", "--json")
    ehc("case", "record", REF, "advice-received", "--date", "2026-05-01", "--agency", "education", "--json")


def count(sql, table: str) -> int:
    from sqlalchemy import text

    with sql.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@on_each_database
def test_scoring_a_word_plan_prints_its_grade_and_findings_and_stores_nothing(ehc, sql, tmp_path):
    plan = make_docx().write_docx("poor", "bold", tmp_path / "poor.docx")

    ran = ehc("qa", "score", str(plan), "--json")

    assert (ran.json["grade"], ran.json["below_good"]) == ("Inadequate", True)
    assert "section G (health provision) is missing" in ran.json["cap_reasons"]
    f_findings = next(c for c in ran.json["criteria"] if c["id"] == "f.quantified")["findings"]
    assert {"section": "F", "ok": False, "message": "vague wording 'access to'",
            "quote": "Jo will have access to a quiet space as required.", "looked_for": None,
            "check": "provision_quantified"} in f_findings
    assert count(sql, "qa_plan_documents") == 0


@on_each_database
def test_scoring_with_a_case_cross_checks_k_with_the_cases_advice(ehc):
    a_case(ehc)

    ran = ehc("qa", "score", str(PLANS / "typical.json"), "--case", REF, "--as-of", "2026-06-15", "--json")

    k = next(c for c in ran.json["criteria"] if c["id"] == "k.advice")
    assert [f["message"] for f in k["findings"] if not f["ok"]] == [
        "advice listed without a date",
        # K dates the school's advice 3 February; the case recorded it received on 1 May.
        "K dates the educational (school/setting) advice 3 February 2026; the case recorded it received on 2026-05-01",
        "health advice was never requested (Reg 6(1)(c))",
        "social care advice was never requested (Reg 6(1)(e))"]
    assert ran.json["case_ref"] == REF


@on_each_database
def test_attaching_a_draft_stores_it_and_its_automatic_review_once(ehc, sql):
    a_case(ehc)

    first = ehc("qa", "attach", REF, str(PLANS / "typical.json"), "--stage", "draft", "--received", "2026-06-15",
                "--json").json
    again = ehc("qa", "attach", REF, str(PLANS / "typical.json"), "--stage", "draft", "--received", "2026-06-15",
                "--json").json

    assert first["review"]["grade"] == "Requires improvement" and first["review"]["below_good"] is True
    assert first["review"]["uncapped_grade"] == "Requires improvement"
    assert first["review"]["created"] is True and again["review"]["created"] is False
    assert again["document_id"] == first["document_id"]
    assert (count(sql, "qa_plan_documents"), count(sql, "qa_automatic_reviews")) == (1, 1)


@on_each_database
def test_reviewers_two_points_apart_show_as_awaiting_moderation_in_the_list(ehc):
    a_case(ehc)
    ehc("qa", "attach", REF, str(PLANS / "typical.json"), "--stage", "draft", "--received", "2026-06-15")

    ehc("qa", "review", REF, "--criterion", "e.smart", "--score", "1", "--comment", "Outcomes vague.",
        "--reviewer", "R Patel")
    apart = ehc("qa", "review", REF, "--criterion", "e.smart", "--score", "3", "--comment", "Two are SMART.",
                "--reviewer", "J Smith", "--json").json
    listed = ehc("qa", "list", "--json").json
    text = ehc("qa", "list").stdout

    assert apart["moderation_raised"] is True and apart["open_moderation"] == ["e.smart"]
    assert listed["plans"] == [{
        "case_ref": REF, "document_id": listed["plans"][0]["document_id"], "stage": "draft",
        "received_on": "2026-06-15", "automatic_grade": "Requires improvement", "automatic_score": 2.94,
        "grade": "Requires improvement", "weighted_score": 2.94, "grade_source": "reviewers", "reviewers": 2,
        "moderation": ["e.smart"]}]
    assert "1 awaiting moderation" in text and "e.smart" in text


@on_each_database
def test_show_gives_the_stored_findings_reviewer_scores_and_grade_history(ehc):
    a_case(ehc)
    ehc("qa", "attach", REF, str(PLANS / "typical.json"), "--stage", "draft", "--received", "2026-06-15")
    ehc("qa", "review", REF, "--criterion", "a.voice", "--score", "4", "--comment", "Alex's words.",
        "--reviewer", "R Patel")

    shown = ehc("qa", "show", REF, "--json").json

    assert shown["reviewer_scores"] == {"a.voice": {"R Patel": 4}}
    assert [(h["source"], h["grade"]) for h in shown["grade_history"]] == [
        ("automatic", "Requires improvement"), ("reviewers", "Requires improvement")]
    assert {"Regular access to a quiet space as required."} <= {f["quote"] for f in shown["automatic"]["findings"]}


@on_each_database
@pytest.mark.parametrize(("args", "message"), [
    (("qa", "attach", "EHC/NOPE", str(PLANS / "poor.json"), "--stage", "draft"), "no case with reference 'EHC/NOPE'"),
    (("qa", "attach", REF, str(PLANS / "poor.json"), "--stage", "interim"), "--stage: 'interim' is not one of draft, final"),
    (("qa", "attach", REF, str(PLANS / "make_docx.py"), "--stage", "draft"), "a plan must be a .json or .docx file"),
    (("qa", "review", REF, "--criterion", "a.voice", "--score", "3", "--comment", "ok", "--reviewer", "R"),
     f"case '{REF}' has no plan attached"),
    (("qa", "show", REF), f"case '{REF}' has no plan attached"),
    (("qa", "attach", REF, str(PLANS / "poor.json"), "--stage", "draft", "--received", "15/06/2026"),
     "--received: '15/06/2026' is not a date"),
], ids=["unknown case", "unknown stage", "not a plan file", "review before a plan", "show before a plan", "bad date"])
def test_refusals_exit_2_naming_the_problem_and_write_nothing(ehc, sql, args, message):
    ehc("request", "add", REF, "--received", "2026-03-02")

    ran = ehc(*args, "--json", expect=2)

    assert ran.json == {"error": ran.json["error"]} and message in ran.json["error"]
    assert ran.stderr.startswith("error: ") and message in ran.stderr
    assert count(sql, "qa_plan_documents") == 0


@pytest.mark.usefixtures("state_dir")
def test_a_word_document_that_cannot_be_split_is_refused_naming_the_missing_sections(ehc, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Minutes of the annual review meeting.")
    document.save(str(tmp_path / "minutes.docx"))

    ran = ehc("qa", "score", str(tmp_path / "minutes.docx"), expect=2)

    assert "could not split the plan into sections: found none; not found: A, B, C, D, E, F, G, H1, H2, I, J, K" \
        in ran.stderr


@pytest.mark.usefixtures("state_dir")
def test_a_bad_rubric_file_is_refused_naming_the_key(ehc, tmp_path, monkeypatch):
    rubric = tmp_path / "rubric.toml"
    rubric.write_text('name = "R"\nversion = "1"\n[thresholds]\noutstanding = 2\ngood = 3\nrequires_improvement = 1\n'
                      '[[criteria]]\nid = "x"\ntitle = "X"\nsections = ["F"]\nweight = 1\n', encoding="utf-8")
    monkeypatch.setenv("EHC_QUALITY_RUBRIC", str(rubric))

    ran = ehc("qa", "score", str(PLANS / "poor.json"), expect=2)

    assert "thresholds: must fall: outstanding > good > requires_improvement" in ran.stderr


@pytest.mark.usefixtures("state_dir")
def test_the_rubric_command_shows_the_criteria_and_thresholds(ehc):
    ran = ehc("qa", "rubric", "--json")

    assert ran.json["thresholds"] == {"outstanding": 3.5, "good": 3.0, "requires_improvement": 2.0}
    assert [c["id"] for c in ran.json["criteria"]][:3] == ["structure", "a.voice", "golden-thread"]


@on_each_database
def test_attaching_a_plan_below_good_queues_one_alert_for_the_caseworker(ehc, sql):
    a_case(ehc)

    first = ehc("qa", "attach", REF, str(PLANS / "poor.json"), "--stage", "draft", "--received", "2026-06-15",
                "--json").json
    again = ehc("qa", "attach", REF, str(PLANS / "poor.json"), "--stage", "draft", "--received", "2026-06-15")

    assert (first["review"]["grade"], first["alert_queued"]) == ("Inadequate", 1)
    assert "caseworker alert: already queued, or not needed" in again.stdout
    assert count(sql, "outbox") == 1
    from sqlalchemy import text

    with sql.connect() as connection:
        kind, key = connection.execute(text("SELECT kind, key FROM outbox")).one()
    assert kind == "quality_alert" and key.endswith("/caseworker/2026-06-15")
