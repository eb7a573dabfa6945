"""components/static_embeddings.py and static_features.py: static vectors distilled from MiniLM.

Distilled here from a few hundred word pieces only (the sentences' own and 500 common words),
in about a second; the whole vocabulary takes 20 to 30 s. Speed is not tested.
"""

from __future__ import annotations

import json
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

from components import static_features
from components.long_messages import classified_part
from components.minilm import DIMENSION, MiniLM
from components.static_embeddings import (
    MAX_TOKENS,
    StaticEmbeddings,
    distill,
    sif_weights,
    token_states,
)
from components.static_features import StaticEmbeddingFeaturizer
from tests.support.pinned import ROOT

# (paraphrase, paraphrase, unrelated): MiniLM puts the first two closer, and so must these.
TRIPLES = [
    (
        "Can I go to the gym after my treatment?",
        "Is it OK to exercise after the injections?",
        "Where do I park my car?",
    ),
    (
        "Can I drink coffee after botox?",
        "Is caffeine okay after the injections?",
        "Where do I park my car?",
    ),
    ("my eyelid keeps twitching", "my eye is twitching", "thanks for your help"),
    ("hello there", "hi", "my eyelid is drooping"),
    ("How long does the swelling last?", "When will the swelling go down?", "Can I pay by card?"),
]
TEXTS = [text for triple in TRIPLES for text in triple]
COMMON = range(1996, 2496)  # "the", "of", "and", ... in BERT's vocabulary
DIMENSIONS = 64


@pytest.fixture(scope="module")
def model() -> MiniLM:
    return MiniLM.load()


@pytest.fixture(scope="module")
def ids(model: MiniLM) -> list[int]:
    pieces = {i for text in TEXTS for i in model._tokenizer.encode(text).ids}
    return sorted(pieces | set(COMMON))


@pytest.fixture(scope="module")
def embeddings(model: MiniLM, ids: list[int]) -> StaticEmbeddings:
    return distill(model, ids=ids, dimensions=DIMENSIONS)


def piece(model: MiniLM, token: str) -> int:
    index = model._tokenizer.token_to_id(token)
    assert index is not None
    return int(index)


def test_token_states_are_minilms_forward_pass(model: MiniLM) -> None:
    words = ["coffee", "swelling", "the", "hello"]
    ids = np.array([piece(model, word) for word in words])
    states = token_states(model, ids)
    assert states.shape == (len(words), 3, DIMENSION)
    pooled = states.mean(axis=1)
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    # Each word is one word piece, so MiniLM's input is [CLS] word [SEP] as well.
    np.testing.assert_allclose(pooled, model.encode(words), atol=1e-6)


def test_shapes_and_unit_length(embeddings: StaticEmbeddings) -> None:
    vectors = embeddings.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embeddings.vectors.shape == (30522, DIMENSIONS)
    assert embeddings.vectors.dtype == np.float16
    assert embeddings.encode([]).shape == (0, DIMENSIONS)


def test_one_text_is_the_same_alone_or_in_a_batch(embeddings: StaticEmbeddings) -> None:
    batch = embeddings.encode(TEXTS)
    for text, vector in zip(TEXTS, batch, strict=True):
        np.testing.assert_array_equal(embeddings.encode([text])[0], vector)


def test_any_text_is_read_a_lone_surrogate_too(embeddings: StaticEmbeddings) -> None:
    vectors = embeddings.encode(["my eye \ud800 twitches", "🙂🙂"])
    assert vectors.shape[0] == 2
    assert np.isfinite(vectors).all()


def test_nothing_known_is_the_zero_vector(embeddings: StaticEmbeddings) -> None:
    # [SEP] and [CLS] in a text are read as the markers, which have no vector.
    vectors = embeddings.encode(["", "   ", "[SEP]", "[CLS] [SEP]"])
    assert not vectors.any()


def test_the_vector_is_the_weighted_mean(model: MiniLM, embeddings: StaticEmbeddings) -> None:
    text = "hello there"
    ids = model._tokenizer.encode(text, add_special_tokens=False).ids
    expected = (embeddings.vectors[ids].astype(np.float32) * embeddings.weights[ids, None]).mean(
        axis=0
    )
    expected /= np.linalg.norm(expected)
    np.testing.assert_allclose(embeddings.encode([text])[0], expected, atol=1e-6)


@pytest.mark.parametrize("triple", TRIPLES, ids=[triple[0] for triple in TRIPLES])
def test_a_paraphrase_is_closer_than_an_unrelated_text(
    embeddings: StaticEmbeddings, triple: tuple[str, str, str]
) -> None:
    first, paraphrase, unrelated = embeddings.encode(list(triple))
    assert first @ paraphrase > first @ unrelated + 0.1


def test_frequent_word_pieces_weigh_less(model: MiniLM, embeddings: StaticEmbeddings) -> None:
    weight = {t: embeddings.weights[piece(model, t)] for t in ("?", "the", "after", "coffee")}
    assert weight["?"] < weight["the"] < weight["after"] < weight["coffee"] < 1.0
    for marker in ("[PAD]", "[CLS]", "[SEP]", "[MASK]", "[unused0]"):
        assert embeddings.weights[piece(model, marker)] == 0.0
        assert not embeddings.vectors[piece(model, marker)].any()


def test_sif_weights() -> None:
    weights = sif_weights(30000, 1e-4)
    assert weights.dtype == np.float32
    assert np.all(np.diff(weights) > 0)
    assert 0.0 < weights[0] < 0.01
    assert 0.99 > weights[-1] > 0.95
    np.testing.assert_array_equal(sif_weights(10, None), np.ones(10))


def test_only_the_chosen_word_pieces_are_distilled(
    model: MiniLM, ids: list[int], embeddings: StaticEmbeddings
) -> None:
    distilled = np.flatnonzero(embeddings.weights)
    assert set(distilled) == set(ids) - {piece(model, "[CLS]"), piece(model, "[SEP]")}
    assert embeddings.settings["distilled"] == len(distilled)
    assert not embeddings.vectors[piece(model, "knight")].any()  # id 5000, not distilled


def test_the_other_settings(model: MiniLM) -> None:
    ids = [piece(model, word) for word in ("coffee", "tea", "the", "gym", "car")]
    raw = distill(model, ids=ids, dimensions=None, sif=None, pooling="token", dtype="float32")
    assert raw.vectors.shape == (30522, DIMENSION)
    assert raw.vectors.dtype == np.float32
    np.testing.assert_array_equal(raw.weights[ids], 1.0)
    # Not reduced, not centred: the word piece's own output vector.
    expected = token_states(model, np.array(ids))[:, 1]
    np.testing.assert_allclose(raw.vectors[ids], expected, rtol=1e-5, atol=1e-5)  # float32
    assert raw.settings["pooling"] == "token"
    # Fewer word pieces than dimensions: as many dimensions as word pieces.
    assert distill(model, ids=ids, dimensions=256).dimension == len(ids)


@pytest.mark.parametrize(
    "settings",
    [
        {"pooling": "max"},
        {"dimensions": 0},
        {"dimensions": 385},
        {"sif": 0.0},
        {"dtype": "float64"},
        {"batch_size": 0},
        {"ids": list(range(1, 99))},  # only [unused*]: nothing to distil
    ],
)
def test_wrong_settings_are_refused(model: MiniLM, settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        distill(model, **settings)


def test_save_and_load(embeddings: StaticEmbeddings, tmp_path: Path) -> None:
    embeddings.save(tmp_path / "static")
    assert sorted(path.name for path in (tmp_path / "static").iterdir()) == [
        "settings.json",
        "tokenizer.json",
        "vectors.npy",
        "weights.npy",
    ]
    loaded = StaticEmbeddings.load(tmp_path / "static")
    np.testing.assert_array_equal(loaded.vectors, embeddings.vectors)
    assert loaded.vectors.dtype == np.float16
    np.testing.assert_array_equal(loaded.weights, embeddings.weights)
    assert loaded.settings == embeddings.settings
    np.testing.assert_array_equal(loaded.encode(TEXTS), embeddings.encode(TEXTS))


def test_a_long_text_is_cut_not_refused(embeddings: StaticEmbeddings, tmp_path: Path) -> None:
    long = "the swelling " * 1000
    embeddings.save(tmp_path)
    for encoder in (embeddings, StaticEmbeddings.load(tmp_path)):
        assert len(encoder._tokenizer.encode(long, add_special_tokens=False).ids) == MAX_TOKENS
        assert np.linalg.norm(encoder.encode([long])[0]) == pytest.approx(1.0, abs=1e-5)


def test_load_refuses_another_format(embeddings: StaticEmbeddings, tmp_path: Path) -> None:
    embeddings.save(tmp_path)
    settings = json.loads((tmp_path / "settings.json").read_text())
    (tmp_path / "settings.json").write_text(json.dumps({**settings, "format": 99}))
    with pytest.raises(ValueError):
        StaticEmbeddings.load(tmp_path)
    with pytest.raises(FileNotFoundError):
        StaticEmbeddings.load(tmp_path / "missing")


# The Rasa featurizer, trained on the same small vocabulary.


@pytest.fixture()
def small_distillation(
    monkeypatch: pytest.MonkeyPatch, ids: list[int], embeddings: StaticEmbeddings
) -> list[dict[str, Any]]:
    """``distill`` on the test's word pieces only; returns the calls made."""
    calls: list[dict[str, Any]] = []

    def small(model: MiniLM, **settings: Any) -> StaticEmbeddings:
        calls.append(settings)
        if settings["dimensions"] == DIMENSIONS and settings["sif"] == 1e-4:
            return embeddings
        return distill(model, ids=ids, **settings)

    monkeypatch.setattr(static_features, "distill", small)
    monkeypatch.setattr(static_features, "_distilled", {})
    return calls


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def config(**settings: Any) -> dict[str, Any]:
    return {**StaticEmbeddingFeaturizer.get_default_config(), "dimensions": DIMENSIONS, **settings}


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name="static_node")


def trained(storage: LocalModelStorage, **settings: Any) -> StaticEmbeddingFeaturizer:
    featurizer = StaticEmbeddingFeaturizer.create(
        config(**settings), storage, Resource("static"), context()
    )
    featurizer.train(TrainingData([Message({TEXT: text, INTENT: "faq"}) for text in TEXTS]))
    return StaticEmbeddingFeaturizer.load(
        config(**settings), storage, Resource("static"), context()
    )


def sentence_vector(message: Message) -> np.ndarray:
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None
    assert sentence is not None
    return np.asarray(sentence.features)


def test_train_stores_the_vectors_and_load_reads_them(
    small_distillation: list[dict[str, Any]],
    storage: LocalModelStorage,
    embeddings: StaticEmbeddings,
) -> None:
    featurizer = trained(storage)
    assert small_distillation == [
        {
            "pooling": "mean",
            "dimensions": DIMENSIONS,
            "sif": 1e-4,
            "dtype": "float16",
            "batch_size": 256,
        }
    ]
    assert featurizer._embeddings is not embeddings
    messages = [Message({TEXT: text}) for text in TEXTS]
    featurizer.process(messages)
    for message, vector in zip(messages, embeddings.encode(TEXTS), strict=True):
        [feature] = message.features
        assert (feature.type, feature.attribute, feature.origin) == (
            FEATURE_TYPE_SENTENCE,
            TEXT,
            "static_node",
        )
        assert feature.features.shape == (1, DIMENSIONS)
        assert feature.features.dtype == np.float32
        np.testing.assert_array_equal(sentence_vector(message)[0], vector)


def test_one_distillation_per_process_and_configuration(
    small_distillation: list[dict[str, Any]], tmp_path: Path
) -> None:
    for name in "abc":
        (tmp_path / name).mkdir()
    storages = [LocalModelStorage(tmp_path / name) for name in "abc"]
    trained(storages[0])
    trained(storages[1], weight=2.0, alias="again")
    assert len(small_distillation) == 1
    trained(storages[2], sif=None)
    assert len(small_distillation) == 2


def test_the_alias_and_the_weight(
    small_distillation: list[dict[str, Any]], storage: LocalModelStorage
) -> None:
    plain, weighted = Message({TEXT: "hello there"}), Message({TEXT: "hello there"})
    trained(storage).process([plain])
    trained(storage, alias="static", weight=0.5).process([weighted])
    assert weighted.features[0].origin == "static"
    np.testing.assert_allclose(sentence_vector(weighted), 0.5 * sentence_vector(plain), atol=1e-7)


def test_the_training_data(
    small_distillation: list[dict[str, Any]], storage: LocalModelStorage
) -> None:
    featurizer = trained(storage)
    training_data = TrainingData([Message({TEXT: text, INTENT: "faq"}) for text in TEXTS])
    assert featurizer.process_training_data(training_data) is training_data
    assert featurizer._embeddings is not None
    for message in training_data.training_examples:
        alone = featurizer._embeddings.encode([message.get(TEXT)])[0]
        np.testing.assert_array_equal(sentence_vector(message)[0], alone)


def test_messages_without_a_text_are_left_alone(
    small_distillation: list[dict[str, Any]], storage: LocalModelStorage
) -> None:
    action = Message({ACTION_NAME: "utter_greet"})
    trained(storage).process([action])
    assert action.features == []
    empty = Message({TEXT: ""})
    trained(storage).process([empty])
    assert not sentence_vector(empty).any()


def test_untrained_it_adds_nothing(storage: LocalModelStorage) -> None:
    featurizer = StaticEmbeddingFeaturizer.create(config(), storage, Resource("x"), context())
    message = Message({TEXT: "hello"})
    featurizer.process([message])
    assert message.features == []


def test_load_without_vectors_fails(storage: LocalModelStorage) -> None:
    with pytest.raises(ValueError):
        StaticEmbeddingFeaturizer.load(config(), storage, Resource("never_trained"), context())


def test_importing_loads_nothing() -> None:
    script = (
        "import sys, components.static_features as f; "
        "assert f._distilled == {}; "
        "assert not {'all_minilm_l6_v2', 'tokenizers', 'torch'} & set(sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "settings",
    [
        {"weight": 0},
        {"pooling": "cls"},
        {"dimensions": 0},
        {"dimensions": 500},
        {"dimensions": 2.5},
        {"sif": -1},
        {"dtype": "int8"},
        {"batch_size": 0},
    ],
)
def test_a_wrong_configuration_is_refused(
    storage: LocalModelStorage, settings: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        StaticEmbeddingFeaturizer.create(config(**settings), storage, Resource("x"), context())


def test_rasa_accepts_it_in_a_pipeline() -> None:
    pipeline_config = {
        "recipe": "default.v1",
        "language": "en",
        "pipeline": [
            {"name": "components.linear_nlu.TfidfFeaturizer"},
            {"name": "components.static_features.StaticEmbeddingFeaturizer", "weight": 2.0},
            {"name": "components.linear_nlu.LinearIntentClassifier"},
        ],
        "policies": [],
    }
    recipe = Recipe.recipe_for_name("default.v1")
    model_configuration = recipe.graph_config_for_recipe(
        pipeline_config, {}, training_type=TrainingType.NLU
    )
    validation.validate(model_configuration)
    train_nodes = model_configuration.train_schema.nodes
    assert any(node.uses is StaticEmbeddingFeaturizer for node in train_nodes.values())
    predict_nodes = model_configuration.predict_schema.nodes.values()
    assert any(
        node.uses is StaticEmbeddingFeaturizer and node.constructor_name == "load"
        for node in predict_nodes
    )


def test_of_a_very_long_message_the_head_and_tail_are_read(
    small_distillation: list[dict[str, Any]],
    storage: LocalModelStorage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    featurizer = trained(storage)
    assert featurizer._embeddings is not None
    read: list[str] = []
    encode = featurizer._embeddings.encode
    monkeypatch.setattr(
        featurizer._embeddings, "encode", lambda texts: read.extend(texts) or encode(texts)
    )
    text = "hello there " * 2000
    featurizer.process([Message({TEXT: text}), Message({TEXT: "hello there"})])
    assert read == [classified_part(text), "hello there"]
