"""Reading an EHC plan from a file: JSON, or a Word document (.docx) split on its section headings.

LA templates label the sections in many ways: "Section A", "SECTION A -
Views, interests and aspirations", "A:", "Section H1", "H2 Other social care
provision", as Heading styles, bold paragraphs or cells of a layout table.
A heading is recognised when its text starts with the section's letter
("Section" before it optional; after a bare letter a ':', '.', '-', ')' or
nothing else) and it looks like a heading: a Heading or Title style, all
bold, a table cell, or a short paragraph starting with the word "Section".

Tables outside the heading cells become one paragraph per row; a first row of
short labels ("Provision | Who | How often") is read as column labels, so
each row reads "Provision: ...; Who: ...; How often: ...".

A plan is personal data: errors name the file and the sections, never the
plan's text, and nothing here logs.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Iterator

from pydantic import ValidationError

from domain.input_rules import describe_problems, validation_problems
from domain.plan import SECTION_TITLES, PlanDocument, PlanSection, SectionId

MAX_PLAN_BYTES = 20 * 1024 * 1024
# Fewer headings than this and the document is not a plan in a template we can read; with at least this many,
# a missing section is a quality finding ("Section G is missing"), not an import error.
MIN_SECTIONS_FOUND = 6
_MAX_HEADING_CHARS = 160

_DELIMITER = r"(?P<delimiter>[:.\-–—)])(?=\s|$)"  # "A:", "A -", "A." but not "E.g."
_SECTION_WORD = re.compile(rf"^\s*section\s*(?P<id>H\s*[12]|[A-K])(?![A-Za-z0-9])\s*(?:{_DELIMITER})?\s*(?P<title>.*)$",
                           re.IGNORECASE | re.DOTALL)
_LETTER_ONLY = re.compile(rf"^\s*(?P<id>H\s?[12]|[A-K])\s*(?:{_DELIMITER}\s*(?P<title>.*))?$", re.DOTALL)
_BARE_H = "H"  # "Section H - Social care provision": a container for H1 and H2, not a section of its own


class PlanImportError(ValueError):
    """The file cannot be read as a plan; the message names the file and what is wrong (never plan text)."""


def section_heading(text: str, looks_like_heading: bool) -> tuple[str, str] | None:
    """(section id or 'H', title) when ``text`` is a section heading, else None."""
    if len(text) > _MAX_HEADING_CHARS:
        return None
    match = _SECTION_WORD.match(text)
    if match and not looks_like_heading and match.group("title") and not match.group("delimiter"):
        match = None  # in running text, "Section F sets out..." is a sentence, not a heading
    if match is None and looks_like_heading:
        match = _LETTER_ONLY.match(text)
    if match is None:
        return None
    return re.sub(r"\s+", "", match.group("id")).upper(), (match.group("title") or "").strip()


# -- JSON ------------------------------------------------------------------------------------------

def read_plan_json(path: Path) -> PlanDocument:
    """``{"sections": {"A": "text" | ["paragraph", ...] | {"heading": ..., "paragraphs": [...]}, ...}}``."""
    try:
        raw = json.loads(_read_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PlanImportError(f"{path}: not valid UTF-8 JSON ({type(error).__name__} at {_where(error)})") from error
    if not isinstance(raw, dict) or not isinstance(raw.get("sections"), dict):
        raise PlanImportError(f"{path}: expected an object with a \"sections\" object keyed by section (A-K, H1, H2)")
    sections = {}
    for key, value in raw["sections"].items():
        found = (key.strip().upper(), "") if key.strip().upper() in tuple(SectionId) else section_heading(key, True)
        if found is None or found[0] == _BARE_H:
            raise PlanImportError(f"{path}: sections.{key}: not a section of a plan "
                                  f"(expected one of {', '.join(SectionId)})")
        if isinstance(value, (str, list)):
            value = {"paragraphs": value}
        try:
            sections[SectionId(found[0])] = PlanSection.model_validate(value)
        except ValidationError as error:
            problems = describe_problems(validation_problems(error), whole="value")
            raise PlanImportError(f"{path}: sections.{key}: {problems}") from error
    return PlanDocument(sections=sections)


def _where(error: Exception) -> str:
    return f"line {error.lineno}" if isinstance(error, json.JSONDecodeError) else f"byte {getattr(error, 'start', '?')}"


# -- DOCX ------------------------------------------------------------------------------------------

def read_plan_docx(path: Path) -> PlanDocument:
    import docx  # python-docx: imported here so the CLI starts without it for other commands
    from docx.opc.exceptions import PackageNotFoundError

    _read_bytes(path)  # the size limit and a clear error for a missing file
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise PlanImportError(f"{path}: not a Word document (.docx): {type(error).__name__}") from error
    found: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for text, is_heading_like in _blocks(document):
        heading = section_heading(text, is_heading_like)
        if heading:
            current = heading[0]
            found.setdefault(current, (text.strip(), []))
        elif current is not None and text.strip():
            found[current][1].append(text)
    sections = {SectionId(key): PlanSection(heading=heading, paragraphs=paragraphs)
                for key, (heading, paragraphs) in found.items() if key != _BARE_H}
    if len(sections) < MIN_SECTIONS_FOUND:
        missing = [sid for sid in SectionId if sid not in sections]
        raise PlanImportError(
            f"{path}: could not split the plan into sections: "
            f"found {', '.join(sections) or 'none'}; not found: {', '.join(missing)} "
            f"(looked for headings such as 'Section {missing[0]}', '{missing[0]}:' or "
            f"'Section {missing[0]} - {SECTION_TITLES[missing[0]]}')")
    return PlanDocument(sections=sections)


def _blocks(container) -> Iterator[tuple[str, bool]]:
    """(text, looks like a heading) for each paragraph and table row, in document order."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_rows(block)
        else:
            yield block.text, _looks_like_heading(block)


def _table_rows(table) -> Iterator[tuple[str, bool]]:
    labels: list[str] | None = None
    for index, row in enumerate(table.rows):
        cells = _distinct_cells(row)
        texts = [" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()) for cell in cells]
        headings = [bool(section_heading(text, True)) for text in texts]
        if any(headings):
            for cell, is_heading in zip(cells, headings):  # a layout table: "Section F" in one cell, its text beside
                yield from ((p.text, is_heading) for p in cell.paragraphs)
            continue
        if index == 0 and len(texts) > 1 and all(0 < len(t.split()) <= 4 for t in texts):
            labels = texts  # column labels, read into each row below
            continue
        if labels and len(labels) == len(texts):
            yield "; ".join(f"{label}: {text}" for label, text in zip(labels, texts) if text), False
        else:
            yield " | ".join(text for text in texts if text), False


def _distinct_cells(row) -> list:
    """A merged cell appears once per grid column it spans; keep it once."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _looks_like_heading(paragraph) -> bool:
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    if style.startswith(("Heading", "Title")):
        return True
    runs = [run for run in paragraph.runs if run.text.strip()]
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    return bool(runs) and all(run.bold or (run.bold is None and style_bold) for run in runs)


# -- either ----------------------------------------------------------------------------------------

READERS = {".json": read_plan_json, ".docx": read_plan_docx}


def read_plan(path: Path) -> PlanDocument:
    """The plan in ``path``, by its suffix (.json or .docx)."""
    reader = READERS.get(Path(path).suffix.lower())
    if reader is None:
        raise PlanImportError(f"{path}: a plan must be a .json or .docx file")
    return reader(Path(path))


def _read_bytes(path: Path) -> bytes:
    try:
        size = Path(path).stat().st_size
        if size > MAX_PLAN_BYTES:
            raise PlanImportError(f"{path}: {size} bytes is more than a plan's limit of {MAX_PLAN_BYTES}")
        return Path(path).read_bytes()
    except OSError as error:
        raise PlanImportError(f"{path}: {error.strerror or error}") from error
