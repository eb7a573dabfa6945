"""Word-list features: what a word means, which a few hundred examples cannot teach.

``LexiconFeaturizer`` turns each lookup table and regex of the training data
(``data/nlu/lookups.yml``) into one sentence feature: ``weight`` if the message matches it,
else nothing. The lookup tables match whole words and phrases in any case, as Rasa's own
``RegexFeaturizer`` reads them (``rasa.nlu.utils.pattern_utils``). It sits beside
``TfidfFeaturizer``; the classifiers read both vectors side by side.

Why not Rasa's ``RegexFeaturizer``: it needs a tokenizer, gives every match the weight 1,
and fires only where a match overlaps a token. With the weight 1 the word lists drowned the
n-grams (cross-validated intent F1 0.947 against 0.955 at 0.3 to 0.5, docs/performance.md).
"""

from __future__ import annotations

import json
import re
from typing import Any

import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.utils.pattern_utils import extract_patterns
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.question_focus import featurized_texts

PATTERNS_FILE = "patterns.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class LexiconFeaturizer(SparseFeaturizer, GraphComponent):
    """One feature per lookup table and regex of the training data."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``weight`` is a match's value, against TF-IDF vectors of unit length."""
        return {**SparseFeaturizer.get_default_config(), "weight": 0.3}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        patterns: list[dict[str, str]] | None = None,
    ) -> None:
        """Keeps the configuration and, once trained, the patterns."""
        super().__init__(execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._use(patterns or [])

    def _use(self, patterns: list[dict[str, str]]) -> None:
        self._patterns = patterns
        self._compiled = [re.compile(p["pattern"], re.IGNORECASE) for p in patterns]

    @property
    def names(self) -> list[str]:
        """The features' names, in the vector's order."""
        return [pattern["name"] for pattern in self._patterns]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LexiconFeaturizer:
        """A featurizer without patterns, until it is trained."""
        return cls(config, model_storage, resource, execution_context)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LexiconFeaturizer:
        """The featurizer with the patterns it was trained with."""
        with model_storage.read_from(resource) as directory:
            patterns = json.loads((directory / PATTERNS_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, execution_context, patterns)

    def train(self, training_data: TrainingData) -> Resource:
        """Takes the lookup tables (as whole-word regexes) and the regexes of the data."""
        self._use(extract_patterns(training_data, use_word_boundaries=True))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / PATTERNS_FILE).write_text(json.dumps(self._patterns), encoding="utf-8")
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Adds the features to every training message."""
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the features to each message's text and the part that asks, if any.

        Of a very long message, its head and tail; the part that asks is
        ``components/question_focus.py``'s.
        """
        if not self._compiled:
            return messages
        for message in messages:
            for attribute, text in featurized_texts(message):
                vector = self.vector(text)
                message.add_features(
                    Features(vector, FEATURE_TYPE_SENTENCE, attribute, self._identifier)
                )
        return messages

    def vector(self, text: str) -> scipy.sparse.coo_matrix:
        """``weight`` in the column of every pattern ``text`` matches."""
        columns = [i for i, pattern in enumerate(self._compiled) if pattern.search(text)]
        return scipy.sparse.coo_matrix(
            ([self._config["weight"]] * len(columns), ([0] * len(columns), columns)),
            shape=(1, len(self._compiled)),
        )

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Checks the weight."""
        if not config["weight"] > 0:
            raise ValueError("weight must be above 0")
