"""The symptoms the bot recognises, the red-flag questions, and what a screening holds.

Plain Python, no Rasa import. This is the screen's vocabulary: :class:`Symptom` (the codes kept
in slots and records, each with its severity and advice read from the lexicon),
:class:`ScreeningQuestion` (the red-flag questions and the symptoms each stands for),
:class:`Trend` and :class:`Screening` (what a message says about symptoms). The words for each
symptom are data (``aftercare/lexicon/symptoms.yml``, ``signs.yml``); reading a message is
``aftercare/screen.py``, and whose sign it is ``aftercare/experiencer.py``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from aftercare.lexicon import load
from aftercare.severity import Severity, most_severe


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
        severity = _severities().get(self)
        if severity is not None:
            return severity
        return lexicon_signs().get(self, _NOT_A_LEXICON_SIGN).severity

    @property
    def topic(self) -> str | None:
        """The article's answer about this symptom (``faq/<topic>``), if it has one."""
        return _topics().get(self)

    @property
    def advice(self) -> str:
        """Which emergency reply this sign calls for: ``toxin``, ``sudden`` or ``filler``.

        The label's signs of toxin spread or allergy are ``toxin``; the others' advice is in
        ``aftercare/lexicon/signs.yml``.
        """
        return _advice().get(self) or lexicon_signs().get(self, _NOT_A_LEXICON_SIGN).advice


# The severity of each symptom, and the words for it, are data: aftercare/lexicon/symptoms.yml
# (the article's effects and red flags, the label's signs) and signs.yml (the others), read on
# first use.
@functools.cache
def _severities() -> dict[Symptom, Severity]:
    return {
        Symptom(entry["code"]): Severity(entry["severity"])
        for entry in load("symptoms")["symptoms"]
    }


@functools.cache
def _topics() -> dict[Symptom, str]:
    return {
        Symptom(entry["code"]): f"faq/{entry['topic']}"
        for entry in load("symptoms")["symptoms"]
        if "topic" in entry
    }


@functools.cache
def _advice() -> dict[Symptom, str]:
    return {
        Symptom(entry["code"]): entry["advice"]
        for entry in load("symptoms")["symptoms"]
        if "advice" in entry
    }


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
        return _question_symptoms()[self]

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

    def answered_by_trend(self, trend: Trend | None) -> bool | None:
        """The answer a trend gives to this question, if it gives one.

        Only the injection-site question asks about persistence ("pain or redness that isn't
        going away"): "it was sore but it's settling, much better" answers no. "It's still
        there" gives no answer, as it may be the twitch that is; nor does any trend to the
        other questions ("it's getting better" says nothing of whether the eye opens fully).
        """
        if self is ScreeningQuestion.INJECTION_SITE and trend is Trend.IMPROVING:
            return False
        return None


@functools.cache
def _question_symptoms() -> dict[ScreeningQuestion, frozenset[Symptom]]:
    emergency = frozenset(
        s for s, severity in _severities().items() if severity is Severity.EMERGENCY
    )
    return {
        ScreeningQuestion.EYELID: frozenset({Symptom.EYELID_CANNOT_OPEN}),
        ScreeningQuestion.VISION: frozenset(
            {Symptom.BLURRED_VISION, Symptom.DOUBLE_VISION, Symptom.VISION_PROBLEM}
        ),
        ScreeningQuestion.INJECTION_SITE: frozenset(
            {Symptom.PERSISTENT_PAIN, Symptom.PERSISTENT_REDNESS, Symptom.INJECTION_SITE_PROBLEM}
        ),
        ScreeningQuestion.EMERGENCY: emergency,
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


@dataclass(frozen=True)
class _LexiconSign:
    """A sign of ``aftercare/lexicon/signs.yml``: how severe, and which reply it calls for."""

    severity: Severity
    advice: str = ""


_NOT_A_LEXICON_SIGN = _LexiconSign(Severity.EXPECTED)


@functools.cache
def lexicon_signs() -> dict[Symptom, _LexiconSign]:
    """The signs of ``aftercare/lexicon/signs.yml``, by symptom."""
    return {
        Symptom(sign["code"]): _LexiconSign(Severity(sign["severity"]), sign.get("advice", ""))
        for sign in load("signs")["signs"]
    }


def lexicon_examples(kind: str) -> list[tuple[Symptom, str]]:
    """The examples of ``kind`` (``must``, ``must_not``) of each symptom, with the symptom.

    Those of ``aftercare/lexicon/symptoms.yml``, then those of ``signs.yml``.
    """
    entries = [*load("symptoms")["symptoms"], *load("signs")["signs"]]
    return [(Symptom(entry["code"]), text) for entry in entries for text in entry.get(kind, ())]


def ordinary_examples() -> list[str]:
    """Messages with no red flag and no emergency sign (``aftercare/lexicon/symptoms.yml``)."""
    return list(load("symptoms")["ordinary"])


def warm_up() -> None:
    """Reads the lexicon's symptoms and signs now, not on first use."""
    _severities()
    _topics()
    _advice()
    _question_symptoms()
    lexicon_signs()
