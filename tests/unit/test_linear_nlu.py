"""The NLU components: the same numbers as scikit-learn, Rasa's output format, save and load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
import skops.io
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.linear_nlu import (
    LinearIntentClassifier,
    LinearResponseSelector,
    TfidfFeaturizer,
    _probabilities,
    _Row,
)
from components.long_messages import classified_part
from components.question_focus import QUESTION, QuestionFinder
from tests.support.pinned import ROOT

ODD_TEXTS = [
    "",
    "   ",
    "🙂🙂🙂",
    "眼睛跳",
    "zzzz qqqq",
    "a" * 3000,
    "is it NORMAL?!",
    "can't, won't",
]


@pytest.fixture(scope="module")
def training_data() -> TrainingData:
    return load_data(str(ROOT / "data" / "nlu"))


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("model"))


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture(scope="module")
def trained(
    training_data: TrainingData, storage: LocalModelStorage
) -> tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector]:
    featurizer = TfidfFeaturizer.create(
        TfidfFeaturizer.get_default_config(), storage, Resource("tfidf"), context()
    )
    featurizer.train(training_data)
    featurizer.process_training_data(training_data)
    intents = LinearIntentClassifier.create(
        LinearIntentClassifier.get_default_config(), storage, Resource("intents"), context()
    )
    intents.train(training_data)
    answers = LinearResponseSelector.create(
        LinearResponseSelector.get_default_config(), storage, Resource("answers"), context()
    )
    answers.train(training_data)
    return featurizer, intents, answers


def parse(
    components: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector], text: str
) -> Message:
    message = Message({TEXT: text})
    for component in components:
        component.process([message])
    return message


def test_the_vector_is_scikit_learns(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
    training_data: TrainingData,
) -> None:
    featurizer = trained[0]
    texts = [m.get(TEXT) for m in training_data.training_examples][:300] + ODD_TEXTS
    for text in texts:
        ours = featurizer.vector(text).toarray()
        theirs = scipy.sparse.hstack([v.transform([text]) for v in featurizer._vectorizers])
        np.testing.assert_allclose(ours, theirs.toarray(), atol=1e-12)


def test_the_probabilities_are_scikit_learns(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
) -> None:
    featurizer, intents, answers = trained
    for text in ["can I drink coffee?", "hi", "my eye twitches", *ODD_TEXTS]:
        message = Message({TEXT: text})
        featurizer.process([message])
        row = _Row.of(message)
        assert row is not None
        theirs = featurizer.vector(classified_part(text)).tocsr()  # a long one's head and tail
        assert (row.tocsr() != theirs).nnz == 0
        for model in (intents._model, answers._model):
            assert model is not None
            np.testing.assert_allclose(
                _probabilities(model, row), model.predict_proba(theirs)[0], atol=1e-12
            )


def test_a_vector_of_another_width_is_refused(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
) -> None:
    _, intents, _ = trained
    assert intents._model is not None
    narrow = _Row(np.array([0]), np.array([1.0]), width=3)
    with pytest.raises(ValueError, match="width 3"):
        _probabilities(intents._model, narrow)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hello there", "greet"),
        ("can I drink coffee after botox?", "faq"),
        ("my eyelid keeps twitching", "report_symptom"),
        ("thank you so much", "thank"),
    ],
)
def test_the_intent_and_its_ranking(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
    text: str,
    intent: str,
) -> None:
    message = parse(trained, text)
    assert message.get(INTENT)["name"] == intent
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0] == message.get(INTENT)
    assert len(ranking) == 10
    assert [e["confidence"] for e in ranking] == sorted(
        (e["confidence"] for e in ranking), reverse=True
    )


def test_the_answer_has_rasas_response_selector_format(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
) -> None:
    selector = parse(trained, "is coffee ok after the injections?").get("response_selector")
    assert selector["all_retrieval_intents"] == ["faq"]
    response = selector["faq"]["response"]
    assert response["intent_response_key"] == "faq/caffeine"
    assert response["utter_action"] == "utter_faq/caffeine"
    assert 0 < response["confidence"] <= 1
    assert selector["faq"]["ranking"][0]["intent_response_key"] == "faq/caffeine"


def test_an_empty_message_gets_no_intent(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
) -> None:
    for text in ["", "   "]:
        message = parse(trained, text)
        assert message.get(INTENT) == {"name": None, "confidence": 0.0}
        assert message.get(INTENT_RANKING_KEY) == []
        assert message.get("response_selector") is None


def test_saved_and_loaded_they_answer_the_same(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
    storage: LocalModelStorage,
) -> None:
    loaded = (
        TfidfFeaturizer.load(
            TfidfFeaturizer.get_default_config(), storage, Resource("tfidf"), context()
        ),
        LinearIntentClassifier.load(
            LinearIntentClassifier.get_default_config(), storage, Resource("intents"), context()
        ),
        LinearResponseSelector.load(
            LinearResponseSelector.get_default_config(), storage, Resource("answers"), context()
        ),
    )
    for text in ["why is my eye twitching", "bye", "how long does it last"]:
        before, after = parse(trained, text), parse(loaded, text)
        assert after.get(INTENT) == before.get(INTENT)
        assert after.get("response_selector") == before.get("response_selector")


def test_only_scikit_learn_types_are_loaded(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("evil")
    with storage.write_to(resource) as directory:
        skops.io.dump({"f": Path}, directory / "model.skops")
    with pytest.raises(ValueError, match="not scikit-learn"):
        TfidfFeaturizer.load(TfidfFeaturizer.get_default_config(), storage, resource, context())


def long_message() -> str:
    """A 20,000-character message whose head, middle and tail say different things."""
    head, middle, tail = "hello there " * 100, "can I drink coffee " * 900, "my eye twitches " * 200
    return (head + middle + tail)[:20_000]


def test_of_a_very_long_message_the_head_and_tail_are_read(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
) -> None:
    featurizer = trained[0]
    text = long_message()
    message = Message({TEXT: text})
    featurizer.process([message])
    [feature] = message.features
    read = featurizer.vector(classified_part(text))
    assert (feature.features != read).nnz == 0
    assert (feature.features != featurizer.vector(text)).nnz > 0  # not all of it


def deciding_selector(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
    storage: LocalModelStorage,
) -> LinearResponseSelector:
    config = {
        **LinearResponseSelector.get_default_config(),
        "decided_by_question": ["faq/not_covered"],
        "question_confidence": 0.6,
    }
    return LinearResponseSelector(config, storage, Resource("answers"), trained[2]._model)


def test_an_answer_the_question_decides_comes_first(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
    storage: LocalModelStorage,
) -> None:
    featurizer, _, plain = trained
    finder = QuestionFinder.create({}, storage, Resource("q"), context())
    text = "bruising and swelling around my eye where the needles went in, day 2. can i go on a sunbed?"
    whole = parse((featurizer, plain), text).get("response_selector")["faq"]
    assert whole["response"]["intent_response_key"] == "faq/swelling_bruising"
    message = parse((finder, featurizer, deciding_selector(trained, storage)), text)
    assert message.get(QUESTION) == "can i go on a sunbed?"
    selector = message.get("response_selector")["faq"]
    ranking = selector["ranking"]
    assert ranking[0]["intent_response_key"] == "faq/not_covered"
    assert selector["response"]["confidence"] == ranking[0]["confidence"] >= 0.6
    # Still a distribution, surest first; the others in the whole message's order.
    confidences = [e["confidence"] for e in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) <= 1.0 + 1e-9
    others = [e["intent_response_key"] for e in whole["ranking"]]
    others.remove("faq/not_covered")
    assert [e["intent_response_key"] for e in ranking[1:]] == others[: len(ranking) - 1]


@pytest.mark.parametrize(
    "text",
    [
        # The question names nothing: the rest of the message decides.
        "my eye has been twitching since tuesday, is it safe?",
        # The question alone does not get an answer the question decides.
        "bruising and swelling around my eye where the needles went in, day 2. how long will it last?",
    ],
)
def test_a_question_that_decides_nothing_leaves_the_whole_messages_answer(
    trained: tuple[TfidfFeaturizer, LinearIntentClassifier, LinearResponseSelector],
    storage: LocalModelStorage,
    text: str,
) -> None:
    featurizer, _, plain = trained
    finder = QuestionFinder.create({}, storage, Resource("q"), context())
    message = parse((finder, featurizer, deciding_selector(trained, storage)), text)
    assert message.get(QUESTION)  # read apart, and still not deciding
    whole = parse((featurizer, plain), text).get("response_selector")["faq"]
    assert message.get("response_selector")["faq"] == whole
