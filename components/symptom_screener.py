"""An NLU component that screens every message for symptoms, red flags and emergency signs.

It runs after the intent classifier and the fallback classifier, so that no red flag is lost to
a misread intent: a message that reports an article red flag or an emergency sign, not negated,
becomes a ``report_symptom`` whatever the classifier said ("is blurry vision normal after
botox?" is a report, not a question). It adds entities the actions read:

* ``symptom``: a symptom the message reports (its code, e.g. ``blurred_vision``);
* ``denied_symptom``: a symptom the message denies ("no blurred vision");
* ``trend``: ``improving`` or ``not_improving``.

The screening itself is plain Python in ``actions/symptoms.py``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.symptoms import Screening, screen

REPORT_INTENT = "report_symptom"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class SymptomScreener(GraphComponent, EntityExtractorMixin):
    """Adds symptom entities and routes red flags to the triage."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The intent a red flag or an emergency sign is routed to."""
        return {"report_intent": REPORT_INTENT}

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Keeps the component's configuration."""
        self._report_intent = config["report_intent"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SymptomScreener:
        """Creates the component (it has nothing to train)."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Screens each message, adds its symptom entities and reroutes red flags."""
        for message in messages:
            text = message.get(TEXT) or ""
            screening = screen(text)
            entities = self.add_extractor_name(_entities(screening, len(text)))
            if entities:
                message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            if screening.red_flags or screening.emergency_signs:
                self._route_to_report(message)
        return messages

    def _route_to_report(self, message: Message) -> None:
        intent = message.get(INTENT) or {}
        if intent.get("name") == self._report_intent:
            return
        message.set(INTENT, {"name": self._report_intent, "confidence": 1.0}, add_to_output=True)
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get("name") != self._report_intent
        ]
        message.set(
            INTENT_RANKING_KEY,
            [{"name": self._report_intent, "confidence": 1.0}, *ranking],
            add_to_output=True,
        )


def _entities(screening: Screening, length: int) -> List[Dict[Text, Any]]:
    """Entities for a screening; they describe the whole message, so they span all of it."""
    found = [("symptom", s.value) for s in sorted(screening.present)]
    found += [("denied_symptom", s.value) for s in sorted(screening.absent)]
    if screening.trend is not None:
        found.append(("trend", screening.trend.value))
    return [
        {"entity": kind, "value": value, "start": 0, "end": length, "confidence": 1.0}
        for kind, value in found
    ]
