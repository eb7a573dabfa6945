"""Which of the clinic's article's answers a message gets. Plain Python, no Rasa import.

The response selector ranks the article's answers (``faq/<topic>``); when a message tells a
symptom and asks something, these rules choose the answers given beside the check.
(A patient's yes or no to the bot's own questions is another thing: ``aftercare/replies.py``.)
"""

from __future__ import annotations

from collections.abc import Iterable

from aftercare.symptoms import Symptom

ANSWER_MIN_CONFIDENCE = 0.2
"""The article's answer to a question asked with a symptom is given from this confidence."""

TORN_RATIO = 0.5
"""The runner-up is given too when its confidence is at least this part of the first's."""


def answers_to_give(
    ranking: list[tuple[str, float]],
    least: float = ANSWER_MIN_CONFIDENCE,
    torn: float = TORN_RATIO,
) -> list[str]:
    """Which of the article's answers a message that tells a symptom and asks something gets.

    "mild droop, day 6. how long will this go on for" could ask about the droop or about
    how long the effects last; a wrong answer alone would leave the patient without the one
    they needed. So when the selector is torn between its two best answers, both are given,
    the surer first.

    Args:
        ranking: the selector's answers and confidences, surest first.
        least: the confidence below which no answer is given.
        torn: how close the runner-up must come to the first, as a part of its confidence.

    Returns:
        No answer, the first, or the first and the runner-up.
    """
    chosen = [(name, confidence) for name, confidence in ranking[:2] if confidence >= least]
    if not chosen:
        return []
    first = chosen[0][1]
    return [name for name, confidence in chosen if confidence >= torn * first]


TWITCHING_TOPICS = frozenset({"faq/can_botox_cause_twitching", "faq/why_twitching", "faq/how_long"})
"""The article's answers about twitching alone: what it is, why, and how long it lasts."""


NOT_COVERED = "faq/not_covered"
"""The article's answer for what it does not cover."""


def on_the_subject(
    answers: list[str], symptoms: Iterable[Symptom], beyond_the_article: bool = False
) -> list[str]:
    """The answers, with one about twitching given to the symptom the message names instead.

    "brusing near my crows feet, how long does it take to go": the selector hears "how long"
    and ranks twitching's answer first, but the article answers it about the bruise (5 to 7
    days). When the message names no twitching and its symptoms share one answer of their
    own (``topic`` in ``aftercare/lexicon/symptoms.yml``), that answer takes the place of
    the twitching one.

    A message that tells no symptom the article names, only a change it says nothing about
    ("10 days ago, and now I can't smile properly on the left side"), is not about twitching
    either: the answer about twitching gives way to "not covered", which the safety net
    follows.

    Args:
        answers: the ``faq/<topic>`` answers chosen, surest first.
        symptoms: the symptoms the message tells.
        beyond_the_article: whether the message tells a change the article does not name.

    Returns:
        The answers to give, in the same order, without repeats.
    """
    symptoms = frozenset(symptoms)
    topics = {topic for topic in (symptom.topic for symptom in symptoms) if topic}
    if not symptoms and beyond_the_article:
        topics = {NOT_COVERED}
    if len(topics) != 1 or topics & TWITCHING_TOPICS:
        return answers
    (topic,) = topics
    chosen: list[str] = []
    for answer in answers:
        name = topic if answer in TWITCHING_TOPICS else answer
        if name not in chosen:
            chosen.append(name)
    return chosen
