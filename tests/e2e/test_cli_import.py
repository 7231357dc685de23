"""`ehc import caseload FILE.csv`: every row valid, or nothing written (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("store_url")

HEADER = "case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception"
FULL_HEADER = (HEADER + ",caseworker,team,setting,child_given_name,child_family_name,child_date_of_birth,"
               "draft_served,withdrawn,exception_start,exception_end")


def write_csv(tmp_path: Path, name: str, *lines: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


GOOD_ROWS = [
    # case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception,caseworker,team,setting,
    # child_given_name,child_family_name,child_date_of_birth,draft_served,withdrawn,exception_start,exception_end
    "IMP-AWAIT,2026-05-04,,,,,,alice,North,URN-100001,Ada,Lovelace,2016-01-02,,,,",
    "IMP-ASSESS,2026-03-02,assess,2026-04-10,,,,bob,South,,,,,,,,",
    "IMP-DRAFT,2026-02-02,assess,2026-03-01,,,,alice,,,,,,2026-05-20,,,",
    "IMP-ISSUED,2026-01-05,assess,2026-02-10,2026-05-29,,,bob,,,,,,2026-05-01,,,",
    "IMP-NOTASSESS,2026-01-05,not_assess,2026-02-10,,,,,,,,,,,,,",
    "IMP-NOPLAN,2026-01-05,assess,2026-02-10,,2026-04-20,,,,,,,,,,,",
    "IMP-WITHDRAWN,2026-01-05,,,,,,,,,,,,,2026-01-20,,",
    "IMP-EXCEPT,2026-03-02,assess,2026-04-10,,,10(4)(d),,,,,,,,,2026-04-15,2026-05-20",
]
GOOD_STAGES = {
    "IMP-AWAIT": "awaiting_decision", "IMP-ASSESS": "assessment", "IMP-DRAFT": "draft", "IMP-ISSUED": "issued",
    "IMP-NOTASSESS": "not_assessed", "IMP-NOPLAN": "no_plan", "IMP-WITHDRAWN": "withdrawn",
    "IMP-EXCEPT": "assessment",
}


def test_a_good_file_imports_every_case_with_the_stage_its_dates_imply(ehc, tmp_path, count_rows):
    path = write_csv(tmp_path, "caseload.csv", FULL_HEADER, *GOOD_ROWS)

    done = ehc("import", "caseload", str(path), "--json").json

    assert (done["imported"], done["ignored_columns"]) == (8, [])
    assert done["orchestration"] == ("not handed to orchestration: no Prefect server is configured "
                                     "(start one with `ehc serve`, or set PREFECT_API_URL)")
    listing = ehc("cases", "--all", "--as-of", "2026-06-01", "--json").json
    assert {row["case_ref"]: row["stage"] for row in listing["cases"]} == GOOD_STAGES
    assert count_rows("cases") == 8
    # one event per filled date column: received + decision (+ draft, final, notice, withdrawal, exception)
    assert count_rows("case_events") == 1 + 2 + 3 + 4 + 2 + 3 + 2 + 4
    for ref, stage in GOOD_STAGES.items():
        assert ehc("case", "show", ref, "--as-of", "2026-06-01", "--json").json["timeline"]["stage"] == stage


def test_imported_cases_keep_their_people_and_dates_and_get_statutory_statuses(ehc, tmp_path):
    ehc("import", "caseload", str(write_csv(tmp_path, "caseload.csv", FULL_HEADER, *GOOD_ROWS)))

    waiting = ehc("case", "show", "IMP-AWAIT", "--as-of", "2026-06-01", "--json").json
    issued = ehc("case", "show", "IMP-ISSUED", "--as-of", "2026-06-01", "--json").json
    excepted = ehc("case", "show", "IMP-EXCEPT", "--as-of", "2026-06-01", "--json").json

    assert waiting["child"] == {"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "2016-01-02",
                                "initials": "AL"}
    assert (waiting["caseworker"], waiting["team"], waiting["setting"]) == ("alice", "North", "URN-100001")
    assert waiting["timeline"]["deadlines"]["decision_to_assess"]["statutory"] == "2026-06-15"
    final = issued["timeline"]["deadlines"]["final_plan"]
    assert (final["statutory"], final["done_on"], final["status"]) == ("2026-05-25", "2026-05-29", "done_late")
    assert issued["timeline"]["deadlines"]["decision_to_assess"]["status"] == "done_on_time"
    assert [e["type"] for e in issued["events"]] == ["received", "decision", "draft_served", "final_issued"]
    assert {e["actor"] for e in issued["events"]} == {"caseworker.alice"}
    assert excepted["timeline"]["exceptions_apply"] is True
    assert [(e["limb"], e["start"], e["end"]) for e in excepted["timeline"]["exceptions"]] == [
        ("10(4)(d)", "2026-04-15", "2026-05-20")]


def test_unknown_columns_are_reported_as_ignored_and_known_ones_kept(ehc, tmp_path):
    path = write_csv(tmp_path, "caseload.csv", HEADER + ",caseworker,favourite_colour,upn",
                     "EXTRA-1,2026-03-02,,,,,,carol,blue,A123")

    ran = ehc("import", "caseload", str(path))
    as_json = ehc("import", "caseload", str(write_csv(tmp_path, "two.csv", HEADER + ",shoe_size",
                                                       "EXTRA-2,2026-03-02,,,,,,9")), "--json").json

    assert "favourite_colour" in ran.stdout and "upn" in ran.stdout
    assert (as_json["imported"], as_json["ignored_columns"]) == (1, ["shoe_size"])
    assert ehc("case", "show", "EXTRA-1", "--json").json["caseworker"] == "carol"


def test_the_import_goes_to_the_database_ehc_database_url_names(ehc, tmp_path, state_dir, count_rows):
    ehc("import", "caseload", str(write_csv(tmp_path, "caseload.csv", HEADER, "URL-1,2026-03-02,,,,,")))

    assert count_rows("cases") == 1
    assert not (state_dir / "ehc.sqlite3").exists()


def test_a_header_only_file_imports_nothing(ehc, tmp_path, count_rows):
    done = ehc("import", "caseload", str(write_csv(tmp_path, "empty.csv", HEADER)), "--json").json

    assert done["imported"] == 0
    assert count_rows("cases") == 0


def test_a_utf8_file_with_a_byte_order_mark_and_crlf_lines_imports(ehc, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + HEADER + ",child_given_name\r\nBOM-1,2026-03-02,,,,,,Zoë\r\n").encode("utf-8"))

    ehc("import", "caseload", str(path))

    assert ehc("case", "show", "BOM-1", "--json").json["child"]["given_name"] == "Zoë"


@pytest.fixture
def stored_case(ehc, tmp_path):
    """One case already in the store, so that 'unchanged' is about a store with rows in it."""
    ehc("request", "add", "STORED-1", "--received", "2026-02-02", "--child-given-name", "Existing")
    ehc("case", "record", "STORED-1", "decision", "--date", "2026-03-01", "--outcome", "assess")
    return "STORED-1"


def refused_import(ehc, path: Path) -> tuple[str, str]:
    ran = ehc("import", "caseload", str(path), "--json", expect=2)
    assert ran.stderr.startswith("error: "), str(ran)
    return ran.json["error"], ran.stderr


def test_a_file_that_is_not_utf8_is_refused_and_nothing_written(ehc, tmp_path, stored_case, dump_tables):
    path = write_csv(tmp_path, "latin1.csv", HEADER + ",child_given_name", "LAT-1,2026-03-02,,,,,,Zoë",
                     encoding="latin-1")
    before = dump_tables()

    error, stderr = refused_import(ehc, path)

    assert "UTF-8" in error and "UTF-8" in stderr
    assert dump_tables() == before


def test_a_file_whose_references_are_already_stored_is_refused_naming_each_line(
        ehc, tmp_path, stored_case, dump_tables):
    path = write_csv(tmp_path, "again.csv", HEADER, "NEW-1,2026-03-02,,,,,", f"{stored_case},2026-02-02,,,,,")
    before = dump_tables()

    error, _ = refused_import(ehc, path)

    assert "line 3" in error and stored_case in error
    assert "line 2" not in error
    assert dump_tables() == before


def test_importing_the_same_file_twice_is_refused_the_second_time_and_changes_nothing(
        ehc, tmp_path, count_rows, dump_tables):
    path = write_csv(tmp_path, "caseload.csv", FULL_HEADER, *GOOD_ROWS)
    ehc("import", "caseload", str(path))
    before = dump_tables()

    error, _ = refused_import(ehc, path)

    for line in range(2, 2 + len(GOOD_ROWS)):
        assert f"line {line}:" in error
    assert dump_tables() == before
    assert count_rows("cases") == len(GOOD_ROWS)


BAD_FILE = [
    HEADER + ",draft_served",
    "OK-1,2026-03-02,assess,2026-04-01,,,,",                    # line 2: fine
    "BAD-DATE,2026-02-30,,,,,,",                                 # line 3: no such day
    "OK-2,2026-03-02,,,,,,",                                     # line 4: fine
    "BAD-FINAL,2026-03-05,assess,2026-03-10,2026-03-01,,,",      # line 5: final before received
    "OK-1,2026-03-09,,,,,,",                                     # line 6: duplicate of line 2
    "BAD-DECISION,2026-03-02,maybe,2026-04-01,,,,",              # line 7: unknown decision
    "STORED-1,2026-02-02,,,,,,",                                 # line 8: already in the store
    "BAD-LIMB,2026-03-02,,,,,8(2)(a),",                          # line 9: not a Reg 10(4) limb
    "BAD-NODATE,2026-03-02,assess,,,,,",                         # line 10: decision without its date
    "BAD-DRAFT,2026-03-02,,,,,,2026-04-01",                      # line 11: draft with no decision to assess
    "OK-3,2026-03-02,not_assess,2026-03-20,,,,",                 # line 12: fine
    "BAD-CELLS,2026-03-02,,,,,,,extra",                          # line 13: more cells than columns
    ",2026-03-02,,,,,,",                                         # line 14: no reference
]
BAD_LINES = [3, 5, 6, 7, 8, 9, 10, 11, 13, 14]


def test_a_mix_of_bad_rows_is_refused_listing_every_bad_line_and_the_store_is_unchanged(
        ehc, tmp_path, stored_case, count_rows, dump_tables):
    path = write_csv(tmp_path, "mixed.csv", *BAD_FILE)
    counts_before = (count_rows("cases"), count_rows("case_events"))
    before = dump_tables()

    error, stderr = refused_import(ehc, path)

    reported = sorted(int(line.split(":")[0].removeprefix("line ")) for line in error.splitlines()
                      if line.startswith("line "))
    assert reported == BAD_LINES
    assert f"({len(BAD_LINES)} problem(s))" in error
    for line in BAD_LINES:
        assert f"line {line}:" in stderr
    for good_line in (2, 4, 12):
        assert f"line {good_line}:" not in error
    assert "2026-02-30" in error and "maybe" in error and "8(2)(a)" in error and "also on line 2" in error
    assert (count_rows("cases"), count_rows("case_events")) == counts_before == (1, 2)
    assert dump_tables() == before


@pytest.mark.parametrize(("lines", "named"), [
    pytest.param([HEADER.replace(",exception", ""), "X-1,2026-03-02,,,,"], "exception", id="missing-column"),
    pytest.param([HEADER, "X-1,2026-03-02,,2026-04-01,,,"], "decision", id="decision-date-without-decision"),
    pytest.param([HEADER, "X-1,,,,,,"], "received", id="received-empty"),
    pytest.param([HEADER + ",exception_start", "X-1,2026-03-02,,,,,,2026-04-01"], "exception",
                 id="exception-dates-without-limb"),
    pytest.param([HEADER + ",child_date_of_birth", "X-1,2026-03-02,,,,,,2027-01-01"], "child_date_of_birth",
                 id="born-after-request"),
])
def test_a_single_bad_row_refuses_the_whole_file_naming_the_column(ehc, tmp_path, stored_case, dump_tables,
                                                                    lines, named):
    good_row = "GOOD-1,2026-03-02" + "," * (lines[0].count(",") - 1)
    path = write_csv(tmp_path, "one-bad.csv", *lines, good_row)
    before = dump_tables()

    error, _ = refused_import(ehc, path)

    assert named in error
    assert dump_tables() == before


def test_a_missing_file_is_refused(ehc, tmp_path):
    error, _ = refused_import(ehc, tmp_path / "no-such.csv")

    assert "no-such.csv" in error
