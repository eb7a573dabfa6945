"""Screen a patient's message: the symptoms it reports, those it denies, and their trend.

Plain Python, no Rasa import: the NLU component (``components/message_screener.py``) and the
actions both use it, and ``tests/test_symptoms.py`` checks it phrase by phrase.

The screen is deliberately a list of readable phrases rather than a learned model: a red flag
must be caught every time, in any intent, and a clinician must be able to read why it was.
The words are data (``aftercare/lexicon/``): each symptom's phrases (``symptoms.yml``,
``signs.yml``), with the examples each must and must not be read in; the modifiers around a
symptom (``context.yml``: negation, pseudo-negation, termination, hypothetical, resolved,
trend, persistence, denials); whose sign it is (``people.yml``, ``questions.yml``, read by
``aftercare/experiencer.py``). This module is the engine that applies them: clauses, matches,
modifiers in their scope. A symptom inside a negated clause ("no blurred vision, just a
twitch") is reported as *absent*, never as present; when the same symptom is both affirmed
and denied, it counts as present. Doubt is no denial ("not sure if my vision is blurry"
reports it), nor is persistence ("it hasn't stopped twitching"). Misspellings are mended
once, before the phrases read a message (``aftercare/spelling.py``).

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aftercare import context, experiencer, symptoms
from aftercare.experiencer import (
    as_first_person,
    aside_at,
    for_someone_treated,
    general_question,
    supposition_pattern,
)
from aftercare.lexicon import Terms, compile_phrase, compile_phrases, expand, load, terms
from aftercare.limits import PIECE_CHARACTERS
from aftercare.severity import most_severe
from aftercare.spelling import known_slips, mended
from aftercare.symptoms import Screening, Symptom, Trend
from aftercare.text import SENTENCE_MARKS, normalise, screened_part, sentences


@functools.cache
def _terms() -> Terms:
    lexicon = load("symptoms")
    return terms(lexicon["terms"], lexicon.get("regex"))


@functools.cache
def _slips_mended() -> Callable[[str], str]:
    """The key words' misspellings the lexicon knows, mended in every reading of a message."""
    return known_slips(load("symptoms").get("slips") or {})


@functools.cache
def _word() -> str:
    r"""A word between the parts of a symptom's phrase (``~``) or pattern (``[\w']+``).

    Any word but a negation or a clause break (aftercare/lexicon/context.yml, ``gap``);
    _rule() puts this in its place.
    """
    return rf"(?:(?!{context.pattern('gap').pattern})[\w']+)"


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
        for sentence in sentences(text)
        if "?" not in sentence and not supposition_pattern().search(normalise(sentence))
    ]
    return screen(" ".join(told))


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
    # A word between the parts of a pattern (``[\w']+``, ``~``) is any word but a negation.
    return _Rule(re.compile(pattern.replace(r"[\w']+", _word())), symptoms, unless, needs)


def _readings(entry: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """A symptom's phrases and patterns, then each of its ``also`` with its own ``unless``."""
    yield entry
    yield from entry.get("also", ())


@functools.cache
def _symptom_rules() -> tuple[_Rule, ...]:
    """The rules of ``aftercare/lexicon/symptoms.yml``: one per reading of a symptom."""
    rules = []
    for entry in load("symptoms")["symptoms"]:
        for reading in _readings(entry):
            patterns = [expand(pattern, _terms()) for pattern in reading.get("patterns", ())]
            if reading.get("phrases"):
                # One pattern for all the phrases: each is tried at the start of a word only.
                patterns.insert(0, compile_phrases(reading["phrases"], _terms()).pattern)
            if not patterns:
                continue
            unless = reading.get("unless")
            rules.append(
                _rule(
                    "|".join(patterns),
                    Symptom(entry["code"]),
                    unless=compile_phrases(unless, _terms()) if unless else None,
                )
            )
    return tuple(rules)


@functools.cache
def _denials() -> tuple[tuple[re.Pattern[str], frozenset[Symptom]], ...]:
    """Statements that deny a whole group at once ("my vision is fine"), with what they deny.

    Each group of aftercare/lexicon/context.yml's ``denial`` with the symptoms it denies.
    """
    return tuple(
        (
            context.compiled({"groups": [group]}, context.symptom_terms()),
            frozenset(Symptom(code) for code in group["denies"]),
        )
        for group in context.rules()["denial"]["groups"]
    )


@functools.cache
def _denial_negated_by() -> re.Pattern[str]:
    """Words before a denial, in its clause, that undo it: "I can't eat and talk normally"."""
    return compile_phrases(context.rules()["denial"]["negated_by"], context.symptom_terms())


# The modifiers around a symptom, each a category of aftercare/lexicon/context.yml, read on
# first use (context.pattern):
# - brief: pain or redness that lasted a day or so, and is told in the past, did not persist:
#   "my forehead felt a little tender for a day".
# - persistent: pain or redness that persists ("still sore after 2 weeks", "it's been hurting
#   for days").
# - what_if: a question about a case, not a report of it: "should I call if the pain doesn't
#   go?".
# - resolved: pain or redness said to be gone is not persisting ("the redness went away after
#   a day").
# - elsewhere: pain elsewhere than at the injection site ("a headache for days") is not the
#   article's red flag.
# - the trend: trend_not_improving (a negated sign of improvement, "hasn't gone down", "isn't
#   easing", is none), trend_still ("still twitching" says the symptom persists, weakly: it
#   yields to a sign of improvement), trend_improving.
# - asked, supposed: words before a sign of improvement that make it a wish or a question,
#   not a report.
# - negated: cues that negate what follows them in the same clause.
# - pseudo: phrases that look like negation cues but do not negate the symptom after them.
# - mention: a symptom named as something to look out for, not as one the patient has.
# - termination: a leading "yes" or an answering "no" ("no I can't open it") is a clause of
#   its own: it answers the bot's question and does not negate what follows. "no blurred
#   vision" still negates. "and" starts a new clause when a new subject follows it ("no pain
#   and my vision is blurry").
_MODIFIERS = (
    "brief",
    "persistent",
    "what_if",
    "resolved",
    "elsewhere",
    "trend_not_improving",
    "trend_still",
    "trend_improving",
    "asked",
    "supposed",
    "negated",
    "pseudo",
    "mention",
    "termination",
    "gap",
    "checklist_answer",
)


@functools.cache
def _after_denial() -> re.Pattern[str]:
    """A checklist answer after the symptom: "blurred vision: no", "breathing - fine".

    One word may come between, after ":", "=", "?" or " -", up to the end of its clause. The
    answers are data (aftercare/lexicon/context.yml, ``checklist_answer``).
    """
    return re.compile(
        r"(?:\s+[\w']+)?\s*(?:[:=?]|\s-)\s*"
        rf"(?:{context.pattern('checklist_answer').pattern})\s*(?:$|[.,;!\n])"
    )


# How many words before a symptom a negation reaches, and how far a clause is read around a
# match (which keeps screening linear): aftercare/lexicon/context.yml.
@functools.cache
def _negation_window_words() -> int:
    return int(context.rules()["negated"]["words"])


@functools.cache
def _window_characters() -> int:
    return int(context.rules()["termination"]["characters"])


PIECE_OVERLAP = 120
"""How much two pieces share where a piece could not end at a sentence end."""


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
    bounded = screened_part(text)
    found: list[str] = []
    start = 0
    while start < len(bounded):
        end = min(start + size, len(bounded))
        following = end
        if end < len(bounded):
            window = bounded[start:end]
            cut = max(window.rfind(c) for c in SENTENCE_MARKS)
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


class _Clauses:
    """The clause boundaries of one text, found once; looked up by bisection."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = list(context.pattern("termination").finditer(text))
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
        start = max(self.start(position), position - _window_characters())
        words = self.text[start:position].split()
        return " ".join(words[-_negation_window_words() :])

    def around(self, start: int, end: int, through_and: bool = False) -> str:
        """The clause around the span from ``start`` to ``end``, within a window.

        With ``through_and``, clauses joined by "and" count as one ("it's sore and it won't
        settle"): what they say about a symptom's course applies to it.
        """
        first = max(self.start(start, through_and), start - _window_characters())
        last = min(self.end(end, through_and), end + _window_characters())
        return self.text[first:last]

    def asked(self, start: int, end: int) -> bool:
        """Whether the clause around the span is a question or a supposition, not a report."""
        clause_end = self.end(end)
        if self.text.startswith("?", clause_end):
            return True
        return bool(context.pattern("asked").search(" ".join(self.before(start).split()[-5:])))

    def negated(self, position: int, end: int | None = None) -> bool:
        """Whether what starts at ``position`` is negated in its clause."""
        before = context.pattern("pseudo").sub(" ", self.before(position))
        if context.pattern("negated").search(before):
            return True
        return end is not None and bool(_after_denial().match(self.text, end))


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
    written = _slips_mended()(normalise(screened_part(text)))
    as_written = _screen(written)
    if for_someone_treated(written):
        # A carer's report: also read in the words of the person treated.
        theirs = _screen(as_first_person(written))
        present = as_written.present | theirs.present
        as_written = Screening(present, as_written.absent - present, as_written.trend)
    fixed = mended(written)
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


def screen_for_someone(text: str) -> Screening:
    """The signs ``text`` tells of someone close, read as a carer's report of them.

    For a message whose sign is someone else's with no word of who had the treatment
    (:func:`aftercare.experiencer.whose_unclear`): what the check would weigh if the answer
    to "Is this about you, or someone who had the treatment?" is the latter.
    """
    written = _slips_mended()(normalise(screened_part(text)))
    readings = [written, as_first_person(written), mended(written)]
    found = [_screen(reading, carer=True) for reading in readings]
    present = frozenset().union(*(s.present for s in found))
    return Screening(present, found[0].absent - present, found[0].trend)


def asked(text: str) -> frozenset[Symptom]:
    """The signs a general question or a supposition in ``text`` asks about, not told.

    "Can botox make you slur your words?" asks about trouble speaking: it is answered with the
    warning signs and what to do, not with "call 999 now".
    """
    written = _slips_mended()(normalise(screened_part(text)))
    if not supposition_pattern().search(written):
        return frozenset()
    return _screen(written, suppositions=False).present - _screen(written).present


def _screen(text: str, suppositions: bool = True, carer: bool | None = None) -> Screening:
    """One reading of the message, bounded and normalised.

    ``suppositions``, ``carer``: as :func:`aftercare.experiencer.aside_at` takes them;
    ``carer`` is read from the message unless given.
    """
    clauses = _Clauses(text)
    text = clauses.text
    carer = for_someone_treated(text) if carer is None else carer
    present: set[Symptom] = set()
    absent: set[Symptom] = set()
    outcomes_of = _outcomes()
    for rule in (*_symptom_rules(), *_lexicon_rules()):
        outcomes = outcomes_of.get(rule) or frozenset(rule.symptoms)
        if rule.needs is not None and not rule.needs.search(text):
            continue
        for match in rule.pattern.finditer(text):
            if outcomes <= present:
                break  # nothing more this rule finds can change the screening
            start, end = match.span()
            if rule.unless is not None and rule.unless.search(clauses.around(start, end)):
                continue
            if context.pattern("mention").search(clauses.before(start)) or aside_at(
                text, start, end, carer, suppositions
            ):
                continue
            if clauses.negated(start, end):
                absent.update(rule.symptoms)
                continue
            for symptom in rule.symptoms:
                present.add(_qualified(symptom, clauses.around(start, end, through_and=True)))
    for pattern, denied in _denials():
        for match in pattern.finditer(text):
            if not (
                clauses.negated(match.start())
                or _denial_negated_by().search(clauses.before(match.start()))
                or clauses.asked(*match.span())
                or aside_at(text, *match.span(), carer)
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


@functools.cache
def _outcomes() -> dict[_Rule, frozenset[Symptom]]:
    """What each rule can add to the symptoms present (the lexicon's signs add only their own)."""
    return {
        rule: frozenset().union(*(_QUALIFIED.get(s, frozenset({s})) for s in rule.symptoms))
        for rule in _symptom_rules()
    }


def warm_up() -> None:
    """Reads and compiles the lexicon's symptoms, signs, modifiers, people, questions now."""
    symptoms.warm_up()
    _terms()
    _slips_mended()
    _word()
    _symptom_rules()
    _lexicon_rules()
    _outcomes()
    _denials()
    _denial_negated_by()
    _after_denial()
    _negation_window_words()
    _window_characters()
    for category in _MODIFIERS:
        context.pattern(category)
    experiencer.warm_up()
    _about_warning_signs()
    _historical()


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
    if symptom is Symptom.PAIN and context.pattern("elsewhere").search(clause):
        return symptom
    # A brief spell ("felt tender for a day") is no persistence; another cue still is.
    if context.pattern("persistent").search(context.pattern("brief").sub(" ", clause)) and not (
        context.pattern("what_if").search(clause) or context.pattern("resolved").search(clause)
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
    for match in context.pattern("trend_not_improving").finditer(text):
        before = clauses.before(match.start())
        if clauses.negated(match.start()) or context.pattern("supposed").search(before):
            continue
        clause = clauses.around(match.start(), match.end())
        if _historical().search(clause) and " than " not in clause:
            in_the_past = True
            continue
        return Trend.NOT_IMPROVING
    for match in context.pattern("trend_improving").finditer(text):
        before = clauses.before(match.start())
        if context.pattern("pseudo").search(before) or clauses.asked(*match.span()):
            continue
        if context.pattern("negated").search(before):
            return Trend.NOT_IMPROVING
        improving = True
    if improving:
        return Trend.IMPROVING
    if in_the_past:
        return Trend.NOT_IMPROVING
    if any(
        not (
            clauses.negated(m.start())
            or context.pattern("supposed").search(clauses.before(m.start()))
        )
        for m in context.pattern("trend_still").finditer(text)
    ):
        return Trend.NOT_IMPROVING
    return None
