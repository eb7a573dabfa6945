"""A dense sentence feature from a pretrained encoder: all-MiniLM-L6-v2 (components/minilm.py).

``SentenceEmbeddingFeaturizer`` adds to each message with a text one dense sentence feature,
the message's 384-dimensional MiniLM vector (unit length) times ``weight``. It learns nothing:
the vector depends on the text alone, so it stores nothing in the trained model either.

The encoder is loaded once per process (under a second, 100 MB of memory), the first time the
component is created or loaded, and shared by every instance after that: cross-validation's
folds and a retrained model reuse it. Importing this module loads nothing.
"""

from __future__ import annotations

import threading
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.minilm import MiniLM

_model: MiniLM | None = None
_model_lock = threading.Lock()


def shared_model() -> MiniLM:
    """This process's MiniLM, loaded on the first call."""
    global _model
    with _model_lock:
        if _model is None:
            _model = MiniLM.load()
        return _model


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """The message's all-MiniLM-L6-v2 sentence vector, as a dense sentence feature."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``weight`` scales the unit-length vector; ``batch_size`` is for training data."""
        return {**DenseFeaturizer.get_default_config(), "weight": 1.0, "batch_size": 32}

    @staticmethod
    def required_packages() -> list[str]:
        """What ``components.minilm`` imports to load the model.

        Not ``all_minilm_l6_v2``: importing it prints; ``MiniLM.load`` says if it is missing.
        """
        return ["safetensors", "tokenizers"]

    def __init__(self, config: dict[str, Any], name: str, model: MiniLM) -> None:
        """Keeps the configuration and the (shared) encoder."""
        super().__init__(name, config)
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        """The featurizer, with this process's encoder (loaded now if it is not yet)."""
        return cls(config, execution_context.node_name, shared_model())

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceEmbeddingFeaturizer:
        """The same as ``create``: nothing was trained, nothing is read from the model."""
        return cls.create(config, model_storage, resource, execution_context)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Adds the vector to every training example with a text, ``batch_size`` at a time."""
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the vector to each message with a text (an empty text gets one too)."""
        chosen = [message for message in messages if message.get(TEXT) is not None]
        if not chosen:
            return messages
        vectors = self._model.encode(
            # Rasa keeps a "/intent{...}" payload's text as it came, not always a string.
            [str(message.get(TEXT)) for message in chosen],
            batch_size=self._config["batch_size"],
        )
        weight = self._config["weight"]
        if weight != 1.0:
            vectors *= weight
        for message, vector in zip(chosen, vectors, strict=True):
            message.add_features(
                Features(vector[None, :].copy(), FEATURE_TYPE_SENTENCE, TEXT, self._identifier)
            )
        return messages

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Checks the weight and the batch size."""
        if not config["weight"] > 0:
            raise ValueError("weight must be above 0")
        if not (isinstance(config["batch_size"], int) and config["batch_size"] >= 1):
            raise ValueError("batch_size must be a whole number of at least 1")
