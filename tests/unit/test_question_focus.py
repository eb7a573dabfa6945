"""QuestionFinder marks the part that asks; the featurizers give it its own vector."""

from __future__ import annotations

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.long_messages import classified_part
from components.question_focus import QUESTION, QuestionFinder, featurized_texts


def finder() -> QuestionFinder:
    return QuestionFinder.create({}, None, Resource("q"), ExecutionContext(GraphSchema({}), "t"))


def test_the_part_that_asks_is_marked() -> None:
    message = Message({TEXT: "bit of swelling at the needle marks. can i wash my hair as normal?"})
    finder().process([message])
    assert message.get(QUESTION) == "can i wash my hair as normal?"
    assert featurized_texts(message) == [
        (TEXT, message.get(TEXT)),
        (QUESTION, "can i wash my hair as normal?"),
    ]


def test_a_message_that_is_all_question_or_none_gets_no_mark() -> None:
    messages = [Message({TEXT: text}) for text in ["can I drink coffee?", "my eye twitches", ""]]
    messages.append(Message({"intent": "greet"}))
    finder().process(messages)
    assert [message.get(QUESTION) for message in messages] == [None] * 4


def test_of_a_very_long_message_only_the_part_the_classifiers_read_is_searched() -> None:
    text = "is it ok to fly? " + "my eye twitches. " * 1000 + "can i wear makeup?"
    message = Message({TEXT: text})
    finder().process([message])
    assert message.get(QUESTION) == "is it ok to fly? can i wear makeup?"
    assert featurized_texts(message)[0] == (TEXT, classified_part(text))


def test_training_examples_are_left_as_they_are() -> None:
    data = TrainingData([Message({TEXT: "a bruise. can i wear makeup?", "intent": "faq"})])
    assert finder().process_training_data(data) is data
    assert data.training_examples[0].get(QUESTION) is None
