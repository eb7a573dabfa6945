"""The word-list features: whole words in any case, one column per list, saved and loaded."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from aftercare.limits import CLASSIFIED_HEAD as HEAD
from components.lexicon import LexiconFeaturizer
from components.linear_nlu import (
    LinearIntentClassifier,
    TfidfFeaturizer,
    _probabilities,
    _Row,
)
from components.long_messages import classified_part
from tests.support.pinned import ROOT

LOOKUPS = ROOT / "data" / "nlu" / "lookups.yml"


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def lexicon(storage: LocalModelStorage) -> LexiconFeaturizer:
    featurizer = LexiconFeaturizer.create(
        LexiconFeaturizer.get_default_config(), storage, Resource("lexicon"), context()
    )
    featurizer.train(load_data(str(LOOKUPS)))
    return featurizer


def matched(featurizer: LexiconFeaturizer, text: str) -> set[str]:
    row = featurizer.vector(text).tocsr()
    return {featurizer.names[column] for column in row.indices}


def test_every_lookup_table_and_regex_is_one_feature(lexicon: LexiconFeaturizer) -> None:
    data = load_data(str(LOOKUPS))
    # In the order of Rasa's own pattern_utils: the regexes, then the lookup tables.
    expected = [r["name"] for r in data.regex_features] + [t["name"] for t in data.lookup_tables]
    assert lexicon.names == expected
    assert lexicon.vector("hello").shape == (1, len(expected))


@pytest.mark.parametrize(
    ("text", "lists"),
    [
        ("adios", {"farewell"}),
        ("ADIOS!", {"farewell"}),
        ("cheerio then", {"farewell"}),
        ("see you soon", {"farewell"}),
        ("ta", {"thanks"}),
        ("can I speak to a receptionist?", {"person", "question"}),
        ("is there a discount for a voucher?", {"money", "question"}),
        ("I had it last Tuesday", {"when"}),
        ("dunno", {"unsure"}),
        ("please wipe my data", {"erase"}),
        ("nevermind", {"halt"}),
    ],
)
def test_a_listed_word_or_phrase_is_found(
    lexicon: LexiconFeaturizer, text: str, lists: set[str]
) -> None:
    assert matched(lexicon, text) == lists


@pytest.mark.parametrize(
    "text",
    [
        # "ta" (thanks) inside other words, "no" inside "normal" and "nose", "see" without "you"
        "tamarind tart",
        "is it normal that my nose tingles",
        "I see",
        "",
        "   ",
        "🙂🙂🙂",
        "眼睛跳",
    ],
)
def test_only_whole_words_count(lexicon: LexiconFeaturizer, text: str) -> None:
    assert matched(lexicon, text) - {"question"} == set()


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("can I drink coffee?", True),
        ("Why is my eye twitching", True),
        ("  how long does it last", True),
        ("my eye is twitching", False),
        ("eye twitching after botox", False),
        ("I wonder what it is", False),
    ],
)
def test_a_message_that_opens_like_a_question(
    lexicon: LexiconFeaturizer, text: str, question: bool
) -> None:
    assert ("question" in matched(lexicon, text)) is question


def test_a_list_entry_is_a_word_not_a_regex(storage: LocalModelStorage) -> None:
    featurizer = LexiconFeaturizer.create(
        LexiconFeaturizer.get_default_config(), storage, Resource("dots"), context()
    )
    featurizer.train(TrainingData(lookup_tables=[{"name": "dotted", "elements": ["a.b"]}]))
    assert matched(featurizer, "a.b") == {"dotted"}
    assert matched(featurizer, "axb") == set()


def test_a_match_is_worth_the_configured_weight(storage: LocalModelStorage) -> None:
    config = {**LexiconFeaturizer.get_default_config(), "weight": 0.7}
    featurizer = LexiconFeaturizer.create(config, storage, Resource("weighted"), context())
    featurizer.train(load_data(str(LOOKUPS)))
    assert featurizer.vector("bye bye, thanks").tocsr().data.tolist() == [0.7, 0.7]


def test_a_weight_of_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="weight"):
        LexiconFeaturizer.validate_config({**LexiconFeaturizer.get_default_config(), "weight": 0})


def test_saved_and_loaded_it_gives_the_same_features(
    lexicon: LexiconFeaturizer, storage: LocalModelStorage
) -> None:
    loaded = LexiconFeaturizer.load(
        LexiconFeaturizer.get_default_config(), storage, Resource("lexicon"), context()
    )
    assert loaded.names == lexicon.names
    for text in ["adios", "can I speak to a nurse?", "my eye twitches", ""]:
        assert (loaded.vector(text) != lexicon.vector(text)).nnz == 0


def test_the_classifier_reads_both_vectors_side_by_side(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    storage = LocalModelStorage(tmp_path_factory.mktemp("both"))
    data = load_data(str(ROOT / "data" / "nlu"))
    tfidf = TfidfFeaturizer.create(
        TfidfFeaturizer.get_default_config(), storage, Resource("tfidf"), context()
    )
    lexicon = LexiconFeaturizer.create(
        LexiconFeaturizer.get_default_config(), storage, Resource("lexicon"), context()
    )
    intents = LinearIntentClassifier.create(
        LinearIntentClassifier.get_default_config(), storage, Resource("intents"), context()
    )
    for featurizer in (tfidf, lexicon):
        featurizer.train(data)
        featurizer.process_training_data(data)
    intents.train(data)

    message = Message({TEXT: "adios"})
    for component in (tfidf, lexicon, intents):
        component.process([message])
    row = _Row.of(message)
    assert row is not None
    expected = scipy.sparse.hstack([tfidf.vector("adios"), lexicon.vector("adios")]).tocsr()
    assert row.width == expected.shape[1]
    assert (row.tocsr() != expected).nnz == 0
    assert intents._model is not None
    np.testing.assert_allclose(
        _probabilities(intents._model, row),
        intents._model.predict_proba(expected)[0],
        atol=1e-12,
    )
    assert message.get("intent")["name"] == "goodbye"


def test_of_a_very_long_message_the_head_and_tail_are_read(lexicon: LexiconFeaturizer) -> None:
    text = ("hello " * HEAD)[:HEAD] + "cheerio and adios " * 1000 + "thanks " * 200
    message = Message({TEXT: text})
    lexicon.process([message])
    [feature] = message.features
    read = {lexicon.names[column] for column in feature.features.tocsr().indices}
    assert read == matched(lexicon, classified_part(text)) != matched(lexicon, text)
