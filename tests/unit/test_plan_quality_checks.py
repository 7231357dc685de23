"""Each automatic plan check on its own: what it finds, what it flags, and the text it cites."""

from __future__ import annotations

from datetime import date

import pytest

from domain.plan import PlanDocument, SectionId
from domain.quality.checks import (
    AdviceOnFile, CheckContext, Finding, check_advice_listed, check_child_voice, check_health_provision,
    check_needs_matched, check_plain_language, check_provision_quantified, check_sections_present,
    check_smart_outcomes, check_social_care_provision,
)

NO_CASE = CheckContext()


def plan(**sections) -> PlanDocument:
    return PlanDocument.from_texts({key: value for key, value in sections.items()})


def failings(result) -> list[Finding]:
    return [f for f in result.findings if not f.ok]


def test_every_finding_must_cite_the_text_found_or_say_what_was_looked_for():
    with pytest.raises(ValueError, match="must cite"):
        Finding(check="x", ok=False, message="no citation")


# -- sections present ------------------------------------------------------------------------------

ALL = {sid.value: f"Text of section {sid.value}." for sid in SectionId}


@pytest.mark.parametrize(("absent", "score"), [
    ((), 4), (("G",), 3), (("G", "H1"), 2), (("G", "H1", "H2"), 2), (("C", "D", "G", "H1"), 1),
], ids=["all there", "G missing", "two missing", "three missing", "four missing"])
def test_sections_present_scores_by_how_many_sections_are_missing(absent, score):
    result = check_sections_present(plan(**{k: v for k, v in ALL.items() if k not in absent}), NO_CASE)

    assert result.score == score
    assert [f.section for f in failings(result)] == [SectionId(s) for s in absent]


def test_an_empty_section_counts_as_missing():
    result = check_sections_present(plan(**{**ALL, "J": "  "}), NO_CASE)

    assert [(f.section, f.looked_for) for f in failings(result)] == [(SectionId.J, "text under a 'Section J' heading")]


# -- child's voice ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "marker"), [
    ("I like trains and buses.", "first person"),
    ("I'm good at drawing.", "first person"),
    ("The thing that matters to me is my dog.", "'my'"),
    ("Asked about school, she answered “playtime is the best bit of the day”.", "a quotation"),
    ("Priya told us she wants to be a vet.", "reported speech"),
    ("She says maths is her favourite.", "reported speech"),
], ids=["I like", "I'm", "my", "quotation", "<name> told us", "she says"])
def test_the_childs_own_voice_is_found_and_quoted(text, marker):
    result = check_child_voice(plan(A=text), NO_CASE)

    assert [(f.message, f.quote) for f in result.findings] == [(f"the child's own voice ({marker})", text)]
    assert result.score == 2


@pytest.mark.parametrize("text", [
    "Mum says he is happy at home.", "Parents report that he enjoys swimming.", "His parents would like him to settle.",
    "Section I names the school.",
], ids=["mum says", "parents report", "parents would like", "a capital I that is not a person"])
def test_the_familys_words_alone_are_not_the_childs_voice(text):
    result = check_child_voice(plan(A=text), NO_CASE)

    assert result.score == 1
    assert failings(result)[0].message == "section A does not carry the child's own voice"


@pytest.mark.parametrize(("sentences", "score"), [(0, 1), (1, 2), (2, 3), (3, 4), (5, 4)])
def test_more_of_the_childs_own_words_score_higher(sentences, score):
    text = ["Mum says she is kind."] + [f"I like game number {n}." for n in range(sentences)]

    assert check_child_voice(plan(A=text), NO_CASE).score == score


# -- golden thread ---------------------------------------------------------------------------------

def test_a_need_is_matched_by_provision_in_the_same_broad_area_and_both_are_cited():
    result = check_needs_matched(plan(
        B=["She has a speech and language delay.", "Her reading is two years behind."],
        F=["A speech and language therapist works with her weekly for 30 minutes."]), NO_CASE)

    assert [(f.ok, f.message.split(":")[0]) for f in result.findings] == [
        (True, "communication and interaction need in B met by provision in F"),
        (False, "cognition and learning need in B has no matching provision in F-H"),
    ]
    assert result.findings[0].quote == "A speech and language therapist works with her weekly for 30 minutes."
    assert result.findings[1].quote == "Her reading is two years behind."
    assert result.score == 2  # half the needs met


def test_health_and_social_care_needs_may_be_met_in_g_and_h():
    result = check_needs_matched(plan(
        C=["He has a hearing impairment."], D=["His anxiety means the family need support at home."],
        G=["The audiology service checks his hearing aids monthly for 20 minutes."],
        H2=["A social worker runs an anxiety group for him weekly for 1 hour."]), NO_CASE)

    assert result.score == 4
    assert {f.message.split(" met by ")[1][:14] for f in result.findings} == {"provision in G", "provision in H"}


def test_a_no_needs_statement_is_not_a_need():
    result = check_needs_matched(plan(B=["Her writing is slow."], D=["No social care needs have been identified."],
                                      F=["A teaching assistant supports writing daily for 20 minutes."]), NO_CASE)

    assert result.score == 4 and len(result.findings) == 1


def test_needs_that_name_no_broad_area_score_1_with_what_was_looked_for():
    result = check_needs_matched(plan(B=["He needs help."], F=["Help is given."]), NO_CASE)

    assert result.score == 1
    assert "communication and interaction, cognition and learning" in failings(result)[0].looked_for


# -- SMART outcomes --------------------------------------------------------------------------------

@pytest.mark.parametrize(("outcome", "missing"), [
    ("By the end of Key Stage 2, Sam will read 40 words a minute.", None),
    ("By July 2027, Sam will join a club at least once a week.", None),
    ("Within six months Sam will move from 2 to 5 friends he names.", None),
    ("By the end of Key Stage 2 Sam will read better.", "a measurable change"),  # the '2' is a time, not a measure
    ("Sam will read 40 words a minute.", "a time frame"),
    ("Sam will be happier at school.", "a time frame (e.g. 'by the end of Key Stage 2'); a measurable change"),
], ids=["KS2 + number", "by month year", "within + from-to", "time only", "measure only", "neither"])
def test_an_outcome_is_smart_with_a_time_frame_and_a_measurable_change(outcome, missing):
    result = check_smart_outcomes(plan(E=[outcome]), NO_CASE)

    if missing is None:
        assert result.score == 4 and result.findings[0].ok and result.findings[0].quote == outcome
    else:
        assert result.score == 1
        assert failings(result)[0].looked_for.startswith(missing)
        assert failings(result)[0].quote == outcome


def test_labels_ending_in_a_colon_are_not_outcomes():
    result = check_smart_outcomes(plan(E=["Outcomes for the end of Year 6:", "By the end of Year 6 she will swim 25 metres."]),
                                  NO_CASE)

    assert result.score == 4 and len(result.findings) == 1


# -- quantified provision --------------------------------------------------------------------------

@pytest.mark.parametrize(("item", "score", "looked_for"), [
    ("A teaching assistant will run a phonics group daily for 20 minutes.", 4, None),
    ("A phonics group will run daily for 20 minutes.", 3, "who delivers it"),
    ("A teaching assistant will run a phonics group daily.", 1, "for how long"),
    ("A teaching assistant will run a phonics group for 20 minutes.", 1, "how often"),
    ("Support with phonics.", 1, "who delivers it (e.g. 'teaching assistant', 'speech and language therapist'); how often"),
], ids=["what who how-often how-long", "no who", "no duration", "no frequency", "nothing"])
def test_provision_says_who_how_often_and_for_how_long(item, score, looked_for):
    result = check_provision_quantified(plan(F=[item]), NO_CASE)

    assert result.score == score
    if looked_for:
        assert failings(result)[0].looked_for.startswith(looked_for)
        assert failings(result)[0].quote == item


@pytest.mark.parametrize("phrase", ["access to", "regular", "as required", "opportunities for", "as appropriate"])
def test_vague_wording_is_flagged_with_the_sentence_it_is_in(phrase):
    item = f"A teaching assistant gives {phrase} reading practice daily for 20 minutes."

    result = check_provision_quantified(plan(F=[item]), NO_CASE)

    assert [(f.message, f.quote) for f in failings(result)] == [(f"vague wording {phrase!r}", item)]
    assert result.score == 3


def test_a_word_that_only_starts_like_a_vague_phrase_is_not_flagged():
    item = "An emotional literacy support assistant meets her weekly for 30 minutes."

    assert failings(check_provision_quantified(plan(F=[item]), NO_CASE)) == []


# -- health and social care ------------------------------------------------------------------------

@pytest.mark.parametrize(("c", "g", "score", "message"), [
    (["No health needs."], ["There are no health needs related to SEN."], 4,
     "states explicitly that there are no health needs"),
    (["She has epilepsy."], ["No health provision is required."], 2,
     "says there is no health provision, but section C describes needs"),
    (["She has epilepsy."], ["The epilepsy nurse trains staff once a term for 2 hours."], 4, "reflects health advice ('nurse')"),
    (["She has epilepsy."], ["The epilepsy nurse will advise staff."], 3, "health provision not quantified"),
    (["She has epilepsy."], ["Staff will keep her safe."], 2, "provision does not reflect health advice"),
    (["She has epilepsy."], ["Awaiting health advice."], 1, "a placeholder where provision should be"),
], ids=["no needs in C and G", "G says none but C has needs", "quantified with a professional",
        "professional, not quantified", "no professional", "placeholder"])
def test_health_provision_reflects_advice_or_states_no_needs(c, g, score, message):
    result = check_health_provision(plan(C=c, G=g), NO_CASE)

    assert result.score == score
    assert message in [f.message for f in result.findings]


def test_a_missing_health_section_scores_1():
    result = check_health_provision(plan(C=["She has epilepsy."]), NO_CASE)

    assert (result.score, failings(result)[0].looked_for) == (1, "text under a 'Section G' heading")


def test_social_care_needs_both_h1_and_h2_and_reads_the_social_workers_advice():
    both = check_social_care_provision(plan(
        D=["The family need short breaks."],
        H1=["Short breaks at a Saturday club once a fortnight for 4 hours, from the social worker's assessment."],
        H2=["No other social care needs."]), NO_CASE)
    one_missing = check_social_care_provision(plan(D=["No social care needs."], H1=["No needs."]), NO_CASE)

    assert both.score == 4
    assert one_missing.score == 2
    assert [f.section for f in failings(one_missing)] == [SectionId.H2]


# -- advice in K -----------------------------------------------------------------------------------

K_LIST = ["Educational advice from the school SENCO, 12 May 2026", "Educational psychology advice, 18/05/2026",
          "Health advice from the paediatrician, May 2026", "Social care advice, 2026-05-22"]


def test_k_lists_advice_with_dates_written_any_usual_way():
    result = check_advice_listed(plan(K=K_LIST), NO_CASE)

    assert result.score == 4
    assert [f.message for f in result.findings] == [
        "advice listed with its date ('12 May 2026')", "advice listed with its date ('18/05/2026')",
        "advice listed with its date ('May 2026')", "advice listed with its date ('2026-05-22')"]


@pytest.mark.parametrize(("advice", "messages", "score"), [
    ((AdviceOnFile("health", date(2026, 4, 13), date(2026, 5, 20)),
      AdviceOnFile("social_care", date(2026, 4, 13), date(2026, 5, 22)),
      AdviceOnFile("educational_psychology", date(2026, 4, 13), date(2026, 5, 18))), [], 4),
    ((AdviceOnFile("health", date(2026, 4, 13), date(2026, 5, 20)),
      AdviceOnFile("social_care", date(2026, 4, 13), None)), [], 4),
    ((AdviceOnFile("health", date(2026, 4, 13), date(2026, 5, 20)),
      AdviceOnFile("health", date(2026, 4, 20), date(2026, 5, 28)),
      AdviceOnFile("social_care", date(2026, 4, 13), None)),
     ["K omits the health advice received on 2026-05-28"], 3),
    ((AdviceOnFile("educational_psychology", date(2026, 4, 13), date(2026, 5, 18)),),
     ["health advice was never requested (Reg 6(1)(c))", "social care advice was never requested (Reg 6(1)(e))"], 2),
], ids=["all received and listed", "awaited advice need not be listed", "second health advice omitted",
        "health and social care never asked"])
def test_k_is_cross_checked_with_the_advice_the_case_requested_and_received(advice, messages, score):
    result = check_advice_listed(plan(K=K_LIST), CheckContext(advice=advice))

    assert [f.message for f in failings(result)] == messages
    assert result.score == score


def test_without_a_case_k_is_not_cross_checked():
    assert failings(check_advice_listed(plan(K=["School advice, 1 May 2026"]), NO_CASE)) == []


# -- plain language --------------------------------------------------------------------------------

def test_abbreviations_must_be_spelt_out_once_and_long_sentences_are_flagged():
    long = " ".join(["word"] * 40) + "."
    result = check_plain_language(plan(
        B=["She sees a speech and language therapist (SALT).", "SALT sessions help her."],
        F=["The EP will visit.", long]), NO_CASE)

    assert [(f.section, f.message) for f in failings(result)] == [
        (SectionId.F, "a sentence of 40 words"), (SectionId.F, "abbreviation 'EP' is never spelt out")]
    assert result.score == 3


# -- substance, not words (issue 13) ---------------------------------------------------------------

@pytest.mark.parametrize("outcome", [
    "By the summer half-term of Year 7, Mia will read 40 words a minute.",
    "Before she starts Year 8, Mia will read 40 words a minute.",
    "By the end of the spring term, Mia will read 40 words a minute.",
    "Within 12 weeks, Mia will read 40 words a minute.",
    "By July 2027, Mia will read 40 words a minute.",
])
def test_named_school_periods_are_time_frames(outcome):
    assert check_smart_outcomes(plan(E=[outcome]), NO_CASE).score == 4


@pytest.mark.parametrize(("outcome", "smart"), [
    ("By the end of Key Stage 2, Sam will improve 3.", False),
    ("By the end of Year 5, Sam will move from a reading age of 7 to 9.", True),
    ("By the end of Year 5, Sam will read at phase 5 of the phonics programme.", True),
    ("By the end of Year 5, Sam will put on his coat without adult prompts.", True),
], ids=["bare number", "from-to level", "named level", "observable behaviour"])
def test_a_measure_says_what_changes_and_to_what_level(outcome, smart):
    result = check_smart_outcomes(plan(E=[outcome]), NO_CASE)

    assert (result.score == 4) is smart
    if not smart:
        assert failings(result)[0].message == \
            "outcome is not SMART: the number '3' does not say what changes or to what level"
        assert failings(result)[0].looked_for.startswith("a measurable change: what changes and to what level")


@pytest.mark.parametrize(("text", "specific"), [
    ("I like things.", False), ("My views.", False), ("I am happy.", False), ("I like trains.", True),
])
def test_the_childs_words_must_say_something_specific(text, specific):
    result = check_child_voice(plan(A=text), NO_CASE)

    assert (result.score == 2) is specific
    if not specific:
        assert failings(result)[0].quote == text
        assert failings(result)[0].message.endswith("say nothing specific about them")


@pytest.mark.parametrize("item", [
    "A speech and language therapist will review her speech every six months for 30 minutes.",
    "A speech and language therapist will review her speech twice a term for thirty minutes.",
    "A speech and language therapist will review her speech once every two weeks for half an hour.",
])
def test_word_numbers_and_intervals_quantify_provision(item):
    result = check_provision_quantified(plan(B=["She has a speech delay."], F=[item]), NO_CASE)

    assert (result.score, failings(result)) == (4, [])


def test_provision_that_names_only_a_broad_area_does_not_name_the_need_it_meets():
    item = "A teaching assistant will deliver cognition and learning daily for 15 minutes."

    result = check_provision_quantified(plan(B=["Her reading is two years behind."], F=[item]), NO_CASE)

    assert [(f.message, f.quote) for f in failings(result)] == [("provision does not name the need it meets", item)]
    assert result.score == 2


@pytest.mark.parametrize(("h1", "h2"), [
    ("She does not need provision under section 2.", "No social care needs."),
    ("No provision under section 2.", "She does not require any other social care provision."),
])
def test_an_explicit_statement_of_no_need_is_a_valid_entry_not_unquantified_provision(h1, h2):
    result = check_social_care_provision(plan(D=["No social care needs."], H1=[h1], H2=[h2]), NO_CASE)

    assert (result.score, failings(result)) == (4, [])


def test_a_k_date_that_differs_from_the_recorded_receipt_is_a_finding_citing_both_dates():
    advice = (AdviceOnFile("education", date(2026, 4, 13), date(2026, 5, 14)),
              AdviceOnFile("health", date(2026, 4, 13), date(2026, 5, 20)),
              AdviceOnFile("social_care", date(2026, 4, 13), None))

    result = check_advice_listed(plan(K=K_LIST), CheckContext(advice=advice))

    assert [(f.message, f.quote) for f in failings(result)] == [
        ("K dates the educational (school/setting) advice 12 May 2026; the case recorded it received on 2026-05-14",
         "Educational advice from the school SENCO, 12 May 2026")]
    assert result.score == 3


def test_other_advice_received_is_looked_for_by_its_date():
    advice = (AdviceOnFile("health", date(2026, 4, 13), date(2026, 5, 20)),
              AdviceOnFile("social_care", date(2026, 4, 13), None),
              AdviceOnFile("other", date(2026, 4, 13), date(2026, 5, 25)))

    result = check_advice_listed(plan(K=K_LIST), CheckContext(advice=advice))

    assert [f.message for f in failings(result)] == ["K omits the other advice received on 2026-05-25"]
