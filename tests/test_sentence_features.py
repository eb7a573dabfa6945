"""components/sentence_features.py: the MiniLM vector as a dense sentence feature in Rasa."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine import validation
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.recipe import Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ACTION_NAME, FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components import sentence_features
from components.linear_nlu import TfidfFeaturizer
from components.minilm import DIMENSION
from components.sentence_features import SentenceEmbeddingFeaturizer, shared_model
from tests.conftest import ROOT

TEXTS = [
    "Can I drink coffee after botox?",
    "my eyelid keeps twitching",
    "",
    "🙂",
    "hello there",
    "is it normal that my forehead feels heavy two days after the injections " * 12,
]


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("model"))


def featurizer(storage: LocalModelStorage, **config: Any) -> SentenceEmbeddingFeaturizer:
    return SentenceEmbeddingFeaturizer.create(
        {**SentenceEmbeddingFeaturizer.get_default_config(), **config},
        storage,
        Resource("sentence_features"),
        ExecutionContext(GraphSchema({}), node_name="sentence_node"),
    )


def sentence_vector(message: Message) -> np.ndarray:
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None
    assert sentence is not None
    return np.asarray(sentence.features)


def test_each_message_gets_its_minilm_vector(storage: LocalModelStorage) -> None:
    messages = [Message({TEXT: text}) for text in TEXTS]
    featurizer(storage).process(messages)
    expected = shared_model().encode(TEXTS)
    for message, vector in zip(messages, expected, strict=True):
        [feature] = message.features
        assert feature.is_dense()
        assert (feature.type, feature.attribute, feature.origin) == (
            FEATURE_TYPE_SENTENCE,
            TEXT,
            "sentence_node",
        )
        assert feature.features.shape == (1, DIMENSION)
        assert feature.features.dtype == np.float32
        np.testing.assert_allclose(sentence_vector(message)[0], vector, atol=1e-6)


def test_one_message_as_the_server_sends_it(storage: LocalModelStorage) -> None:
    message = Message({TEXT: "hello there"})
    featurizer(storage).process([message])
    vector = sentence_vector(message)[0]
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(vector, shared_model().encode(["hello there"])[0], atol=1e-6)


def test_the_alias_and_the_weight(storage: LocalModelStorage) -> None:
    plain, weighted = Message({TEXT: "hello there"}), Message({TEXT: "hello there"})
    featurizer(storage).process([plain])
    featurizer(storage, alias="minilm", weight=0.5).process([weighted])
    assert weighted.features[0].origin == "minilm"
    np.testing.assert_allclose(sentence_vector(weighted), 0.5 * sentence_vector(plain), atol=1e-7)


def test_messages_without_a_text_are_left_alone(storage: LocalModelStorage) -> None:
    action = Message({ACTION_NAME: "utter_greet"})
    featurizer(storage).process([action])
    assert action.features == []
    featurizer(storage).process([])


def test_the_training_data_in_batches(storage: LocalModelStorage) -> None:
    texts = [f"{text} {i}" for i in range(5) for text in TEXTS]
    training_data = TrainingData([Message({TEXT: text, INTENT: "faq"}) for text in texts])
    returned = featurizer(storage, batch_size=4).process_training_data(training_data)
    assert returned is training_data
    assert len(training_data.training_examples) == len(texts)
    alone = [shared_model().encode([text])[0] for text in texts]
    for message, vector in zip(training_data.training_examples, alone, strict=True):
        np.testing.assert_allclose(sentence_vector(message)[0], vector, atol=1e-6)


def test_beside_the_tfidf_vector(storage: LocalModelStorage) -> None:
    examples = [Message({TEXT: text, INTENT: "faq"}) for text in TEXTS]
    tfidf = TfidfFeaturizer.create(
        TfidfFeaturizer.get_default_config(),
        storage,
        Resource("tfidf"),
        ExecutionContext(GraphSchema({}), node_name="tfidf"),
    )
    tfidf.train(TrainingData(examples))
    message = Message({TEXT: "coffee after botox"})
    tfidf.process([message])
    featurizer(storage).process([message])
    assert message.get_sparse_features(TEXT)[1] is not None
    assert sentence_vector(message).shape == (1, DIMENSION)


def test_one_model_per_process(storage: LocalModelStorage) -> None:
    config = SentenceEmbeddingFeaturizer.get_default_config()
    context = ExecutionContext(GraphSchema({}), node_name="node")
    created = SentenceEmbeddingFeaturizer.create(config, storage, Resource("a"), context)
    loaded = SentenceEmbeddingFeaturizer.load(config, storage, Resource("b"), context)
    assert created._model is loaded._model is shared_model() is sentence_features._model


def test_importing_loads_nothing() -> None:
    script = (
        "import sys, components.sentence_features as f; "
        "assert f._model is None; "
        "assert not {'all_minilm_l6_v2', 'tokenizers', 'torch'} & set(sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("config", [{"weight": 0}, {"batch_size": 0}, {"batch_size": 2.5}])
def test_a_wrong_configuration_is_refused(storage: LocalModelStorage, config: dict) -> None:
    with pytest.raises(ValueError):
        featurizer(storage, **config)


def test_rasa_accepts_it_in_a_pipeline(tmp_path: Path) -> None:
    config = {
        "recipe": "default.v1",
        "language": "en",
        "pipeline": [
            {"name": "components.linear_nlu.TfidfFeaturizer"},
            {"name": "components.sentence_features.SentenceEmbeddingFeaturizer", "weight": 0.5},
            {"name": "components.linear_nlu.LinearIntentClassifier"},
        ],
        "policies": [],
    }
    recipe = Recipe.recipe_for_name("default.v1")
    model_configuration = recipe.graph_config_for_recipe(config, {}, training_type=TrainingType.NLU)
    validation.validate(model_configuration)
    nodes = model_configuration.train_schema.nodes
    assert any(node.uses is SentenceEmbeddingFeaturizer for node in nodes.values())
