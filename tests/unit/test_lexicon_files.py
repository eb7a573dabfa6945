"""The lexicon files a clinician reads (aftercare/lexicon/*.yml): the phrase syntax, and every
file's own examples, each read as its file says it must be."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from aftercare.body import about_the_body, beyond_the_article
from aftercare.concern import (
    Concern,
    assess,
    crisis_of_someone_else,
    examples,
    worry_about_the_result,
)
from aftercare.context import pattern
from aftercare.context import phrase as context_phrase
from aftercare.experiencer import (
    aside,
    for_someone_treated,
    general_question,
    in_first_person,
    people_terms,
)
from aftercare.lexicon import compile_phrase, compile_phrases, load, terms
from aftercare.screen import asked, asks_about_warning_signs, screen, screen_told
from aftercare.severity import Severity
from aftercare.symptoms import Screening, Symptom, Trend, lexicon_examples, ordinary_examples
from aftercare.text import normalise
from aftercare.triage import Level, Report, decide

TODAY = date(2026, 11, 24)

# --- The phrase syntax ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "text", "matches"),
    [
        ("end it all", "i want to end it all", True),
        ("end it all", "i want to end, it all", False),  # punctuation breaks a phrase
        ("end it all", "a friend it all", False),  # whole words only
        ("suicid*", "suicidal thoughts", True),
        ("suicid*", "not a suicide note", True),
        ("{kill|hurt} myself", "i could hurt myself", True),
        ("{kill|hurt} myself", "i could harm myself", False),
        ("end my [own] life", "end my own life", True),
        ("end my [own] life", "end my life", True),
        ("[so|very] low", "very low", True),
        ("[so|very] low", "low", True),
        ("better off ~ without me", "better off without me", True),
        ("better off ~ without me", "better off all of them without me", True),
        ("better off ~ without me", "better off all of you lot without me", False),  # 4 words
        ("can't go on -{holiday|a}", "i can't go on", True),
        ("can't go on -{holiday|a}", "i can't go on holiday", False),
        ("can't go on -{holiday|a}", "i can't go on a date", False),
        ("can't go on -{holiday|a}", "i can't go on anymore", True),
        (
            "{said|wrote} {goodbye|my goodbyes} to ~ {mum|family}",
            "wrote my goodbyes to my mum",
            True,
        ),
    ],
)
def test_a_phrase_matches_as_its_syntax_says(phrase: str, text: str, matches: bool) -> None:
    assert bool(re.search(compile_phrase(phrase), text)) is matches
    assert bool(compile_phrases([phrase]).search(text)) is matches


@pytest.mark.parametrize("phrase", ["{end it", "end] it", "", "[only optional]", "{a|b"])
def test_a_phrase_that_cannot_be_read_is_refused(phrase: str) -> None:
    with pytest.raises(ValueError):
        compile_phrase(phrase)


def test_no_phrases_match_nothing() -> None:
    assert compile_phrases([]).search("anything at all") is None


# --- aftercare/lexicon/crisis.yml -------------------------------------------------------------


def _crisis_examples(kind: str) -> list[tuple[str, str]]:
    return [(level, text) for level, found in examples().items() for text in found[kind]]


@pytest.mark.parametrize(("level", "text"), _crisis_examples("must"))
def test_every_crisis_example_is_read_as_its_level(level: str, text: str) -> None:
    assert assess(text) is Concern(level)


@pytest.mark.parametrize(("level", "text"), _crisis_examples("must_not"))
def test_no_crisis_counter_example_is_read_as_that_level(level: str, text: str) -> None:
    assert assess(text) is not Concern(level)


def _someone_else_examples() -> list[tuple[str, bool]]:
    entry = load("crisis")["levels"]["crisis"]["for_someone_else"]
    return [(text, True) for text in entry["must"]] + [(text, False) for text in entry["must_not"]]


@pytest.mark.parametrize(("text", "someone_else"), _someone_else_examples())
def test_a_crisis_told_of_someone_else_is_theirs_alone(text: str, someone_else: bool) -> None:
    assert assess(text) is Concern.CRISIS
    assert crisis_of_someone_else(text) is someone_else


def _worry_examples() -> list[tuple[str, bool]]:
    entry = load("crisis")["worry_about_the_result"]
    return [(text, True) for text in entry["must"]] + [(text, False) for text in entry["must_not"]]


@pytest.mark.parametrize(("text", "worry"), _worry_examples())
def test_a_worry_about_the_result_is_read(text: str, worry: bool) -> None:
    assert worry_about_the_result(text) is worry


@pytest.mark.parametrize("text", load("crisis")["ordinary"])
def test_an_ordinary_message_is_no_concern_at_all(text: str) -> None:
    assert assess(text) is Concern.NONE


# --- aftercare/lexicon/people.yml -------------------------------------------------------------


def _people_examples(section: str) -> list[tuple[str, bool]]:
    entry = load("people")[section]
    return [(text, True) for text in entry["must"]] + [(text, False) for text in entry["must_not"]]


@pytest.mark.parametrize(
    ("section", "text", "matches"),
    [
        (section, text, matches)
        for section in (
            "treated_other",
            "treated_self",
            "long_ago",
            "close_person",
            "hearsay",
            "answer_not_treated",
            "answer_self",
            "answer_treated",
        )
        for text, matches in _people_examples(section)
    ],
)
def test_every_people_example_is_read_so(section: str, text: str, matches: bool) -> None:
    phrases = compile_phrases(load("people")[section]["phrases"], people_terms())
    assert bool(phrases.search(text.lower())) is matches


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My daughter (24) had botox on Tuesday and tonight her words are slurred", True),
        ("my wife had botox 3 weeks ago and has become very weak", True),
        # The writer had it too, or it was long ago, or nobody had it: not for someone treated.
        ("I had botox last week and my friend had double vision after hers", False),
        ("my mum's vision went blurry after her botox years ago", False),
        ("my mum says botox can make you slur your words", False),
    ],
)
def test_a_message_for_someone_treated_is_told(text: str, expected: bool) -> None:
    assert for_someone_treated(text) is expected


@pytest.mark.parametrize(
    ("text", "aside_"),
    [(text, True) for text in load("people")["someone_else"]["must"]]
    + [(text, False) for text in load("people")["someone_else"]["must_not"]],
)
def test_someone_elses_sign_is_aside_and_an_observer_is_no_owner(text: str, aside_: bool) -> None:
    assert aside(text) is aside_


@pytest.mark.parametrize(
    ("text", "own"),
    [(text, True) for text in load("people")["first_person"]["must"]]
    + [(text, False) for text in load("people")["first_person"]["must_not"]],
)
def test_the_patients_own_words_are_told_apart(text: str, own: bool) -> None:
    assert in_first_person(normalise(text)) is own


# --- aftercare/lexicon/questions.yml ----------------------------------------------------------


@pytest.mark.parametrize("text", load("questions")["general_question"]["must"])
def test_a_sign_in_a_general_question_is_asked_not_told(text: str) -> None:
    assert not screen_told(text).severity.decides


@pytest.mark.parametrize("text", load("questions")["general_question"]["must_not"])
def test_a_sign_told_beside_a_question_is_told(text: str) -> None:
    assert screen(text).present
    assert not asked(text)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("is it possible to get double vision from botox? I'm fine", {Symptom.DOUBLE_VISION}),
        ("can botox spread and make you weak all over? I feel normal", {Symptom.GENERAL_WEAKNESS}),
        ("is it possible to get double vision this late? I've had it since yesterday", set()),
    ],
)
def test_a_general_question_asks_about_its_sign(text: str, asks: set[Symptom]) -> None:
    assert asked(text) == asks


@pytest.mark.parametrize(
    ("after", "told"),
    [(text, True) for text in load("questions")["told_after"]["must"]]
    + [(text, False) for text in load("questions")["told_after"]["must_not"]],
)
def test_words_after_a_question_that_tell_the_sign_make_it_a_report(after: str, told: bool) -> None:
    text = f"can botox give you double vision? {after}"
    assert screen(text).severity.decides is told
    assert bool(asked(text)) is not told


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, True) for text in load("questions")["not_mine"]["must"]]
    + [(text, False) for text in load("questions")["not_mine"]["must_not"]],
)
def test_a_general_question_by_someone_without_the_sign_is_told_apart(
    text: str, expected: bool
) -> None:
    assert general_question(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, True) for text in load("questions")["about_warning_signs"]["must"]]
    + [(text, False) for text in load("questions")["about_warning_signs"]["must_not"]],
)
def test_a_general_question_about_a_warning_sign_is_told_apart(text: str, expected: bool) -> None:
    assert asks_about_warning_signs(text) is expected


@pytest.mark.parametrize("text", load("questions")["supposition"]["must"])
def test_a_supposition_is_aside(text: str) -> None:
    assert aside(text)
    assert not screen(text).severity.decides


@pytest.mark.parametrize("text", load("questions")["supposition"]["must_not"])
def test_a_report_is_no_supposition(text: str) -> None:
    assert not aside(text)
    assert screen(text).severity.decides


@pytest.mark.parametrize(
    ("section", "kind", "text"),
    [
        (section, kind, text)
        for section in ("happening_now", "supposition_ends")
        for kind in ("must", "must_not")
        for text in load("questions")[section][kind]
    ],
)
def test_a_supposed_sign_happening_now_or_after_the_supposition_is_told(
    section: str, kind: str, text: str
) -> None:
    assert screen(text).severity.decides is (kind == "must")


# --- aftercare/lexicon/signs.yml --------------------------------------------------------------


def _sign_examples(kind: str) -> list[tuple[Symptom, str]]:
    return [(Symptom(sign["code"]), text) for sign in load("signs")["signs"] for text in sign[kind]]


@pytest.mark.parametrize(("symptom", "text"), _sign_examples("must"))
def test_every_sign_example_is_screened_as_that_sign(symptom: Symptom, text: str) -> None:
    assert symptom in screen(text).present


@pytest.mark.parametrize(("symptom", "text"), _sign_examples("must_not"))
def test_no_sign_counter_example_is_screened_as_that_sign(symptom: Symptom, text: str) -> None:
    assert symptom not in screen(text).present


LEVEL_OF_SEVERITY = {"emergency": Level.EMERGENCY, "red_flag": Level.URGENT}
RESPONSE_OF_ADVICE = {
    "sudden": "triage_emergency_sudden",
    "filler": "triage_emergency_filler",
    "infection": "triage_urgent",
    "clinic": "triage_urgent",
}


@pytest.mark.parametrize(
    "sign", load("signs")["signs"], ids=lambda sign: f"{sign['code']}-{sign['advice']}"
)
def test_every_sign_names_its_source_and_its_examples_get_its_level_and_reply(
    sign: dict[str, Any],
) -> None:
    assert str(sign["source"]).strip()
    for text in sign["must"]:
        decision = decide(Report(symptoms=screen(text).present), TODAY)
        assert decision.level is LEVEL_OF_SEVERITY[sign["severity"]], text
        assert decision.response == RESPONSE_OF_ADVICE[sign["advice"]], text


# --- aftercare/lexicon/body.yml ---------------------------------------------------------------


@pytest.mark.parametrize("text", load("body")["must"])
def test_every_body_example_is_about_the_body(text: str) -> None:
    assert about_the_body(text)


@pytest.mark.parametrize("text", load("body")["must_not"])
def test_no_body_counter_example_is_about_the_body(text: str) -> None:
    assert not about_the_body(text)


@pytest.mark.parametrize(
    ("text", "beyond"),
    [
        ("feeling a bit sick since this morning", True),
        ("I've had a headache since the injections", True),
        ("a tiny lump where the needle went in", True),
        ("my forehead feels numb", True),
        ("my eye keeps twitching", False),
        ("a little bruise by my eye", False),
        ("can I fly next week?", False),
    ],
)
def test_a_change_the_article_says_nothing_about_is_told(text: str, beyond: bool) -> None:
    assert beyond_the_article(text) is beyond


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("my vision has gone", True),
        ("my vision has gone. help", True),
        ("my vision has gone fuzzy", False),
    ],
)
def test_a_phrase_can_end_at_the_end_of_a_clause(text: str, matches: bool) -> None:
    assert bool(re.search(compile_phrase("vision has gone $"), text)) is matches


# --- context.yml: the modifiers, each read as it says ---------------------------------------

CONTEXT = load("context")


def _denied(s: Screening) -> bool:
    return bool(s.absent) and not s.present


_READ_AS: dict[str, tuple[Callable[[Screening], bool], Callable[[Screening], bool]]] = {
    # category: (what a "must" example reads as, what a "must_not" example reads as)
    "negated": (lambda s: bool(s.absent), lambda s: bool(s.present)),
    "gap": (lambda s: not s.present, lambda s: bool(s.present)),
    "pseudo": (lambda s: bool(s.present), lambda s: bool(s.absent)),
    "termination": (lambda s: bool(s.present), _denied),
    "mention": (lambda s: not s.present, lambda s: bool(s.present)),
    "asked": (lambda s: s.trend is None, lambda s: s.trend is not None),
    "supposed": (lambda s: s.trend is None, lambda s: s.trend is not None),
    "what_if": (lambda s: not s.red_flags, lambda s: bool(s.red_flags)),
    "resolved": (lambda s: not s.red_flags, lambda s: bool(s.red_flags)),
    "elsewhere": (lambda s: not s.red_flags, lambda s: bool(s.red_flags)),
    "trend_not_improving": (lambda s: s.trend is Trend.NOT_IMPROVING, lambda s: s.trend is None),
    "trend_still": (lambda s: s.trend is Trend.NOT_IMPROVING, lambda s: s.trend is None),
    "trend_improving": (lambda s: s.trend is Trend.IMPROVING, lambda s: s.trend is None),
    "denial": (_denied, lambda s: not s.absent),
    "checklist_answer": (_denied, lambda s: not s.absent),
    "persistent": (lambda s: bool(s.red_flags), lambda s: not s.red_flags),
    "brief": (lambda s: bool(s.present) and not s.red_flags, lambda s: bool(s.red_flags)),
}


def test_every_context_category_is_read_by_a_test() -> None:
    assert set(CONTEXT) == {*_READ_AS, "historical"}


@pytest.mark.parametrize(
    ("category", "kind", "text"),
    [
        (category, kind, text)
        for category in _READ_AS
        for kind in ("must", "must_not")
        for text in CONTEXT[category][kind]
    ],
)
def test_every_context_example_is_read_as_its_category_says(
    category: str, kind: str, text: str
) -> None:
    must, must_not = _READ_AS[category]
    assert (must if kind == "must" else must_not)(screen(text))


@pytest.mark.parametrize("category", list(CONTEXT))
def test_every_context_category_says_what_it_does_and_how_far(category: str) -> None:
    entry = CONTEXT[category]
    assert entry["meaning"] and entry["scope"]
    assert entry["direction"] in ("forward", "backward", "both")
    assert entry["must"] and entry["must_not"]
    assert pattern(category).search(" ".join(entry["must"]).lower())


@pytest.mark.parametrize(
    ("phrase", "text", "matches"),
    [
        ("nothing ? like", "nothing like it", True),
        ("nothing ? like", "nothing at all like it", False),
        ("nothing ? like", "nothing quite like it", True),
        ("still [*ly] sore", "still slightly sore", True),
        ("still [*ly] sore", "still very sore", False),
    ],
)
def test_a_context_phrase_reads_one_word_and_word_endings(
    phrase: str, text: str, matches: bool
) -> None:
    assert bool(re.search(context_phrase(phrase), text)) is matches


@pytest.mark.parametrize("text", CONTEXT["historical"]["must"])
def test_how_it_was_yields_to_how_it_is_now(text: str) -> None:
    assert screen(text).trend is Trend.IMPROVING


@pytest.mark.parametrize("text", CONTEXT["historical"]["must_not"])
def test_not_improving_now_is_read_whatever_the_past(text: str) -> None:
    assert screen(text).trend is Trend.NOT_IMPROVING


# --- symptoms.yml: the article's effects and red flags, the label's signs ---------------------

SYMPTOMS = load("symptoms")


def test_every_symptom_code_has_its_entry_and_one_severity() -> None:
    """symptoms.yml holds the article's and the label's, signs.yml the others (and more
    words for some of the article's); the Symptom enum is the vocabulary of their codes."""
    own = [entry["code"] for entry in SYMPTOMS["symptoms"]]
    assert len(own) == len(set(own))
    entries = [*SYMPTOMS["symptoms"], *load("signs")["signs"]]
    assert {entry["code"] for entry in entries} == {symptom.value for symptom in Symptom}
    for entry in entries:
        assert Symptom(entry["code"]).severity is Severity(entry["severity"]), entry["code"]
    for entry in SYMPTOMS["symptoms"]:
        assert str(entry["article"]).strip()


@pytest.mark.parametrize(("symptom", "text"), lexicon_examples("must"))
def test_every_symptom_example_is_screened_as_that_symptom_and_no_worse(
    symptom: Symptom, text: str
) -> None:
    screening = screen(text)
    assert symptom in screening.present
    if symptom.severity is Severity.EXPECTED:
        assert not screening.severity.decides
    elif symptom.severity is Severity.RED_FLAG:
        assert not screening.emergency_signs


@pytest.mark.parametrize(("symptom", "text"), lexicon_examples("must_not"))
def test_no_symptom_counter_example_is_screened_as_that_symptom(
    symptom: Symptom, text: str
) -> None:
    assert symptom not in screen(text).present


@pytest.mark.parametrize("text", ordinary_examples())
def test_an_ordinary_message_has_no_red_flag_and_no_emergency_sign(text: str) -> None:
    assert not screen(text).severity.decides


@pytest.mark.parametrize(
    ("phrase", "text", "matches"),
    [
        ("@cant breathe", "i can't breathe", True),
        ("@cant breathe", "i'm struggling to breathe", True),
        ("@cant breathe", "i can breathe", False),
        ("[@very] tight", "so tight", True),
        ("[@very] tight", "tight", True),
        ("{@cant|won't} open", "won't open", True),
    ],
)
def test_a_phrase_names_a_word_list_with_an_at(phrase: str, text: str, matches: bool) -> None:
    words = terms({"cant": ["can't", "struggl* to"], "very": ["so", "really"]})
    assert bool(re.search(compile_phrase(phrase, words), text)) is matches


def test_an_unknown_word_list_is_refused() -> None:
    with pytest.raises(ValueError, match="@nowhere"):
        compile_phrase("@nowhere to be seen", {})
