"""The words the automatic plan checks look for: data, each list with where it comes from.

Every pattern is a regular expression matched case-insensitively at a word
start (``\\b`` is added in front), so "communicat" finds "communication" and
"communicates". Extending a list changes what the checks see; nothing else
needs to change. Sources: SEND Code of Practice 0-25 (2015), "CoP"; the LA
quality frameworks summarised in docs/RULES.md, "What makes a good plan".
"""

from __future__ import annotations

from enum import StrEnum


class BroadArea(StrEnum):
    """The four broad areas of need (CoP 6.28-6.35)."""

    COMMUNICATION_AND_INTERACTION = "communication and interaction"
    COGNITION_AND_LEARNING = "cognition and learning"
    SEMH = "social, emotional and mental health"
    SENSORY_AND_PHYSICAL = "sensory and/or physical"


AREA_TERMS: dict[BroadArea, tuple[str, ...]] = {
    # CoP 6.28-6.31: speech, language and communication needs; autism.
    BroadArea.COMMUNICATION_AND_INTERACTION: (
        "communicat", "speech", "language", "SALT", "SLCN", "social skills", "autis", "social interaction", "interaction",
        "expressive", "receptive", "vocabulary", "conversation", "listening", "PECS", "Makaton", "signing",
        "attention and listening",
    ),
    # CoP 6.30-6.31: moderate, severe, profound and specific learning difficulties.
    BroadArea.COGNITION_AND_LEARNING: (
        "cognition", "cognitive", "learning difficult", "literacy", "reading", "writing", "spelling", "phonics",
        "numeracy", "maths", "mathematics", "number", "dyslexi", "dyscalculi", "working memory", "memory",
        "processing speed", "SpLD", "MLD", "curriculum", "precision teaching",
    ),
    # CoP 6.32-6.33: social, emotional and mental health difficulties.
    BroadArea.SEMH: (
        "emotion", "social, emotional", "SEMH", "mental health", "wellbeing", "well-being", "anxiety", "anxious",
        "self-esteem", "self esteem", "confidence", "behaviour", "regulat", "dysregulat", "ADHD", "attachment",
        "trauma", "friendship", "mood", "ELSA", "CAMHS", "worries", "worry",
    ),
    # CoP 6.34-6.35: vision, hearing, multi-sensory and physical needs.
    BroadArea.SENSORY_AND_PHYSICAL: (
        "sensory", "hearing", "deaf", "visual impair", "vision", "physical", "mobility", "motor", "fine motor",
        "gross motor", "handwriting", "physiotherap", "occupational therap", "wheelchair", "toileting",
        "coordination", "co-ordination", "dyspraxi", "balance",
    ),
}

# Section A: the child's own voice (CoP 9.61, 9.69; every framework's first criterion).
FIRST_PERSON = r"(?<![A-Za-z'])(?<!section )(?<!Section )(?<!SECTION )I(?:'m|'ve|'d|'ll| am| have)?\s+[a-z]"  # "I like", "I'm good at" - not "Section I"
POSSESSIVE = r"\b(?:my|me|myself)\b"
QUOTED_WORDS = r"[\"“‘']([^\"”’']{12,}?)[\"”’']"
# "<someone> says / told us": a name (capitalised) or he/she is the child; family speakers are the family's voice.
REPORTED_SPEECH = (r"\b([A-Za-z]+)\s+(?:says?|said|told us|tells us|told me|shared|explained"
                   r"|would like|wants)\b")
FAMILY_SPEAKERS = ("mum", "dad", "mother", "father", "parent", "parents", "carer", "carers", "grandmother",
                   "grandfather", "nan", "gran", "they")

# Section E: SMART outcomes (CoP 9.66): a time frame ...
TIME_FRAME = (
    r"by the end of (?:key stage \d|ks\d|year \d+|reception|the (?:autumn|spring|summer) term|the (?:academic|school) "
    r"year|(?:primary|secondary) school|(?:his|her|their) (?:time|first year)|\w+ \d{4})",
    r"by (?:january|february|march|april|may|june|july|august|september|october|november|december)(?: \d{4})?\b",
    r"by (?:the )?(?:age|aged) \d+", r"by \d{4}", r"within (?:\d+|one|two|three|four|six|twelve) (?:weeks|months|years?)",
    r"in (?:\d+|one|two|three|six|twelve) (?:weeks|months)", r"by (?:year|key stage) \d+",
    r"by the time (?:he|she|they) (?:leaves|moves|transfers|starts)", r"at (?:the )?annual review",
    r"by (?:the )?(?:end of )?(?:summer|autumn|spring) \d{4}",
)
# ... and a measurable change: a number, a proportion, or a stated from-to change.
MEASURE = (
    r"\d+", r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty|hundred)\b",
    r"per ?cent|%", r"\bfrom\b.+\bto\b", r"\bout of\b", r"\bat least\b", r"\b(?:once|twice)\b", r"\bindependently\b", r"\bwithout (?:adult )?(?:support|prompts?)\b",
)

# Section F: quantified provision (CoP 9.69: "detailed and specific and should normally be quantified").
WHO = (
    r"teacher", r"teaching assistant", r"assistant", r"\bTA\b", r"learning support assistant", r"\bLSA\b", r"SENCO", r"SENDCo",
    r"therapist", r"speech and language therap", r"educational psychologist", r"specialist", r"adult", r"staff",
    r"mentor", r"practitioner", r"key worker", r"keyworker", r"ELSA", r"nurse", r"paediatrician", r"advisory",
    r"outreach", r"social worker", r"personal assistant", r"physiotherapist", r"tutor",
)
HOW_OFTEN = (
    r"daily", r"weekly", r"fortnightly", r"monthly", r"termly", r"half-termly", r"each (?:day|week|morning|afternoon|lesson|term)",
    r"every (?:day|week|morning|afternoon|lesson|school day|term|half[- ]term|fortnight)", r"per (?:day|week|term|month)",
    r"a (?:day|week|term|month|fortnight)", r"(?:once|twice|three times|four times|\d+ times)",
    r"\d+ (?:sessions?|hours?) (?:a|per|each|every)", r"at all times", r"throughout the school day", r"in all lessons",
)
HOW_LONG = (
    r"\d+\s*(?:-\s*)?(?:minutes?|mins?|hours?|hrs?)\b", r"(?:half|one|two) (?:an )?hours?", r"for (?:\d+|six|twelve|ten|eight) weeks",
    r"for (?:the|one|each) (?:term|year|academic year|school year)", r"(?:\d+|six|twelve|ten|eight)-week", r"until (?:the )?(?:next )?annual review",
    r"for the duration of (?:the|this) plan", r"throughout the school day", r"full[- ]time", r"\d+ hours? (?:a|per) week",
)
# Known failures (CoP 9.69; docs/RULES.md, "What makes a good plan"): wording that promises nothing measurable.
VAGUE_WORDING = (
    r"access to", r"regular", r"regularly", r"as required", r"as needed", r"as appropriate", r"where appropriate",
    r"when appropriate", r"opportunit(?:y|ies) (?:for|to)", r"if needed", r"when necessary", r"as necessary",
    r"may benefit", r"could benefit", r"will be encouraged", r"support as",
)

# Sections C/D/G/H: "no needs" stated in so many words (CoP 9.62: say so rather than leave it blank).
NO_NEEDS = (
    r"no (?:identified |known |current |additional |assessed )*(?:health |social care |eligible )?(?:care )?needs?",
    r"there are no .{0,40}needs", r"no .{0,30}provision (?:is )?(?:required|needed)", r"not applicable", r"none identified",
    r"does not have any .{0,30}needs", r"has no .{0,30}needs",
)
# Placeholders that show advice has not been turned into provision ("limited contributions from health and social care").
PLACEHOLDER = (r"tbc", r"to be confirmed", r"(?:advice|report|information|details|provision) (?:is )?to follow", r"awaiting", r"not yet received", r"to be added", r"see section [a-k]\b")

# Who gives advice, for reading G, H and K (Reg 6(1)(b)-(e)).
ADVICE_TERMS: dict[str, tuple[str, ...]] = {
    "health": ("health", "NHS", "paediatric", "medical", "doctor", "GP", "nurse", "speech and language therap", "SALT",
               "occupational therap", "physiotherap", "CAMHS", "community paediatric", "audiolog", "designated clinical",
               "designated medical", "ICB", "dietitian", "health visitor"),
    "social_care": ("social care", "social worker", "children's services", "children with disabilities team",
                    "short break", "respite", "early help", "care package", "direct payment", "personal assistant",
                    "Chronically Sick", "CSDPA", "carer's assessment", "child and family assessment", "section 17"),
    "educational_psychology": ("educational psycholog", "psychological advice", "EP advice", "EP report", "psychologist"),
    "education": ("school", "setting", "SENCO", "SENDCo", "head teacher", "headteacher", "nursery", "college",
                  "class teacher", "educational advice", "early years"),
}
ADVICE_NAMES = {"health": "health", "social_care": "social care", "educational_psychology": "educational psychology",
                "education": "educational (school/setting)", "other": "other"}

# Section K: a date written any of the ways plans write them.
MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DATE_WRITTEN = (
    r"\d{4}-\d{2}-\d{2}", r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", rf"\d{{1,2}}(?:st|nd|rd|th)? {MONTHS}\.? \d{{4}}",
    rf"{MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}", rf"{MONTHS} \d{{4}}",
)

# Plain, accessible language: abbreviations a family may not know unless spelt out once, e.g. "(SALT)".
JARGON = ("SALT", "SaLT", "SLT", "OT", "EP", "SEMH", "ASC", "ASD", "SpLD", "SLCN", "MLD", "SENCO", "ELSA", "LSA",
          "PECS", "CAMHS", "EHCP", "SEND", "HI", "VI", "MSI", "PDA", "ADHD")
LONG_SENTENCE_WORDS = 35
