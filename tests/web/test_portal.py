"""The contributor portal and the parent's view (ehc/web/routes/portal.py), through the real app and store.

Two North cases received on 5 October 2026: EHC-1 (Amelia Zebedee) with health advice asked of DCO-N
(Dr P Shah) and social care advice asked of SW-1 (S Khan) on 2 November 2026, due on 14 December 2026
(Reg 8(1)); EHC-2 (Bilal Young), the same. Today is 30 November 2026.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import date

import pytest
from sqlalchemy import text

from domain.events import parse_event
from domain.intake import NewRequest
from ehc.services.casework import add_request, record_event, show_case
from ehc.services.messages import deadline_watch
from ehc.services.portal_links import contributor_link, parent_link
from tests.web.support import CSRF, TODAY, sign_in

CONTRIBUTORS = (("DCO-N", "Dr P Shah", "health", "p.shah@nhs.example.uk"),
                ("SW-1", "S Khan", "social_care", "s.khan@example.gov.uk"))
CASES = {"EHC-1": ("Amelia", "Zebedee"), "EHC-2": ("Bilal", "Young")}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def build_cases(app, *, closed_by: str | None = None) -> None:
    with app.unit_of_work() as work:
        for code, name, agency, email in CONTRIBUTORS:
            work.cases.add_contributor(code, name, agency, email=email)
    for reference, (given, family) in CASES.items():
        add_request(app, NewRequest(reference=reference, received=date(2026, 10, 5), child_given_name=given,
                                    child_family_name=family, caseworker="A Okafor", team="North"),
                    "caseworker.alice", hand_over_now=False)
        record(app, reference, "decision", date(2026, 10, 26), outcome="assess")
        for code, _, agency, _ in CONTRIBUTORS:
            record(app, reference, "advice_requested", date(2026, 11, 2), agency=agency, contributor=code)


def record(app, reference: str, event_type: str, on: date, **payload) -> None:
    record_event(app, reference, parse_event(event_type, on, payload), "caseworker.alice")


@pytest.fixture
def cases(web_app):
    build_cases(web_app)
    return web_app


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost:8000")


def advice_form(client, page_path: str) -> str:
    """The contributor page's form token (and the browser's ehc_form cookie, kept by the client)."""
    page = client.get(page_path)
    assert page.status_code == 200, page.text[:500]
    return CSRF.search(page.text).group(1)


def upload(client, page_path: str, name: str, content: bytes, content_type: str = "application/pdf"):
    return client.post(page_path + "/upload", data={"csrf_token": advice_form(client, page_path)},
                       files={"advice_file": (name, content, content_type)})


def refusals(app) -> list:
    with app.unit_of_work() as work:
        return work.audit.entries(action="portal_link_refused")


def documents(app) -> list:
    with app.unit_of_work() as work:
        return work.portal.documents("EHC-1")


def health_advice(app):
    _, timeline = show_case(app, "EHC-1", TODAY)
    return next(advice for advice in timeline.advice if advice.key == "DCO-N")


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:body>Health advice</w:body></w:document>")
    return out.getvalue()


# -- the links --------------------------------------------------------------------------------------------


def test_ehc_portal_link_prints_only_the_url_and_the_link_opens_that_request(database_url, tmp_path, monkeypatch):
    from ehc.clock import SystemClock
    from ehc.web.app import create_web_app
    from fastapi.testclient import TestClient
    from tests.cli_run import ehc_runner
    from tests.web.support import web_app_for

    app = web_app_for(database_url, tmp_path / "state", clock=SystemClock())  # the CLI reads the real clock too
    build_cases(app)
    for name, value in {"EHC_DATABASE_URL": database_url, "EHC_STATE_DIR": str(tmp_path / "state"),
                        "EHC_SECRET_KEY": app.settings.secret_key.get_secret_value(),
                        "EHC_PUBLIC_URL": "https://send.example.gov.uk/"}.items():
        monkeypatch.setenv(name, value)
    ehc = ehc_runner()

    printed = ehc("portal", "link", "EHC-1", "--advice", "DCO-N", "--json").json
    parent = ehc("portal", "parent-link", "ehc-1", "--expires-in-days", "10", "--json").json

    assert list(printed) == ["url"] and list(parent) == ["url"]
    assert re.fullmatch(r"https://send\.example\.gov\.uk/portal/EHC-1/advice/[A-Za-z0-9_.-]+", printed["url"])
    assert re.fullmatch(r"https://send\.example\.gov\.uk/portal/EHC-1/parent/[A-Za-z0-9_.-]+", parent["url"])
    with TestClient(create_web_app(app)) as client:
        page = client.get(printed["url"].removeprefix("https://send.example.gov.uk"))
        assert page.status_code == 200
        assert "Health" in page.text and "14 December 2026" in page.text
        assert client.get(parent["url"].removeprefix("https://send.example.gov.uk")).status_code == 200
    refused = ehc("portal", "link", "EHC-1", "--advice", "EP-9", "--json", expect=2)
    assert refused.json == {"error": "--advice: EHC-1 has no advice request 'EP-9' (its requests: DCO-N, SW-1)"}
    app.engine.dispose()


@pytest.mark.parametrize("spoil", ["tampered", "expired", "reused", "cross-case", "parent's link for advice"])
def test_a_link_that_does_not_open_gets_a_plain_refusal_with_no_case_data_and_an_audit_entry(
        cases, client, clock, spoil):
    link = contributor_link(cases, "EHC-1", "DCO-N")
    page_path = path_of(link.url)
    token = page_path.rsplit("/", 1)[1]
    if spoil == "tampered":
        page_path = page_path[:-3] + ("AAA" if not page_path.endswith("AAA") else "BBB")
    elif spoil == "expired":
        clock.advance(days=56)  # 8 weeks: the setting's default
    elif spoil == "reused":
        assert upload(client, page_path, "advice.pdf", PDF).status_code == 200
    elif spoil == "cross-case":
        page_path = page_path.replace("/EHC-1/", "/EHC-2/")
    else:
        page_path = path_of(parent_link(cases, "EHC-1").url).replace("/parent/", "/advice/")

    page = client.get(page_path)

    assert page.status_code == 404
    assert "This link cannot be used" in page.text
    for case_data in ("EHC-1", "EHC-2", "AZ", "Amelia", "Health", "DCO-N", "14 December 2026", "upload"):
        assert case_data not in page.text
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"
    [entry] = refusals(cases)
    expected = {"tampered": "signature does not verify", "expired": "expired", "reused": "already used",
                "cross-case": "a link of another case", "parent's link for advice": "a parent link"}[spoil]
    assert expected in entry.detail
    assert token not in (entry.detail or "") and token not in (entry.subject or "")


def test_a_link_to_a_reference_with_slashes_opens_its_case(web_app, client):
    add_request(web_app, NewRequest(reference="NE/2026/7", received=date(2026, 10, 5), child_given_name="Cara",
                                    child_family_name="Diaz", team="North"), "caseworker.alice", hand_over_now=False)
    link = parent_link(web_app, "NE/2026/7")

    page = client.get(path_of(link.url))

    assert "/portal/NE%2F2026%2F7/parent/" in link.url
    assert page.status_code == 200 and "Request NE/2026/7 for CD" in page.text


def test_a_refused_link_cannot_submit_either_and_nothing_is_stored(cases, client):
    page_path = path_of(contributor_link(cases, "EHC-1", "DCO-N").url)
    token = advice_form(client, page_path)

    refused = client.post(page_path.replace("/EHC-1/", "/EHC-2/") + "/no-needs",
                          data={"csrf_token": token, "reason": "Not known to the service"})

    assert refused.status_code == 404 and "This link cannot be used" in refused.text
    assert documents(cases) == [] and health_advice(cases).done_on is None


# -- the contributor's page -------------------------------------------------------------------------------


def test_the_contributor_page_shows_only_what_the_contributor_needs(cases, client):
    page = client.get(path_of(contributor_link(cases, "EHC-1", "DCO-N").url))

    assert page.status_code == 200
    for shown in ("EHC-1", "AZ", "Health", "Medical advice and information from a health care professional",
                  "6(1)(c)", "14 December 2026", "SEND Assessment Team", "send.assessment@example.gov.uk"):
        assert shown in page.text
    for hidden in ("Amelia", "Zebedee", "Social care", "SW-1", "S Khan", "Dr P Shah", "p.shah@", "A Okafor"):
        assert hidden not in page.text
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"
    assert "unsafe-inline" not in page.headers["content-security-policy"]


def test_an_uploaded_pdf_records_the_advice_with_the_contributor_as_actor_and_tells_orchestration(
        cases, client, tmp_path):
    page_path = path_of(contributor_link(cases, "EHC-1", "DCO-N").url)
    sent = upload(client, page_path, "Health advice AZ.pdf", PDF)

    assert sent.status_code == 200 and "Advice sent" in sent.text
    assert health_advice(cases).done_on == TODAY
    record, _ = show_case(cases, "EHC-1", TODAY)
    assert (record.audit[-1]["type"], record.audit[-1]["actor"]) == ("advice_received", "DCO-N")
    assert cases.orchestrator.calls[-1] == ("hand_over", ["EHC-1"])
    [document] = documents(cases)
    assert (document.original_filename, document.content_type, document.size_bytes, document.uploaded_by) == (
        "Health advice AZ.pdf", "application/pdf", len(PDF), "DCO-N")
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    stored = tmp_path / "state" / "advice-files" / document.stored_name
    assert stored.read_bytes() == PDF and stored.stat().st_mode & 0o777 == 0o600


def test_the_caseworker_sees_the_file_on_the_case_page_and_downloads_it_as_an_attachment(cases, client):
    upload(client, path_of(contributor_link(cases, "EHC-1", "DCO-N").url), "advice.pdf", PDF)
    sign_in(client, "alice")

    case_page = client.get("/cases/EHC-1")
    [href] = re.findall(r'href="(/cases/EHC-1/advice/\d+)"', case_page.text)
    download = client.get(href)

    assert "advice.pdf" in case_page.text and "sent through the portal by DCO-N" in case_page.text
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith('attachment; filename="advice.pdf"')
    assert download.headers["x-content-type-options"] == "nosniff"


def test_a_caseworker_of_another_team_cannot_download_the_file(cases, client):
    upload(client, path_of(contributor_link(cases, "EHC-1", "DCO-N").url), "advice.pdf", PDF)
    [document] = documents(cases)
    sign_in(client, "bruno")  # South

    refused = client.get(f"/cases/EHC-1/advice/{document.id}")

    assert refused.status_code == 404 and PDF not in refused.content
    with cases.unit_of_work() as work:
        assert [entry.subject for entry in work.audit.entries(action="access_refused")] == ["EHC-1"]


def test_a_docx_is_accepted_by_its_content(cases, client):
    sent = upload(client, path_of(contributor_link(cases, "EHC-1", "DCO-N").url), "advice", docx(),
                  "application/octet-stream")

    assert sent.status_code == 200
    [document] = documents(cases)
    assert document.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert document.original_filename == "advice.docx"


@pytest.mark.parametrize("name, content, status, message", [
    ("advice.pdf", b"This is plain text, whatever its name says.\n", 400, "must be a PDF or a Word document (DOCX)"),
    ("advice.docx", b"PK\x03\x04 not really a zip", 400, "must be a PDF or a Word document (DOCX)"),
    ("advice.pdf", b"", 400, "The selected file is empty"),
    # Just over the limit: the file's own check. Far over: refused as the body streams in, before it is read.
    ("advice.pdf", b"%PDF-" + b"x" * (1024 * 1024), 400, "must be smaller than 1MB"),
    ("advice.pdf", b"%PDF-" + b"x" * (3 * 1024 * 1024), 413, "must be smaller than 1MB"),
])
def test_a_file_that_is_not_advice_is_refused_with_a_message_and_nothing_is_stored(
        database_url, tmp_path, name, content, status, message):
    from ehc.web.app import create_web_app
    from fastapi.testclient import TestClient
    from tests.web.support import web_app_for

    app = web_app_for(database_url, tmp_path / "state", advice_upload_max_mb=1)
    build_cases(app)
    page_path = path_of(contributor_link(app, "EHC-1", "DCO-N").url)
    with TestClient(create_web_app(app)) as client:
        refused = upload(client, page_path, name, content)
        assert refused.status_code == status
        assert message in refused.text and "There is a problem" in refused.text
        assert client.get(page_path).status_code == 200  # the link still works
    assert documents(app) == [] and health_advice(app).done_on is None
    assert list((tmp_path / "state" / "advice-files").glob("*")) == []
    app.engine.dispose()


def test_no_file_chosen_is_refused_with_a_message(cases, client):
    page_path = path_of(contributor_link(cases, "EHC-1", "DCO-N").url)

    refused = upload(client, page_path, "", b"", "application/octet-stream")

    assert refused.status_code == 400 and "Select a file" in refused.text
    assert documents(cases) == []


def test_declaring_no_needs_requires_a_reason_then_records_the_advice(cases, client):
    page_path = path_of(contributor_link(cases, "EHC-1", "SW-1").url)
    told = len(cases.orchestrator.calls)

    blank = client.post(page_path + "/no-needs", data={"csrf_token": advice_form(client, page_path), "reason": "  "})
    declared = client.post(page_path + "/no-needs", data={
        "csrf_token": advice_form(client, page_path),
        "reason": "Not known to children's social care; no assessment open or planned."})

    assert blank.status_code == 400 and "Enter why there are no needs in your area" in blank.text
    assert declared.status_code == 200 and "Declaration sent" in declared.text
    record, timeline = show_case(cases, "EHC-1", TODAY)
    assert next(advice.done_on for advice in timeline.advice if advice.key == "SW-1") == TODAY
    assert (record.audit[-1]["type"], record.audit[-1]["actor"]) == ("advice_received", "SW-1")
    assert cases.orchestrator.calls[told:] == [("hand_over", ["EHC-1"])]  # the declaration's, not the blank's
    [document] = documents(cases)
    assert (document.stored_name, document.no_needs_reason) == (
        None, "Not known to children's social care; no assessment open or planned.")
    sign_in(client, "alice")
    assert "no assessment open or planned" in client.get("/cases/EHC-1").text


def test_a_portal_form_without_its_token_is_refused_and_nothing_is_stored(cases, client):
    page_path = path_of(contributor_link(cases, "EHC-1", "DCO-N").url)
    client.get(page_path)

    refused = client.post(page_path + "/upload", files={"advice_file": ("advice.pdf", PDF, "application/pdf")})

    assert refused.status_code == 403
    assert documents(cases) == [] and health_advice(cases).done_on is None


def test_advice_already_recorded_by_the_caseworker_is_said_and_not_recorded_twice(cases, client):
    page_path = path_of(contributor_link(cases, "EHC-1", "DCO-N").url)
    token = advice_form(client, page_path)
    record(cases, "EHC-1", "advice_received", date(2026, 11, 27), contributor="DCO-N")

    page = client.get(page_path)
    refused = client.post(page_path + "/upload", data={"csrf_token": token},
                          files={"advice_file": ("advice.pdf", PDF, "application/pdf")})

    assert "recorded as received on 27 November 2026" in page.text and "Upload advice" not in page.text
    assert refused.status_code == 409 and "already received on 2026-11-27" in refused.text
    assert documents(cases) == []


# -- the parent's view ------------------------------------------------------------------------------------


def test_the_parent_page_shows_that_child_only_and_no_contributor(cases, client):
    record(cases, "EHC-1", "advice_received", date(2026, 11, 20), contributor="SW-1")

    page = client.get(path_of(parent_link(cases, "EHC-1").url))

    assert page.status_code == 200
    text_only = re.sub(r"<[^>]+>", " ", page.text)
    for shown in ("EHC-1", "AZ", "5 October 2026", "We are carrying out the EHC needs assessment",
                  "Met", "Done on 26 October 2026",  # the decision (Reg 5(1)) by 16 November 2026
                  "Social care: arrived on 20 November 2026", "Health: not arrived yet (due by 14 December 2026)",
                  "We issue the final EHC plan, by 22 February 2027",
                  "We are waiting for advice from professionals. They should send it by 14 December 2026",
                  "Then, by 25 January 2027, we decide whether to issue an EHC plan", "A Okafor is your caseworker",
                  "send.assessment@example.gov.uk"):
        assert shown in " ".join(text_only.split()), shown
    for hidden in ("EHC-2", "BY", "Bilal", "Young", "Amelia", "Zebedee", "DCO-N", "SW-1", "Dr P Shah", "S Khan",
                   "p.shah@", "s.khan@", "If you disagree"):
        assert hidden not in page.text, hidden


def test_the_parent_page_tells_of_mediation_and_appeal_after_a_decision_not_to_assess(web_app, client):
    add_request(web_app, NewRequest(reference="EHC-3", received=date(2026, 9, 7), caseworker="A Okafor",
                                    team="North"), "caseworker.alice", hand_over_now=False)
    record(web_app, "EHC-3", "decision", date(2026, 10, 23), outcome="not_assess")

    page = client.get(path_of(parent_link(web_app, "EHC-3").url))

    text_only = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert "We decided not to carry out an EHC needs assessment" in text_only
    assert "Missed Done late, on 23 October 2026" in text_only  # due 19 October 2026
    assert "appeal to the First-tier Tribunal (Special Educational Needs and Disability) against the decision " \
           "not to carry out an EHC needs assessment (Children and Families Act 2014, section 51(2)(a))" in text_only
    assert "mediation adviser" in text_only
    assert "2 months from the date of the decision letter, or 1 month from the date of the mediation " \
           "certificate" in text_only


# -- the link in every reminder ---------------------------------------------------------------------------


def test_each_advice_reminder_carries_a_fresh_working_link_and_a_rerun_makes_none(cases, client, engine):
    first = deadline_watch(cases, TODAY)
    with engine.connect() as connection:
        bodies = connection.execute(text(
            "SELECT kind, body_text, body_html FROM outbox WHERE kind = 'advice_reminder' ORDER BY key")).all()
        links = connection.execute(text("SELECT count(*) FROM portal_links")).scalar_one()
    again = deadline_watch(cases, TODAY)
    with engine.connect() as connection:
        links_after = connection.execute(text("SELECT count(*) FROM portal_links")).scalar_one()

    assert first.messages_queued >= 4 and len(bodies) == 4  # EHC-1 and EHC-2, health and social care
    urls = [re.search(r"http://localhost:8000/portal/\S+", body_text).group(0) for _, body_text, _ in bodies]
    assert len(set(urls)) == 4 and all(url in body_html for url, (_, _, body_html) in zip(urls, bodies))
    assert links == 4 and again.messages_queued == 0 and links_after == 4
    pages = [client.get(path_of(url)) for url in urls]
    assert all(page.status_code == 200 for page in pages)
    assert {re.search(r"<dd class=\"govuk-summary-list__value\">(Health|Social care)</dd>", page.text).group(1)
            for page in pages} == {"Health", "Social care"}
