"""`ehc reminders ...`, `ehc outbox ...` and `ehc contributors import` end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

from notifications.sink import SmtpSink

# Both dates named: the -3 reminder counts its working days from the last working day (here the same day).
DUE_9_APRIL = "(statutory date Thu 2026-04-09, last working day Thu 2026-04-09)"


def casework(ehc, tmp_path):
    contributors = tmp_path / "contributors.csv"
    contributors.write_text("code,name,agency,team,email,escalation_email\n"
                            "DCO-N,Dr P Shah,health,North,p.shah@nhs.example.uk,lead@nhs.example.uk\n"
                            "SW-1,S Khan,social_care,,,\n", encoding="utf-8")
    assert ehc("contributors", "import", str(contributors), "--json").json == {"imported": 2}
    ehc("request", "add", "EHC-7", "--received", "2026-01-29", "--child-given-name", "Amelia",
        "--child-family-name", "Zebedee", "--caseworker", "B Singh")
    ehc("case", "record", "EHC-7", "decision", "--date", "2026-02-19", "--outcome", "assess")
    ehc("case", "record", "EHC-7", "advice-requested", "--date", "2026-02-26", "--contributor", "DCO-N")
    ehc("case", "record", "EHC-7", "advice-requested", "--date", "2026-02-26", "--contributor", "SW-1")


def test_preview_watch_list_and_dispatch(ehc, store_url, tmp_path, monkeypatch):
    casework(ehc, tmp_path)
    preview = ehc("reminders", "preview", "--as-of", "2026-04-02", "--json").json
    reasons = {item["recipient"]: item["reason"] for item in preview["messages"]}
    assert reasons == {
        "contributor:DCO-N": "3 working days before health advice due " + DUE_9_APRIL,
        "contributor:SW-1": "3 working days before social care advice due " + DUE_9_APRIL,
    }
    assert "Amelia" not in ehc("reminders", "preview", "--as-of", "2026-04-02").stdout
    watch = ehc("reminders", "watch", "--as-of", "2026-04-02", "--json").json
    assert watch == {"as_of": "2026-04-02", "cases_checked": 1, "plans_checked": 0, "messages_queued": 2,
                     "already_queued": 0}
    assert ehc("reminders", "watch", "--as-of", "2026-04-02", "--json").json["already_queued"] == 2
    listed = ehc("outbox", "--status", "queued", "--json").json
    assert listed["counts"]["queued"] == 2
    with SmtpSink(tmp_path / "mail") as sink:
        monkeypatch.setenv("EHC_SMTP_PORT", str(sink.port))
        sent = ehc("outbox", "dispatch", "--now", "2026-04-02T10:00+01:00", "--json").json
        assert (sent["sent"], sent["skipped"], sent["still_queued"]) == (1, 1, 0)  # SW-1 has no email address
        [message] = sink.messages()
    assert message["To"] == "p.shah@nhs.example.uk"
    assert "EHC-7 (AZ)" in message["Subject"]
    skipped = ehc("outbox", "--status", "skipped", "--json").json["messages"]
    assert [row["last_error"] for row in skipped] == ["no email address for contributor:SW-1"]
    audit = ehc("case", "show", "EHC-7", "--as-of", "2026-04-02", "--json").stdout
    assert "notification_sent" in audit and "notification_skipped" in audit


def test_the_outbox_of_one_case_says_what_each_message_is_for_and_why(ehc, store_url, tmp_path):
    casework(ehc, tmp_path)
    ehc("request", "add", "EHC-8", "--received", "2026-01-29", "--caseworker", "B Singh")
    ehc("case", "record", "EHC-8", "decision", "--date", "2026-02-19", "--outcome", "assess")
    ehc("case", "record", "EHC-8", "advice-requested", "--date", "2026-02-26", "--contributor", "DCO-N")
    ehc("reminders", "watch", "--as-of", "2026-04-02")
    everything = ehc("outbox", "--json").json["messages"]
    assert {item["case_reference"] for item in everything} == {"EHC-7", "EHC-8"}

    listed = ehc("outbox", "--case", "EHC-7", "--json").json
    messages = listed["messages"]
    assert [item["case_reference"] for item in messages] == ["EHC-7", "EHC-7"]
    assert listed["counts"]["queued"] == 2
    assert {item["reason"] for item in messages} == {
        "3 working days before health advice due " + DUE_9_APRIL,
        "3 working days before social care advice due " + DUE_9_APRIL}
    for item in messages:
        assert item["reason"] and item["purpose"] and item["kind"]
        assert (item["due_on"], item["send_on"]) == ("2026-04-09", "2026-04-02")
        assert {"key", "recipient", "channel", "to_address", "status", "attempts", "last_error", "next_attempt_at",
                "message_id", "sent_at"} <= item.keys()
    text = ehc("outbox", "--case", "EHC-7").stdout
    assert text.count("why: 3 working days before") == 2 and "EHC-8" not in text

    assert ehc("outbox", "--case", "EHC-404", "--json").json["messages"] == []
    refused = ehc("outbox", "--case", "EHC 7; DROP", expect=2)
    assert refused.stderr.startswith("error: --case: 'EHC 7; DROP' is not a case reference")


def test_refusals_exit_2_naming_the_problem(ehc, store_url, tmp_path):
    ehc("db", "upgrade")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,agency,email\nX-1,X,nursing,x@example.org\n", encoding="utf-8")
    ran = ehc("contributors", "import", str(bad), expect=2)
    assert "line 2: agency" in ran.stderr and ran.stderr.startswith("error:")
    assert ehc("contributors", "list", "--json").json == {"contributors": []}
    assert "--status" in ehc("outbox", "--status", "lost", expect=2).stderr
    assert "--as-of" in ehc("reminders", "preview", "--as-of", "someday", expect=2).stderr
    assert "--now" in ehc("outbox", "dispatch", "--now", "2026-04-02T10:00", expect=2).stderr


def test_the_first_watch_after_an_import_escalates_each_late_request_once_to_its_highest_rung(ehc, store_url,
                                                                                              tmp_path):
    """Advice asked on Fri 20 Feb 2026 was due Fri 3 Apr (Good Friday): on Mon 30 Nov every rung's day is long past.
    Health and social care climb to the director at +10; other advice to the head of SEND."""
    contributors = tmp_path / "contributors.csv"
    contributors.write_text("code,name,agency,team,email,escalation_email\n"
                            "DCO-N,Dr P Shah,health,North,p.shah@nhs.example.uk,lead@nhs.example.uk\n"
                            "SW-1,S Khan,social_care,,s.khan@example.gov.uk,sw.lead@example.gov.uk\n", encoding="utf-8")
    ehc("contributors", "import", str(contributors))
    caseload = tmp_path / "caseload.csv"
    caseload.write_text("case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception\n"
                        "IMP-1,2026-01-05,assess,2026-02-02,,,\n"
                        "IMP-2,2026-01-05,assess,2026-02-02,,,\n", encoding="utf-8")
    ehc("import", "caseload", str(caseload), "--no-hand-over")
    for reference, *asked in (("IMP-1", "--contributor", "DCO-N"), ("IMP-1", "--agency", "other"),
                              ("IMP-2", "--contributor", "SW-1")):
        ehc("case", "record", reference, "advice-requested", "--date", "2026-02-20", *asked)

    first = ehc("reminders", "watch", "--as-of", "2026-11-30", "--json").json
    escalations = [(m["case_reference"], m["purpose"].split("/", 1)[1], m["recipient"], m["reason"])
                   for m in ehc("outbox", "--json").json["messages"] if m["kind"] == "advice_escalation"]
    assert sorted(row[:3] for row in escalations) == [
        ("IMP-1", "DCO-N/+10", "role:director"),
        ("IMP-1", "other/+10", "role:head_of_send"),
        ("IMP-2", "SW-1/+10", "role:director"),
    ]
    assert all("(241 days overdue)" in reason and "not told now" in reason for *_, reason in escalations)
    again = ehc("reminders", "watch", "--as-of", "2026-11-30", "--json").json
    assert (again["messages_queued"], again["already_queued"]) == (0, first["messages_queued"])
    ehc("reminders", "watch", "--as-of", "2026-12-01")  # the next morning: still the same rung, already told
    assert len([m for m in ehc("outbox", "--json").json["messages"] if m["kind"] == "advice_escalation"]) == 3
