"""The automatic plan checks: each scores one aspect of a plan 1-4 and explains itself. Pure.

A plan (domain/plan.py) and what the case knows (the advice it received)
go in; a score and findings come out. Every finding cites the text it found
(``quote``) or says what it looked for and missed (``looked_for``), so a
caseworker can see why a plan scored as it did. The rubric (rubric.py) says
which check scores which criterion; grading.py weighs the scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence

from pydantic import BaseModel, ConfigDict, model_validator

from domain.plan import NEEDS_SECTIONS, PROVISION_SECTIONS, SECTION_TITLES, PlanDocument, SectionId
from domain.quality import terms
from domain.quality.patterns import (
    ADVICE_PATTERNS, DATE, FIRST_PERSON, JARGON_PATTERNS, PLACEHOLDER, POSSESSIVE, QUOTED, REPORTED, TIME_FRAME,
    areas_of, dates_in, excerpt, measure_of, need_words, plan_items, provision_items, sentences, specific_words,
    states_no_needs, vague_wording,
)


class Finding(BaseModel):
    """One observation by a check: what it found (``quote``) or what it looked for and missed."""

    model_config = ConfigDict(frozen=True)

    check: str
    section: SectionId | None = None
    ok: bool
    message: str
    quote: str | None = None
    looked_for: str | None = None

    @model_validator(mode="after")
    def _cites_something(self) -> Finding:
        if not self.quote and not self.looked_for:
            raise ValueError("a finding must cite the text found (quote) or say what it looked for")
        return self


@dataclass(frozen=True)
class CheckResult:
    score: int
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class AdviceOnFile:
    """One advice request of the case as the store has it (Reg 6(1)); ``received_on`` None while awaited."""

    agency: str
    requested_on: date
    received_on: date | None = None


@dataclass(frozen=True)
class CheckContext:
    """What the checks may know beyond the plan. ``advice`` None: the plan is scored on its own, no cross-check."""

    advice: tuple[AdviceOnFile, ...] | None = None


def _by_share(share: float) -> int:
    return 4 if share >= 1 else 3 if share >= 0.75 else 2 if share >= 0.5 else 1


def _missing(check: str, section: SectionId) -> Finding:
    return Finding(check=check, section=section, ok=False,
                   message=f"section {section} ({SECTION_TITLES[section]}) is missing or empty",
                   looked_for=f"text under a 'Section {section}' heading")


# -- the checks --------------------------------------------------------------------------------------

def check_sections_present(plan: PlanDocument, context: CheckContext) -> CheckResult:
    """Reg 12(1), CoP 9.62: every section A-K, H1 and H2 apart, separately labelled."""
    findings = [_missing("sections_present", sid) for sid in SectionId
                if plan.section(sid) is None or plan.section(sid).is_empty]
    if not findings:
        findings.append(Finding(check="sections_present", ok=True, message="all sections A-K present, H1 and H2 apart",
                                quote=", ".join(plan.sections[sid].heading or f"Section {sid}" for sid in SectionId)))
    missing = len(findings) if not findings[0].ok else 0
    return CheckResult(4 if missing == 0 else 3 if missing == 1 else 2 if missing <= 3 else 1, tuple(findings))


def check_child_voice(plan: PlanDocument, context: CheckContext) -> CheckResult:
    """Section A carries the child's own words ('I ...', 'my ...', quotations, '<child> says / told us') that say
    something specific about them: "I like things. My views." is first person and says nothing."""
    check = "child_voice"
    section = plan.section(SectionId.A)
    if section is None or section.is_empty:
        return CheckResult(1, (_missing(check, SectionId.A),))
    child, generic, family = [], [], []
    for paragraph in section.paragraphs:
        for sentence in sentences(paragraph):
            reported = REPORTED.search(sentence)
            speaker = reported.group(1) if reported else ""
            by_family = speaker.lower() in terms.FAMILY_SPEAKERS
            by_child = bool(speaker) and not by_family and (speaker[0].isupper() or speaker.lower() in ("he", "she"))
            markers = {"first person": FIRST_PERSON.search(sentence), "'my'": POSSESSIVE.search(sentence),
                       "a quotation": QUOTED.search(sentence),
                       "reported speech": reported if by_child else None}
            marker = next((name for name, match in markers.items() if match), None)
            if marker:
                said = specific_words(sentence)
                (child if len(said) >= terms.SPECIFIC_WORDS_NEEDED else generic).append((sentence, marker))
            elif by_family:
                family.append(sentence)
    findings = [Finding(check=check, section=SectionId.A, ok=True, message=f"the child's own voice ({marker})",
                        quote=excerpt(sentence)) for sentence, marker in child]
    findings += [Finding(check=check, section=SectionId.A, ok=False,
                         message=f"the child's words ({marker}) say nothing specific about them",
                         quote=excerpt(sentence),
                         looked_for="what the child likes, finds hard or wants, in their own words (e.g. 'I like "
                                    "building with Lego', 'Sam told us he wants to be a vet')")
                 for sentence, marker in generic]
    findings += [Finding(check=check, section=SectionId.A, ok=True, message="the family's voice",
                         quote=excerpt(sentence)) for sentence in family]
    if not child and not generic:
        findings.append(Finding(check=check, section=SectionId.A, ok=False,
                                message="section A does not carry the child's own voice",
                                looked_for="first-person words ('I like', 'my'), quotations, or '<child> says / told us'"))
    return CheckResult(min(4, len(child) + 1) if child else 1, tuple(findings))


def check_needs_matched(plan: PlanDocument, context: CheckContext) -> CheckResult:
    """The golden thread: each need in B-D, by broad area (CoP 6.28-6.35) and by its own words where it names
    none, has provision in F-H. A broad area's label alone ("cognition and learning needs") is not a need."""
    check = "needs_matched"
    provision = [(sid, p, areas_of(p)) for sid, p in plan.paragraphs(*PROVISION_SECTIONS)
                 if not states_no_needs(p) and not PLACEHOLDER.search(p)]
    findings: list[Finding] = []  # one per need and the provision that meets it, or not
    for sid, need, areas in ((sid, p, areas_of(p)) for sid, p in plan.paragraphs(*NEEDS_SECTIONS)):
        if states_no_needs(need):
            continue
        for area in areas:
            answer = next(((psid, p) for psid, p, p_areas in provision if area in p_areas), None)
            findings.append(_need_finding(
                check, sid, need, f"{area} need", answer, missing="has no matching provision in F-H",
                looked_for=f"provision in F, G or H about {area} (e.g. {', '.join(terms.AREA_TERMS[area][:3])})"))
        words = need_words(need)
        if areas or not words:
            continue
        # A need outside the four areas' words (epilepsy, short breaks) is met by provision that names it.
        answer = next(((psid, p) for psid, p, _ in provision if words & need_words(p)), None)
        findings.append(_need_finding(check, sid, need, "need", answer, missing="has no provision in F-H that names it",
                                      looked_for="provision in F, G or H naming this need"))
    if not findings:
        findings.append(Finding(check=check, section=SectionId.B, ok=False,
                                message="no need in B-D could be placed in one of the four broad areas",
                                looked_for="needs described in terms of communication and interaction, cognition and "
                                           "learning, SEMH, or sensory and/or physical needs"))
        return CheckResult(1, tuple(findings))
    return CheckResult(_by_share(sum(finding.ok for finding in findings) / len(findings)), tuple(findings))


def _need_finding(check: str, sid: SectionId, need: str, what: str, answer: tuple[SectionId, str] | None, *,
                  missing: str, looked_for: str) -> Finding:
    """A need in B-D and the provision in F-H that meets it (``answer``: its section and text), or its absence."""
    if answer:
        return Finding(check=check, section=sid, ok=True,
                       message=f"{what} in {sid} met by provision in {answer[0]}: {excerpt(need, 80)!r}",
                       quote=excerpt(answer[1]))
    return Finding(check=check, section=sid, ok=False, message=f"{what} in {sid} {missing}", quote=excerpt(need),
                   looked_for=looked_for)


def check_smart_outcomes(plan: PlanDocument, context: CheckContext) -> CheckResult:
    """CoP 9.66: each outcome in E has a time frame and a measurable change (what changes, to what level)."""
    check = "smart_outcomes"
    outcomes = plan_items(plan, SectionId.E)
    if not outcomes:
        return CheckResult(1, (_missing(check, SectionId.E),))
    findings, smart = [], 0
    for outcome in outcomes:
        time_frame = TIME_FRAME.search(outcome)
        measure, bare = measure_of(outcome)
        if time_frame and measure:
            smart += 1
            findings.append(Finding(check=check, section=SectionId.E, ok=True,
                                    message=f"SMART: time frame {time_frame.group(0)!r}, measure {measure!r}",
                                    quote=excerpt(outcome)))
            continue
        wanted = ([] if time_frame else ["a time frame (e.g. 'by the end of Key Stage 2')"]) + \
                 ([] if measure else ["a measurable change: what changes and to what level (a number with what it "
                                      "counts, 'from ... to ...', a named level or score, or an observable "
                                      "behaviour such as 'without adult prompts')"])
        message = (f"outcome is not SMART: the number {bare!r} does not say what changes or to what level"
                   if bare and not measure else "outcome is not SMART")
        findings.append(Finding(check=check, section=SectionId.E, ok=False, message=message,
                                quote=excerpt(outcome), looked_for="; ".join(wanted)))
    return CheckResult(_by_share(smart / len(outcomes)), tuple(findings))


def _need_met(text: str, needs: Sequence[tuple[SectionId, str]]) -> tuple[SectionId, str] | None | bool:
    """The need in B-D that provision ``text`` names (shared broad area, by its own words, or shared words);
    True when B-D hold no need to compare with but the provision names an area of need; None when it names none."""
    areas, words = set(areas_of(text)), need_words(text)
    if not needs:
        return True if areas else None
    return next(((sid, need) for sid, need in needs if areas & set(areas_of(need)) or words & need_words(need)), None)


def check_provision_quantified(plan: PlanDocument, context: CheckContext) -> CheckResult:
    """CoP 9.69: provision in F names the need it meets, who delivers it, how often and for how long; vague
    wording is flagged."""
    check = "provision_quantified"
    items = provision_items(plan_items(plan, SectionId.F, min_words=2))
    if not items:
        return CheckResult(1, (_missing(check, SectionId.F),))
    needs = [(sid, p) for sid, p in plan.paragraphs(*NEEDS_SECTIONS) if not states_no_needs(p)]
    findings, complete = [], 0
    for item in items:
        met = _need_met(item.text, needs)
        wanted = ([] if met else ["the need it meets, in the words of section B-D (e.g. 'reading', 'anxiety', "
                                  "'expressive language'), not only the name of a broad area"]) \
            + ([] if item.who else ["who delivers it (e.g. 'teaching assistant', 'speech and language therapist')"]) \
            + ([] if item.how_often else ["how often (e.g. 'three times a week', 'daily', 'every six months')"]) \
            + ([] if item.how_long else ["for how long (e.g. '30 minutes', 'for 10 weeks')"])
        if wanted:
            message = ("provision not quantified" if not item.quantified
                       else "provision does not say who delivers it" if not item.who
                       else "provision does not name the need it meets")
            if not met and item.quantified and not item.who:
                message += " or the need it meets"
            findings.append(Finding(check=check, section=SectionId.F, ok=False, message=message,
                                    quote=excerpt(item.text), looked_for="; ".join(wanted)))
        else:
            complete += 1
            need = f", meets {met[0]}: {excerpt(met[1], 60)!r}" if isinstance(met, tuple) else ""
            findings.append(Finding(check=check, section=SectionId.F, ok=True,
                                    message=f"quantified: {item.who!r}, {item.how_often!r}, {item.how_long!r}{need}",
                                    quote=excerpt(item.text)))
    vague = vague_wording(plan.section(SectionId.F).paragraphs)
    findings += [Finding(check=check, section=SectionId.F, ok=False, message=f"vague wording {phrase!r}",
                         quote=excerpt(paragraph)) for phrase, paragraph in vague]
    quantified = sum(item.quantified for item in items) / len(items)
    named = sum(bool(_need_met(item.text, needs)) for item in items) / len(items)
    score = (4 if complete == len(items) and not vague
             else 3 if quantified == 1 and named >= 0.75 and len(vague) <= 1
             else 2 if quantified >= 0.5 else 1)
    return CheckResult(score, tuple(findings))


def _care_section_check(plan: PlanDocument, check: str, needs: SectionId, provided: Sequence[SectionId],
                        advice_kind: str) -> CheckResult:
    """G (health) or H1/H2 (social care): provision reflecting professional advice, or 'no needs' said outright."""
    findings: list[Finding] = []
    present = [sid for sid in provided if plan.section(sid) and not plan.section(sid).is_empty]
    findings += [_missing(check, sid) for sid in provided if sid not in present]
    if not present:
        return CheckResult(1, tuple(findings))
    paragraphs = plan.paragraphs(*present)
    need_text = [p for _, p in plan.paragraphs(needs) if not states_no_needs(p)]
    placeholders = [(sid, p) for sid, p in paragraphs if PLACEHOLDER.search(p)]
    findings += [Finding(check=check, section=sid, ok=False, message="a placeholder where provision should be",
                         quote=excerpt(p)) for sid, p in placeholders]
    statements = [(sid, p) for sid, p in paragraphs if states_no_needs(p)]
    substantive = [(sid, p) for sid, p in paragraphs if not states_no_needs(p) and not PLACEHOLDER.search(p)]
    label = terms.ADVICE_NAMES[advice_kind]
    if not substantive:
        if not statements:
            score = 1
        elif need_text:
            score = 2
            findings.append(Finding(check=check, section=statements[0][0], ok=False,
                                    message=f"says there is no {label} provision, but section {needs} describes needs",
                                    quote=excerpt(f"{statements[0][1]} / {needs}: {need_text[0]}")))
        else:
            score = 4
            findings.append(Finding(check=check, section=statements[0][0], ok=True,
                                    message=f"states explicitly that there are no {label} needs",
                                    quote=excerpt(statements[0][1])))
    else:
        professional = [(sid, p, m.group(0)) for sid, p in substantive if (m := ADVICE_PATTERNS[advice_kind].search(p))]
        items = provision_items(p for _, p in substantive)
        quantified = [item for item in items if item.quantified]
        findings += [Finding(check=check, section=sid, ok=True, message=f"reflects {label} advice ({term!r})",
                             quote=excerpt(p)) for sid, p, term in professional]
        if not professional:
            findings.append(Finding(check=check, section=substantive[0][0], ok=False,
                                    message=f"provision does not reflect {label} advice",
                                    quote=excerpt(substantive[0][1]),
                                    looked_for=f"the {label} professional or advice it comes from "
                                               f"(e.g. {', '.join(terms.ADVICE_TERMS[advice_kind][:4])})"))
        if not quantified:
            findings.append(Finding(check=check, section=substantive[0][0], ok=False,
                                    message=f"{label} provision not quantified", quote=excerpt(substantive[0][1]),
                                    looked_for="how often and for how long"))
        score = 4 if professional and quantified else 3 if professional else 2
    if placeholders or len(present) < len(provided):
        score = min(score, 2)
    return CheckResult(score, tuple(findings))


def check_health_provision(plan: PlanDocument, context: CheckContext) -> CheckResult:
    """G reflects the health advice (Reg 6(1)(c)) or says there are no health needs."""
    return _care_section_check(plan, "health_provision", SectionId.C, (SectionId.G,), "health")


def check_social_care_provision(plan: PlanDocument, context: CheckContext) -> CheckResult:
    """H1 and H2 reflect the social care advice (Reg 6(1)(e)) or say there are no social care needs."""
    return _care_section_check(plan, "social_care_provision", SectionId.D, (SectionId.H1, SectionId.H2), "social_care")


# Reg 6(1)(c) and (e): the LA must seek medical and social care advice in every assessment.
MUST_REQUEST = {"health": "6(1)(c)", "social_care": "6(1)(e)"}


def _advice_kind(entry: str) -> str | None:
    """Whose advice a K entry lists: the kind named first ("Health advice from the school nurse" is health's)."""
    found = [(m.start(), kind) for kind, pattern in ADVICE_PATTERNS.items() if (m := pattern.search(entry))]
    return min(found)[1] if found else None


def check_advice_listed(plan: PlanDocument, context: CheckContext) -> CheckResult:
    """K lists the advice with dates (Reg 12(1)(k)); cross-checked with every advice the case received, education
    included: each received advice must have an entry, and an entry's date must be the date the case recorded."""
    check = "advice_listed"
    items = plan_items(plan, SectionId.K, min_words=2)
    if not items:
        return CheckResult(1, (_missing(check, SectionId.K),))
    findings, deductions = [], 0
    undated = [item for item in items if not DATE.search(item)]
    findings += [Finding(check=check, section=SectionId.K, ok=False, message="advice listed without a date",
                         quote=excerpt(item), looked_for="the date of the advice") for item in undated]
    findings += [Finding(check=check, section=SectionId.K, ok=True, message=f"advice listed with its date "
                         f"({DATE.search(item).group(0)!r})", quote=excerpt(item)) for item in items if item not in undated]
    deductions += 1 if undated else 0
    if context.advice is not None:
        issues = 0
        by_kind: dict[str, list[str]] = {}
        for item in items:
            kind = _advice_kind(item)
            if kind:
                by_kind.setdefault(kind, []).append(item)
        kinds = list(ADVICE_PATTERNS) + sorted({a.agency for a in context.advice} - set(ADVICE_PATTERNS))
        for kind in kinds:
            name = terms.ADVICE_NAMES.get(kind, kind)
            received = sorted(a.received_on for a in context.advice if a.agency == kind and a.received_on)
            # Advice of a kind the words cannot place ("other") is looked for by its date among the unplaced entries.
            listed = list(by_kind.get(kind, [])) if kind in ADVICE_PATTERNS else \
                [item for item in items if _advice_kind(item) is None and dates_in(item)]
            unmatched = []
            for received_on in received:
                entry = next((item for item in listed if any(d.matches(received_on) for d in dates_in(item))), None)
                if entry is None:
                    unmatched.append(received_on)
                    continue
                listed.remove(entry)
                findings.append(Finding(check=check, section=SectionId.K, ok=True,
                                        message=f"K dates the {name} advice as the case records it ({received_on})",
                                        quote=excerpt(entry)))
            for received_on in unmatched:
                entry = listed.pop(0) if listed and kind in ADVICE_PATTERNS else None
                if entry is None:
                    issues += 1
                    findings.append(Finding(check=check, section=SectionId.K, ok=False,
                                            message=f"K omits the {name} advice received on {received_on}",
                                            looked_for=f"an entry naming {name} advice" + (
                                                f" (e.g. {', '.join(terms.ADVICE_TERMS[kind][:3])})"
                                                if kind in terms.ADVICE_TERMS else f" dated {received_on}")))
                elif written := dates_in(entry):
                    issues += 1
                    findings.append(Finding(check=check, section=SectionId.K, ok=False,
                                            message=f"K dates the {name} advice {', '.join(d.text for d in written)}; "
                                                    f"the case recorded it received on {received_on}",
                                            quote=excerpt(entry)))
        for kind, regulation in MUST_REQUEST.items():
            if not any(a.agency == kind for a in context.advice):
                issues += 1
                findings.append(Finding(check=check, section=SectionId.K, ok=False,
                                        message=f"{terms.ADVICE_NAMES[kind]} advice was never requested "
                                                f"(Reg {regulation})",
                                        looked_for=f"a request for {terms.ADVICE_NAMES[kind]} advice in the case record"))
        deductions += min(issues, 3)
    return CheckResult(max(1, 4 - deductions), tuple(findings))


def check_plain_language(plan: PlanDocument, context: CheckContext) -> CheckResult:
    """Plain, accessible language: no very long sentences; abbreviations spelt out once, as in 'speech (SALT)'."""
    check = "plain_language"
    findings = []
    paragraphs = plan.paragraphs(*SectionId)
    for sid, paragraph in paragraphs:
        for sentence in sentences(paragraph):
            if len(sentence.split()) > terms.LONG_SENTENCE_WORDS:
                findings.append(Finding(check=check, section=sid, ok=False,
                                        message=f"a sentence of {len(sentence.split())} words",
                                        quote=excerpt(sentence, 120)))
    whole = "\n".join(p for _, p in paragraphs)
    for word, pattern in JARGON_PATTERNS.items():
        if f"({word})" in whole:
            continue
        used = next(((sid, p) for sid, p in paragraphs if pattern.search(p)), None)
        if used:
            findings.append(Finding(check=check, section=used[0], ok=False,
                                    message=f"abbreviation {word!r} is never spelt out", quote=excerpt(used[1]),
                                    looked_for=f"the words in full once, followed by ({word})"))
    issues = len(findings)
    if not issues:
        findings.append(Finding(check=check, ok=True, message="no long sentences or unexplained abbreviations",
                                looked_for=f"sentences over {terms.LONG_SENTENCE_WORDS} words; "
                                           f"{', '.join(terms.JARGON[:6])}..."))
    return CheckResult(4 if issues == 0 else 3 if issues <= 2 else 2 if issues <= 5 else 1, tuple(findings))


CHECKS: dict[str, Callable[[PlanDocument, CheckContext], CheckResult]] = {
    "sections_present": check_sections_present,
    "child_voice": check_child_voice,
    "needs_matched": check_needs_matched,
    "smart_outcomes": check_smart_outcomes,
    "provision_quantified": check_provision_quantified,
    "health_provision": check_health_provision,
    "social_care_provision": check_social_care_provision,
    "advice_listed": check_advice_listed,
    "plain_language": check_plain_language,
}
