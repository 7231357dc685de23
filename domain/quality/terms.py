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
        "trauma", "friendship", "mood", "ELSA", "CAMHS", "worries", "worry", "meltdown", "distress",
    ),
    # CoP 6.34-6.35: vision, hearing, multi-sensory and physical needs.
    BroadArea.SENSORY_AND_PHYSICAL: (
        "sensory", "hearing", "deaf", "visual impair", "vision", "physical", "mobility", "motor", "fine motor",
        "gross motor", "handwriting", "physiotherap", "occupational therap", "wheelchair", "toileting",
        "coordination", "co-ordination", "dyspraxi", "balance",
        # alternative ways of recording for handwriting and motor difficulties
        "touch-typ", "touch typ", "typing", "keyboard", "laptop", "alternative recording",
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
# ... and says something specific about the child: at least one word that is neither a common function word
# nor one of these generic words ("I like things. My views." says nothing about anyone).
SPECIFIC_WORDS_NEEDED = 1
GENERIC_WORDS = (
    "i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself", "mine", "we", "us", "our", "you", "your", "he", "she",
    "they", "him", "her", "them", "his", "hers", "their", "it", "its", "it's", "this", "that", "these", "those",
    "a", "an", "the", "and", "or", "but", "so", "if", "of", "to", "in", "on", "at", "for", "with", "about", "from",
    "by", "as", "is", "am", "are", "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "did",
    "not", "no", "yes", "can", "can't", "could", "will", "would", "should", "may", "might", "must", "very", "really",
    "quite", "too", "also", "just", "all", "some", "any", "lots", "lot", "much", "many", "more", "most", "what",
    "when", "where", "who", "why", "how", "there", "here", "then", "than", "up", "out", "get", "got", "go", "going",
    # generic content: a view that names nothing
    "like", "likes", "liked", "love", "loves", "enjoy", "enjoys", "want", "wants", "wish", "wishes", "think",
    "thinks", "feel", "feels", "say", "says", "said", "told", "tell", "tells", "us", "thing", "things", "stuff",
    "something", "everything", "anything", "nothing", "view", "views", "voice", "opinion", "opinions", "aspiration",
    "aspirations", "interest", "interests", "wants", "hope", "hopes", "dream", "dreams", "good", "nice", "fine",
    "ok", "okay", "happy", "great", "best", "bad", "better", "people", "way", "ways", "time", "times", "day", "days",
    "child", "young", "person", "section", "views,",
)


# Numbers written as words count as numbers ("six", "twice").
NUMBER_WORDS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen",
    "twenty", "thirty", "forty", "forty-five", "fifty", "sixty", "ninety", "hundred", "a couple of", "several",
)
_N = r"(?:\d+|" + "|".join(NUMBER_WORDS) + ")"
_TERM = r"(?:autumn|spring|summer)(?: (?:half[- ]term|term))?|(?:autumn|spring|summer|october|february|may) half[- ]term|easter|christmas"
_SCHOOL_STAGE = (r"(?:year \d+|reception|nursery|key stage \d|ks\d|(?:primary|secondary|high|upper) school|college|"
                 r"sixth form|secondary|further education)")

# Section E: SMART outcomes (CoP 9.66): a time frame, including named school periods ...
TIME_FRAME = (
    rf"by the end of (?:key stage \d|ks\d|year \d+|reception|the (?:{_TERM})(?: term)?(?: (?:of|in) {_SCHOOL_STAGE})?"
    r"|the (?:academic|school) year|(?:primary|secondary) school|(?:his|her|their) (?:time|first year)|\w+ \d{4})",
    rf"by (?:the )?(?:{_TERM})(?: (?:of|in) {_SCHOOL_STAGE}| \d{{4}})?",
    rf"by the end of (?:the )?(?:first|second|third|next) (?:term|half[- ]term)(?: (?:of|in) {_SCHOOL_STAGE})?",
    r"by (?:january|february|march|april|may|june|july|august|september|october|november|december)(?: \d{4})?\b",
    r"by (?:the )?(?:age|aged) \d+", r"by \d{4}", rf"within {_N} (?:school )?(?:weeks|months|years?|terms?|half[- ]terms)",
    rf"in {_N} (?:weeks|months|terms)", r"by (?:year|key stage) \d+", r"by (?:his|her|their|the) next annual review",
    rf"by the time (?:he|she|they|[A-Z][a-z]+) (?:leaves|moves|transfers|starts|begins|goes)(?: (?:to|up to|into))? {_SCHOOL_STAGE}",
    r"by the time (?:he|she|they) (?:leaves|moves|transfers|starts)",
    rf"before (?:he|she|they|[A-Z][a-z]+) (?:starts|leaves|moves|transfers|begins|goes)(?: (?:to|up to|into))? {_SCHOOL_STAGE}",
    r"at (?:the )?annual review", r"by (?:the )?(?:end of )?(?:summer|autumn|spring) \d{4}",
)
# ... and a measurable change: what changes and to what level. A bare number ("improve 3") is not one:
# a number with a unit, a from-to change, a named level or score, or an observable behaviour under stated conditions.
UNITS = (
    r"%", r"per ?cent", r"out of", r"words?", r"sentences?", r"letters?", r"sounds?", r"digraphs?", r"sight words?",
    r"key words?", r"spellings?", r"numbers?", r"minutes?", r"seconds?", r"hours?", r"metres?", r"meters?",
    r"steps?", r"times?", r"lessons?", r"sessions?", r"days?", r"weeks?", r"friends?", r"peers?", r"pages?", r"books?",
    r"questions?", r"instructions?", r"parts?", r"points?", r"marks?", r"turns?", r"exchanges?", r"attempts?",
    r"occasions?", r"activities", r"tasks?", r"items?", r"signs?", r"symbols?", r"objects?", r"strategies",
    r"adults?", r"people", r"lines?", r"paragraphs?", r"facts?", r"coins?", r"digits?", r"calculations?", r"sums?",
    r"problems?", r"choices?", r"requests?", r"phrases?", r"information-carrying words?", r"-part", r"-step", r"-word",
    rf"of (?:the |his |her |their )?{_N} [a-z]+",  # "40 of the 50 statutory words"
)
NAMED_LEVELS = (
    r"reading age", r"spelling age", r"age[- ]related expectations?", r"expected standard", r"level expected",
    r"expected level", r"standard(?:ised)? score", r"scaled score", r"phase \d", r"book band", r"(?:level|stage|band|step) \d+",
    r"greater depth", r"working (?:at|towards)", r"pre-key stage", r"P ?\d\b", r"national curriculum", r"centile",
    r"percentile", r"year \d+ (?:level|standard|expectations?)", r"grade \d",
)
OBSERVABLE_CONDITIONS = (
    r"independently", r"without (?:adult )?(?:support|prompts?|prompting|help|reminders?)", r"unaided",
    r"on (?:his|her|their) own", r"by (?:himself|herself|themselves)", r"with (?:one|a single|no more than \w+) prompts?",
    r"in (?:\d+|" + "|".join(NUMBER_WORDS) + r") out of", r"at least",
)

# Section F: quantified provision (CoP 9.69: "detailed and specific and should normally be quantified").
WHO = (
    r"teacher", r"teaching assistant", r"assistant", r"\bTA\b", r"learning support assistant", r"\bLSA\b", r"SENCO", r"SENDCo",
    r"therapist", r"speech and language therap", r"educational psychologist", r"specialist", r"adult", r"staff",
    r"mentor", r"practitioner", r"key worker", r"keyworker", r"ELSA", r"nurse", r"paediatrician", r"advisory",
    r"outreach", r"social worker", r"personal assistant", r"physiotherapist", r"tutor",
)
HOW_OFTEN = (
    r"daily", r"weekly", r"fortnightly", r"monthly", r"termly", r"half-termly", r"annually", r"yearly",
    r"each (?:day|week|morning|afternoon|lesson|term|half[- ]term|month|year)",
    r"every (?:day|week|morning|afternoon|lesson|school day|term|half[- ]term|fortnight|month|year)",
    rf"every (?:other|{_N}) (?:days|weeks|months|terms|half[- ]terms|years|lessons)",
    r"per (?:day|week|term|month|fortnight|year)", r"a (?:day|week|term|month|fortnight|year)",
    rf"(?:once|twice|{_N} times)(?: (?:a|per|each|every) (?:day|week|fortnight|month|term|half[- ]term|year))?",
    rf"{_N} (?:sessions?|hours?|lessons?) (?:a|per|each|every)", r"at all times", r"throughout the school day",
    r"in all lessons",
)
HOW_LONG = (
    rf"{_N}\s*(?:-\s*)?(?:minutes?|mins?|hours?|hrs?)\b", r"(?:half|one|two|an) (?:an )?hours?", r"half an hour",
    rf"for {_N} (?:weeks|months|terms|half[- ]terms|years)", r"for (?:the|one|each|a|this) (?:term|year|academic year|school year|half[- ]term)",
    rf"{_N}-week", r"until (?:the |his |her |their )?(?:next )?annual review", r"for the duration of (?:the|this) plan",
    r"throughout the school day", r"full[- ]time", r"\d+ hours? (?:a|per) week",
    r"for the (?:whole of the )?(?:autumn|spring|summer)(?: and (?:autumn|spring|summer))? terms?",
)
# Known failures (CoP 9.69; docs/RULES.md, "What makes a good plan"): wording that promises nothing measurable.
VAGUE_WORDING = (
    r"access to", r"regular", r"regularly", r"as required", r"as needed", r"as appropriate", r"where appropriate",
    r"when appropriate", r"opportunit(?:y|ies) (?:for|to)", r"if needed", r"when necessary", r"as necessary",
    r"may benefit", r"could benefit", r"will be encouraged", r"support as",
)

# Section F: provision names the need it meets. Naming only the broad area ("deliver cognition and learning")
# names no need: these labels are taken out before a need or a provision is placed in an area.
AREA_LABELS = (
    r"communication and interaction", r"cognition and learning", r"social,? emotional and mental health(?: \(SEMH\))?",
    r"sensory and(?:/or)? physical", r"SEMH", r"C ?& ?I", r"C ?& ?L",
)
# Words a need and its provision may share without naming the need ("needs", "support", the child's name aside).
NEED_FILLER_WORDS = (
    "need", "needs", "needed", "support", "supports", "supported", "difficulty", "difficulties", "provision",
    "deliver", "delivers", "delivered", "will", "with", "have", "has", "from", "into", "that", "this", "which",
    "their", "there", "they", "them", "when", "what", "area", "areas", "plan", "school", "class", "lessons",
    "lesson", "week", "weekly", "daily", "minutes", "programme", "session", "sessions", "teaching", "assistant",
    "teacher", "staff", "adult", "help", "helps", "every", "each", "time", "times", "learning", "cognition",
    "communication", "interaction", "social", "emotional", "mental", "health", "sensory", "physical", "skills",
    "work", "working", "group", "small", "term", "terms", "year", "years", "also", "make", "makes", "sure",
    "able", "about", "other", "after", "before", "should", "would", "could", "being", "been", "more", "less",
    "than", "them", "then", "where", "home", "family", "parents", "give", "given", "gives",
)

# Sections C/D/G/H: "no needs" stated in so many words (CoP 9.62: say so rather than leave it blank).
NO_NEEDS = (
    r"no (?:identified |known |current |additional |assessed |other )*(?:health |social care |eligible )?(?:care )?needs?",
    r"there are no .{0,40}needs", r"no .{0,30}provision (?:is )?(?:required|needed)", r"not applicable", r"none identified",
    r"does not have any .{0,30}needs", r"has no .{0,30}needs",
    # "does not need provision under section 2", "do not require any health provision"
    r"(?:does|do|will) not (?:need|require|have) (?:any )?(?:[\w-]+ ){0,4}?(?:provision|needs?|services?)\b",
    r"(?:is|are) not eligible for", r"no provision (?:is made )?under section 2", r"nothing is (?:required|needed)",
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
