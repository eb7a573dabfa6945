"""An NLU component that screens every message for symptoms, red flags and emergency signs.

It runs after the intent classifier and the fallback classifier, so that no red flag is lost to
a misread intent: a message that reports an article red flag or an emergency sign, not negated,
becomes a ``report_symptom`` whatever the classifier said ("is blurry vision normal after
botox?" is a report, not a question). It adds entities the actions read:

* ``symptom``: a symptom the message reports (its code, e.g. ``blurred_vision``);
* ``denied_symptom``: a symptom the message denies ("no blurred vision");
* ``trend``: ``improving`` or ``not_improving``.

A message longer than ``max_characters`` (1000) with no red flag in it is not classified (it
becomes ``nlu_fallback``): a classifier's guess on an essay is noise, and the fallback answer
asks for a sentence or two. Its symptoms are still screened and kept.

The screening itself is plain Python in ``actions/symptoms.py``; the entity format is in
``actions/slots.py``, beside the code that reads it back.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.slots import screening_entities
from actions.symptoms import screen

REPORT_INTENT = "report_symptom"
FALLBACK_INTENT = "nlu_fallback"
MAX_CHARACTERS = 1000


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class SymptomScreener(GraphComponent, EntityExtractorMixin):
    """Adds symptom entities and routes red flags to the triage."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Where red flags go, and how long a message may be before it is not classified."""
        return {"report_intent": REPORT_INTENT, "max_characters": MAX_CHARACTERS}

    def __init__(self, config: dict[str, Any]) -> None:
        """Keeps the component's configuration."""
        self._report_intent = config["report_intent"]
        self._max_characters = config["max_characters"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SymptomScreener:
        """Creates the component (it has nothing to train)."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Screens each message, adds its symptom entities and reroutes red flags."""
        for message in messages:
            text = message.get(TEXT) or ""
            screening = screen(text)
            entities = self.add_extractor_name(screening_entities(screening, len(text)))
            if entities:
                message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            if screening.red_flags or screening.emergency_signs:
                _set_intent(message, self._report_intent)
            elif len(text) > self._max_characters:
                _set_intent(message, FALLBACK_INTENT)
        return messages


def _set_intent(message: Message, name: str) -> None:
    """Makes ``name`` the message's intent, with full confidence, at the top of the ranking."""
    intent = message.get(INTENT) or {}
    if intent.get("name") == name:
        return
    message.set(INTENT, {"name": name, "confidence": 1.0}, add_to_output=True)
    ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get("name") != name]
    message.set(
        INTENT_RANKING_KEY, [{"name": name, "confidence": 1.0}, *ranking], add_to_output=True
    )
