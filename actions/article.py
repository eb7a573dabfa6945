"""``action_answer_question``: the clinic article's answer to a question, or its two best.

The response selector ranks the article's answers for the message. When it is torn between
its two best, both are given, the surer first (``aftercare.article.answers_to_give``): a
wrong answer alone would leave the patient without the one they asked for. When the action
server is down, the fail-safe policy lets Rasa's own ``utter_faq`` give the surest answer
(``components/failsafe_policy.py``).

When an answer says the article does not cover something and the message is about the body
("I've had a headache since my botox"), or the message tells a change the article says
nothing about ("feeling a bit sick"), the safety net follows (``safety_net``: sudden, severe
or worse, call the clinic now, or NHS 111 when it is closed; 999 in an emergency). The NLU
reads that (the ``symptom`` and ``body_change`` entities), not this action.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from aftercare import article, slots
from aftercare.article import ANSWER_MIN_CONFIDENCE, answers_to_give, on_the_subject

ANSWERS_SLOT = "article_answers"
"""Where ``action_answer_question`` records the answers it gave (``domain.yml``)."""
NOT_COVERED = f"utter_{article.NOT_COVERED}"
SAFETY_NET = "safety_net"


def give_answers(dispatcher: CollectingDispatcher, tracker: Tracker, answers: list[str]) -> None:
    """Says the article's answers, then the safety net where the article cannot be enough.

    That is after "not covered" about the body, and after any answer to a change the article
    says nothing about ("feeling a bit sick since this morning").
    """
    for answer in answers:
        dispatcher.utter_message(response=answer)
    entities = tracker.latest_message.get("entities") or []
    change = slots.body_change_from_entities(entities)
    about_the_body = bool(slots.screening_from_entities(entities).present) or bool(change)
    if (NOT_COVERED in answers and about_the_body) or slots.BEYOND_THE_ARTICLE in change:
        dispatcher.utter_message(response=SAFETY_NET)


def article_answers(tracker: Tracker, least: float = ANSWER_MIN_CONFIDENCE) -> list[str]:
    """The responses of the article's answers to the latest message.

    Args:
        tracker: the conversation; its latest message carries the selector's ranking (the
            same shape as Rasa's ``ResponseSelector`` output, ``components/linear_nlu.py``).
        least: the confidence below which no answer is given.

    Returns:
        The ``utter_faq/...`` responses to give, the surer first; none when unsure.
    """
    selector = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    ranking = [
        (str(entry["intent_response_key"]), float(entry.get("confidence") or 0.0))
        for entry in selector.get("ranking") or []
        if entry.get("intent_response_key")
    ]
    # A twitching answer to a question about the one symptom the message tells goes to
    # that symptom's answer ("brusing near my crows feet, how long does it take to go").
    entities = tracker.latest_message.get("entities") or []
    told = slots.screening_from_entities(entities).present
    beyond = slots.BEYOND_THE_ARTICLE in slots.body_change_from_entities(entities)
    chosen = on_the_subject(answers_to_give(ranking, least), told, beyond)
    return [f"utter_{answer}" for answer in chosen]


class ActionAnswerQuestion(Action):
    """Answers a question about the article (intent ``faq``)."""

    def name(self) -> str:
        """The action's name in the domain and the rules."""
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """The surest answer, and the runner-up when the selector is torn; records them.

        The intent classifier found a question about the article, so its surest answer is
        given however unsure the selector is, as Rasa's ``utter_faq`` would.
        """
        answers = article_answers(tracker, least=0.0)
        give_answers(dispatcher, tracker, answers)
        if not answers:
            dispatcher.utter_message(response="utter_default")
        # Recorded, so the conversation shows which answers were given; the fail-safe policy
        # also reads an action that left events behind it as one that ran.
        return [SlotSet(ANSWERS_SLOT, [answer.removeprefix("utter_") for answer in answers])]
