"""The NLU's classifiers: TF-IDF features, a linear model for the intent and one for the FAQ.

Three graph components, used in this order in config.yml:

* ``TfidfFeaturizer``: one sparse sentence vector per message, word 1-2-grams and character
  1-5-grams inside words (typos: "twiching" shares most of its n-grams with "twitching"),
  each weighted by TF-IDF and scaled to unit length.
* ``LinearIntentClassifier``: logistic regression over that vector, for the intent.
* ``LinearResponseSelector``: logistic regression over the same vector, trained on the
  retrieval intent's examples only (``faq/caffeine``, ``faq/drooping``, ...), for the
  answer. Its output has the shape of Rasa's ``ResponseSelector`` output, so that Rasa's
  ``utter_faq`` action and ``rasa test nlu`` read it unchanged.

Why not Rasa's own components: on the same data the cross-validated intent F1 of Rasa's
``LogisticRegressionClassifier`` on raw counts was 0.877 against 0.888 here (0.92 to 0.93
with the examples added since), and its ``ResponseSelector`` (a TensorFlow model) picked
the right FAQ answer 0.79 of the time, as this one does (0.77 to 0.80), while taking a tenth
of the server's time per message (docs/performance.md). These train in seconds, on the CPU.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse
import skops.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from aftercare.questions import names_its_subject
from components.question_focus import QUESTION
from components.trained_featurizer import TrainedFeaturizer

logger = logging.getLogger(__name__)

# Keys of Rasa's response selector output (rasa.nlu.selectors.response_selector).
SELECTOR_PROPERTY = "response_selector"
RETRIEVAL_INTENTS = "all_retrieval_intents"
PREDICTION = "response"
RANKING = "ranking"
RESPONSES = "responses"
UTTER_ACTION = "utter_action"

# What skops may load from a model file: scikit-learn and NumPy types only.
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.sparse.", "builtins.")


def _save(model: Any, directory: Path) -> None:
    skops.io.dump(model, directory / "model.skops")


def _read(directory: Path) -> Any:
    path = directory / "model.skops"
    untrusted = skops.io.get_untrusted_types(file=path)
    unexpected = [name for name in untrusted if not name.startswith(_TRUSTED_PREFIXES)]
    if unexpected:
        raise ValueError(f"{path} holds types that are not scikit-learn's: {unexpected}")
    return skops.io.load(path, trusted=untrusted)


def _dump(model: Any, model_storage: ModelStorage, resource: Resource) -> None:
    with model_storage.write_to(resource) as directory:
        _save(model, directory)


def _load(model_storage: ModelStorage, resource: Resource) -> Any:
    with model_storage.read_from(resource) as directory:
        return _read(directory)


def _classifier(config: dict[str, Any]) -> LogisticRegression:
    return LogisticRegression(
        C=config["C"], class_weight="balanced", max_iter=config["max_iter"], random_state=1
    )


class _Row(NamedTuple):
    """One message's sentence vector as its non-zero columns and their values."""

    columns: np.ndarray
    values: np.ndarray
    width: int
    # Whether a sparse featurizer (TF-IDF, lexicon) found anything: a dense vector always
    # has values, so it is no evidence that the message holds one known word.
    evidence: bool = True

    @classmethod
    def of(cls, message: Message, attribute: str = TEXT) -> _Row | None:
        """The featurizers' sentence vectors of ``attribute``, side by side, in their order.

        Sparse ones (TF-IDF, lexicon) give their non-zero entries, dense ones (the MiniLM
        vector of components/static_features.py, already times its ``weight``) all their
        columns. Gathering the entries costs a few microseconds, where stacking the
        featurizers' matrices with scipy cost 6 % of the server's time under load.
        """
        found = [
            f.features
            for f in message.features
            if f.attribute == attribute and f.type == FEATURE_TYPE_SENTENCE
        ]
        if not found:
            return None
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        offset = 0
        sparse, evidence = False, False
        for matrix in found:
            if scipy.sparse.issparse(matrix):
                entries = matrix.tocoo()
                columns.append(entries.col.astype(np.intp) + offset)
                values.append(entries.data.astype(np.float64))
                sparse, evidence = True, evidence or bool(entries.data.any())
            else:
                row = np.asarray(matrix, dtype=np.float64).reshape(-1)
                columns.append(np.arange(offset, offset + row.size, dtype=np.intp))
                values.append(row)
            offset += matrix.shape[-1]
        return cls(np.concatenate(columns), np.concatenate(values), offset, evidence or not sparse)

    def tocsr(self) -> scipy.sparse.csr_matrix:
        """The same vector as a one-row scipy matrix."""
        rows = np.zeros(len(self.columns), dtype=np.intp)
        return scipy.sparse.csr_matrix((self.values, (rows, self.columns)), shape=(1, self.width))


class _Block(NamedTuple):
    """What a fitted ``TfidfVectorizer`` needs to weigh one text (sublinear TF, L2 norm)."""

    analyse: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    width: int

    @classmethod
    def of(cls, vectorizer: TfidfVectorizer) -> _Block:
        if not (vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"):
            raise ValueError("only sublinear TF-IDF with an L2 norm is computed here")
        vocabulary = vectorizer.vocabulary_
        return cls(vectorizer.build_analyzer(), vocabulary, vectorizer.idf_, len(vocabulary))

    def weights(self, text: str) -> tuple[list[int], list[float]]:
        """The columns and TF-IDF weights of the n-grams of ``text`` in the vocabulary."""
        counts = Counter(
            column
            for gram in self.analyse(text)
            if (column := self.vocabulary.get(gram)) is not None
        )
        columns = list(counts)
        weights = [(1.0 + math.log(counts[c])) * float(self.idf[c]) for c in columns]
        norm = math.sqrt(sum(w * w for w in weights))
        return columns, [w / norm for w in weights] if norm else weights


def _probabilities(model: LogisticRegression, row: _Row) -> np.ndarray:
    """``model.predict_proba(row)[0]``, without scikit-learn's per-call checks.

    Only the weights of the row's non-zero columns are read: a score is the sum of those
    weights times the values, plus the intercept.
    """
    if model.coef_.shape[0] == 1:  # two labels: scikit-learn's own way
        return np.asarray(model.predict_proba(row.tocsr())[0])
    if row.width != model.coef_.shape[1]:
        raise ValueError(f"a vector of width {row.width} for a model of {model.coef_.shape[1]}")
    scores = model.coef_[:, row.columns] @ row.values + model.intercept_
    scores = np.exp(scores - scores.max())
    return np.asarray(scores / scores.sum())


def _ranking(classes: np.ndarray, probabilities: np.ndarray, length: int) -> list[Any]:
    order = np.argsort(-probabilities)[:length]
    return [(str(classes[i]), float(probabilities[i])) for i in order]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class TfidfFeaturizer(TrainedFeaturizer[list[TfidfVectorizer]], SparseFeaturizer):
    """A TF-IDF sentence vector of word and in-word character n-grams.

    Of a very long message, its head and tail are read; the part that asks
    (``components/question_focus.py``) gets a vector of its own.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The n-gram ranges; ``alias`` names the features' origin."""
        return {
            **SparseFeaturizer.get_default_config(),
            "word_ngrams": [1, 2],
            "char_ngrams": [1, 5],
        }

    def use(self, state: list[TfidfVectorizer]) -> None:
        """Takes the fitted vectorizers, and the arithmetic of each (``_Block``)."""
        super().use(state)
        self._vectorizers = state
        self._blocks = [_Block.of(vectorizer) for vectorizer in state]
        self._width = sum(block.width for block in self._blocks)

    def _new_vectorizers(self) -> list[TfidfVectorizer]:
        words = TfidfVectorizer(
            ngram_range=tuple(self._config["word_ngrams"]),
            token_pattern=r"(?u)\b\w+\b",
            sublinear_tf=True,
        )
        characters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(self._config["char_ngrams"]), sublinear_tf=True
        )
        return [words, characters]

    def fit(self, training_data: TrainingData) -> list[TfidfVectorizer]:
        """Learns the vocabulary and the IDF weights from every training message."""
        texts = [message.get(TEXT) for message in training_data.training_examples]
        texts = [text for text in texts if text]
        return [vectorizer.fit(texts) for vectorizer in self._new_vectorizers()]

    def write(self, state: list[TfidfVectorizer], directory: Path) -> None:
        """The vectorizers, with skops (no pickle)."""
        _save(state, directory)

    @classmethod
    def read(cls, directory: Path) -> list[TfidfVectorizer]:
        """The vectorizers, checked to hold scikit-learn's types only."""
        return list(_read(directory))

    def vectors(self, texts: Sequence[str]) -> list[scipy.sparse.coo_matrix]:
        """Each text's vector (an empty text gets an empty one, which the classifiers know)."""
        return [self.vector(text) for text in texts]

    def vector(self, text: str) -> scipy.sparse.coo_matrix:
        """The message's features: each vectorizer's TF-IDF vector, side by side.

        The same numbers as the vectorizers' own ``transform`` (a test checks), computed
        without scikit-learn's per-call checks, which cost ten times the arithmetic for
        one short message.
        """
        columns: list[int] = []
        values: list[float] = []
        offset = 0
        for block in self._blocks:
            block_columns, block_values = block.weights(text)
            columns.extend(column + offset for column in block_columns)
            values.extend(block_values)
            offset += block.width
        return scipy.sparse.coo_matrix(
            (values, ([0] * len(columns), columns)), shape=(1, self._width)
        )

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Checks the n-gram ranges."""
        for key in ("word_ngrams", "char_ngrams"):
            low, high = config[key]
            if not 1 <= low <= high:
                raise ValueError(f"{key} must be [low, high] with 1 <= low <= high")


class _LinearModel(GraphComponent):
    """Logistic regression over ``TfidfFeaturizer``'s vector, stored with skops."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Inverse regularisation strength, iterations, and how many labels are ranked."""
        return {"C": 30.0, "max_iter": 2000, "ranking_length": 10}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LogisticRegression | None = None,
    ) -> None:
        """Keeps the configuration and, once trained, the model."""
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _LinearModel:
        """An untrained model."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> _LinearModel:
        """The trained model, or an untrained one if there was nothing to train on."""
        try:
            model = _load(model_storage, resource)
        except (FileNotFoundError, ValueError) as error:
            logger.warning("No trained model for %s: %s", cls.__name__, error)
            model = None
        return cls(config, model_storage, resource, model)

    def _fit(self, examples: list[Message], labels: list[str]) -> Resource:
        rows = [_Row.of(message) for message in examples]
        pairs = [
            (row.tocsr(), label) for row, label in zip(rows, labels, strict=True) if row is not None
        ]
        if len({label for _, label in pairs}) < 2:
            logger.warning("%s: fewer than two labels to learn, not trained", type(self).__name__)
            return self._resource
        model = _classifier(self._config)
        model.fit(scipy.sparse.vstack([row for row, _ in pairs]), [label for _, label in pairs])
        self._model = model
        _dump(model, self._model_storage, self._resource)
        return self._resource

    def _rank(self, message: Message, attribute: str = TEXT) -> list[tuple[str, float]]:
        if self._model is None:
            return []
        row = _Row.of(message, attribute)
        if row is None or not row.evidence:
            # Not one known word or n-gram: no evidence for any label.
            return []
        probabilities = _probabilities(self._model, row)
        return _ranking(self._model.classes_, probabilities, self._config["ranking_length"])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(_LinearModel, IntentClassifier):
    """The intent, by logistic regression over the TF-IDF vector."""

    @classmethod
    def required_components(cls) -> list[type]:
        """The vector comes from ``TfidfFeaturizer``."""
        return [TfidfFeaturizer]

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the intents from the training examples."""
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        return self._fit(examples, [m.get(INTENT) for m in examples])

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets the intent and its ranking."""
        for message in messages:
            ranking = self._rank(message)
            if not ranking:
                # As Rasa's classifiers do: no intent, so the fallback classifier answers.
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
            message.set(INTENT, entries[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, entries, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearResponseSelector(_LinearModel):
    """The answer to a retrieval intent's question (``faq/...``), in Rasa's selector format."""

    @classmethod
    def required_components(cls) -> list[type]:
        """The vector comes from ``TfidfFeaturizer``."""
        return [TfidfFeaturizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``retrieval_intent`` is the intent whose answers are chosen (e.g. ``faq``).

        ``decided_by_question``: answers whose subject the question names itself (``faq/
        not_covered``: makeup, alcohol, the gym). When the part of a longer message that asks
        (``components/question_focus.py``) gets one of them with at least
        ``question_confidence``, it comes first, whatever the rest of the message is about.
        """
        return {
            **_LinearModel.get_default_config(),
            "retrieval_intent": "faq",
            "decided_by_question": [],
            "question_confidence": 0.6,
        }

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the answers from the retrieval intent's examples."""
        intent = self._config["retrieval_intent"]
        examples = [
            m
            for m in training_data.intent_examples
            if m.get(INTENT) == intent and m.get(INTENT_RESPONSE_KEY) and m.get(TEXT)
        ]
        return self._fit(examples, [m.get(INTENT_RESPONSE_KEY) for m in examples])

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets ``response_selector`` as Rasa's ResponseSelector does, for every message."""
        intent = self._config["retrieval_intent"]
        for message in messages:
            ranking = self._asked(message, self._rank(message))
            if not ranking:
                continue
            key, confidence = ranking[0]
            prediction = {
                PREDICTION: {
                    RESPONSES: [],
                    PREDICTED_CONFIDENCE_KEY: confidence,
                    INTENT_RESPONSE_KEY: key,
                    UTTER_ACTION: f"utter_{key}",
                },
                RANKING: [
                    {
                        "id": zlib.crc32(name.encode()),
                        PREDICTED_CONFIDENCE_KEY: p,
                        INTENT_RESPONSE_KEY: name,
                    }
                    for name, p in ranking
                ],
            }
            properties = message.get(SELECTOR_PROPERTY) or {}
            properties[RETRIEVAL_INTENTS] = [intent]
            properties[intent] = prediction
            message.set(SELECTOR_PROPERTY, properties, add_to_output=True)
        return messages

    def _asked(self, message: Message, ranking: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """The ranking, with an answer the question alone decides put first.

        "bit of swelling at the needle marks, can i wash my hair as normal?": the swelling
        is context; the question is about something the article does not cover. Only a
        question that names what it is about decides ("is it safe?" does not). The ranking
        stays a distribution, surest first.
        """
        decided = self._config["decided_by_question"]
        if not (ranking and decided) or ranking[0][0] in decided:
            return ranking
        question = message.get(QUESTION)
        if not (question and names_its_subject(question)):
            return ranking  # "..., is it safe?" names nothing: the rest of the message does
        asked = self._rank(message, QUESTION)
        if not asked:
            return ranking
        name, confidence = asked[0]
        if name not in decided or confidence < self._config["question_confidence"]:
            return ranking
        # The other answers share what is left, in the whole message's proportions.
        others = [entry for entry in ranking if entry[0] != name]
        left = sum(p for _, p in others)
        scale = (1.0 - confidence) / left if left > 0 else 0.0
        return [(name, confidence)] + [(other, p * scale) for other, p in others]
