"""Find the symptoms a patient describes in their own words, and the ones they deny.

Plain Python, no Rasa import: the NLU component (``components/message_screener.py``) and the
actions both use it, and ``tests/test_symptoms.py`` checks it phrase by phrase.

The screen is deliberately a list of readable patterns rather than a learned model: a red flag
must be caught every time, in any intent, and a clinician must be able to read why it was.
A symptom inside a negated clause ("no blurred vision, just a twitch") is reported as *absent*,
never as present; when the same symptom is both affirmed and denied, it counts as present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How a symptom weighs in the triage."""

    EXPECTED = "expected"  # the article's common, temporary side effects
    RED_FLAG = "red_flag"  # the article's "return to the clinic immediately" signs
    EMERGENCY = "emergency"  # the botulinum toxin label's boxed warning: spread or allergy


class Symptom(StrEnum):
    """A symptom the bot recognises; the value is the code kept in slots and records."""

    # Expected after Botox around the eyes (the article's common side effects).
    TWITCHING = "twitching"
    DROOPING = "drooping"
    DRY_EYE = "dry_eye"
    TEARING = "tearing"
    SWELLING = "swelling"
    BRUISING = "bruising"
    EYEBROW_ASYMMETRY = "eyebrow_asymmetry"
    PAIN = "pain"
    REDNESS = "redness"
    OTHER = "other"
    # The article's red flags.
    EYELID_CANNOT_OPEN = "eyelid_cannot_open"
    BLURRED_VISION = "blurred_vision"
    DOUBLE_VISION = "double_vision"
    VISION_PROBLEM = "vision_problem"
    PERSISTENT_PAIN = "persistent_pain"
    PERSISTENT_REDNESS = "persistent_redness"
    INJECTION_SITE_PROBLEM = "persistent_pain_or_redness"
    # Signs of distant spread of the toxin or of allergy (product label, boxed warning).
    BREATHING_DIFFICULTY = "breathing_difficulty"
    SWALLOWING_DIFFICULTY = "swallowing_difficulty"
    SPEECH_DIFFICULTY = "speech_difficulty"
    GENERAL_WEAKNESS = "general_weakness"
    THROAT_TIGHTNESS = "throat_tightness"
    FACE_SWELLING = "face_swelling"
    EMERGENCY_SIGN = "breathing_swallowing_or_speaking"

    @property
    def severity(self) -> Severity:
        """Whether this symptom is expected, a red flag or an emergency sign."""
        if self in _EMERGENCY:
            return Severity.EMERGENCY
        if self in _RED_FLAGS:
            return Severity.RED_FLAG
        return Severity.EXPECTED


_RED_FLAGS = frozenset(
    {
        Symptom.EYELID_CANNOT_OPEN,
        Symptom.BLURRED_VISION,
        Symptom.DOUBLE_VISION,
        Symptom.VISION_PROBLEM,
        Symptom.PERSISTENT_PAIN,
        Symptom.PERSISTENT_REDNESS,
        Symptom.INJECTION_SITE_PROBLEM,
    }
)
_EMERGENCY = frozenset(
    {
        Symptom.BREATHING_DIFFICULTY,
        Symptom.SWALLOWING_DIFFICULTY,
        Symptom.SPEECH_DIFFICULTY,
        Symptom.GENERAL_WEAKNESS,
        Symptom.THROAT_TIGHTNESS,
        Symptom.FACE_SWELLING,
        Symptom.EMERGENCY_SIGN,
    }
)


class ScreeningQuestion(StrEnum):
    """The red-flag questions the triage asks unless the patient already answered them.

    The value is the slot that holds the answer. Each question covers a group of symptoms:
    a patient who reports one of them has answered "yes"; one who denies one has answered "no".
    """

    EYELID = "screen_eyelid"
    VISION = "screen_vision"
    INJECTION_SITE = "screen_injection_site"
    EMERGENCY = "screen_emergency"

    @property
    def symptoms(self) -> frozenset[Symptom]:
        """The symptoms a "yes" to this question stands for."""
        return _QUESTION_SYMPTOMS[self]

    def confirmed(self, reported: frozenset[Symptom]) -> frozenset[Symptom]:
        """What a "yes" to this question adds to the symptoms already reported.

        A "yes" keeps the red flags of this group already reported, or makes a related
        reported symptom the red flag it asks about (a reported "pain" becomes "persistent
        pain"); with nothing related reported, it stands for the question's generic code.
        """
        named = reported & self.symptoms
        if named:
            return named
        upgraded = (
            frozenset(red_flag for symptom, red_flag in _UPGRADES.items() if symptom in reported)
            & self.symptoms
        )
        return upgraded or frozenset({_YES_MEANS[self]})


_QUESTION_SYMPTOMS = {
    ScreeningQuestion.EYELID: frozenset({Symptom.EYELID_CANNOT_OPEN}),
    ScreeningQuestion.VISION: frozenset(
        {Symptom.BLURRED_VISION, Symptom.DOUBLE_VISION, Symptom.VISION_PROBLEM}
    ),
    ScreeningQuestion.INJECTION_SITE: frozenset(
        {Symptom.PERSISTENT_PAIN, Symptom.PERSISTENT_REDNESS, Symptom.INJECTION_SITE_PROBLEM}
    ),
    ScreeningQuestion.EMERGENCY: _EMERGENCY,
}
_YES_MEANS = {
    ScreeningQuestion.EYELID: Symptom.EYELID_CANNOT_OPEN,
    ScreeningQuestion.VISION: Symptom.VISION_PROBLEM,
    ScreeningQuestion.INJECTION_SITE: Symptom.INJECTION_SITE_PROBLEM,
    ScreeningQuestion.EMERGENCY: Symptom.EMERGENCY_SIGN,
}
_UPGRADES = {
    Symptom.DROOPING: Symptom.EYELID_CANNOT_OPEN,
    Symptom.PAIN: Symptom.PERSISTENT_PAIN,
    Symptom.REDNESS: Symptom.PERSISTENT_REDNESS,
}


class Trend(StrEnum):
    """What the patient says about how the symptom is changing."""

    IMPROVING = "improving"
    NOT_IMPROVING = "not_improving"


@dataclass(frozen=True)
class Screening:
    """What one message (or a whole conversation) says about symptoms."""

    present: frozenset[Symptom] = frozenset()
    absent: frozenset[Symptom] = frozenset()
    trend: Trend | None = None

    @property
    def emergency_signs(self) -> frozenset[Symptom]:
        """Present symptoms that call for the emergency number."""
        return frozenset(s for s in self.present if s.severity is Severity.EMERGENCY)

    @property
    def red_flags(self) -> frozenset[Symptom]:
        """Present symptoms that call for a return to the clinic immediately."""
        return frozenset(s for s in self.present if s.severity is Severity.RED_FLAG)

    def answer(self, question: ScreeningQuestion) -> bool | None:
        """The answer this screening gives to a red-flag question, if it gives one."""
        if self.present & question.symptoms:
            return True
        if self.absent & question.symptoms:
            return False
        return None

    def merge(self, later: Screening) -> Screening:
        """Combine with what a later message says; a symptom once reported stays reported."""
        present = self.present | later.present
        return Screening(
            present=present,
            absent=(self.absent | later.absent) - present,
            trend=later.trend or self.trend,
        )


# --- Patterns ------------------------------------------------------------------------------
# Each pattern lists the symptoms it stands for. Text is lower-cased, curly apostrophes are
# straightened and "cannot"/"can not" become "can't" before matching.

_EYE = r"(?:eye|eyes|eyelid|eyelids|lid|lids)"
_CANT = (
    r"(?:can't|cant|unable to|not able to|struggl\w* to|hard to|difficult to|"
    r"trouble|difficulty|problems?|issues?)"
)

_PATTERNS: list[tuple[str, tuple[Symptom, ...]]] = [
    # Emergency signs (label's boxed warning) -------------------------------------------
    (
        rf"{_CANT}\s+(?:\w+\s+)?breath\w*|short(?:ness)? of breath|breathless\w*|"
        r"breathing (?:is )?(?:hard|difficult|laboured|labored)|wheez\w*|gasping",
        (Symptom.BREATHING_DIFFICULTY,),
    ),
    (
        rf"{_CANT}\s+(?:\w+\s+)?swallow\w*|swallowing (?:is )?(?:hard|difficult|painful)|"
        r"choking|chok\w+ on",
        (Symptom.SWALLOWING_DIFFICULTY,),
    ),
    (
        rf"slurr\w*|{_CANT}\s+(?:\w+\s+)?(?:speak|speaking|talk|talking)\w*|"
        r"speech (?:is )?(?:slurred|strange|weird|off|difficult)|words (?:come|are) out wrong",
        (Symptom.SPEECH_DIFFICULTY,),
    ),
    (
        r"weak (?:all over|everywhere)|general(?:ised|ized)? (?:muscle )?weakness|"
        r"(?:whole|entire) body (?:is |feels )?weak|"
        r"weakness (?:all over|everywhere|in my (?:arms|legs|body))|"
        r"(?:arms|legs|body) (?:are |is |feel |feels )?(?:so |very )?weak|can't hold my head up",
        (Symptom.GENERAL_WEAKNESS,),
    ),
    (
        r"throat (?:is |feels |getting |going )?(?:tight|closing|swelling|swollen|closing up)|"
        r"tight(?:ness)? (?:in )?(?:my |the )?throat|throat tightness",
        (Symptom.THROAT_TIGHTNESS,),
    ),
    (
        r"(?:face|lips?|tongue|mouth)\s+(?:\w+\s+){0,2}(?:swell\w*|swollen|puff\w* up)|"
        r"(?:swell\w*|swollen|puffed up)\s+(?:\w+\s+){0,2}(?:face|lips?|tongue)\b|"
        r"allergic reaction|anaphyla\w*",
        (Symptom.FACE_SWELLING,),
    ),
    # The article's red flags ------------------------------------------------------------
    (
        rf"{_CANT}\s+(?:\w+\s+)?open(?:ing)?\s+(?:\w+\s+){{0,2}}{_EYE}|"
        r"can't (?:fully |properly )?open (?:it|them)\b|"
        rf"{_EYE} (?:won't|will not|doesn't|does not|wont) open|"
        r"(?:lid|eyelid)s? (?:is |are )?(?:cover\w*|clos\w*|blocking|hanging over) "
        r"(?:\w+\s+){0,2}(?:eye|eyes|pupil|vision)|"
        rf"{_EYE} (?:is |are |stays? )?(?:half|partly|partially) (?:shut|closed)|"
        rf"{_CANT}\s+(?:\w+\s+)?(?:lift|raise) (?:\w+\s+)?(?:eyelid|lid)|"
        rf"barely open (?:\w+\s+)?{_EYE}",
        (Symptom.EYELID_CANNOT_OPEN,),
    ),
    (
        r"blur+\w*|blury|fuzzy vision|"
        r"vision (?:is |has been |went |gone |got )?(?:fuzzy|cloudy|hazy|foggy|unclear|dim)|"
        r"out of focus",
        (Symptom.BLURRED_VISION,),
    ),
    (
        r"double vision|see(?:ing)? (?:things )?double|two of everything|double images?",
        (Symptom.DOUBLE_VISION,),
    ),
    (
        r"vision (?:problems?|issues?|changes?|trouble|loss)|"
        rf"{_CANT}\s+(?:\w+\s+)?(?:see|seeing|focus)\w*"
        r"(?: (?:properly|clearly|well|right|normally))?|"
        r"(?:sight|eyesight|vision) (?:is )?(?:bad|worse|strange|weird|off|gone|affected)|"
        r"losing (?:my )?(?:sight|vision)|lost (?:my )?(?:sight|vision)",
        (Symptom.VISION_PROBLEM,),
    ),
    # Pain and redness: a red flag when persistent ------------------------------------------
    (r"pain\w*|hurt\w*|sore\w*|ach(?:e|es|ing|y)\b|tender\w*|throbb\w*", (Symptom.PAIN,)),
    (r"\bred\b|redness|reddish|inflamed|inflammation", (Symptom.REDNESS,)),
    # The article's common side effects --------------------------------------------------
    (
        r"tw\w{0,3}ch\w*|spasm\w*|flicker\w*|flutter\w*|jump(?:s|ing|y)\b|\btics?\b|"
        r"(?:blink\w*) (?:a lot|constantly|all the time|uncontrollabl\w*|non stop|nonstop)|"
        r"uncontroll\w* blink\w*|can't stop blinking",
        (Symptom.TWITCHING,),
    ),
    (
        rf"droop\w*|saggy|sagg\w*|heavy {_EYE}|{_EYE} (?:feels? |looks? |is |are )?heavy|"
        rf"ptosis|{_EYE} (?:is |are )?(?:lower|hooded)|hooded",
        (Symptom.DROOPING,),
    ),
    (
        r"dry\w*|gritty|scratchy|sandy|irritat\w*",
        (Symptom.DRY_EYE,),
    ),
    (
        r"watery|watering|tearing|teary|tears|crying|"
        r"eyes? (?:keep |keeps |won't stop )?(?:water|running)",
        (Symptom.TEARING,),
    ),
    (r"swell\w*|swollen|puff\w*|bump\w*|lump\w*", (Symptom.SWELLING,)),
    (r"bruis\w*|black eye|purple|blue mark", (Symptom.BRUISING,)),
    (
        r"(?:eye)?brows? (?:\w+\s+){0,3}"
        r"(?:uneven|higher|lower|different|lopsided|asymmetr\w*|raised)|"
        r"(?:uneven|lopsided|asymmetr\w*) (?:\w+\s+){0,2}(?:eye)?brows?|asymmetr\w*|lopsided|spock|"
        r"uneven (?:eyes|eyelids|lids)|one (?:eye)?brow",
        (Symptom.EYEBROW_ASYMMETRY,),
    ),
]

# Statements that deny a whole group at once ("my vision is fine").
_DENIALS: list[tuple[str, frozenset[Symptom]]] = [
    (
        r"(?:vision|sight|eyesight) (?:is|seems|has been|looks|'s|feels) "
        r"(?:fine|ok|okay|normal|good|clear|perfect)|"
        r"(?:can |i can )see (?:fine|well|clearly|normally|perfectly|ok|okay)",
        ScreeningQuestion.VISION.symptoms,
    ),
    (
        rf"(?:can |i can )open (?:\w+\s+){{0,2}}{_EYE} (?:fine|fully|normally|ok|okay|all the way)|"
        rf"{_EYE} opens? (?:fine|fully|normally|ok|okay)",
        ScreeningQuestion.EYELID.symptoms,
    ),
    (
        r"breathing (?:is )?(?:fine|ok|okay|normal)|(?:can )?breathe (?:fine|ok|okay|normally)",
        frozenset({Symptom.BREATHING_DIFFICULTY}),
    ),
]

_PERSISTENT = re.compile(
    r"persist\w*|constant\w*|(?:won't|wont|doesn't|does not|isn't|not) (?:go|going|gone) away|"
    r"keeps? (?:on )?(?:hurting|aching|getting)|still\b|getting worse|worse|severe\w*|"
    r"a lot of pain|really (?:bad|painful|red)|(?:for|since) (?:days|a week|\d+ days)|every ?day|"
    r"all the time|not (?:getting )?better|no better"
)

_TREND_NOT_IMPROVING = re.compile(
    r"not (?:getting |any )?better|no better|not improv\w*|isn't improv\w*|hasn't improv\w*|"
    r"(?:getting |got |gotten |becoming )?worse|worsen\w*|no change|hasn't changed|not changed|"
    r"(?:the )?same as before|still the same|not going away|won't go away|doesn't go away|"
    r"isn't going away|not (?:really )?(?:fading|settling)"
)
_TREND_IMPROVING = re.compile(
    r"(?:getting |much |a bit |a little |slightly )?better|improv\w*|fading|settling|"
    r"going away|(?:is |has |have )?(?:gone|stopped|disappeared|resolved|went away)|"
    r"less (?:and less|now|often)|"
    r"calming down|easing"
)

# Cues that negate what follows them in the same clause.
_NEGATION = re.compile(
    r"\b(?:no|not|none|never|without|nor|neither|don't|dont|doesn't|doesnt|didn't|didnt|"
    r"haven't|havent|hasn't|hasnt|isn't|isnt|aren't|arent|wasn't|wasnt|free of|no longer|"
    r"nothing like|zero|denies?)\b"
)
# Phrases that look like negation cues but do not negate the symptom after them.
_PSEUDO_NEGATION = re.compile(
    r"\b(?:not sure|no idea|no clue|not certain|don't know|dont know|not only|"
    r"don't think so but|doesn't stop|won't stop|not stop|can't tell)\b"
)
# A leading "yes" or an answering "no" ("no I can't open it") is a clause of its own: it answers
# the bot's question and does not negate what follows. "no blurred vision" still negates.
_CLAUSE_BREAK = re.compile(
    r"[.;!?\n]|,|\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\bjust\b|\bonly\b|"
    r"^\s*(?:nope|nah|yes|yeah|yep)\b|"
    r"^\s*no\b(?=\s+(?:i|i'm|i've|it|it's|its|my|the|they|that|this|there)\b)"
)
_NEGATION_WINDOW_WORDS = 6

_COMPILED = [(re.compile(rf"(?:{p})"), s) for p, s in _PATTERNS]
_COMPILED_DENIALS = [(re.compile(rf"(?:{p})"), s) for p, s in _DENIALS]


def normalise(text: str) -> str:
    """Lower-case and straighten the text so that one pattern fits its spellings."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\bcan\s*not\b", "can't", text)
    text = re.sub(r"\bcant\b", "can't", text)
    return re.sub(r"[ \t]+", " ", text)


def _clause_before(text: str, start: int) -> str:
    """The part of the clause that precedes position ``start``."""
    clause_start = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, start):
        clause_start = match.end()
    words = text[clause_start:start].split()
    return " ".join(words[-_NEGATION_WINDOW_WORDS:])


def _is_negated(text: str, start: int) -> bool:
    before = _clause_before(text, start)
    before = _PSEUDO_NEGATION.sub(" ", before)
    return bool(_NEGATION.search(before))


def _clause_around(text: str, start: int, end: int) -> str:
    clause_start = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, start):
        clause_start = match.end()
    following = _CLAUSE_BREAK.search(text, end)
    clause_end = following.start() if following else len(text)
    return text[clause_start:clause_end]


def _trend(text: str) -> Trend | None:
    if _TREND_NOT_IMPROVING.search(text):
        return Trend.NOT_IMPROVING
    if _TREND_IMPROVING.search(text):
        return Trend.IMPROVING
    return None


def screen(text: str) -> Screening:
    """Screen one message for symptoms, denied symptoms and their trend.

    Args:
        text: what the patient wrote, as written.

    Returns:
        The symptoms the text reports, those it denies, and whether it says they improve.
    """
    text = normalise(text)
    present: set[Symptom] = set()
    absent: set[Symptom] = set()
    for pattern, symptoms in _COMPILED:
        for match in pattern.finditer(text):
            if _is_negated(text, match.start()):
                absent.update(symptoms)
                continue
            for symptom in symptoms:
                present.add(_qualified(symptom, _clause_around(text, *match.span())))
    for pattern, denied in _COMPILED_DENIALS:
        if pattern.search(text):
            absent.update(denied)
    # Denying "pain" or "redness" also denies their persistent forms.
    if Symptom.PAIN in absent:
        absent.add(Symptom.PERSISTENT_PAIN)
    if Symptom.REDNESS in absent:
        absent.add(Symptom.PERSISTENT_REDNESS)
    return Screening(frozenset(present), frozenset(absent - present), _trend(text))


def _qualified(symptom: Symptom, clause: str) -> Symptom:
    """Pain and redness become red flags when the patient says they persist."""
    if _PERSISTENT.search(clause):
        if symptom is Symptom.PAIN:
            return Symptom.PERSISTENT_PAIN
        if symptom is Symptom.REDNESS:
            return Symptom.PERSISTENT_REDNESS
    return symptom
