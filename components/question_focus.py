"""The part of a message that asks something, read on its own beside the whole message.

"slight swelling at the injection points, no pain. can i put makeup over it?": the whole
message reads like a question about swelling, but it asks about makeup, which the clinic's
article does not cover. ``QuestionFinder`` puts the part that asks
(``aftercare.questions.question_part``) on the message under ``QUESTION``; the featurizers
give it a vector of its own, and ``LinearResponseSelector`` lets it decide the answers whose
subject a question names itself (``decided_by_question`` in ``config.yml``).

Only at inference: the training examples are questions already.

It registers as a ``MESSAGE_TOKENIZER`` although it splits nothing into tokens: Rasa's
default recipe runs a component's ``process`` before the featurizers only if it is of a kind
that comes before them, and a tokenizer is the one kind that does. The pipeline uses no
tokens (the featurizers read the text), so nothing else relies on it being one.
``tests/unit/test_question_focus.py`` checks both halves of that contract: the part that asks is
on the message before the featurizers read it, and the training data is left as it was.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from aftercare.questions import question_part
from components.long_messages import classified_part

QUESTION = "aftercare_question"
"""The message attribute, and the features' attribute, of the part that asks."""


def featurized_texts(message: Message) -> list[tuple[str, str]]:
    """The attributes a featurizer gives a vector, with their text.

    The message's text (of a very long one, its head and tail) under ``TEXT``, and the
    part that asks under ``QUESTION`` when ``QuestionFinder`` found one.
    """
    texts = []
    text = message.get(TEXT)
    if text is not None:
        texts.append((TEXT, classified_part(text)))
    question = message.get(QUESTION)
    if question:
        texts.append((QUESTION, question))
    return texts


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class QuestionFinder(GraphComponent):
    """Marks the part of a longer message that asks something (a tokenizer by kind only)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionFinder:
        """Nothing to configure or train."""
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training examples as they are."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets ``QUESTION`` on each message with a part that asks and more besides."""
        for message in messages:
            text = message.get(TEXT)
            question = question_part(classified_part(text)) if text else None
            if question:
                message.set(QUESTION, question)
        return messages
