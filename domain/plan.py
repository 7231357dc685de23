"""An EHC plan as a document of sections A-K (Reg 12; CoP 9.62), H1 and H2 kept apart.

Only the structure lives here: which sections exist, their statutory titles,
and each section's text as paragraphs. Reading files (JSON, DOCX) is the
application layer's job (ehc/imports/plan_file.py); judging the text is
domain/quality/'s. A plan is personal data: it is stored with the case and
shown to people, never logged.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SectionId(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H1 = "H1"
    H2 = "H2"
    I = "I"  # noqa: E741 - the statutory letter
    J = "J"
    K = "K"


# Reg 12(1)(a)-(k) and CoP 9.62: every section is separately labelled.
SECTION_TITLES: dict[SectionId, str] = {
    SectionId.A: "Views, interests and aspirations of the child and parents or young person",
    SectionId.B: "Special educational needs",
    SectionId.C: "Health needs related to SEN or disability",
    SectionId.D: "Social care needs related to SEN or disability",
    SectionId.E: "Outcomes",
    SectionId.F: "Special educational provision",
    SectionId.G: "Health provision",
    SectionId.H1: "Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970",
    SectionId.H2: "Other social care provision",
    SectionId.I: "Placement: the school or other institution, or its type",
    SectionId.J: "Personal budget",
    SectionId.K: "Advice and information gathered during the assessment",
}

NEEDS_SECTIONS = (SectionId.B, SectionId.C, SectionId.D)
PROVISION_SECTIONS = (SectionId.F, SectionId.G, SectionId.H1, SectionId.H2)


class PlanSection(BaseModel):
    """One section: its paragraphs (bullets and table cells each count as one), blank ones dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    heading: str | None = Field(default=None, max_length=300, description="the heading as the document wrote it")
    paragraphs: tuple[str, ...] = ()

    @field_validator("paragraphs", mode="before")
    @classmethod
    def _drop_blank_paragraphs(cls, value):
        if isinstance(value, str):
            value = value.splitlines()
        return tuple(" ".join(str(p).split()) for p in value if str(p).strip())

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def is_empty(self) -> bool:
        return not self.paragraphs


class PlanDocument(BaseModel):
    """The sections a plan has; a section the document lacks is simply absent (a quality finding, not an error)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sections: dict[SectionId, PlanSection]

    def section(self, section: SectionId) -> PlanSection | None:
        return self.sections.get(section)

    def paragraphs(self, *sections: SectionId) -> list[tuple[SectionId, str]]:
        """Every paragraph of the sections named, in plan order, with the section it is in."""
        return [(sid, paragraph) for sid in SectionId if sid in sections and sid in self.sections
                for paragraph in self.sections[sid].paragraphs]

    @property
    def missing(self) -> tuple[SectionId, ...]:
        return tuple(sid for sid in SectionId if sid not in self.sections)

    @classmethod
    def from_texts(cls, texts: dict[str, str | list[str]]) -> PlanDocument:
        """Sections from ``{"A": "text or paragraphs", ...}``, as tests and JSON files write them."""
        return cls.model_validate({"sections": {key: {"paragraphs": value} for key, value in texts.items()}})
