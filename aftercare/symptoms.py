"""Find the symptoms a patient describes in their own words, and the ones they deny.

Plain Python, no Rasa import: the NLU component (``components/message_screener.py``) and the
actions both use it, and ``tests/test_symptoms.py`` checks it phrase by phrase.

The screen is deliberately a list of readable patterns rather than a learned model: a red flag
must be caught every time, in any intent, and a clinician must be able to read why it was.
A symptom inside a negated clause ("no blurred vision, just a twitch") is reported as *absent*,
never as present; when the same symptom is both affirmed and denied, it counts as present.
Doubt is no denial ("not sure if my vision is blurry" reports it), nor is persistence ("it
hasn't stopped twitching").

The patterns are written per concept in patients' everyday words ("my lid covers half my
pupil", "food keeps getting stuck", "my arms feel like jelly"), with the common misspellings
of the key words ("blury", "twithcing", "swalowing"); ``tests/phrasings.py`` holds the
phrasings they are checked against, and those that must not be flagged.

It runs on every message, so it is linear in the message's length: clause boundaries are found
once and looked up by bisection, every look around a match is bounded, and a very long message
is read from its first ``SCREENED_HEAD`` and last ``SCREENED_TAIL`` characters only. Read whole,
that is still tens of milliseconds of work; :func:`pieces` and :func:`combined` let a caller read
it a sentence-bounded piece at a time, and let other work run in between.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from aftercare import context
from aftercare.lexicon import compile_phrase, compile_phrases, load
from aftercare.limits import PIECE_CHARACTERS, SCREENED_HEAD, SCREENED_TAIL
from aftercare.severity import Severity, most_severe
from aftercare.spelling import mended
from aftercare.text import head_and_tail, normalise


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
    # Beyond the article and the label, each from the public guidance named in
    # aftercare/lexicon/signs.yml, which holds their words and their severity.
    SUDDEN_SIGHT_LOSS = "sudden_sight_loss"
    FAINTING = "fainting"
    CHEST_PAIN = "chest_pain"
    FILLER_WARNING_SIGN = "filler_warning_sign"
    FEVER = "fever"
    SUDDEN_SEVERE_HEADACHE = "sudden_severe_headache"

    @property
    def severity(self) -> Severity:
        """Whether this symptom is expected, a red flag or an emergency sign."""
        if self in _EMERGENCY:
            return Severity.EMERGENCY
        if self in _RED_FLAGS:
            return Severity.RED_FLAG
        return lexicon_signs().get(self, _NOT_A_LEXICON_SIGN).severity

    @property
    def advice(self) -> str:
        """Which emergency reply this sign calls for: ``toxin``, ``sudden`` or ``filler``.

        The label's signs of toxin spread or allergy are ``toxin``; the others' advice is in
        ``aftercare/lexicon/signs.yml``.
        """
        if self in _EMERGENCY:
            return "toxin"
        return lexicon_signs().get(self, _NOT_A_LEXICON_SIGN).advice


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

    @property
    def severity(self) -> Severity:
        """How a "yes" to this question weighs: the most severe of its symptoms."""
        return most_severe(s.severity for s in self.symptoms)

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
    def severity(self) -> Severity:
        """The most severe of the present symptoms."""
        return most_severe(s.severity for s in self.present)

    def signs(self, severity: Severity) -> frozenset[Symptom]:
        """The present symptoms of this ``severity``."""
        return frozenset(s for s in self.present if s.severity is severity)

    @property
    def emergency_signs(self) -> frozenset[Symptom]:
        """Present symptoms that call for the emergency number."""
        return self.signs(Severity.EMERGENCY)

    @property
    def red_flags(self) -> frozenset[Symptom]:
        """Present symptoms that call for a return to the clinic immediately."""
        return self.signs(Severity.RED_FLAG)

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


# --- Vocabulary ------------------------------------------------------------------------------
# Text is normalised first (see :func:`normalise`): lower-case, straight apostrophes, "can't"
# for "cannot", apostrophes restored in "dont"-like contractions, hyphens between letters
# turned into spaces ("half-shut" is "half shut").
#
# The patterns are written per concept, with the everyday words patients use for it (read from
# patients' own questions on public forums: "my eye is in a sleeping position", "choking on sips
# of water", "my whole body feels heavy") and with the common misspellings of the key words.


# A word between the parts of a pattern: any word but a negation ("my vision isn't blurry" is
# no "vision ... blurry") or a clause break ("trouble sleeping but breathing is fine"). Written
# [\w']+ in the patterns below, for readability; _rule() puts this in its place.
_WORD = (
    r"(?:(?!(?:not|no|never|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|haven't|hasn't|"
    r"won't|can't|couldn't|without|but|and|however|although|though|because|except)\b"
    r"(?! stop))[\w']+)"
)


# Someone else's sign, or a supposition, is no report of the patient's own: "my friend had
# double vision after hers", "my sister wants to know if botox can make you slur", "if my
# eyelid ever dropped so much I couldn't open it, what would I do?". Read in the clause
# before the sign. An observer is no owner ("my husband noticed slurring", "people say my lid
# covers my pupil", "people's faces look doubled"), a bare "she" is as
# often the nurse who injected, and the patient's own words after the other person make it
# the patient's again; so does a supposed sign that is happening now ("what if it's an
# allergy? my lips are swelling right now").
_OBSERVER = (
    r"(?:noticed|notices|notice|says?|said|saying|thinks?|thought|told|tells|saw|sees|see|"
    r"heard|hears|mentioned|pointed out|commented|spotted|found|called|rang|phoned|took me|"
    r"drove me|brought me|helped|is worried|was worried|is scared|was scared|panicked|"
    r"is panicking|keeps? (?:saying|asking|telling)|asked|asks|asking|can tell|could tell)"
)
_SOMEONE_ELSES = re.compile(
    r"\b(?:(?:my|her|his|our|a) (?:friends?|sister|sis|mum|mom|mother|daughter|son|husband|"
    r"hubby|wife|partner|boyfriend|girlfriend|colleague|co ?worker|cousin|aunt|auntie|niece|"
    r"brother|dad|father|neighbou?r|gran|nan|grandma|mate|bestie)(?:'s)?|"
    r"(?:a|this|some) (?:girl|woman|lady|guy|man|bloke|client|celeb\w*|influencer)|"
    r"(?:some )?(?:someone|somebody|people|others|anyone|anybody)(?!'s))\b"
    rf"(?!\s+(?:[\w']+\s+)?{_OBSERVER}\b(?!\s+(?:that )?(?:she|he|her|his|they|their)\b))"
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself)\b")
# A general question or a claim about what the treatment can do ("can botox make you slur
# your words?", "my mum says botox can make your throat close up") is a supposition too.
_TREATMENT = r"(?:botox|tox|it|the (?:injections?|jabs?|toxin|treatment)|injections|fillers?)"
_MODAL = r"(?:can|could|does|do|will|would|might|may|did)"
_GENERAL = (
    rf"{_MODAL} {_TREATMENT} (?:ever |really |actually |sometimes |also )?"
    rf"(?:make|cause|give|lead to|leave) |{_TREATMENT} (?:can|could|may|might|will|does) "
    r"(?:ever |really |actually |sometimes |also )?(?:make|cause|give|lead to|leave) "
    r"(?=(?:you|your|people|someone|somebody|anyone|a person|some people)\b)|"
    r"(?:can|could|do|does) (?:you|people|someone|anyone) (?:ever |really |actually )?"
    r"(?:get|develop|end up with) "
)
_SUPPOSED_SIGN = (
    r"\b(?:what if|if (?:[\w']+ ){0,3}ever|what (?:would|will) (?:i|you|we) do if|"
    r"what happens if|what (?:would|will|could) happen if|"
    rf"how (?:would|will) (?:i|you) (?:know|tell) if|{_GENERAL})"
)


@functools.cache
def _supposition() -> re.Pattern[str]:
    """Where a supposition or a general question starts.

    The cues above, and the general questions of ``aftercare/lexicon/questions.yml`` ("is it
    possible to get …").
    """
    general = compile_phrases(load("questions")["general_question"]["phrases"])
    return re.compile(f"{_SUPPOSED_SIGN}|{general.pattern}")


@functools.cache
def _told_after() -> re.Pattern[str]:
    """Words after a general question that say the patient has it after all."""
    return compile_phrases(load("questions")["told_after"]["phrases"])


@functools.cache
def _not_mine() -> re.Pattern[str]:
    """Words beside a general question that say the patient does not have it."""
    return compile_phrases(load("questions")["not_mine"]["phrases"])


@functools.lru_cache(maxsize=256)  # asked of the same message by each reading of it
def general_question(text: str) -> bool:
    """Whether ``text`` asks in general about what the treatment can do, not having it.

    "Can botox cause double vision? Not that I have it, just curious": a question, a word
    that the patient does not have it, and none that they do (``aftercare/lexicon/
    questions.yml``). A sign the classifier reads into such a message is not believed.
    """
    written = normalise(_bounded(text))
    cue = _supposition().search(written)
    return bool(cue and _not_mine().search(written) and not _told_later(written, cue.end()))


@functools.cache
def _about_warning_signs() -> re.Pattern[str]:
    return compile_phrases(load("questions")["about_warning_signs"]["phrases"])


def asks_about_warning_signs(text: str) -> bool:
    """Whether ``text`` asks in general about a red flag or an emergency sign, not told.

    By the sign's name ("can botox make you slur your words?", :func:`asked`), or, by
    someone who says they do not have it, in words the screen reads no sign in ("can botox
    affect your swallowing? I'm fine"). Such a question gets the warning signs.
    """
    if most_severe(s.severity for s in asked(text)).decides:
        return True
    return general_question(text) and bool(_about_warning_signs().search(normalise(text)))


_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")


def screen_told(text: str) -> Screening:
    """The screening of what the patient tells, not of what they ask about.

    For a general question by someone who says they do not have its sign
    (:func:`general_question`), only the sentences outside the questions count: "is it
    possible to go blind from botox? My eyes are a bit dry but I can see perfectly well"
    tells dry eyes. Any other message is screened whole (:func:`screen`).
    """
    if not general_question(text):
        return screen(text)
    told = [
        sentence
        for sentence in _SENTENCES.split(text)
        if "?" not in sentence and not _supposition().search(normalise(sentence))
    ]
    return screen(" ".join(told))


def _told_later(text: str, start: int) -> bool:
    """Whether the patient says from ``start`` on that they have it, not denied.

    "I've had it since Monday" tells it; "not that I have it" does not.
    """
    for found in _told_after().finditer(text, start):
        if not _NEGATION.search(" ".join(text[: found.start()].split()[-3:])):
            return True
    return False


_HAPPENING_NOW = re.compile(r"\b(?:now|right now|currently|at the moment|today|tonight|since)\b")
# What ends a supposition's clause: "what would happen if I wait, because I can't open my eye".
_SUPPOSITION_ENDS = re.compile(
    r"\b(?:because|cos|coz|cuz|but|(?<!much )(?<!bad )(?<!far )(?<!long )(?<!soon )(?<!well )"
    r"(?<!badly )as (?=(?:i|my|it's|it is|everything|things)\b))\b"
)
_CLAUSE_END = re.compile(r"[.!?\n;,:]|\s-\s")
_CLAUSE_WINDOW = 200
_SENTENCE_END = re.compile(r"[.!?\n]")


_AGE_ASIDE = re.compile(r"[(,]\s*\d{1,3}\s*[),]")


@functools.cache
def _treated() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    people = load("people")
    return (
        compile_phrases(people["treated_other"]["phrases"]),
        compile_phrases(people["treated_self"]["phrases"]),
        compile_phrases(people["long_ago"]["phrases"]),
    )


@functools.lru_cache(maxsize=256)  # asked of the same message by each reading of it
def for_someone_treated(text: str) -> bool:
    """Whether ``text`` is written for another person who had the treatment, not the writer.

    A parent, partner or carer's report of that person's signs is a report
    (``aftercare/lexicon/people.yml``): "my daughter had botox on Tuesday and tonight her
    words are slurred".
    """
    other, own, long_ago = _treated()
    # "my daughter (24) had botox", "my son, 19, had his done"
    text = _AGE_ASIDE.sub(" ", normalise(text))
    return bool(other.search(text)) and not (own.search(text) or long_ago.search(text))


# A carer's words for the person treated, as that person's own: "her words are slurred",
# "she can't lift her arms". The screen's patterns are written in the first person.
_SUBJECT = r"\b(?:she|he)"
_IN_FIRST_PERSON = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (_SUBJECT + r" (?:has|'s) (?=(?:got|been|become|had|gone|started|lost)\b)", "i have "),
        (_SUBJECT + r" (?:is|'s)\b", "i am"),
        (r"\b(?:she's|he's)\b", "i'm"),
        (_SUBJECT + r" has\b", "i have"),
        (_SUBJECT + r"\b", "i"),
        (r"\b(?:her|his)\b", "my"),
        (r"\bhim\b", "me"),
        (r"\b(?:herself|himself)\b", "myself"),
    )
)


def _in_first_person(text: str) -> str:
    for pattern, words in _IN_FIRST_PERSON:
        text = pattern.sub(words, text)
    return text


def _aside(text: str, start: int, end: int, carer: bool = False, suppositions: bool = True) -> bool:
    """Whether the sign from ``start`` to ``end`` is someone else's, or only supposed.

    ``carer``: the message is written for the person who had the treatment, whose signs are
    the report; only a supposition is aside then. ``suppositions=False`` reads a supposed
    sign as told (what a general question asks about, :func:`asked`).
    """
    first = max(0, start - _CLAUSE_WINDOW)
    ends = [m.end() for m in _CLAUSE_END.finditer(text, first, start)]
    first = ends[-1] if ends else first
    if suppositions and (supposition := _supposition().search(text, first, end)):
        if _SUPPOSITION_ENDS.search(text, supposition.end(), start):
            return False
        last = _CLAUSE_END.search(text, end)
        if _told_later(text, last.end() if last else len(text)):
            return False  # "… double vision this late? I've had it since yesterday"
        return not _HAPPENING_NOW.search(text, first, last.start() if last else len(text))
    if carer:
        return False
    others = list(_SOMEONE_ELSES.finditer(text, first, start))
    return bool(others) and not _FIRST_PERSON.search(text, others[-1].end(), end)


def in_first_person(text: str) -> bool:
    """Whether ``text`` (normalised) speaks of the writer: "I", "my", "me"."""
    return bool(_FIRST_PERSON.search(text))


def aside(text: str) -> bool:
    """Whether no sentence of a message is the patient's own report, and one is an aside.

    An aside is a supposition ("what if my lid ever drooped?") or someone else's experience
    with no word of the patient's own ("my friend couldn't breathe after hers"). The NLU's
    classifier reads a report of a sign into those; this tells its caller not to believe it
    there. A sentence with the patient's own words ("my words come out mushy, my husband keeps
    asking if I've been drinking") keeps it believed.
    """
    text = normalise(text)
    carer = for_someone_treated(text)
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    found = False
    for sentence in sentences:
        supposition = _supposition().search(sentence)
        supposed = bool(
            supposition
            and not _HAPPENING_NOW.search(sentence)
            and not _SUPPOSITION_ENDS.search(sentence, supposition.end())
        )
        theirs = (
            not carer
            and bool(_SOMEONE_ELSES.search(sentence))
            and not _FIRST_PERSON.search(_SOMEONE_ELSES.sub(" ", sentence))
        )
        if not (supposed or theirs or (not carer and not _FIRST_PERSON.search(sentence))):
            return False
        found = found or supposed or theirs
    return found


def _gap(words: int) -> str:
    """Up to ``words`` words, none a negation or a clause break."""
    return rf"(?:[\w']+\s+){{0,{words}}}"


_G1, _G2, _G3 = _gap(1), _gap(2), _gap(3)
# Up to five words ("has been feeling", "might be a bit", "could be"), none of them a negation,
# an end ("stopped"), the past ("used to") or a condition ("would").
_AFFIRMED_GAP = (
    r"(?:(?![\w']*n't\b|not\b|never\b|no\b|stopped\b|used\b|would\b|hardly\b|barely\b|"
    r"less\b|anymore\b|longer\b)[\w']+\s+){0,5}?"
)
# "is", "was", "looks", "has been", ...: up to two of them.
_BE = (
    r"(?:(?:is|are|was|were|'s|has been|have been|had been|stays?|stayed|looks?|looked|"
    r"seems?|seemed|feels?|felt|remains?|gets?|got|went|keeps?|now|still|kind of|sort of) ){0,2}"
)

_EYE = r"(?:eye ?balls?|eye ?lids?|eylids?|eyleds?|eyes?|lids?)"
_LID = r"(?:eye ?lids?|eylids?|eyleds?|lids?)"
# "Something stops me": difficulty, inability, effort.
_CANT = (
    r"(?:can't|couldn't|won't let me|unable to|not able to|"
    r"(?:haven't|hasn't|have not|has not) been able to|struggl\w*(?: to| with)?|"
    r"hard(?:er)? to|difficult(?:y|ies)?(?: to| with| in)?|tough to|impossible to|"
    r"not (?:that |very |so )?easy to|"
    r"troubles?(?: with)?|problems?(?: with)?|issues?(?: with)?|"
    r"(?:can |could )?(?:barely|hardly|only just)|"
    r"(?:an |a real |a )?(?:effort|struggle|battle|job) to|a (?:hard|tough|difficult) time)"
)
_BREATH = r"\b(?:brea?t?h\w*|breat\w*|braeth\w*)"
_SWALLOW = r"\b(?:sw[ao]ll?ow\w*|swal+o\w*)"
_THROAT = r"\b(?:throat|thoat|troat|throt|thraot|throta|throaat)s?\b"
_TONGUE = r"\b(?:tongue|tounge|tonge|tung|tongeu|toungue)s?\b"
_SPEAK = r"\b(?:speak\w*|speech|speach|spech|talk\w*|say (?:words|things)|pronounc\w*)"
_VISION = r"(?:vision|vison|visoin|visiion|sight|eyesight|eye sight|eyesite)"
_BLUR = (
    r"\b(?:bl(?:u+|a(?=rr?[eiy])|)r+(?!t)\w*|bu(?:lr+|rr+)(?:y|ed|ey|iness|yness)\b|"
    r"bluer+y|blrr?y)"
)
_DOUBLE = r"\b(?:double|doubled|doubling|dubble|duble|doubel|dobule|doulbe)\b"
# How people say "a lot": "so", "really", "very" ...
_VERY = (
    r"(?:(?:so|really|very|super|extremely|totally|completely|all|quite|a bit|a little|"
    r"a little bit|slightly|pretty|kind of|kinda|sort of|rather|fairly|noticeably|definitely|"
    r"properly|weirdly|a lot) )?"
)
# The key words, as the patterns spell them ("blury", "dubble", "thoat"): kept as written when
# the rest of a message is mended (aftercare/spelling.py).
_KEY_WORD = re.compile(
    rf"{_BLUR}|{_DOUBLE}|{_THROAT}|{_TONGUE}|{_SWALLOW}|{_BREATH}|{_SPEAK}|{_EYE}|{_VISION}"
)
# A photo, not the eye: "sorry the photo is blurry".
_NOT_THE_EYE = re.compile(
    r"\b(?:photos?|pictures?|pics?|selfies?|camera|screenshots?|snaps?|filters?|scans?|"
    r"memor(?:y|ies)|texts? (?:you|u) sent)\b"
)
# Out of breath from running is no symptom.
_EXERTION = re.compile(
    r"\b(?:run|running|ran|jog\w*|exercis\w*|gym|workout|work out|working out|sprint\w*|climb\w*|"
    r"stairs|walk\w* up|hik\w*|spin class|spinning|class|yoga|cardio|training|sport|swim\w*|"
    r"cycl\w*|bike)\b"
)


@dataclass(frozen=True)
class _Rule:
    """A pattern, the symptoms it stands for, and a clause context that cancels it."""

    pattern: re.Pattern[str]
    symptoms: tuple[Symptom, ...]
    unless: re.Pattern[str] | None = None
    needs: re.Pattern[str] | None = None
    """Words the message must also hold somewhere for the pattern to count ("filler")."""


def _rule(
    pattern: str,
    *symptoms: Symptom,
    unless: re.Pattern[str] | None = None,
    needs: re.Pattern[str] | None = None,
) -> _Rule:
    return _Rule(re.compile(pattern.replace(r"[\w']+", _WORD)), symptoms, unless, needs)


_RULES: list[_Rule] = [
    # Emergency signs (label's boxed warning) -------------------------------------------
    _rule(
        # "I can't catch my breath", "hard to get air in", "chest feels tight", "wheezy".
        rf"{_CANT}\s+{_G3}{_BREATH}|"
        rf"{_CANT}\s+{_G2}(?:get|getting|take|taking|catch|catching|draw|fill)\s+{_G2}"
        r"(?:air|lungs?|breath\w*)\b(?! ?(?:con\w*|plane|port|line|pods?|fryer|bnb|b&b))|"
        r"short(?:ness)? (?:of|o) breath|"
        rf"{_BREATH}\s+(?:(?:is|feels|felt|feeling|has|have|been|got|gets|seems|sounds|went|gone|"
        r"become|"
        r"became|becoming|getting|is getting) ){0,2}"
        rf"{_VERY}(?:hard|harder|difficult|laboured|labored|heavy|shallow|tight|restricted|"
        r"strained|weird|strange|funny|noisy|rattly|raspy|fast|an effort|a struggle|short|"
        r"shorter|ragged|rapid|"
        r"not right|off|wrong|different|problems?|difficult\w*|issues?|troubles?)\b|"
        rf"(?:laboured|labored|heavy|shallow|noisy|rapid|fast|struggled|strained) {_BREATH}|"
        r"\bwhee?z\w*|gasp\w*|(?:struggl\w*|fight\w*|fighting|hungry|desperate|gasping) "
        r"(?:for|to get) (?:air|breath)|not (?:getting|get) enough (?:air|oxygen)|"
        r"(?:have|having|need|needing|keep) to (?:keep )?tak\w* (?:big|deep|extra|huge|long|gulps"
        r"|gulping) (?:of )?(?:breaths?|air)|"
        r"(?:sitting|weight|pressure|elephant|band|heaviness) (?:on|around|across|in) "
        r"(?:my )?chest|"
        r"air hunger|suffocat\w*|smother\w*|dyspn\w*|respiratory (?:distress|problems?|"
        r"difficult\w*|issues?|trouble)|"
        r"\bchest\s+(?:is |feels |has |got |getting |going |feels like it's )?"
        rf"{_VERY}(?:tight\w*|heavy|constrict\w*|squeez\w*|crushed|compressed|closing)|"
        r"tight(?:ness)?\s+(?:in|across|around|on) (?:my |the )?chest|chest tightness|"
        r"lungs? (?:feel |are |is |won't |can't |don't )?(?:tight|heavy|weak|fill\w*|expand\w*)",
        Symptom.BREATHING_DIFFICULTY,
    ),
    _rule(
        # "out of breath doing nothing"; not out of breath from running.
        r"breathless\w*|out of breath\b|puffed out|winded",
        Symptom.BREATHING_DIFFICULTY,
        unless=_EXERTION,
    ),
    _rule(
        # "food keeps getting stuck", "it hurts to swallow", "drinks go down the wrong way".
        rf"{_CANT}\s+{_G2}(?:{_SWALLOW}|chew\w*)|"
        rf"(?:painful|difficult|hard|weird|strange|tricky|uncomfortable|slow|laboured) {_SWALLOW}|"
        rf"{_SWALLOW}\s+(?:is |feels |has been |has become |got |seems )?{_VERY}"
        r"(?:hard|harder|difficult|painful|sore|weird|strange|odd|funny|uncomfortable|off|"
        r"different|an effort|a struggle|tough|scary|problems?|difficult\w*|issues?|trouble)|"
        r"(?:hurts?|hurting|painful|pain|sore|weird|strange|odd|funny|uncomfortable|difficult|"
        r"hard|tough|awkward|effort|struggle|impossible|scary|stuck|catch\w*|lump|gag\w*|"
        r"cough\w*|chok\w*)\s+(?:[\w']+\s+)?(?:to |when (?:i )?|while (?:i )?|if (?:i )?|"
        rf"as (?:i )?)(?:try(?:ing)? to )?{_SWALLOW}|"
        rf"{_SWALLOW}\s+(?:hurts|hurt|is hurting|stings|aches|is sore|feels sore)|"
        r"(?:when|every time|whenever|each time) (?:i )?(?:eat|drink|swallow)\w* (?:[\w']+ ){0,2}"
        r"(?:cough|chok|splutter|gag)\w*|"
        rf"{_THROAT} (?:won't|doesn't|can't|will not) let (?:[\w']+ )?(?:food|anything|drinks?|"
        r"water|it) (?:go )?down|"
        r"(?:food|water|drinks?|pills?|tablets?|anything) (?:won't|doesn't|can't|isn't going|"
        r"will not|does not) go down|"
        rf"{_SWALLOW}\s+(?:[\w']+\s+)?(?:twice|repeatedly|several times|over and over|"
        r"really hard|so hard|forcefully|extra hard)|"
        r"(?:food|foods|pills?|tablets?|bread|meat|rice|water|drinks?|liquids?|saliva|spit|"
        r"something|everything|things?|stuff|it)\s+(?:[\w']+\s+){0,3}stuck|"
        r"(?:stuck|caught|lodged|sticking|sat|sits|sitting) in (?:my |the )?"
        rf"(?:{_THROAT}|gullet|oesophagus|esophagus|chest)|"
        r"down the wrong (?:way|hole|pipe|tube)|wrong way down|"
        r"\bcho+c?k\w*|\bgag\w* on|\bsplutter\w* on|"
        r"(?:cough\w*|splutter\w*|chok\w*) (?:when|whenever|every time|each time|while|after|as) "
        r"(?:i |i'm )?"
        r"(?:eat|drink|swallow)\w*|"
        rf"{_CANT}\s+{_G2}(?:food|anything|it|drinks?|water|pills?|tablets?|liquids?|fluids?|"
        r"meals?|\w+ing) down|"
        r"(?:lump|something) (?:[\w']+\s+)?in (?:my |the )?(?:throat|thoat|troat|throt)|"
        r"(?:comes?|came|coming|goes|went|going) (?:back )?(?:up |out )?"
        r"(?:through |out of |out )?(?:my )?nose|dysphag\w*|aspirat\w*",
        Symptom.SWALLOWING_DIFFICULTY,
    ),
    _rule(
        # "my words come out wrong", "I sound drunk", "my voice has gone hoarse".
        r"\bslur+\w*|"
        rf"{_CANT}\s+{_G2}{_SPEAK}\w*(?! to\b| with\b| about\b| english| over| right now| now\b"
        r"| at the moment| at work| long)|"
        rf"{_CANT}\s+{_G2}(?:get|getting|form|forming|find|finding) (?:my |the )?words|"
        r"(?:can't|cannot|couldn't|don't|didn't|struggl\w* to|hard to) understand "
        r"(?:me|what i'm saying|my speech|my words|a word i say)|"
        r"(?:won't|can't|doesn't|struggl\w* to|hard to) (?:form|make|shape|say) (?:the |my |any )?"
        r"words|"
        rf"{_SPEAK}(?:'s)?\s+(?:isn't|is not|'s not|doesn't sound|doesn't feel|not) (?:[\w']+ )?"
        r"(?:right|normal|clear|good|the same|itself)|"
        rf"{_SPEAK}\s+(?:is |feels |sounds |has been |has gone |has become |went |got |seems )?"
        rf"(?:like )?{_VERY}(?:slurred|slurry|strange|weird|odd|funny|off|difficult|hard|harder|"
        r"slow|slower|thick|garbled|jumbled|muffled|different|an effort|a struggle|tiring|"
        r"a (?:real |big |huge )?(?:effort|struggle)|such (?:an effort|a struggle)|hard work|"
        r"not right|wrong|affected|impaired|messed up|problems?|difficult\w*|issues?)|"
        r"words?\s+(?:[\w']+\s+){0,2}(?:come|comes|coming|came|are|is|sound|sounds|get|got)\s+"
        r"(?:out\s+)?(?:all\s+)?(?:wrong|funny|weird|strange|jumbled|garbled|slurred|mixed up|"
        r"mushy|slurry|mumbled|muffled|thick|muddled|stuck)|"
        r"\bsound(?:s|ing)? (?:like (?:i'm |i am |i've been )?)?(?:drunk|tipsy|wasted)|"
        r"\bsound(?:s|ing)? (?:really |so |a bit |all )?(?:weird|strange|funny|odd|different|"
        r"slurred|nasal|muffled|garbled) (?:when|if|as) (?:i )?(?:talk|speak|say)|"
        r"\bmumbl\w*|garbled|dysarthr\w*|\blisp\w*|"
        r"\bvoice\s+(?:is |sounds |has |has gone |went |got |seems |feels |keeps )?"
        rf"{_VERY}(?:hoarse|weak|weaker|croaky|raspy|husky|quiet|different|strange|weird|"
        r"funny|off|nasal|gone|going|faint|breathy|shaky|changed|cracking|cracky|"
        r"not right|not normal)|"
        r"\b(?:hoarse|croaky|raspy|husky|weak|nasal|changed)\s+voice|\bhoarse\w*|"
        r"(?:lost|losing|lose) (?:my )?voice|"
        rf"{_TONGUE}\s+(?:is |feels |feel |keeps |has |won't |doesn't |can't )?{_VERY}"
        r"(?:heavy|clumsy|lazy|numb|stiff|not working|work|move|moving|useless|paralys\w*)",
        Symptom.SPEECH_DIFFICULTY,
    ),
    _rule(
        # "arms feel like jelly", "no strength anywhere", "my whole body feels heavy".
        r"\bweak\w* (?:all over|everywhere|anywhere|throughout)|"
        r"general(?:ised|ized)? (?:muscle )?weakness|systemic weakness|"
        r"(?:floppy|limp|heavy|weak|jelly|wobbly) (?:all over|everywhere)|"
        r"\bbody\s+(?:is |feels |has |has gone |went |seems |got )?"
        rf"(?:like )?{_VERY}(?:weak|heavy|floppy|limp|jelly|like jelly|wobbly|drained|"
        r"useless|paralys\w*|like lead)|"
        r"weakness (?:all over|everywhere|in (?:my |both )?(?:arms?|legs?|body|limbs|hands?|neck))|"
        r"\b(?:arms?|legs?|limbs|hands?|neck|muscles) (?:and (?:my )?(?:arms?|legs?|hands?) )?"
        r"(?:are |is |feel |feels |felt |have |has |went |gone |seem |keep )?"
        r"(?:gone |going |feel )?"
        rf"(?:like )?{_VERY}(?:weak\w*|jelly|like jelly|floppy|limp|rubbery|like noodles|heavy|"
        r"noodly|useless|dead|like lead|giving (?:way|out)|gave (?:way|out)|buckl\w*|"
        r"can't hold|won't hold|paralys\w*)|"
        r"(?:legs?|knees?|arms?) (?:[\w']+\s+){0,6}(?:give|giving|gave|go|going) (?:way|out)\b|"
        r"(?:hold|holding|held|grab\w*|cling\w*) (?:on to |onto |on |to )?(?:the )?"
        r"(?:wall|walls|railing|banister|bannister|furniture) to (?:get|stand|walk|stay|go|climb)|"
        rf"{_CANT}\s+{_G2}(?:lift|raise|hold up|hold|move|grip|use) "
        r"(?:up )?(?:my |both )?(?:arms?|legs?|head|hands?|neck|limbs|body)\b|"
        # "can't stand" on its own legs, not "couldn't stand looking at it" (can't bear).
        rf"{_CANT}\s+{_G1}(?:hold (?:my |me )?(?:head )?up|stand up|"
        r"stand(?! (?:looking|the sight|the way|it|this|that|him|her|them|my|how|what|being|"
        r"seeing|people|anyone|to)\b)|walk properly|"
        r"walk straight|climb (?:the )?stairs|get up|get out of bed)|"
        r"(?:no|zero|lost (?:all )?(?:my )?|lost all) ?strength\b(?! in (?:my |the )?(?:face|"
        r"forehead|brows?|eyebrows?|eye|eyes|eyelids?|lids?|frown))|"
        r"(?:everything|all my muscles|every muscle)(?:'s| feels| is| seems| has gone) "
        r"(?:heavy and |so heavy and )?"
        r"(?:so |really |very )?weak|"
        r"(?:keep|keeps|kept) dropping (?:things|stuff|my|cups)|"
        r"too weak to|head (?:keeps )?(?:flopp\w*|lolling|falling forward)|rag ?doll|"
        r"\b(?:arms?|legs?|limbs) (?:[\w']+ ){0,4}?(?:give|gave|giving|go|going|gone|went) "
        r"(?:way|out|weak|to jelly|floppy|limp)|"
        r"weak as a kitten|wet noodle|"
        r"(?:^|\bi\b|\bi'm|\bi've|\bim)\s*(?:(?:am|been|feel|feeling|felt|feels|getting|got|"
        r"so|very|really|extremely|quite|a|bit|little|kind|of|generally|just|suddenly|"
        r"all|too)\s+){0,4}(?:weak|feeble)\b(?!\s+(?:at|in|on|around|near|under|above|"
        r"spot|side|point|from (?:not eating|hunger|being hungry|fasting|the gym|exercise|"
        r"training|a cold|the flu|my period|dieting)))",
        Symptom.GENERAL_WEAKNESS,
    ),
    _rule(
        # "my throat is closing up", "throat feels tight", "swelling in my throat".
        rf"{_THROAT}\s+(?:is |feels |getting |going |has gone |seems |keeps |feels like "
        r"(?:it's |it is )?)?(?:[\w']+ )?(?:tight\w*|clos\w*|swell\w*|swollen|constrict\w*|"
        r"narrow\w*|squeez\w*|thick|full|blocked|weird|strange|funny|odd|puffy|smaller)|"
        rf"tight\w*\s+(?:[\w']+\s+)?(?:in|around|of) (?:my |the )?{_THROAT}|"
        rf"(?:swell\w*|swollen|lump|closing|constrict\w*|squeez\w*) (?:[\w']+\s+)?(?:in|of) "
        r"(?:my |the )?"
        rf"{_THROAT}|(?:swollen|tight|closing|narrow) {_THROAT}|"
        rf"(?:squeez\w*|constrict\w*|tighten\w*|clos\w* up|clos\w*) (?:my |the )?{_THROAT}|"
        # "my throat has been feeling tight", "my throat might be a bit tight".
        rf"{_THROAT}\s+{_AFFIRMED_GAP}(?:tight\w*|closing|clos\w* up|constrict\w*|swollen)",
        Symptom.THROAT_TIGHTNESS,
    ),
    _rule(
        # "my tongue feels thick", "my face has puffed right up", "lips are huge", hives.
        rf"(?:\bface|\blips?|{_TONGUE}|\bmouth)(?:'s)?\s+(?:[\w']+\s+){{0,3}}(?:swell\w*|swollen|"
        r"puff\w*\s+(?:right\s+|all\s+)?up|blew up|blown up|blowing up|balloon\w*|bloat\w*|"
        r"inflat\w*|doubled|twice (?:the|its|their) size)|"
        rf"(?:\blips?|{_TONGUE})(?:'s)?\s+(?:[\w']+\s+){{0,3}}(?:huge|enormous|massive|fat|thick|"
        r"big|bigger|too big|puff\w*)|"
        rf"(?:swell\w*|swollen|puffed up|puffy|fat|thick|huge) (?:[\w']+\s+){{0,2}}"
        rf"(?:\bface|\blips?|{_TONGUE})|"
        r"\bface\s+(?:is |has |looks |feels |got )?(?:all |so |very |really |massively "
        r"|completely )(?:puffy|swollen|puffed)|"
        r"facial (?:swelling|puffiness|oedema|edema)|"
        rf"(?:\blips?|{_TONGUE})\b(?:\s+[\w']+){{0,5}}\s*(?:,|and)?\s*(?:now |then )?"
        r"(?:they're|they are|they've|it's|it is) (?:[\w']+ )?(?:swollen|swelling|puff\w*|"
        r"blown up|huge|massive)|"
        r"allerg\w* reaction|anaphyla\w*|angioedema|\bhives\b|epi ?pen",
        Symptom.FACE_SWELLING,
    ),
    # The article's red flags ------------------------------------------------------------
    _rule(
        # "I can only open it halfway", "my lid covers half my pupil", "eye is half shut",
        # "I have to lift my eyelid with my finger to see".
        rf"{_CANT}\s+{_G2}open(?:ing)?\s+{_G2}{_EYE}|"
        rf"{_CANT}\s+{_G1}(?:lift|raise|open) (?:up )?{_G2}{_LID}|"
        r"can't (?:fully |properly |really )?open (?:it|them)\b|"
        rf"{_CANT}\s+{_G1}(?:get|keep|hold) {_G2}(?:{_EYE}|it|them) (?:open|up)|"
        rf"{_EYE} (?:won't|will not|doesn't|does not|wont|can't|isn't|is not|aren't|don't) "
        r"(?:[\w']+ )?(?:open|opening|lift|lifting|go up|stay open|come up)|"
        rf"{_LID}\s+(?:[\w']+\s+)?(?:is |are |keeps |has )?(?:now )?(?:cover\w*|block\w*|"
        r"hang\w* (?:over|down)|hung (?:over|down)|sits? (?:over|on|across)|sitting (?:over|on)|"
        r"rest\w* on|in front of|over|obscur\w*|obstruct\w*|impair\w*|"
        r"(?:come|comes|came|coming|is|'s) down (?:over|"
        r"across|on)|"
        r"fall\w* over|droop\w* over|droop\w* (?:[\w']+ )?(?:down )?(?:over|into)|halfway down|"
        r"half way down)\s+(?:[\w']+\s+){0,3}(?:eye|eyes|pupil|pupils|iris|vision|sight|"
        r"eyeball|view)|"
        r"(?:cover\w*|block\w*|obscur\w*|hid\w*|over)\s+(?:[\w']+\s+){0,5}"
        r"(?:pupil|pupils|iris|colou?red (?:part|bit))|"
        rf"{_EYE}\s+{_BE}(?:stuck )?(?:half|partly|partially|partway|nearly|"
        r"almost|mostly|basically|completely|fully|totally|all the way|practically|virtually)"
        r"(?: way)? (?:shut|closed|closing)|"
        rf"half (?:shut|closed|open) {_EYE}|"
        rf"{_EYE}\s+{_BE}(?:stuck |swollen )(?:shut|closed)|"
        r"(?:is|are|was|looks?|seems?|and|stays?|'s|been|now|still) (?:half|partly|partially|"
        r"nearly|almost|mostly) (?:shut|closed)\b|"
        rf"{_EYE}\s+{_BE}(?:keeps? )?(?:closing|shutting) (?:up|over|on (?:its|their) own|"
        r"by (?:itself|themselves))|"
        rf"{_EYE}\s+{_BE}(?:in )?(?:a )?sleeping position|"
        rf"{_CANT}\s+{_G1}get (?:{_G2}{_EYE}|it|them) to (?:open|stay open|lift)|"
        r"(?:pupils?|iris|eyes?|vision|sight)\s+" + _BE + r"(?:half |partly |partially |mostly )?"
        rf"(?:covered|blocked|hidden|obscured) by (?:my |the )?(?:[\w']+ )?{_LID}|"
        rf"{_LID}\s+{_BE}(?:[\w']+ )?in the way|"
        rf"(?:only )?half (?:of )?(?:my |the )?{_EYE} (?:will )?opens?\b|"
        rf"{_LID}\s+(?:[\w']+\s+){{0,2}}paraly[sz]\w*|"
        r"(?:barely|hardly|only half|half|partly|partially|just about) open(?:s|ed|ing)? "
        rf"(?:[\w']+ ){{0,2}}{_EYE}|"
        rf"{_EYE}\s+{_BE}(?:barely|hardly|only half|half|partly|partially|only just) open\b|"
        r"fingers? (?:[\w']+ ){0,2}to (?:keep|hold|lift|prop|push|pull|open)\b|"
        rf"(?:can |could )?only (?:half )?open (?:it|them|{_G2}{_EYE})\s+(?:[\w']+\s+)?"
        r"(?:half ?way|halfway|half|part ?way|partly|partially|a (?:bit|little|crack|slit)|"
        r"slightly|a few mm|so far)|"
        rf"(?:{_EYE}|it|they) (?:will |can |does |would )?(?:only )?opens? (?:[\w']+ )?(?:only )?"
        r"(?:half ?way|halfway|"
        r"part ?way|partly|partially|a (?:bit|little|crack|slit))|"
        rf"(?:have|had|having|need|needs|needing|must|got) to (?:[\w']+\s+)?(?:lift|hold|push|"
        rf"prop|pull|raise|tape|open)\s+(?:up |open )?{_G2}(?:{_EYE}|it|them)\b|"
        rf"(?:lift|hold|prop|push|pull|tape)\w*\s+(?:up |open )?{_G2}{_LID}\s+"
        r"(?:up|open|with)|"
        rf"with (?:my |a |one )?fingers? (?:to|so) (?:[\w']+\s+){{0,3}}(?:see|open)|"
        rf"{_LID}\s+(?:[\w']+\s+){{0,2}}cuts? off (?:the top of )?(?:what i|my|the) "
        r"(?:can see|vision|sight|view)|"
        rf"{_LID}\s+(?:[\w']+\s+)?(?:drooped|droops|drooping|dropped|fallen|fell) "
        r"(?:completely|all the way|right down|so far|so much|over)|"
        rf"barely open (?:[\w']+\s+)?{_EYE}|ca?n't keep (?:[\w']+\s+)?{_EYE} open|"
        # "it just won't open the whole way", "the left one won't go as far".
        rf"(?:\b(?:it|they)|{_EYE}|{_LID}|\bthe (?:left|right)(?: one| side)?)(?:'s)?\s+"
        r"(?:[\w']+\s+){0,6}?"
        r"(?:won't|wont|will not|doesn't|does not|can't|cannot) (?:open|lift|go|come)(?: up)? "
        r"(?:the whole way|all the way|fully|as far|as wide|as high)|"
        r"\bsplit\w* (?:in|into) (?:two|2)\b|"
        r"(?:nothing|things|everything) (?:[\w']+ )?(?:comes?|will come|seems to come) into focus|"
        # "will my eye open properly again?" says that it does not now.
        rf"{_EYE} (?:[\w']+ )?(?:open|opens|opening) (?:[\w']+ )?again|"
        # "I can't lift it all the way up", "my lid sits halfway down".
        rf"{_LID}\s+{_AFFIRMED_GAP}(?:half ?way|half way) (?:down|closed|shut|over)",
        Symptom.EYELID_CANNOT_OPEN,
    ),
    _rule(
        # "I have to tilt my head back to see", "now it covers most of my eye"; "my lid
        # droops. I can't lift it all the way": an eye or a droop named before it. Not glasses,
        # hair, make-up or lying in bed, nor the brows, an arm or a weight.
        r"(?:rais|tilt|lift|tip|put|hold|push)\w* (?:my |the )?(?:chin|head) (?:up|back|upwards|"
        r"backwards)?\s*(?:[\w']+ ){0,3}to see\b|"
        rf"(?:\b(?:{_LID})\b|\bdroop\w*|\bdropp\w*|\blower\b)[^\n]{{0,200}}?\b(?:it|they)(?:'s| is|"
        r" are)? (?:now )?(?:cover\w*|block\w*|hang\w* over) (?:[\w']+ )?(?:of )?(?:my |the )?"
        r"(?:eye|eyes|pupil|pupils|iris)\b(?! bags)|"
        rf"(?:\b(?:{_EYE})\b|\bdroop\w*|\bdropped)[^\n]{{0,200}}?(?:can't|cannot|can not|"
        r"unable to|struggl\w* to|hard to) (?:[\w']+ )?(?:lift|raise) (?:it|them) (?:all the way|"
        r"fully|the whole way|completely|properly)",
        Symptom.EYELID_CANNOT_OPEN,
        unless=re.compile(
            r"glasses|fringe|\bhair|concealer|make ?up|foundation|\bmask|\bpatch|\bbed\b|lying|"
            r"ceiling|\bsky\b|\b(?:eye)?brows?\b|forehead|\barms?\b|shoulders?|\blegs?\b|gym|"
            r"weights?"
        ),
    ),
    _rule(
        # "blurry", "vison blury", "blurryness"; not a blurry photo.
        _BLUR,
        Symptom.BLURRED_VISION,
        unless=_NOT_THE_EYE,
    ),
    _rule(
        # "things look fuzzy", "everything's hazy", "my eyes won't focus", "out of focus".
        rf"(?:{_VISION}|{_EYE}|things|everything|it all|objects|words|letters|"
        r"text|the screen|my phone|the tv|the world|the page)(?:'s|s)?\s+(?:[\w']+\s+){0,4}?"
        r"(?:fuzzy|fuzz|hazy|haze|foggy|fogged|fog|cloudy|clouded|misty|smudg\w*|smear\w*|"
        r"soft|unclear|not clear|not sharp|grainy|milky|filmy|out of focus|unfocused|"
        r"dim|dimmer|wavy|distort\w*|swimming|bl(?:u|a)r\w*)|"
        rf"(?:fuzzy|hazy|foggy|cloudy|misty|smudgy|dim|grainy|distorted|unclear) {_VISION}|"
        r"out of focus|\bunfocus\w*|"
        # "it's hard to focus", "I have to blink to get the words sharp"; not the mind's focus
        # ("I can't focus on work", "... because the twitch is so annoying").
        rf"{_CANT}\s+{_G1}focus\b(?!\s+(?:on|at|in|during) (?:work|school|class|my (?:work|job|"
        r"studies)|studying|conversations?|meetings?|anything|tasks?|what)\b)"
        r"(?!\s+(?:because|cos|coz|with|for|when) )|"
        r"blink\w* (?:[\w']+ ){0,3}(?:to )?(?:make|get) (?:it|them|things|everything) (?:clear|"
        r"sharp|focused|in focus)|"
        rf"(?:{_EYE}|{_VISION}) (?:[\w']+ )?(?:won't|wont|can't|cant|don't|doesn't|struggle to|"
        r"take (?:ages|a while|longer) to) (?:[\w']+ )?focus|"
        r"(?:get|getting|make|making) (?:the |my )?(?:things|everything|words|letters|text|print|"
        r"page|screen|tv|phone|signs?|subtitles)(?: [\w']+){0,3}? (?:to )?(?:look |stay |be )?"
        r"(?:sharp|in focus|focused)\b|"
        r"(?:fuzzy|hazy|foggy|cloudy|misty|smudgy|blurry|out of focus) (?:[\w']+ )?(?:when|if|"
        r"whenever|as) (?:i )?(?:look|read|see|focus|try|watch)|"
        r"(?:things|everything|words|letters|text|objects|faces|it all|the screen)(?:'s)? "
        r"(?:aren't|isn't|not|don't look|doesn't look|never look) (?:[\w']+ )?(?:clear|sharp|crisp|"
        r"in focus|focused)|"
        r"(?:looking|look|see\w*) (?:it |them |things |everything )?through "
        r"(?:a |some |frosted |dirty |smeared |smeary |smudged |greasy |steamed up |misted "
        r"|foggy |wet )*(?:window|glass|fog|water|mist|haze|smoke|vaseline|cling ?film|net "
        r"curtain|veil|lens)|"
        r"(?:haze|film|veil|mist|fog|cloud|fuzz|smudge|smear|vaseline|grease|gunk|cling ?film)\s+"
        r"(?:[\w']+\s+)?(?:over|across|"
        r"in front of|covering|on) (?:my |the )?(?:left |right |one |both )?"
        r"(?:eyes?|vision|sight|everything|things)|"
        r"blink\w* (?:[\w']+\s+){0,3}(?:to )?clear (?:my |the )?(?:vision|sight|eyes?)",
        Symptom.BLURRED_VISION,
    ),
    _rule(
        # "I see a ghost image", "seeing two of things", "letters are doubled".
        rf"{_DOUBLE} (?:vision|vison|visoin|images?|edges?|sight|everything|things|"
        r"objects?)|diplop\w*|"
        rf"(?:\bse+(?:ing|in|s|n)?|saw|everything|things|it|words|letters|text|objects?|"
        rf"images?)\s+(?:[\w']+\s+)?(?:is |are |looks? |looking |seems? |appears? )?"
        rf"(?:in )?{_DOUBLE}(?!\s+(?:the|my|your|our|what|that|a|an|dose|doses|units?|amount|"
        r"price|appointment|booking|points|shot|espresso|cleans\w*|chin|results?)\b)|"
        r"(?:two|2) of (?:everything|things|every|\w+s\b)|"
        r"(?:look\w*|star\w*) at (?:the |my |a |an |any |his |her )?(\w{3,}?)(?:y|s|es)?\b"
        r"[^.!?\n]{0,40}?\b(?:see|seeing|saw|there are|there's) (?:two|2) \1|"
        r"(?:see|seeing|sees) (?:two|2)(?= *(?:$|[.,;!?]| of | images?| things| everything| now| "
        r"when| sometimes| instead))|"
        r"(?:two|2) (?:[\w']+ ){0,2}(?:where|instead of) (?:there (?:should be|is) )?(?:one|1)\b|"
        r"ghost\w* (?:[\w']+ )?(?:image|images|outline|effect|picture|copy|copies|next to|beside|"
        r"behind|around|of)|\bghosting\b|"
        r"(?:writing|words|letters|text|lines|print|menu|outlines?|edges?|faces?) (?:[\w']+ ){0,2}"
        r"doubl\w*|doubled (?:outlines?|edges?|images?)|"
        r"there (?:seem|seems|appear|appears) to be (?:two|2)\b|"
        r"(?:has|have|with) (?:a|its own) (?:faint |second |little |blurry )?twin\b|"
        r"(?:rows|lines|words|letters|images?) (?:[\w']+ ){0,3}(?:slid\w*|slip\w*) over each other|"
        r"\bsee\w* (?:[\w']+ )?(?:things|everything|it|them|objects|people|words|letters) twice|"
        r"(?:images?|things|objects|letters|words|lines|everything) (?:[\w']+\s+)?"
        r"(?:overlap\w*|split\w*|separat\w*|shifted)|"
        rf"(?:{_EYE}) (?:[\w']+\s+)?(?:crossed|cross eyed|misaligned|out of line|"
        r"not (?:lined up|aligned|straight|moving together|working together)|"
        r"don't (?:line up|move together|work together)|"
        r"(?:aren't|are not|isn't|not|won't|don't|doesn't) (?:lin\w* up|align\w*|mov\w* together|"
        r"work\w* together|track\w* together)|"
        r"going (?:in different|different) directions)",
        Symptom.DOUBLE_VISION,
    ),
    _rule(
        # "vision is off", "my sight has gone funny", "eyesight isn't right", "my eyes won't
        # focus", "can't read properly", halos, shadows.
        rf"(?:{_VISION}|{_EYE})\s+(?:[\w']+\s+){{0,2}}?(?:won't|can't|don't|doesn't|aren't|isn't|"
        r"will not|cannot|do not|are not|not|struggl\w* to|take (?:a while|ages|time) to|"
        r"(?:hard|difficult|trouble|slow|problems?) (?:to )?)\s*focus\w*|"
        rf"{_CANT}\s+{_G1}focus\w* (?:my )?(?:eyes?|properly|clearly|on (?:anything|things|"
        r"objects|the screen|text|words|letters|reading|the tv|the page|faces|my phone))|"
        rf"{_VISION} (?:problems?|issues?|changes?|trouble|loss|disturb\w*|difficult\w*|"
        r"impair\w*)|"
        r"(?:problems?|issues?|trouble|something(?:'s| is)? wrong|something(?:'s| is)? (?:up|off)|"
        rf"changes?) with (?:my |the )?{_VISION}|depth perception|"
        r"(?:eyes?|vision) (?:[\w']+ )?los\w* focus|los\w* focus (?:when|while|if) (?:i )?"
        r"(?:read|look|drive|watch)\w*|"
        r"(?:takes?|taking|took) (?:ages|a while|forever|time|longer|a long time|a few seconds|"
        r"seconds) (?:for (?:my )?(?:eyes?|vision|sight) )?to (?:focus|adjust|clear)|"
        r"(?:reading|seeing) (?:is |has |has become |is becoming |becomes |got |gets )?"
        r"(?:a bit |really |very |so )?(?:hard|harder|difficult|a struggle|tricky|impossible|"
        r"a strain)|"
        r"\beyes? (?:[\w']+\s+){0,3}?(?:not|n't) (?:be )?(?:working|work) (?:properly|right|"
        r"together|normally)|"
        rf"{_VISION}(?:'s)?\s+(?:(?:is|has|been|went|gone|got|gotten|seems|looks|feels|keeps|"
        r"getting|become|becoming|is getting) ){0,2}(?:a bit |really |very |so |quite |kind of "
        r"|all )?"
        r"(?:bad|worse|poor|poorer|strange|weird|odd|funny|off|wrong|different|dark\w*|gone|"
        r"going|messed up|affected|impaired|reduced|wonky|wobbly|shaky|jumpy|jumping|patchy|"
        r"blotchy)\b|"
        rf"{_VISION}(?:'s)?\s+(?:isn't|is not|'s not|hasn't been|has not been|doesn't (?:seem|feel|"
        r"look)|not|is no longer|isn't quite|is not quite|not quite) (?:[\w']+ )?(?:right|normal|"
        r"clear|good|great|the same|as good|sharp|what it was|itself|perfect|100%)|"
        rf"{_CANT}\s+{_G1}see(?:ing)?(?=\s*(?:$|[.,;!?)]|\s(?:properly|clearly|well|straight|"
        r"right|normally|anything|a thing|out of|with|through|far|close|at night|in the dark|"
        r"the screen|the tv|to read|to drive|much|very well|as well|sharp\w*|in focus)))|"
        # "I can't see the words on my phone properly": things one looks at, not a web page.
        rf"{_CANT}\s+{_G1}see (?:the |my |any )?(?:words|text|letters|writing|print|screen|tv|"
        r"television|road|signs?|faces?|things|clock|numbers|board)\b(?:\s+[\w']+){0,3}?\s+"
        r"(?:properly|clearly|well|right|straight|normally|in focus|sharply)\b|"
        rf"{_CANT}\s+{_G1}read(?:ing)?(?=\s*(?:$|[.,;!?)]|\s(?:properly|clearly|well|anything|"
        r"small|fine|text|words|letters|books?|my (?:phone|book|screen|kindle)|the (?:screen|"
        r"tv|page|menu|signs?|words|text|letters|subtitles)|at all|any ?more|without)))|"
        r"(?:losing|lost|lose|loss of) (?:[\w']+ ){0,2}(?:sight|vision|eyesight)|"
        r"going blind|partially blind|blind spots?|blindness|\bhalos?\b|haloes|starburst\w*|"
        r"(?:see|seeing|sees) (?:[\w']+\s+)?(?:shadows?|spots|flashes|sparkles|stars|floaters)|"
        r"shadows? (?:in|over|across|around|on) (?:my )?(?:vision|sight|things|everything)|"
        r"(?:sight|eyesight|vision) (?:has |have )?(?:gone|went) (?:funny|weird|strange|"
        r"wonky|odd|off|bad|dark|dim)",
        Symptom.VISION_PROBLEM,
    ),
    _rule(
        # Hedges: "it's not that I can see perfectly", "I can't say my vision is clear",
        # "cloudy in the left eye".
        r"not that (?:i|my eyes?) can (?:see|focus|read) (?:perfectly|clearly|properly|well|fine|"
        r"right|normally)|"
        r"(?:can't|cannot|couldn't|wouldn't) (?:honestly |really |exactly )?(?:say|pretend) "
        rf"(?:that )?(?:my )?(?:{_VISION}|eyes?) (?:is|are|was|were|has been|have been|feels?) "
        r"(?:[\w']+ )?(?:clear|fine|normal|perfect|right|ok|okay|good|sharp)|"
        r"(?:lying|lie) if i (?:said|say) (?:that )?(?:i can see|my "
        rf"(?:{_VISION}|eyes?)) (?:is |are |was |were )?(?:[\w']+ )?(?:clear|fine|normal|"
        r"perfect|right|ok|okay|good|sharp|properly|clearly)|"
        r"(?:cloudy|misty|milky|smeary|smudgy|smudged|hazy|foggy|fuzzy|blurry|blurred) "
        r"(?:in|out of|from) (?:my |the |one |both )?(?:left |right |one |both )?(?:eyes?)\b",
        Symptom.VISION_PROBLEM,
    ),
    # Pain and redness: a red flag when persistent; an infection sign is one at once. -----------
    _rule(
        r"\bpain(?:s|ful+|ful+y|ed|ing)?\b|\bhurt\w*|\bsore\w*|\b(?:ache|aches|aching|achy)\b|"
        r"\btender\w*|throbb\w*|\bsting\w*|\bburn(?:s|ing|ed)?\b|stabb\w*|"
        r"\bhead ?aches?|migraines?",
        Symptom.PAIN,
    ),
    _rule(
        r"\bred\b(?! (?:wine|meat|light|lights|lipstick|bull|sauce|dress|flags?|car|pepper|"
        r"onion|velvet|carpet))|redness|reddish|redder|\binflam\w*",
        Symptom.REDNESS,
    ),
    _rule(
        # Not a "chest infection" or an "ear infection" elsewhere.
        r"\bpus\b|\booz\w*|(?<!chest )(?<!ear )(?<!sinus )(?<!kidney )(?<!bladder )(?<!tooth )"
        r"(?<!throat )(?<!urinary tract )(?<!water )(?<!viral )(?<!yeast )infect\w*|"
        r"abscess\w*|hot to (?:the )?touch|weeping|discharge|"
        r"\bgunk\w*|crust\w*|(?:fluid|liquid|stuff|blood) (?:is )?(?:coming|leaking|seeping)|"
        # "a little yellow head on it", "sore and warm", "the lump is getting bigger".
        r"(?:yellow|white|green) (?:head|top|tip|centre|center|bit|spot|gunk|crust)|whitehead|"
        r"(?:red|sore|tender|swollen|angry|hard) (?:and|&) (?:warm|hot)\b|"
        r"(?:warm|hot) (?:and|&) (?:red|sore|tender|swollen|angry|hard)\b|"
        r"(?:lump|bump|spot|swelling|redness|red patch|red area|knot) (?:[\w']+ ){0,4}"
        r"(?:(?:is |are |has |keeps |keep )?(?:getting |got |gone |grown |growing )"
        r"(?:bigger|larger|wider|harder|firmer|more swollen)|spread\w*)|"
        r"red (?:streaks?|lines?) (?:[\w']+ ){0,3}(?:spread\w*|going|running|coming)",
        Symptom.INJECTION_SITE_PROBLEM,
    ),
    # The article's common side effects --------------------------------------------------
    _rule(
        # "my eye keeps fluttering", "a tic under my eye", "little jumps in my lid", "twithcing".
        r"\btw\w{0,3}(?:ch|hc)\w*|\btwi?c?t[ch]\w*|\bspasm\w*|\bspazm\w*|flicker\w*|"
        r"flutter\w*|quiver\w*|tremor\w*|trembl\w*|\btics?\b|\btick(?:s|ing)?\b(?= (?:in|on|"
        r"under|above|near))|fascicul\w*|myokym\w*|blepharo\w*|"
        rf"(?:{_EYE}|brows?|eyebrows?|cheeks?|muscles?|face|forehead)\s+(?:[\w']+\s+){{0,3}}"
        r"(?:jump\w*|puls\w*|vibrat\w*|shak\w*|pulsat\w*|ticking|moving (?:on its own|by itself)"
        r"|moves (?:on its own|by itself)|ripple\w*|flick\w*|beating|pulling)|"
        r"(?:jump\w*|puls\w*|vibrat\w*|pulsat\w*|ripple\w*|flick\w*|movements?|beats?)\s+"
        rf"(?:[\w']+\s+){{0,3}}(?:in|on|under|of|near|above|around) (?:my |the )?(?:[\w']+ )?"
        rf"(?:{_EYE}|brows?|eyebrows?|cheeks?)|jumpy|"
        r"keeps? (?:on )?(?:jump\w*|puls\w*|flick\w*|moving|vibrat\w*|pulsat\w*)|"
        r"(?:blink\w*) (?:a lot|constantly|all the time|uncontrollabl\w*|non stop|nonstop)|"
        r"uncontroll\w* blink\w*|can't stop blinking",
        Symptom.TWITCHING,
    ),
    _rule(
        # "one lid sits lower", "my lid looks heavy", "hooded", "my eye looks smaller".
        r"\bdroo+p\w*|\bdrop(?:y|ey)\b|\bsag\w*|ptos\w*|ptotic|\bhood\w*|"
        rf"heavy (?:[\w']+ )?{_EYE}|{_EYE}\s+(?:[\w']+\s+)?(?:feels? |looks? |is |are |seems? |"
        rf"gone |going |getting )?{_VERY}"
        r"(?:heavy|heavier|lower|smaller|narrower|hooded|lazy|tired|sleepy|half mast|"
        r"at half mast|more closed|closed(?:r)?)|"
        rf"{_EYE}\s+(?:[\w']+\s+)?(?:sits?|sitting|hangs?|hanging|rests?|resting) "
        r"(?:[\w']+\s+)?lower|"
        # "my eyelids hang over my eyes", "the lid hangs down".
        rf"{_LID}\s+(?:[\w']+\s+)?(?:hangs?|hanging|hung) (?:over|down|low)\b|"
        rf"{_EYE}\s+(?:[\w']+\s+){{0,3}}(?:has |have |had |is |are )?(?:dropped|dropping|fallen|"
        r"falling|come down|coming down|gone down|lowered)|"
        rf"(?:dropped|dropping|lazy|heavier|smaller|tired|sleepy) {_LID}|"
        r"(?:eyes?|lids?) (?:[\w']+\s+)?(?:not|aren't|isn't) (?:[\w']+\s+)?(?:the same|even|level) "
        r"(?:size|height)",
        Symptom.DROOPING,
    ),
    _rule(r"\bdry\w*|gritty|scratchy|sandy|irritat\w*", Symptom.DRY_EYE),
    _rule(
        r"watery|watering|tearing|teary|tears|crying|streaming|"
        r"eyes? (?:keep |keeps |won't stop )?(?:water|running)|"
        # "my left eye now waters", "it keeps tearing up".
        rf"{_EYE} (?:[\w']+ )?(?:waters|watered)\b|"
        rf"(?:{_EYE}|\bit|\bthey) (?:[\w']+ )?(?:tears?|tearing) up\b",
        Symptom.TEARING,
    ),
    _rule(r"\bswell\w*|swollen|puff\w*|bump\w*|lump\w*|bloat\w*|\bwelts?\b", Symptom.SWELLING),
    _rule(r"bruis\w*|black eye|purple|blue mark", Symptom.BRUISING),
    _rule(
        r"(?:eye)?brows? (?:[\w']+\s+){0,3}"
        r"(?:uneven|higher|lower|different|lopsided|asymmetr\w*|raised|arched|wonky)|"
        r"(?:uneven|lopsided|asymmetr\w*|wonky) (?:[\w']+\s+){0,2}(?:eye)?brows?|asymmetr\w*|"
        r"lopsided|spock|uneven (?:eyes|eyelids|lids)|one (?:eye)?brow",
        Symptom.EYEBROW_ASYMMETRY,
    ),
]

# Statements that deny a whole group at once ("my vision is fine").
_FINE = (
    r"(?:fine|ok|okay|normal|normally|good|great|clear|clearly|perfect|perfectly|well|"
    r"all good|all right|alright|unaffected|no problem|properly|easily|totally fine|"
    r"completely fine|absolutely fine|perfectly fine|no different|the same as usual)\b"
)
_NOT = (
    r"(?:isn't|aren't|is not|are not|'s not|not|hasn't|haven't|doesn't|don't)"
    r"(?: been| got| feel| look)?"
)
_DENIALS: list[tuple[re.Pattern[str], frozenset[Symptom]]] = [
    (
        re.compile(
            rf"{_VISION} (?:is|seems|has been|looks|'s|feels|is still|still) {_FINE}|"
            r"(?<!')\b(?:i can|can|i can still|can still|i'm seeing|seeing) (?:see )?"
            r"(?:fine|ok|okay|normally|clearly|perfectly|well|great|all right|alright|"
            r"no problem|properly|sharp\w*)\b|"
            rf"nothing (?:wrong|the matter|amiss|off) with (?:my |the )?{_VISION}"
        ),
        ScreeningQuestion.VISION.symptoms,
    ),
    (
        re.compile(
            rf"(?:can |i can |i can still )open (?:[\w']+\s+){{0,2}}{_EYE} "
            r"(?:fine|fully|normally|ok|okay|all the way|properly|no problem|completely)|"
            rf"{_EYE} opens? (?:fine|fully|normally|ok|okay|all the way|properly|completely)"
        ),
        ScreeningQuestion.EYELID.symptoms,
    ),
    (
        re.compile(
            rf"{_BREATH}\s+(?:is |'s |seems |feels |has been )?{_FINE}|"
            rf"(?:can )?{_BREATH} (?:[\w']+ )?{_FINE}"
        ),
        frozenset({Symptom.BREATHING_DIFFICULTY}),
    ),
    (
        re.compile(rf"{_SWALLOW}\s+(?:is |'s |seems |feels |has been )?{_FINE}"),
        frozenset({Symptom.SWALLOWING_DIFFICULTY}),
    ),
    (
        re.compile(
            r"(?:speech|speaking|talking|voice)\s+(?:is |'s |seems |sounds |feels |has been )?"
            + _FINE
        ),
        frozenset({Symptom.SPEECH_DIFFICULTY}),
    ),
    (
        re.compile(
            rf"{_THROAT}\s+(?:is |'s |seems |feels |has been )?{_FINE}|"
            rf"{_THROAT} {_NOT} (?:\w+ )?(?:tight\w*|clos\w*|swollen|swelling)"
        ),
        frozenset({Symptom.THROAT_TIGHTNESS}),
    ),
    (
        re.compile(
            rf"(?:\bface|\blips?|{_TONGUE}|\bmouth) {_NOT} (?:\w+ )?(?:swollen|swelling|swelled|"
            r"puffy|puffed|bigger|huge)"
        ),
        frozenset({Symptom.FACE_SWELLING}),
    ),
    (
        re.compile(r"\bnothing (?:hurts|aches|stings|is (?:sore|painful|tender|hurting))"),
        frozenset({Symptom.PAIN, Symptom.PERSISTENT_PAIN}),
    ),
]

# Pain or redness that lasted a day or so, and is told in the past, did not persist: "my
# forehead felt a little tender for a day".
_BRIEF = re.compile(
    r"\b(?:felt|was|were|got|went|had been) (?:[\w']+ ){0,4}for (?:a|one|half a) "
    r"(?:day|night|morning|evening|few hours|couple of hours)\b(?! or)"
)

# Pain or redness that persists ("still sore after 2 weeks", "it's been hurting for days").
_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|ten|a few|few|several|many|couple of)"
# Worse than at an earlier time: "hurting more than it did two days ago", "bigger than it was";
# not "no bigger than it was".
_WORSE_THAN_BEFORE = (
    r"(?<!\bno )(?<!\bnot )(?<!n't )(?<!\bany )(?<!\bnone )"
    r"\b(?:more|bigger|larger|redder|sorer|angrier|hotter|worse|puffier|darker) than "
    r"(?:it (?:did|was)|they (?:did|were)|before|yesterday|at first|last week|the day before|"
    r"(?:[\w']+ )?(?:days?|weeks?) ago)\b"
)
_PERSISTENT = re.compile(
    rf"{_WORSE_THAN_BEFORE}|"
    r"persist\w*|constant\w*|continu\w*|ongoing|lingering|non ?stop|relentless|"
    r"(?:won't|wont|doesn't|does not|isn't|is not|not|hasn't|has not|haven't|never|"
    r"didn't|no sign of it) (?:[\w']+ )?(?:go|going|gone|went|eas\w*|settl\w*|stop\w*|"
    r"improv\w*|calm\w*|subsid\w*|fad\w*|clear\w*|let\w* up|die down|died down|"
    r"get\w* better|got better|budg\w*)|"
    r"keeps? (?:on )?(?:hurting|aching|throbbing|getting|stinging|burning|coming back|"
    r"returning)|recurr\w*|"
    # "still" on the day of the treatment ("still red this evening") is no persistence yet.
    r"\bstill\b(?!(?: [\w']+){0,3} (?:this (?:evening|afternoon|morning)|tonight))|"
    # "the twitching is better but the sore spot isn't": a clause ending in "isn't".
    r"\b(?:isn't|is not|hasn't|has not|aren't|haven't)(?: yet)?\s*$|"
    r"(?<!\bno )(?<!\bnot )(?<!n't )(?<!\bany )(?:worse|worsen\w*)|spreading|severe\w*|"
    r"excruciat\w*|unbearabl\w*|agoni\w*|"
    r"killing me|a lot of pain|(?:really|very|so|extremely) (?:bad|painful|red|sore|tender)|"
    rf"(?:for|after|over|more than|nearly|almost|been) (?:the (?:last|past) |over |nearly |almost "
    rf"|more than )?{_NUMBER} (?:days|weeks?|wks?)|(?:for|after) (?:days|weeks|ages|a while|"
    r"a long time)|more (?:and more|each day|every day|by the day)|by the day|"
    r"redder|getting (?:bigger|darker|angrier|hotter)|"
    r"(?:days|weeks?) (?:on|now)\b|since (?:the )?(?:injection|treatment|botox|then|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|last week)|every ?day|"
    r"all the time|not (?:getting )?better|no better"
)
# A question about a case, not a report of it: "should I call if the pain doesn't go?".
_WHAT_IF = context.pattern("what_if")
# Pain or redness said to be gone is not persisting ("the redness went away after a day").
_RESOLVED = context.pattern("resolved")
# Pain elsewhere than at the injection site ("a headache for days") is not the article's red flag.
_ELSEWHERE = context.pattern("elsewhere")

# The trend. A negated sign of improvement ("hasn't gone down", "isn't easing") is none.
_TREND_NOT_IMPROVING = context.pattern("trend_not_improving")
# "still twitching" says the symptom persists, weakly: it yields to a sign of improvement.
_TREND_STILL = context.pattern("trend_still")
_TREND_IMPROVING = context.pattern("trend_improving")
# Words before a sign of improvement that make it a wish or a question, not a report.
_HYPOTHETICAL = context.pattern("asked")
_SUPPOSED = context.pattern("supposed")

# Cues that negate what follows them in the same clause.
_NEGATION = context.pattern("negated")
# Phrases that look like negation cues but do not negate the symptom after them.
_PSEUDO_NEGATION = context.pattern("pseudo")
# A symptom named as something to look out for, not as one the patient has.
_MENTION = context.pattern("mention")
# A leading "yes" or an answering "no" ("no I can't open it") is a clause of its own: it answers
# the bot's question and does not negate what follows. "no blurred vision" still negates.
# "and" starts a new clause when a new subject follows it ("no pain and my vision is blurry").
_CLAUSE_BREAK = context.pattern("termination")
# "blurred vision: no", "breathing - fine": a checklist answer after the symptom.
_AFTER_DENIAL = re.compile(
    r"(?:\s+[\w']+)?\s*(?:[:=?]|\s-)\s*"
    r"(?:no|none|nope|nah|never|negative|not really|fine|ok|okay|normal)\s*(?:$|[.,;!\n])"
)
_NEGATION_WINDOW_WORDS = 6
_WINDOW_CHARACTERS = 160  # how far a clause is read around a match: keeps screening linear


PIECE_OVERLAP = 120
"""How much two pieces share where a piece could not end at a sentence end."""
_PIECE_BREAKS = ".!?\n"


def pieces(text: str, size: int = PIECE_CHARACTERS) -> list[str]:
    """The part of ``text`` that :func:`screen` reads, cut into pieces of at most ``size``.

    Each piece ends at the last sentence end (``.!?`` or a line break) in its second half, and
    the next starts there. With no sentence end there, the piece ends at its last white space,
    and the next starts ``PIECE_OVERLAP`` characters earlier (at a white space), so that a
    clause cut in two ("I really can't | breathe") is also read whole. Screened one by one and
    :func:`combined`, the pieces find what :func:`screen` finds on the whole.
    """
    if size < 2 * PIECE_OVERLAP:
        raise ValueError(f"a piece must hold at least {2 * PIECE_OVERLAP} characters")
    bounded = _bounded(text)
    found: list[str] = []
    start = 0
    while start < len(bounded):
        end = min(start + size, len(bounded))
        following = end
        if end < len(bounded):
            window = bounded[start:end]
            cut = max(window.rfind(c) for c in _PIECE_BREAKS)
            if cut >= size // 2:
                end = following = start + cut + 1
            else:
                space = window.rfind(" ", size // 2)
                end = start + space + 1 if space > 0 else end
                back = bounded.find(" ", end - PIECE_OVERLAP, end)
                following = back + 1 if back > start else end
        found.append(bounded[start:end])
        start = following
    return found


def combined(screenings: Iterable[Screening]) -> Screening:
    """One screening of a message from its pieces' screenings: what any of them finds.

    A symptom present in any piece is present; denied in one and present in another, present.
    The trend is the safe one: not improving if any piece says so, else improving if any does.
    """
    present: set[Symptom] = set()
    absent: set[Symptom] = set()
    trends: set[Trend] = set()
    for screening in screenings:
        present |= screening.present
        absent |= screening.absent
        if screening.trend is not None:
            trends.add(screening.trend)
    trend = next((t for t in (Trend.NOT_IMPROVING, Trend.IMPROVING) if t in trends), None)
    return Screening(frozenset(present), frozenset(absent - present), trend)


def _bounded(text: str) -> str:
    """The part of a message that is screened: all of it, or its head and tail if very long."""
    return head_and_tail(text, SCREENED_HEAD, SCREENED_TAIL)


class _Clauses:
    """The clause boundaries of one text, found once; looked up by bisection."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = list(_CLAUSE_BREAK.finditer(text))
        self._starts = [m.start() for m in breaks]
        self._ends = [m.end() for m in breaks]
        self._and = [m.group() == "and" for m in breaks]

    def start(self, position: int, through_and: bool = False) -> int:
        """Where the clause holding ``position`` starts (or the one it continues with "and")."""
        index = bisect.bisect_right(self._ends, position) - 1
        if through_and and index >= 0 and self._and[index]:
            index -= 1
        return self._ends[index] if index >= 0 else 0

    def end(self, position: int, through_and: bool = False) -> int:
        """Where the clause holding ``position`` ends (or the one continuing it with "and")."""
        index = bisect.bisect_left(self._starts, position)
        if through_and and index < len(self._starts) and self._and[index]:
            index += 1
        return self._starts[index] if index < len(self._starts) else len(self.text)

    def before(self, position: int) -> str:
        """The last words of the clause before ``position``."""
        start = max(self.start(position), position - _WINDOW_CHARACTERS)
        words = self.text[start:position].split()
        return " ".join(words[-_NEGATION_WINDOW_WORDS:])

    def around(self, start: int, end: int, through_and: bool = False) -> str:
        """The clause around the span from ``start`` to ``end``, within a window.

        With ``through_and``, clauses joined by "and" count as one ("it's sore and it won't
        settle"): what they say about a symptom's course applies to it.
        """
        first = max(self.start(start, through_and), start - _WINDOW_CHARACTERS)
        last = min(self.end(end, through_and), end + _WINDOW_CHARACTERS)
        return self.text[first:last]

    def asked(self, start: int, end: int) -> bool:
        """Whether the clause around the span is a question or a supposition, not a report."""
        clause_end = self.end(end)
        if self.text.startswith("?", clause_end):
            return True
        return bool(_HYPOTHETICAL.search(" ".join(self.before(start).split()[-5:])))

    def negated(self, position: int, end: int | None = None) -> bool:
        """Whether what starts at ``position`` is negated in its clause."""
        before = _PSEUDO_NEGATION.sub(" ", self.before(position))
        if _NEGATION.search(before):
            return True
        return end is not None and bool(_AFTER_DENIAL.match(self.text, end))


def screen(text: str) -> Screening:
    """Screen one message for symptoms, denied symptoms and their trend.

    The message is read as written and, if a word in it is misspelt, as mended
    (``aftercare/spelling.py``: "my thooat feels tigt"); a sign either reading finds counts,
    and so does a "not improving", but only the message as written denies anything. Time is
    linear in the message's length, and a very long message is read in part only: its first
    ``SCREENED_HEAD`` and last ``SCREENED_TAIL`` characters.

    Args:
        text: what the patient wrote, as written.

    Returns:
        The symptoms the text reports, those it denies, and whether it says they improve.
    """
    written = normalise(_bounded(text))
    as_written = _screen(written)
    if for_someone_treated(written):
        # A carer's report: also read in the words of the person treated.
        theirs = _screen(_in_first_person(written))
        present = as_written.present | theirs.present
        as_written = Screening(present, as_written.absent - present, as_written.trend)
    fixed = mended(written, keep=_KEY_WORD.fullmatch)
    if fixed == written:
        return as_written
    # From the mended reading, only what it finds present and a "not improving": a mending
    # may add a sign, never deny one.
    as_mended = _screen(fixed)
    present = as_written.present | as_mended.present
    trend = as_written.trend
    if as_mended.trend is Trend.NOT_IMPROVING:
        trend = Trend.NOT_IMPROVING
    return Screening(present, as_written.absent - present, trend)


def asked(text: str) -> frozenset[Symptom]:
    """The signs a general question or a supposition in ``text`` asks about, not told.

    "Can botox make you slur your words?" asks about trouble speaking: it is answered with the
    warning signs and what to do, not with "call 999 now".
    """
    written = normalise(_bounded(text))
    if not _supposition().search(written):
        return frozenset()
    return _screen(written, suppositions=False).present - _screen(written).present


def _screen(text: str, suppositions: bool = True) -> Screening:
    """One reading of the message, bounded and normalised (``suppositions``: :func:`_aside`)."""
    clauses = _Clauses(text)
    text = clauses.text
    carer = for_someone_treated(text)
    present: set[Symptom] = set()
    absent: set[Symptom] = set()
    for rule in (*_RULES, *_lexicon_rules()):
        outcomes = _OUTCOMES.get(rule) or frozenset(rule.symptoms)
        if rule.needs is not None and not rule.needs.search(text):
            continue
        for match in rule.pattern.finditer(text):
            if outcomes <= present:
                break  # nothing more this rule finds can change the screening
            start, end = match.span()
            if rule.unless is not None and rule.unless.search(clauses.around(start, end)):
                continue
            if _MENTION.search(clauses.before(start)) or _aside(
                text, start, end, carer, suppositions
            ):
                continue
            if clauses.negated(start, end):
                absent.update(rule.symptoms)
                continue
            for symptom in rule.symptoms:
                present.add(_qualified(symptom, clauses.around(start, end, through_and=True)))
    for pattern, denied in _DENIALS:
        for match in pattern.finditer(text):
            if not (
                clauses.negated(match.start())
                or clauses.asked(*match.span())
                or _aside(text, *match.span(), carer)
            ):
                absent.update(denied)
    # Denying "pain" or "redness" also denies their persistent forms.
    if Symptom.PAIN in absent:
        absent.add(Symptom.PERSISTENT_PAIN)
    if Symptom.REDNESS in absent:
        absent.add(Symptom.PERSISTENT_REDNESS)
    return Screening(frozenset(present), frozenset(absent - present), _trend(clauses))


_QUALIFIED = {
    Symptom.PAIN: frozenset({Symptom.PAIN, Symptom.PERSISTENT_PAIN}),
    Symptom.REDNESS: frozenset({Symptom.REDNESS, Symptom.PERSISTENT_REDNESS}),
}
# What each rule can add to the symptoms present.
_OUTCOMES = {
    rule: frozenset().union(*(_QUALIFIED.get(s, frozenset({s})) for s in rule.symptoms))
    for rule in _RULES
}


@dataclass(frozen=True)
class _LexiconSign:
    """A sign of ``aftercare/lexicon/signs.yml``: how severe, and which reply it calls for."""

    severity: Severity
    advice: str = ""


_NOT_A_LEXICON_SIGN = _LexiconSign(Severity.EXPECTED)


def warm_up() -> None:
    """Reads and compiles the lexicon's signs, people and questions now, not on first use."""
    lexicon_signs()
    _lexicon_rules()
    _treated()
    _supposition()
    _told_after()
    _not_mine()
    _about_warning_signs()


@functools.cache
def lexicon_signs() -> dict[Symptom, _LexiconSign]:
    """The signs of ``aftercare/lexicon/signs.yml``, by symptom."""
    return {
        Symptom(sign["code"]): _LexiconSign(Severity(sign["severity"]), sign.get("advice", ""))
        for sign in load("signs")["signs"]
    }


@functools.cache
def _lexicon_rules() -> tuple[_Rule, ...]:
    """The rules of ``aftercare/lexicon/signs.yml``, read like the patterns above."""
    rules = []
    for sign in load("signs")["signs"]:
        symptom = Symptom(sign["code"])
        unless = compile_phrases(sign["unless"]) if sign.get("unless") else None
        readings: list[tuple[list[str], re.Pattern[str] | None]] = []
        if sign.get("phrases"):
            readings.append((sign["phrases"], None))
        if sign.get("with_context"):
            context = compile_phrases(sign["with_context"]["context"])
            readings.append((sign["with_context"]["phrases"], context))
        for phrases, needs in readings:
            pattern = "|".join(compile_phrase(phrase) for phrase in phrases)
            rules.append(_rule(pattern, symptom, unless=unless, needs=needs))
    return tuple(rules)


def _qualified(symptom: Symptom, clause: str) -> Symptom:
    """Pain and redness become red flags when the patient says they persist."""
    if symptom is Symptom.PAIN and _ELSEWHERE.search(clause):
        return symptom
    # A brief spell ("felt tender for a day") is no persistence; another cue still is.
    if _PERSISTENT.search(_BRIEF.sub(" ", clause)) and not (
        _WHAT_IF.search(clause) or _RESOLVED.search(clause)
    ):
        if symptom is Symptom.PAIN:
            return Symptom.PERSISTENT_PAIN
        if symptom is Symptom.REDNESS:
            return Symptom.PERSISTENT_REDNESS
    return symptom


@functools.cache
def _historical() -> re.Pattern[str]:
    """A time in the past with a verb in the past (``aftercare/lexicon/context.yml``)."""
    return compile_phrases(load("context")["historical"]["phrases"])


def _trend(clauses: _Clauses) -> Trend | None:
    """Not improving if the text says so anywhere (or negates an improvement); else improving.

    A sign of improvement in a question or a wish ("when will it settle?") is no report of one;
    a sign of worsening counts even in a question ("is it normal that it's getting worse?"),
    unless it is a supposition ("what if it doesn't get better?"). One said of the past ("at
    the start it was constant", ``aftercare/lexicon/context.yml``) yields to an improvement
    told beside it.
    """
    text = clauses.text
    improving = False
    in_the_past = False  # "last week was much worse": how it was, unless nothing says now
    for match in _TREND_NOT_IMPROVING.finditer(text):
        before = clauses.before(match.start())
        if clauses.negated(match.start()) or _SUPPOSED.search(before):
            continue
        clause = clauses.around(match.start(), match.end())
        if _historical().search(clause) and " than " not in clause:
            in_the_past = True
            continue
        return Trend.NOT_IMPROVING
    for match in _TREND_IMPROVING.finditer(text):
        before = clauses.before(match.start())
        if _PSEUDO_NEGATION.search(before) or clauses.asked(*match.span()):
            continue
        if _NEGATION.search(before):
            return Trend.NOT_IMPROVING
        improving = True
    if improving:
        return Trend.IMPROVING
    if in_the_past:
        return Trend.NOT_IMPROVING
    if any(
        not (clauses.negated(m.start()) or _SUPPOSED.search(clauses.before(m.start())))
        for m in _TREND_STILL.finditer(text)
    ):
        return Trend.NOT_IMPROVING
    return None
