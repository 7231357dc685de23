"""`ehc report weekly --email`: the report queued for the weekly distribution list; no email without the flag."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.e2e.test_cli_report import CASELOAD, HEADER  # the hand-computed caseload of the report's CLI tests

pytestmark = pytest.mark.usefixtures("store_url")


@pytest.fixture
def caseload(ehc, tmp_path, store_url):
    path = tmp_path / "caseload.csv"
    path.write_text("\n".join([HEADER, *CASELOAD]) + "\n", encoding="utf-8")
    ehc("import", "caseload", str(path))


def queued(sql) -> list[tuple]:
    with sql.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT recipient, to_address, status FROM outbox "
                                                                "ORDER BY recipient"))]


@pytest.mark.usefixtures("caseload")
def test_without_email_the_report_is_only_written(ehc, tmp_path, sql):
    data = ehc("report", "weekly", "--as-of", "2026-06-01", "--out", str(tmp_path / "weekly"), "--json").json

    assert data["emails_queued"] is None
    assert queued(sql) == []


@pytest.mark.usefixtures("caseload")
def test_with_email_it_is_queued_for_each_recipient_once_however_often_it_runs(ehc, tmp_path, sql):
    first = ehc("report", "weekly", "--as-of", "2026-06-01", "--out", str(tmp_path / "weekly"), "--email", "--json")
    again = ehc("report", "weekly", "--as-of", "2026-06-01", "--out", str(tmp_path / "weekly"), "--email")

    assert first.json["emails_queued"] == 2
    assert "Emails queued for the weekly distribution list: 0" in again.stdout
    assert queued(sql) == [("role:head_of_send", "head.of.send@example.gov.uk", "queued"),
                           ("role:send_manager", "send.manager@example.gov.uk", "queued")]
    listed = ehc("outbox", "--json").json["messages"]
    assert {(item["case_reference"], item["purpose"]) for item in listed} == {(None, "weekly-report")}
