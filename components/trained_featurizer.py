"""What the pipeline's three featurizers share: made untrained, trained, saved, loaded, applied.

``TfidfFeaturizer`` (``components/linear_nlu.py``), ``LexiconFeaturizer``
(``components/lexicon.py``) and ``StaticEmbeddingFeaturizer`` (``components/static_features.py``)
each learn something at training time (a vocabulary, word lists, word-piece vectors), write
it into the model, read it back at load, and add one sentence vector to each text a message
is featurized by (``question_focus.featurized_texts``: the text, and the part that asks).
This base class holds that life cycle once; a featurizer says only what it learns
(:meth:`fit`), how it is stored (:meth:`write`, :meth:`read`) and how a text becomes a
vector (:meth:`vectors`).

A featurizer that is not trained yet (``state`` None) adds nothing: the classifiers then
know the message has no such features, as Rasa's own featurizers do.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.question_focus import featurized_texts

State = TypeVar("State")
Featurizer = TypeVar("Featurizer", bound="TrainedFeaturizer[Any]")


class TrainedFeaturizer(Generic[State], GraphComponent):
    """A featurizer whose ``State`` is learnt at training time and kept in the model.

    Subclasses also derive from Rasa's ``SparseFeaturizer`` or ``DenseFeaturizer`` (after
    this class), which give them their name, alias and the check of their configuration.
    """

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        state: State | None = None,
    ) -> None:
        """Keeps the configuration and, once trained, what was learnt."""
        super().__init__(execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._state: State | None = None
        if state is not None:
            self.use(state)

    @classmethod
    def create(
        cls: type[Featurizer],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Featurizer:
        """An untrained featurizer: it adds nothing until it is trained."""
        return cls(config, model_storage, resource, execution_context)

    @classmethod
    def load(
        cls: type[Featurizer],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Featurizer:
        """The trained featurizer, with what training wrote into the model.

        Raises if it is not there: without it the classifiers would get vectors other than
        those they were trained on.
        """
        with model_storage.read_from(resource) as directory:
            state = cls.read(directory)
        return cls(config, model_storage, resource, execution_context, state)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns from the training data, and writes what it learnt into the model."""
        state = self.fit(training_data)
        with self._model_storage.write_to(self._resource) as directory:
            self.write(state, directory)
        self.use(state)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Adds the features to every training example."""
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds one sentence vector to each featurized text of each message, once trained."""
        if self._state is None:
            return messages
        chosen = [
            (message, attribute, text)
            for message in messages
            for attribute, text in featurized_texts(message)
        ]
        if not chosen:
            return messages
        vectors = self.vectors([text for _, _, text in chosen])
        for (message, attribute, _), vector in zip(chosen, vectors, strict=True):
            message.add_features(
                Features(vector, FEATURE_TYPE_SENTENCE, attribute, self._identifier)
            )
        return messages

    def use(self, state: State) -> None:
        """Takes ``state`` as what was learnt (after training, or read from the model)."""
        self._state = state

    @abstractmethod
    def fit(self, training_data: TrainingData) -> State:
        """What this featurizer learns from the training data."""

    @abstractmethod
    def write(self, state: State, directory: Path) -> None:
        """Writes what was learnt into the model's folder for this component."""

    @classmethod
    @abstractmethod
    def read(cls, directory: Path) -> State:
        """Reads back what :meth:`write` wrote."""

    @abstractmethod
    def vectors(self, texts: Sequence[str]) -> Sequence[Any]:
        """One sentence vector (a 1-row matrix) per text, in order."""
