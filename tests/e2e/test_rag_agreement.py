"""One RAG rule (domain/rag.py): the weekly report's CSV, the stage alerts and `ehc cases` agree, case by case.

All as of Wed 10 Jun 2026 under the packaged policy (config/policy/default.toml): red within 3 and amber
within 10 working days awaiting a decision and in assessment, red within 5 and amber within 15 once a draft
is served; a draft watches only the final plan, since the representation window is the family's. Each case
is built so that the planner has a message for it that day (the RAG travels with every message). Working
days were counted by hand (no bank holiday between 10 Jun and 13 Jul 2026).
"""

from __future__ import annotations

import csv

import pytest

AS_OF = "2026-06-10"

# reference: (received, decided to assess, advice requested (health), draft served) -> RAG, why
CASES = {
    "DRAFT-WINDOW": (("2026-02-23", "2026-03-20", None, "2026-06-01"), "green",
                     "representations close Mon 15 Jun, in 5 days; the final plan, Mon 13 Jul, is 23 working days "
                     "away: green (the report used to say amber)"),
    "DRAFT-AMBER": (("2026-02-04", "2026-03-10", None, "2026-06-03"), "amber",
                    "final plan Wed 24 Jun: 10 working days"),
    "DRAFT-RED": (("2026-01-26", "2026-03-02", None, "2026-06-05"), "red",
                  "final plan Mon 15 Jun: 3 working days, within 5 (the report used to say amber)"),
    "DECISION-RED": (("2026-05-01", None, None, None), "red",
                     "decision Fri 12 Jun: 2 working days, within 3 (the report used to say amber)"),
    "DECISION-SATURDAY": (("2026-05-02", None, None, None), "red",
                          "decision Sat 13 Jun: its last working day, Fri 12 Jun, is 2 working days away"),
    "DECISION-AMBER": (("2026-05-06", None, None, None), "amber", "decision Wed 17 Jun: 5 working days"),
    "DECISION-MISSED": (("2026-04-28", None, None, None), "red", "decision was due Tue 9 Jun"),
    "NO-DRAFT": (("2026-02-25", "2026-03-25", None, None), "amber",
                 "week 16 with no draft; the notice not to issue, Wed 17 Jun, is 5 working days away"),
    "ADVICE-RED": (("2026-04-01", "2026-04-20", "2026-05-04", None), "red",
                   "advice Mon 15 Jun: 3 working days (the report used to say amber)"),
    "ADVICE-AMBER": (("2026-04-01", "2026-04-20", "2026-05-13", None), "amber", "advice Wed 24 Jun: 10 working days"),
    "ADVICE-TODAY": (("2026-04-01", "2026-04-20", AS_OF, None), "green",
                     "advice asked for today; it and the notice not to issue, Wed 22 Jul, are 30 working days away"),
}


def add_cases(ehc) -> None:
    for reference, ((received, decided, advice, draft), _, _) in CASES.items():
        ehc("request", "add", reference, "--received", received, "--caseworker", "A Okafor")
        if decided:
            ehc("case", "record", reference, "decision", "--date", decided, "--outcome", "assess")
        if advice:
            ehc("case", "record", reference, "advice-requested", "--date", advice, "--agency", "health")
        if draft:
            ehc("case", "record", reference, "draft-served", "--date", draft)


@pytest.fixture
def views(ehc, store_url, tmp_path) -> dict[str, dict[str, set[str]]]:
    """Each view's RAG per case: "cases" (`ehc cases --json`), "report" (the weekly report's CSV), "alerts"
    (every message `ehc reminders preview` plans for the case)."""
    add_cases(ehc)
    cases = {row["case_ref"]: {row["rag"]} for row in ehc("cases", "--as-of", AS_OF, "--json").json["cases"]}
    written = ehc("report", "weekly", "--as-of", AS_OF, "--out", str(tmp_path / "report"), "--json").json
    with open(written["csv"], newline="", encoding="utf-8") as handle:
        report = {row["case_ref"]: {row["rag"]} for row in csv.DictReader(handle)}
    alerts: dict[str, set[str]] = {}
    for message in ehc("reminders", "preview", "--as-of", AS_OF, "--json").json["messages"]:
        alerts.setdefault(message["case_reference"], set()).add(message["rag"])
    return {"cases": cases, "report": report, "alerts": alerts}


def test_the_report_the_stage_alerts_and_ehc_cases_give_each_case_the_same_rag(views):
    expected = {reference: {rag} for reference, (_, rag, _) in CASES.items()}

    assert views["cases"] == expected
    assert views["report"] == expected
    assert views["alerts"] == expected


def test_a_draft_whose_window_closes_soon_is_green_while_its_final_plan_is_weeks_away(views):
    assert {view: found["DRAFT-WINDOW"] for view, found in views.items()} == {
        "cases": {"green"}, "report": {"green"}, "alerts": {"green"}}
