"""Reading plans from JSON and Word: heading spellings, layouts, and files that cannot be split."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from domain.plan import SECTION_TITLES, SectionId
from ehc.imports.plan_file import PlanImportError, read_plan, section_heading

EVERY = [sid.value for sid in SectionId]


@pytest.mark.parametrize(("text", "heading_like", "found"), [
    ("Section A", False, ("A", "")),
    ("Section A - Views, interests and aspirations", False, ("A", "Views, interests and aspirations")),
    ("SECTION H1", False, ("H1", "")),
    ("Section  h 2:  Other social care provision", True, ("H2", "Other social care provision")),
    ("SECTION  B – SPECIAL EDUCATIONAL NEEDS", True, ("B", "SPECIAL EDUCATIONAL NEEDS")),
    ("A:", True, ("A", "")),
    ("E. Outcomes", True, ("E", "Outcomes")),
    ("K", True, ("K", "")),
    ("Section H - Social care provision", True, ("H", "Social care provision")),
    ("A: Views", False, None),
    ("E.g. the child likes trains", True, None),
    ("A teaching assistant will help", True, None),
    ("I like trains", True, None),
    ("Section F sets out the provision", False, None),
    ("Section 2 of the 1970 Act", False, None),
], ids=lambda value: repr(value) if isinstance(value, str) else None)
def test_section_headings_are_recognised_in_the_spellings_templates_use(text, heading_like, found):
    assert section_heading(text, heading_like) == found


def write_docx(path: Path, build) -> Path:
    document = docx.Document()
    build(document)
    document.save(str(path))
    return path


def test_a_word_document_without_section_headings_is_refused_naming_the_sections_not_found(tmp_path):
    path = write_docx(tmp_path / "letter.docx", lambda d: [d.add_paragraph("Dear parent,"),
                                                            d.add_paragraph("Please find the plan attached.")])

    with pytest.raises(PlanImportError) as refused:
        read_plan(path)

    assert str(refused.value).startswith(f"{path}: could not split the plan into sections: found none; "
                                         f"not found: {', '.join(EVERY)}")


def test_a_word_document_with_too_few_headings_names_the_ones_it_found_and_the_rest(tmp_path):
    def build(document):
        for sid in ("A", "B", "C"):
            document.add_heading(f"Section {sid}", level=2)
            document.add_paragraph("Some text.")

    with pytest.raises(PlanImportError, match="found A, B, C; not found: D, E, F, G, H1, H2, I, J, K"):
        read_plan(write_docx(tmp_path / "short.docx", build))


def test_the_error_never_repeats_the_plans_text(tmp_path):
    path = write_docx(tmp_path / "x.docx", lambda d: d.add_paragraph("Ada Lovelace, born 10 December 2015"))

    with pytest.raises(PlanImportError) as refused:
        read_plan(path)

    assert "Lovelace" not in str(refused.value)


def test_a_provision_table_with_column_labels_reads_as_one_item_per_row(tmp_path):
    def build(document):
        for sid in SectionId:
            document.add_heading(f"Section {sid} - {SECTION_TITLES[sid]}", level=1)
            if sid is SectionId.F:
                table = document.add_table(rows=3, cols=4)
                rows = [("Provision", "Who", "How often", "How long"),
                        ("Phonics programme", "Teaching assistant", "Daily", "20 minutes"),
                        ("Social skills group", "SENCO", "", "")]
                for row, values in zip(table.rows, rows):
                    for cell, value in zip(row.cells, values):
                        cell.text = value
            else:
                document.add_paragraph(f"Text for {sid}.")

    plan = read_plan(write_docx(tmp_path / "table.docx", build))

    assert plan.section(SectionId.F).paragraphs == (
        "Provision: Phonics programme; Who: Teaching assistant; How often: Daily; How long: 20 minutes",
        "Provision: Social skills group; Who: SENCO",
    )


def test_text_before_the_first_heading_and_a_bare_section_h_heading_belong_to_no_section(tmp_path):
    def build(document):
        document.add_paragraph("Child: a name on the cover page")
        for sid in SectionId:
            if sid is SectionId.H1:
                document.add_paragraph().add_run("Section H - Social care provision").bold = True
                document.add_paragraph("H1 and H2 follow.")
            document.add_paragraph().add_run(f"{sid}:").bold = True
            document.add_paragraph(f"Text for {sid}.")

    plan = read_plan(write_docx(tmp_path / "bold.docx", build))

    assert plan.missing == ()
    assert plan.section(SectionId.A).paragraphs == ("Text for A.",)
    assert plan.section(SectionId.G).paragraphs == ("Text for G.",)
    assert plan.section(SectionId.H1).paragraphs == ("Text for H1.",)


def test_not_a_word_document_is_refused(tmp_path):
    path = tmp_path / "plan.docx"
    path.write_text("not a zip", encoding="utf-8")

    with pytest.raises(PlanImportError, match=r"plan.docx: not a Word document \(.docx\)"):
        read_plan(path)


@pytest.mark.parametrize(("content", "message"), [
    ('{"A": "text"}', 'expected an object with a "sections" object'),
    ('{"sections": {"L": "text"}}', "sections.L: not a section of a plan"),
    ('{"sections": {"H": "text"}}', "sections.H: not a section of a plan"),
    ('{"sections": {"A": {"paragraphs": ["x"], "colour": "red"}}}', "sections.A: colour: Extra inputs are not permitted"),
    ('{"sections": ', "not valid UTF-8 JSON (JSONDecodeError at line 1)"),
], ids=["no sections", "unknown letter", "bare H", "unknown field", "broken JSON"])
def test_a_bad_json_plan_is_refused_naming_the_key(tmp_path, content, message):
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(PlanImportError, match=".*" + message.replace("(", r"\(").replace(")", r"\)")):
        read_plan(path)


def test_json_sections_may_be_text_lists_or_objects_and_keys_may_be_spelt_as_headings(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"sections": {
        "A": "I like trains.\n\nMy sister is funny.", "Section B": ["Reading is hard."],
        "h1": {"heading": "H1 - CSDPA", "paragraphs": ["No needs."]}}}), encoding="utf-8")

    plan = read_plan(path)

    assert plan.section(SectionId.A).paragraphs == ("I like trains.", "My sister is funny.")
    assert plan.section(SectionId.B).paragraphs == ("Reading is hard.",)
    assert plan.section(SectionId.H1).heading == "H1 - CSDPA"


@pytest.mark.parametrize("name", ["plan.pdf", "plan.txt"])
def test_only_json_and_word_files_are_read(tmp_path, name):
    (tmp_path / name).write_text("x")
    with pytest.raises(PlanImportError, match="a plan must be a .json or .docx file"):
        read_plan(tmp_path / name)


def test_a_missing_file_is_refused_by_name(tmp_path):
    with pytest.raises(PlanImportError, match="nowhere.json: No such file or directory"):
        read_plan(tmp_path / "nowhere.json")
